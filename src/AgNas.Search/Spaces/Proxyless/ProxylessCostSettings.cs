namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// What a network's cost depends on besides its blocks (<see cref="ProxylessCost"/>): the square image size, the image channels,
/// the classes and the stem stride. The defaults are the reference's ImageNet setting (3×224×224, 1,000 classes, stride 2).
/// </summary>
public sealed record ProxylessCostSettings
{
    /// <summary>Image height and width in pixels.</summary>
    public int Resolution { get; init; } = 224;

    /// <summary>Image channels.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Classifier outputs.</summary>
    public int Classes { get; init; } = 1000;

    /// <summary>Stride of the stem conv (1 or 2).</summary>
    public int StemStride { get; init; } = ProxylessLayers.DefaultStemStride;

    /// <summary>The settings of an exported network (its resolution is not part of it).</summary>
    public static ProxylessCostSettings Of(ProxylessNetworkConfig config, int resolution)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new() { Resolution = resolution, InputChannels = config.InputChannels, Classes = config.Classes, StemStride = config.StemStride };
    }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each invalid setting and its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Resolution < 1) problems.Add($"Resolution = {Resolution} (expected >= 1)");
        if (InputChannels < 1) problems.Add($"InputChannels = {InputChannels} (expected >= 1)");
        if (Classes < 1) problems.Add($"Classes = {Classes} (expected >= 1)");
        if (StemStride is not (1 or 2)) problems.Add($"StemStride = {StemStride} (expected 1 or 2)");
        if (problems.Count > 0)
            throw new ArgumentException($"ProxylessCostSettings: {string.Join("; ", problems)}.");
    }
}

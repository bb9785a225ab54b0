namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// Every setting of a <see cref="ProxylessNetwork"/>, with its default: the AGNAS ImageNet retrain (agnas-facts §4.4):
/// 3-channel images, 1,000 classes, stem stride 2, dropout 0.2 before the classifier.
/// </summary>
/// <param name="Arch">The block of every searchable layer (skip layers are left out of the network).</param>
public sealed record ProxylessNetworkConfig(ProxylessArch Arch)
{
    /// <summary>Image channels: 1 (MNIST-like) or 3.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Classifier outputs.</summary>
    public int Classes { get; init; } = 1000;

    /// <summary>Stride of the stem conv: 2 as the reference, 1 for small images (see <see cref="ProxylessSupernetConfig.StemStride"/>).</summary>
    public int StemStride { get; init; } = ProxylessLayers.DefaultStemStride;

    /// <summary>Probability of dropping each classifier input in training (the reference's 0.2); 0 for none.</summary>
    public double Dropout { get; init; } = ProxylessLayers.DefaultDropout;

    /// <summary>Seed of the initial weights and of the dropout masks.</summary>
    public ulong Seed { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each invalid setting and its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Arch is null) problems.Add("Arch is null");
        if (InputChannels < 1) problems.Add($"InputChannels = {InputChannels} (expected >= 1)");
        if (Classes < 1) problems.Add($"Classes = {Classes} (expected >= 1)");
        if (StemStride is not (1 or 2)) problems.Add($"StemStride = {StemStride} (expected 1 or 2)");
        if (!(Dropout >= 0 && Dropout < 1)) problems.Add($"Dropout = {Dropout} (expected a value in [0, 1))");
        if (problems.Count > 0)
            throw new ArgumentException($"ProxylessNetworkConfig: {string.Join("; ", problems)}.");
    }
}

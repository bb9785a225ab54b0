namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// Every setting of an <see cref="Nb201Network"/>, with its default (the benchmark's: C = 16, N = 5,
/// CIFAR-10's 3 input channels and 10 classes; CIFAR-100 has 100 classes, ImageNet16-120 has 120).
/// </summary>
/// <param name="Arch">The cell used in every position.</param>
public sealed record Nb201NetworkConfig(Nb201Arch Arch)
{
    /// <summary>Image channels: 1 (MNIST-like) or 3 (CIFAR).</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Classifier outputs.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>C, the first stage's width (NB201: 16).</summary>
    public int Channels { get; init; } = 16;

    /// <summary>N, cells per stage (NB201: 5).</summary>
    public int CellsPerStage { get; init; } = 5;

    /// <summary>Seed of the initial weights.</summary>
    public ulong Seed { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each invalid setting and its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (InputChannels < 1) problems.Add($"InputChannels = {InputChannels} (expected >= 1)");
        if (Classes < 1) problems.Add($"Classes = {Classes} (expected >= 1)");
        if (Channels < 1) problems.Add($"Channels = {Channels} (expected >= 1)");
        if (CellsPerStage < 1) problems.Add($"CellsPerStage = {CellsPerStage} (expected >= 1)");
        if (problems.Count > 0)
            throw new ArgumentException($"Nb201NetworkConfig: {string.Join("; ", problems)}.");
    }
}

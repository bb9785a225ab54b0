namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// Every setting of a <see cref="DartsNetwork"/>, with its default: DARTS / AGNAS retraining on CIFAR-10
/// (agnas-facts §3.4): C = 36, 20 cells, 3-channel 32×32 images, 10 classes, auxiliary head weighted 0.4,
/// drop-path up to 0.2 (the probability itself is set per epoch, <see cref="DartsNetwork.DropPathProbability"/>).
/// </summary>
/// <param name="Architecture">The cell genotypes (one genotype, or a five-cell architecture).</param>
public sealed record DartsNetworkConfig(DartsArchitecture Architecture)
{
    /// <summary>The stem's output is StemMultiplier·C channels (DARTS: 3).</summary>
    public const int StemMultiplier = 3;

    /// <summary>Image channels: 1 (MNIST-like) or 3 (CIFAR).</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Image height (the auxiliary head's size follows from it).</summary>
    public int ImageHeight { get; init; } = 32;

    /// <summary>Image width.</summary>
    public int ImageWidth { get; init; } = 32;

    /// <summary>Classifier outputs.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>C, the first stage's cell width (DARTS / AGNAS: 36).</summary>
    public int Channels { get; init; } = 36;

    /// <summary>Cells L (DARTS / AGNAS: 20); cells L/3 and 2L/3 reduce (<see cref="DartsStages"/>).</summary>
    public int Layers { get; init; } = 20;

    /// <summary>Weight of the auxiliary head's cross-entropy in the training loss (DARTS: 0.4); 0 builds no head.</summary>
    public double AuxiliaryWeight { get; init; } = 0.4;

    /// <summary>Seed of the initial weights and of the drop-path masks.</summary>
    public ulong Seed { get; init; }

    /// <summary>Whether the network has an auxiliary head.</summary>
    public bool Auxiliary => AuxiliaryWeight > 0;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each invalid setting and its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Architecture is null) problems.Add("Architecture is null");
        if (InputChannels < 1) problems.Add($"InputChannels = {InputChannels} (expected >= 1)");
        if (ImageHeight < 1 || ImageWidth < 1) problems.Add($"image size {ImageHeight}x{ImageWidth} (expected >= 1x1)");
        if (Classes < 1) problems.Add($"Classes = {Classes} (expected >= 1)");
        if (Channels < 1) problems.Add($"Channels = {Channels} (expected >= 1)");
        if (Layers < DartsStages.MinLayers) problems.Add($"Layers = {Layers} (expected >= {DartsStages.MinLayers}: two reduction cells after a normal one)");
        if (!(AuxiliaryWeight >= 0 && double.IsFinite(AuxiliaryWeight))) problems.Add($"AuxiliaryWeight = {AuxiliaryWeight} (expected a finite value >= 0)");
        if (problems.Count > 0)
            throw new ArgumentException($"DartsNetworkConfig: {string.Join("; ", problems)}.");
    }
}

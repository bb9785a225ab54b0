namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// Every setting of a <see cref="ProxylessSupernet"/>, with its default (the AGNAS ImageNet search, agnas-facts §1.3, §4.2:
/// 3-channel images, 1,000 classes, r = 16, stem stride 2); the supernet keeps it. The supernet is built for AGNAS only
/// (attention on every layer): the first-order DARTS baseline is not offered in this space.
/// </summary>
public sealed record ProxylessSupernetConfig
{
    /// <summary>Image channels: 1 (MNIST-like) or 3.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Classifier outputs (1,000 for ImageNet).</summary>
    public int Classes { get; init; } = 1000;

    /// <summary>r of every layer's attention module: hidden width ⌊K·C_out / r⌋ (the reference's 16).</summary>
    public int Reduction { get; init; } = ProxylessLayers.DefaultReduction;

    /// <summary>
    /// Stride of the stem conv: 2 as the reference (224 → 112), or 1 for small images (28–64 px), the usual habit of
    /// ProxylessNAS on CIFAR, so that the four stride-2 layers leave a few pixels for the head.
    /// </summary>
    public int StemStride { get; init; } = ProxylessLayers.DefaultStemStride;

    /// <summary>
    /// A size budget for the derivation (<see cref="ProxylessBudgetedDerivation"/>): the layers' blocks of highest total importance whose
    /// exported network fits it; null = the plain per-layer argmax.
    /// </summary>
    public ProxylessBudget? Budget { get; init; }

    /// <summary>The image side (H = W, pixels) at which <see cref="Budget"/>'s multiply-adds are counted: the searched images'.</summary>
    public int BudgetResolution { get; init; } = 224;

    /// <summary>The cost settings of the network this supernet's derivation exports (its images, classes and stem stride).</summary>
    public ProxylessCostSettings CostSettings() => new()
    {
        Resolution = BudgetResolution, InputChannels = InputChannels, Classes = Classes, StemStride = StemStride,
    };

    /// <summary>Seed of the initial weights.</summary>
    public ulong Seed { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each invalid setting and its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (InputChannels < 1) problems.Add($"InputChannels = {InputChannels} (expected >= 1)");
        if (Classes < 1) problems.Add($"Classes = {Classes} (expected >= 1)");
        if (Reduction < 1) problems.Add($"Reduction = {Reduction} (expected >= 1)");
        if (StemStride is not (1 or 2)) problems.Add($"StemStride = {StemStride} (expected 1 or 2)");
        if (BudgetResolution < 1) problems.Add($"BudgetResolution = {BudgetResolution} (expected >= 1)");
        if (Budget is not null && problems.Count == 0 && ProxylessBudgetedDerivation.Problem(Budget, CostSettings()) is { } budget) problems.Add(budget);
        if (problems.Count > 0)
            throw new ArgumentException($"ProxylessSupernetConfig: {string.Join("; ", problems)}.");
    }
}

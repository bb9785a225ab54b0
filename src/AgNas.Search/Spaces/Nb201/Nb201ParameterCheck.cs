namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// A network's parameter count against NAS-Bench-201's published one for the same cell and class
/// count. The benchmark's networks take 3-channel images; with another number of input channels
/// only the stem convolution (3×3, C_in → C, no bias) differs, by (C_in − 3)·9·C parameters
/// (−288 for 1-channel images at C = 16), so the count expected here is the published one plus that
/// difference.
/// </summary>
/// <param name="Dataset">The benchmark dataset whose network has this class count.</param>
/// <param name="InputChannels">C_in of the network checked.</param>
/// <param name="Channels">C, its first stage's width (the benchmark's 16).</param>
/// <param name="Published">The benchmark's count (its params_M × 10⁶) for 3-channel input.</param>
/// <param name="Actual">The network's <see cref="AgNas.Autograd.Modules.Module.ParameterCount"/>.</param>
public sealed record Nb201ParameterCheck(Nb201Dataset Dataset, int InputChannels, int Channels, long Published, long Actual)
{
    /// <summary>Input channels of the benchmark's networks.</summary>
    public const int BenchmarkInputChannels = 3;

    /// <summary>(C_in − 3)·3·3·C: the parameters the stem convolution has more (or fewer) than the benchmark's.</summary>
    public long StemDifference => (long)(InputChannels - BenchmarkInputChannels) * 3 * 3 * Channels;

    /// <summary>The count a faithful network has: <see cref="Published"/> + <see cref="StemDifference"/>.</summary>
    public long Expected => Published + StemDifference;

    /// <summary>Whether <see cref="Actual"/> equals <see cref="Expected"/>.</summary>
    public bool Matches => Actual == Expected;

    /// <summary>The benchmark dataset with <paramref name="classes"/> classes (10 CIFAR-10, 100 CIFAR-100, 120 ImageNet16-120), or null.</summary>
    public static Nb201Dataset? DatasetWithClasses(int classes) => classes switch
    {
        10 => Nb201Dataset.Cifar10,
        100 => Nb201Dataset.Cifar100,
        120 => Nb201Dataset.ImageNet16,
        _ => null,
    };

    /// <summary>The check of <paramref name="network"/>, or null when no benchmark dataset has its class count (or its C and N are not the benchmark's 16 and 5).</summary>
    public static Nb201ParameterCheck? For(Nb201Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var c = network.Config;
        var benchmark = new Nb201NetworkConfig(c.Arch);
        if (c.Channels != benchmark.Channels || c.CellsPerStage != benchmark.CellsPerStage) return null;
        if (DatasetWithClasses(c.Classes) is not { } dataset) return null;
        long published = (long)Math.Round(Nb201Benchmark.Load().Lookup(c.Arch).For(dataset).ParamsM * 1e6);
        return new Nb201ParameterCheck(dataset, c.InputChannels, c.Channels, published, network.ParameterCount());
    }
}

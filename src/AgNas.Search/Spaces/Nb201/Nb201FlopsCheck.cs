using AgNas.Tensors;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// A cell's multiply-adds (conv and linear layers only, <see cref="Analysis.MultiplyAdds"/>) against the FLOPs
/// column of the NAS-Bench-201 table for the same dataset. The table's FLOPs are AutoDL's count
/// (<c>xautodl/utils/flop_benchmark.py</c>, through <c>get_model_infos</c>, in millions with six decimals, so exact):
/// one per multiply-add of Conv2d and Linear layers plus one per bias addition. The benchmark network's convs
/// have no bias (ReLUConvBN has a bias only without affine BN, and the stem and shortcut convs have none), so
/// the only bias additions are the classifier's, one per class, and the table's FLOPs equal
/// multiply-adds + classes (e.g. 113,951,370 = 113,951,360 + 10 for cell 1 on CIFAR-10). Pools, batch norm,
/// activations and additions count nothing in either.
/// </summary>
/// <param name="Dataset">The benchmark dataset of the class count and input size.</param>
/// <param name="Published">The table's FLOPs × 10⁶ for the cell on that dataset.</param>
/// <param name="MultiplyAdds">The multiply-adds counted for one image.</param>
/// <param name="ClassifierBiasAdditions">The classifier's bias additions (= classes), which AutoDL adds to the multiply-adds.</param>
public sealed record Nb201FlopsCheck(Nb201Dataset Dataset, long Published, long MultiplyAdds, int ClassifierBiasAdditions)
{
    /// <summary>The table's count for these multiply-adds: <see cref="MultiplyAdds"/> + <see cref="ClassifierBiasAdditions"/>.</summary>
    public long Expected => MultiplyAdds + ClassifierBiasAdditions;

    /// <summary>Whether <see cref="Expected"/> equals <see cref="Published"/>.</summary>
    public bool Matches => Expected == Published;

    /// <summary>The benchmark's input of <paramref name="dataset"/> (C, H, W): 3×32×32 for CIFAR, 3×16×16 for ImageNet16-120.</summary>
    public static Shape BenchmarkInput(Nb201Dataset dataset) =>
        dataset == Nb201Dataset.ImageNet16 ? new Shape(3, 16, 16) : new Shape(3, 32, 32);

    /// <summary>
    /// The check of <paramref name="multiplyAdds"/>, counted for <paramref name="arch"/>'s benchmark network (C = 16, N = 5)
    /// on <paramref name="input"/> with <paramref name="classes"/> classes; null when no benchmark dataset has that class
    /// count and input.
    /// </summary>
    public static Nb201FlopsCheck? For(Nb201Arch arch, Shape input, int classes, long multiplyAdds)
    {
        if (Nb201ParameterCheck.DatasetWithClasses(classes) is not { } dataset || input != BenchmarkInput(dataset)) return null;
        long published = (long)Math.Round(Nb201Benchmark.Load().Lookup(arch).For(dataset).FlopsM * 1e6);
        return new Nb201FlopsCheck(dataset, published, multiplyAdds, classes);
    }
}

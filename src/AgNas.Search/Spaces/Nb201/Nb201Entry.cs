namespace AgNas.Search.Spaces.Nb201;

/// <summary>The three NAS-Bench-201 datasets.</summary>
public enum Nb201Dataset
{
    /// <summary>CIFAR-10: the <c>cifar10</c> setting (trained on the 50k train set, tested on the 10k test set).</summary>
    Cifar10,

    /// <summary>CIFAR-100: trained on the 50k train set, tested on <c>x-test</c> (5k, half of the test set).</summary>
    Cifar100,

    /// <summary>ImageNet16-120 (16×16 input, 120 classes): tested on <c>x-test</c> (3k).</summary>
    ImageNet16,
}

/// <summary>One cell's benchmark numbers for one dataset.</summary>
/// <param name="TestAccuracy">Test accuracy (%) after the 200-epoch schedule, mean over the benchmark's seeds.</param>
/// <param name="TestRank">
/// Rank of <paramref name="TestAccuracy"/> among all 15,625 cells: 1 = best. Ties share the better rank
/// (competition ranking, "1, 1, 3"); accuracies within <see cref="Nb201Benchmark.RankTieTolerance"/> are ties.
/// </param>
/// <param name="ParamsM">Parameters of this dataset's network (C=16, N=5), in millions, as the benchmark API counts them.</param>
/// <param name="FlopsM">FLOPs of this dataset's network in millions (multiply-accumulates counted once), as the API counts them.</param>
/// <param name="Valid12Epoch">
/// Validation accuracy (%) of the separate 12-epoch schedule (<c>hp=12</c>). NOT a 200-epoch validation number.
/// For CIFAR-10 it is the <c>cifar10-valid</c> setting (trained on 25k, validated on the other 25k).
/// </param>
/// <param name="Test12Epoch">Test accuracy (%) of the separate 12-epoch schedule (<c>hp=12</c>).</param>
public sealed record Nb201DatasetResult(
    double TestAccuracy,
    int TestRank,
    double ParamsM,
    double FlopsM,
    double Valid12Epoch,
    double Test12Epoch);

/// <summary>One row of the NAS-Bench-201 table.</summary>
/// <param name="Index">The official benchmark index (0..15,624).</param>
/// <param name="Arch">The cell; its <see cref="Nb201Arch.ToString"/> is the table's canonical string.</param>
/// <param name="Cifar10">Numbers for CIFAR-10.</param>
/// <param name="Cifar100">Numbers for CIFAR-100.</param>
/// <param name="ImageNet16">Numbers for ImageNet16-120.</param>
public sealed record Nb201Entry(
    int Index,
    Nb201Arch Arch,
    Nb201DatasetResult Cifar10,
    Nb201DatasetResult Cifar100,
    Nb201DatasetResult ImageNet16)
{
    /// <summary>The numbers for <paramref name="dataset"/>.</summary>
    public Nb201DatasetResult For(Nb201Dataset dataset) => dataset switch
    {
        Nb201Dataset.Cifar10 => Cifar10,
        Nb201Dataset.Cifar100 => Cifar100,
        Nb201Dataset.ImageNet16 => ImageNet16,
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, "Unknown NB201 dataset."),
    };

    /// <summary>200-epoch test accuracy (%) on CIFAR-10.</summary>
    public double Cifar10Test => Cifar10.TestAccuracy;

    /// <summary>200-epoch test accuracy (%) on CIFAR-100.</summary>
    public double Cifar100Test => Cifar100.TestAccuracy;

    /// <summary>200-epoch test accuracy (%) on ImageNet16-120.</summary>
    public double ImageNet16Test => ImageNet16.TestAccuracy;

    /// <summary>Parameters (M) of the CIFAR-10 network; see <see cref="For"/> for the other datasets.</summary>
    public double ParamsM => Cifar10.ParamsM;

    /// <summary>FLOPs (M) of the CIFAR-10 network; see <see cref="For"/> for the other datasets.</summary>
    public double FlopsM => Cifar10.FlopsM;
}

using static AgNas.Search.Spaces.Darts.DartsOp;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The published DARTS-space architectures, as constants (each is built and checked by a test against its
/// published text and parameter count).
/// </summary>
public static class DartsGenotypes
{
    /// <summary>The name <c>agnas train --genotype</c> accepts for <see cref="DartsV2"/>.</summary>
    public const string DartsV2Name = "DARTS_V2";

    /// <summary>The name <c>agnas train --genotype</c> accepts for <see cref="Agnas"/>.</summary>
    public const string AgnasName = "AGNAS";

    /// <summary>
    /// DARTS (second order), Liu et al., ICLR 2019: <c>genotypes.py</c> DARTS_V2, also in AGNAS's <c>DS/genotypes.py</c>.
    /// 3,349,342 parameters at C = 36, 20 layers, 10 classes, auxiliary head excluded (DARTS' "3.3 M"; agnas-facts §2.2).
    /// </summary>
    public static DartsGenotype DartsV2 { get; } = new(
        Cell([(SepConv3x3, 0), (SepConv3x3, 1), (SepConv3x3, 0), (SepConv3x3, 1), (SepConv3x3, 1), (SkipConnect, 0), (SkipConnect, 0), (DilConv3x3, 2)]),
        Cell([(MaxPool3x3, 0), (MaxPool3x3, 1), (SkipConnect, 2), (MaxPool3x3, 1), (MaxPool3x3, 0), (SkipConnect, 2), (SkipConnect, 2), (MaxPool3x3, 1)]));

    /// <summary>
    /// The AGNAS CIFAR-10 architecture (Sun et al., ICML 2022; <c>DS/genotypes.py:85-90</c>, agnas-facts §2.2): the searched
    /// Cell_0, Cell_2, Cell_3, Cell_5, Cell_6. 3,611,998 parameters at C = 36, 20 layers, 10 classes, auxiliary head excluded (the paper's 3.6 M, agnas-facts' 3.612 M).
    /// </summary>
    public static DartsFiveCellGenotype Agnas { get; } = new(
        Cell([(SepConv3x3, 0), (DilConv3x3, 1), (DilConv5x5, 0), (SkipConnect, 1), (SepConv3x3, 0), (SepConv5x5, 3), (DilConv5x5, 0), (SepConv3x3, 3)]),
        Cell([(MaxPool3x3, 0), (SepConv5x5, 1), (SkipConnect, 0), (SepConv5x5, 1), (MaxPool3x3, 0), (SkipConnect, 1), (SepConv5x5, 0), (SepConv3x3, 1)]),
        Cell([(SkipConnect, 0), (SepConv3x3, 1), (DilConv5x5, 0), (SepConv3x3, 1), (DilConv3x3, 0), (SepConv5x5, 1), (SepConv3x3, 1), (DilConv5x5, 4)]),
        Cell([(SkipConnect, 1), (SkipConnect, 0), (DilConv3x3, 1), (DilConv3x3, 0), (AvgPool3x3, 0), (MaxPool3x3, 1), (AvgPool3x3, 0), (MaxPool3x3, 1)]),
        Cell([(SkipConnect, 0), (DilConv5x5, 1), (SepConv3x3, 0), (SepConv3x3, 1), (SepConv5x5, 0), (MaxPool3x3, 2), (SepConv5x5, 0), (SepConv3x3, 1)]));

    /// <summary>The published architecture called <paramref name="name"/> (<see cref="DartsV2Name"/>, <see cref="AgnasName"/>; case-insensitive), or null.</summary>
    public static DartsArchitecture? Named(string name) =>
        string.Equals(name, DartsV2Name, StringComparison.OrdinalIgnoreCase) ? DartsArchitecture.Of(DartsV2)
        : string.Equals(name, AgnasName, StringComparison.OrdinalIgnoreCase) ? DartsArchitecture.Of(Agnas)
        : null;

    /// <summary>The names <see cref="Named"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [DartsV2Name, AgnasName];

    /// <summary>A cell of four intermediate nodes whose output concatenates all four (states 2..5, DARTS' <c>range(2, 6)</c>).</summary>
    private static DartsCellGenotype Cell((DartsOp Op, int Input)[] genes) =>
        new(genes.Select(g => new DartsGene(g.Op, g.Input)), [2, 3, 4, 5]);
}

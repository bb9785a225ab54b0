using System.Collections.Immutable;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The eight DARTS candidate operations in AGNAS's order (agnas-facts §3.1, <c>DS/genotypes.py</c>
/// PRIMITIVES). The numeric value of each member is its index in that order, which is the attention
/// channel-group order of a mixed edge and the tie-break order of derivation (the lower index wins a
/// tie). It differs from DARTS' own order ([none, max, avg, skip, sep3, sep5, dil3, dil5]).
/// </summary>
public enum DartsOp
{
    /// <summary><c>sep_conv_3x3</c>: two ReLU → depthwise 3×3 → pointwise → BN stacks.</summary>
    SepConv3x3 = 0,

    /// <summary><c>sep_conv_5x5</c>: as sep_conv_3x3 with 5×5 depthwise kernels.</summary>
    SepConv5x5 = 1,

    /// <summary><c>dil_conv_3x3</c>: ReLU → depthwise 3×3 dilation 2 → pointwise → BN.</summary>
    DilConv3x3 = 2,

    /// <summary><c>dil_conv_5x5</c>: ReLU → depthwise 5×5 dilation 2 → pointwise → BN.</summary>
    DilConv5x5 = 3,

    /// <summary><c>skip_connect</c>: identity at stride 1, FactorizedReduce at stride 2.</summary>
    SkipConnect = 4,

    /// <summary><c>avg_pool_3x3</c>: 3×3 average pool, pad 1, padding not counted.</summary>
    AvgPool3x3 = 5,

    /// <summary><c>max_pool_3x3</c>: 3×3 max pool, pad 1.</summary>
    MaxPool3x3 = 6,

    /// <summary><c>none</c>: zeros, spatially subsampled by the stride.</summary>
    None = 7,
}

/// <summary>
/// Community names of the DARTS ops, stated once, in AGNAS's order: <c>Names[(int)op]</c> is the name
/// of <c>op</c> (agnas-facts §3.1).
/// </summary>
public static class DartsOps
{
    /// <summary>The op names in AGNAS's order: index i is the name of <c>(DartsOp)i</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ImmutableArray.Create(
        "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5", "skip_connect", "avg_pool_3x3", "max_pool_3x3", "none");

    /// <summary>Number of candidate ops (8).</summary>
    public static int Count => Names.Count;

    /// <summary>All ops in AGNAS's order.</summary>
    public static IReadOnlyList<DartsOp> All { get; } =
        Enumerable.Range(0, Names.Count).Select(i => (DartsOp)i).ToImmutableArray();

    /// <summary>The valid names joined for error messages: "sep_conv_3x3, sep_conv_5x5, …".</summary>
    public static string ValidNamesText => string.Join(", ", Names);

    /// <summary>True when <paramref name="op"/> is one of the eight ops.</summary>
    public static bool IsDefined(DartsOp op) => (uint)op < (uint)Count;

    /// <summary>The community name of <paramref name="op"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="op"/> is not one of the eight ops.</exception>
    public static string Name(DartsOp op)
    {
        if (!IsDefined(op))
            throw new ArgumentOutOfRangeException(nameof(op), op, $"DARTS op index {(int)op} is out of range 0..{Count - 1}.");
        return Names[(int)op];
    }

    /// <summary>Looks up a community name (ordinal, case-sensitive, as the Python sources spell them).</summary>
    public static bool TryParse(string? name, out DartsOp op)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                op = (DartsOp)i;
                return true;
            }
        }
        op = default;
        return false;
    }

    /// <summary>Looks up a community name.</summary>
    /// <exception cref="FormatException">Not one of the eight; the message lists the valid ones.</exception>
    public static DartsOp Parse(string name) =>
        TryParse(name, out var op)
            ? op
            : throw new FormatException($"Unknown DARTS op '{name}'; the searched set is: {ValidNamesText}.");
}

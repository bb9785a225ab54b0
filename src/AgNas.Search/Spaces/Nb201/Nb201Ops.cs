using System.Collections.Immutable;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// The five NAS-Bench-201 candidate operations. The numeric value of each member is its index in the
/// benchmark's canonical order, which is also the attention channel-group order and the tie-break order
/// (the lower index wins a tie).
/// </summary>
public enum Nb201Op
{
    /// <summary><c>none</c>: the zero op.</summary>
    None = 0,

    /// <summary><c>skip_connect</c>: identity.</summary>
    SkipConnect = 1,

    /// <summary><c>nor_conv_1x1</c>: ReLU, 1×1 conv (stride 1, pad 0), BN.</summary>
    NorConv1x1 = 2,

    /// <summary><c>nor_conv_3x3</c>: ReLU, 3×3 conv (stride 1, pad 1), BN.</summary>
    NorConv3x3 = 3,

    /// <summary><c>avg_pool_3x3</c>: 3×3 average pool, stride 1, pad 1, padding excluded; no BN.</summary>
    AvgPool3x3 = 4,
}

/// <summary>
/// Community names of the NAS-Bench-201 ops, in canonical order (AutoDL <c>NAS_BENCH_201</c>):
/// <c>Names[(int)op]</c> is the name of <c>op</c>.
/// </summary>
public static class Nb201Ops
{
    /// <summary>The op names in canonical order: index i is the name of <c>(Nb201Op)i</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ImmutableArray.Create("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3");

    /// <summary>Number of candidate ops (5).</summary>
    public static int Count => Names.Count;

    /// <summary>All ops in canonical order.</summary>
    public static IReadOnlyList<Nb201Op> All { get; } =
        Enumerable.Range(0, Names.Count).Select(i => (Nb201Op)i).ToImmutableArray();

    /// <summary>The valid names joined for error messages: "none, skip_connect, …".</summary>
    public static string ValidNamesText => string.Join(", ", Names);

    /// <summary>The community name of <paramref name="op"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="op"/> is not one of the five ops.</exception>
    public static string Name(Nb201Op op)
    {
        if (!IsDefined(op))
            throw new ArgumentOutOfRangeException(nameof(op), op, $"NB201 op index {(int)op} is out of range 0..{Count - 1}.");
        return Names[(int)op];
    }

    /// <summary>True when <paramref name="op"/> is one of the five ops.</summary>
    public static bool IsDefined(Nb201Op op) => (uint)op < (uint)Count;

    /// <summary>Looks up a community name (ordinal, case-sensitive).</summary>
    public static bool TryParse(string? name, out Nb201Op op)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                op = (Nb201Op)i;
                return true;
            }
        }
        op = default;
        return false;
    }

    /// <summary>Looks up a community name (ordinal, case-sensitive).</summary>
    /// <exception cref="FormatException">The name is not one of the five ops; the message lists the valid ones.</exception>
    public static Nb201Op Parse(string name) =>
        TryParse(name, out var op)
            ? op
            : throw new FormatException($"Unknown NB201 op '{name}'; valid ops: {ValidNamesText}.");
}

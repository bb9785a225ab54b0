using System.Collections.Immutable;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The five cell genotypes of an AGNAS architecture, in the order of its <c>AGNAS = [Cell_0, Cell_2,
/// Cell_3, Cell_5, Cell_6]</c> list (<c>DS/genotypes.py:85-90</c>, agnas-facts §2.2): the first normal cell of
/// each of the three stages and the two reduction cells, in network order.
/// </summary>
public enum DartsCellSlot
{
    /// <summary>Every normal cell of the first stage (searched Cell_0).</summary>
    Normal1 = 0,

    /// <summary>The first reduction cell (searched Cell_2).</summary>
    Reduce1 = 1,

    /// <summary>Every normal cell of the second stage (searched Cell_3).</summary>
    Normal2 = 2,

    /// <summary>The second reduction cell (searched Cell_5).</summary>
    Reduce2 = 3,

    /// <summary>Every normal cell of the third stage (searched Cell_6).</summary>
    Normal3 = 4,
}

/// <summary>The slots' facts, stated once.</summary>
public static class DartsCellSlots
{
    /// <summary>The five slots in network order.</summary>
    public static IReadOnlyList<DartsCellSlot> All { get; } = ImmutableArray.Create(
        DartsCellSlot.Normal1, DartsCellSlot.Reduce1, DartsCellSlot.Normal2, DartsCellSlot.Reduce2, DartsCellSlot.Normal3);

    /// <summary>Normal or reduction.</summary>
    public static DartsCellKind Kind(DartsCellSlot slot) =>
        slot is DartsCellSlot.Reduce1 or DartsCellSlot.Reduce2 ? DartsCellKind.Reduce : DartsCellKind.Normal;

    /// <summary>The slot's key in the five-cell JSON file: <c>normal_1</c>, <c>reduce_1</c>, <c>normal_2</c>, <c>reduce_2</c>, <c>normal_3</c>.</summary>
    public static string Key(DartsCellSlot slot) => slot switch
    {
        DartsCellSlot.Normal1 => "normal_1",
        DartsCellSlot.Reduce1 => "reduce_1",
        DartsCellSlot.Normal2 => "normal_2",
        DartsCellSlot.Reduce2 => "reduce_2",
        DartsCellSlot.Normal3 => "normal_3",
        _ => throw new ArgumentOutOfRangeException(nameof(slot), slot, "Not one of the five DARTS cell slots."),
    };

    /// <summary>The searched supernet cell the slot takes in AGNAS (Cell_0, Cell_2, Cell_3, Cell_5, Cell_6 of the 8-cell supernet).</summary>
    public static int SearchedCell(DartsCellSlot slot) => slot switch
    {
        DartsCellSlot.Normal1 => 0,
        DartsCellSlot.Reduce1 => 2,
        DartsCellSlot.Normal2 => 3,
        DartsCellSlot.Reduce2 => 5,
        DartsCellSlot.Normal3 => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(slot), slot, "Not one of the five DARTS cell slots."),
    };
}

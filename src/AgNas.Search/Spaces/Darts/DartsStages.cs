namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The staged layout of a DARTS evaluation network of L cells, stated once (DARTS <c>NetworkCIFAR</c>,
/// AGNAS <c>DS/model.py:112-121</c>, agnas-facts §2.2 and §3.4): cells L/3 and 2L/3 (integer division) are the
/// reduction cells, where C doubles and H, W halve; the auxiliary head reads the output of cell 2L/3.
/// At L = 20: cells 0–5 Normal1, 6 Reduce1, 7–12 Normal2, 13 Reduce2 (auxiliary head), 14–19 Normal3.
/// </summary>
public static class DartsStages
{
    /// <summary>Fewest cells with two distinct reduction cells after a first normal cell (L = 3: cells 0 N, 1 R, 2 R).</summary>
    public const int MinLayers = 3;

    /// <summary>The first reduction cell: L/3.</summary>
    public static int FirstReduction(int layers) => Checked(layers) / 3;

    /// <summary>The second reduction cell: 2L/3; the auxiliary head reads its output.</summary>
    public static int SecondReduction(int layers) => 2 * Checked(layers) / 3;

    /// <summary>The cell whose output the auxiliary head reads (the second reduction cell).</summary>
    public static int AuxiliaryLayer(int layers) => SecondReduction(layers);

    /// <summary>Whether cell <paramref name="layer"/> is a reduction cell.</summary>
    public static bool IsReduction(int layer, int layers) => layer == FirstReduction(layers) || layer == SecondReduction(layers);

    /// <summary>The five-cell slot whose genotype cell <paramref name="layer"/> uses.</summary>
    /// <exception cref="ArgumentOutOfRangeException">layer is outside 0..L−1, or L &lt; <see cref="MinLayers"/>.</exception>
    public static DartsCellSlot SlotOf(int layer, int layers)
    {
        int first = FirstReduction(layers), second = SecondReduction(layers);
        if ((uint)layer >= (uint)layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"A network of {layers} cells has cells 0..{layers - 1}.");
        if (layer < first) return DartsCellSlot.Normal1;
        if (layer == first) return DartsCellSlot.Reduce1;
        if (layer < second) return DartsCellSlot.Normal2;
        if (layer == second) return DartsCellSlot.Reduce2;
        return DartsCellSlot.Normal3;
    }

    /// <summary>
    /// The first cell of an L-cell network that uses <paramref name="slot"/>'s genotype: 0, L/3, L/3 + 1, 2L/3,
    /// 2L/3 + 1. In a searched supernet these are the cells whose genotypes form the AGNAS five-cell set
    /// (at L = 8: 0, 2, 3, 5, 6, <see cref="DartsCellSlots.SearchedCell"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">L is below <see cref="MinLayers"/>, or the slot has no cell at this L
    /// (L = 3 or 4 leaves a stage without a normal cell).</exception>
    public static int FirstCellOf(DartsCellSlot slot, int layers)
    {
        int first = FirstReduction(layers), second = SecondReduction(layers);
        int cell = slot switch
        {
            DartsCellSlot.Normal1 => 0,
            DartsCellSlot.Reduce1 => first,
            DartsCellSlot.Normal2 => first + 1,
            DartsCellSlot.Reduce2 => second,
            DartsCellSlot.Normal3 => second + 1,
            _ => throw new ArgumentOutOfRangeException(nameof(slot), slot, "Not one of the five DARTS cell slots."),
        };
        if (cell >= layers || SlotOf(cell, layers) != slot)
            throw new ArgumentOutOfRangeException(nameof(layers), layers,
                $"A network of {layers} cells (reductions at {first} and {second}) has no {DartsCellSlots.Key(slot)} cell.");
        return cell;
    }

    private static int Checked(int layers) =>
        layers >= MinLayers ? layers : throw new ArgumentOutOfRangeException(nameof(layers), layers, $"A DARTS network needs at least {MinLayers} cells (two reduction cells after a normal one).");
}

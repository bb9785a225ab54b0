using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The genotypes of every cell of a searched L-cell DARTS supernet (AGNAS' Cell_0..Cell_{L−1},
/// <c>DS/genotypes.py</c>; agnas-facts §2.2) and the five-cell architecture they give: the first normal cell of
/// each stage and both reductions (<see cref="DartsStages.FirstCellOf"/>: cells 0, 2, 3, 5, 6 at L = 8). An
/// immutable value.
/// </summary>
/// <remarks>
/// Files (<see cref="Files"/>), besides the run folder's arch.txt (the five-cell list):
/// <list type="bullet">
/// <item><c>genotype.json</c>: the five-cell set as <see cref="DartsFiveCellGenotype.ToJson"/> writes it
/// (<c>agnas train --space darts --genotype genotype.json</c> reads it);</item>
/// <item><c>cells.txt</c>: the cells in AGNAS' <c>genotypes.py</c> form, one <c>Cell_i = Normal_Genotype(...)</c> /
/// <c>Reduce_Genotype(...)</c> line per cell, then <c>AGNAS = [Cell_0, Cell_2, Cell_3, Cell_5, Cell_6]</c>;</item>
/// <item><c>cells.json</c>: <c>layers</c>, <c>reduction_cells</c>, <c>five_cell_cells</c>, one object per cell
/// (<c>cell</c>, <c>kind</c>, <c>genotype</c> in the cell form above, <c>skip_connect</c>), and <c>five_cell</c>
/// (the genotype.json object).</item>
/// </list>
/// </remarks>
public sealed class DartsSearchedCells
{
    /// <summary>The file of the five-cell set in its JSON form.</summary>
    public const string GenotypeJsonFile = "genotype.json";

    /// <summary>The file of every cell in AGNAS' genotypes.py form.</summary>
    public const string CellsTextFile = "cells.txt";

    /// <summary>The file of every cell as JSON.</summary>
    public const string CellsJsonFile = "cells.json";

    private readonly ImmutableArray<DartsCellGenotype> _cells;

    /// <param name="cells">One genotype per cell, in network order.</param>
    /// <param name="layers">L (= the number of cells).</param>
    /// <exception cref="ArgumentException">The count is not L, or L is below <see cref="DartsSupernetConfig.MinLayers"/>.</exception>
    public DartsSearchedCells(IEnumerable<DartsCellGenotype> cells, int layers)
    {
        ArgumentNullException.ThrowIfNull(cells);
        _cells = cells.ToImmutableArray();
        if (layers < DartsSupernetConfig.MinLayers)
            throw new ArgumentException($"DartsSearchedCells: {layers} cells; the five-cell set needs at least {DartsSupernetConfig.MinLayers}.", nameof(layers));
        if (_cells.Length != layers)
            throw new ArgumentException($"DartsSearchedCells: {_cells.Length} genotypes for {layers} cells.", nameof(cells));
        Layers = layers;
        FiveCell = new DartsFiveCellGenotype(
            SlotCell(DartsCellSlot.Normal1), SlotCell(DartsCellSlot.Reduce1), SlotCell(DartsCellSlot.Normal2),
            SlotCell(DartsCellSlot.Reduce2), SlotCell(DartsCellSlot.Normal3));
    }

    /// <summary>L.</summary>
    public int Layers { get; }

    /// <summary>The genotype of every cell, in network order.</summary>
    public IReadOnlyList<DartsCellGenotype> Cells => _cells;

    /// <summary>The five-cell architecture: the genotypes of cells <see cref="DartsStages.FirstCellOf"/> each slot.</summary>
    public DartsFiveCellGenotype FiveCell { get; }

    /// <summary>
    /// skip_connect genes in the three normal cells of <see cref="FiveCell"/> (0..24): the cells that make up 18 of the 20
    /// cells of the evaluation network, where DARTS' collapse to skip-connections shows (AGNAS Appendix B). The
    /// reductions' skips are not counted: at stride 2 a skip_connect is a FactorizedReduce, a learned op.
    /// </summary>
    public int SkipConnectCount =>
        DartsCellSlots.All.Where(s => DartsCellSlots.Kind(s) == DartsCellKind.Normal).Sum(s => FiveCell[s].CountOf(DartsOp.SkipConnect));

    /// <summary>Normal or reduction (cells L/3 and 2L/3 reduce).</summary>
    public DartsCellKind KindOf(int cell) => DartsStages.IsReduction(cell, Layers) ? DartsCellKind.Reduce : DartsCellKind.Normal;

    /// <summary>"cell 2 (reduce)".</summary>
    public string CellLabel(int cell) => $"cell {cell} ({(KindOf(cell) == DartsCellKind.Normal ? "normal" : "reduce")})";

    /// <summary>Cell <paramref name="cell"/> in AGNAS' one-cell form: <c>Normal_Genotype(normal=[...], normal_concat=range(2, 6))</c>.</summary>
    public string CellText(int cell) => _cells[cell].ToText(KindOf(cell));

    /// <summary>The cells in AGNAS' genotypes.py form (see the remarks), ending with a newline.</summary>
    public string ToGenotypesText()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (int c = 0; c < Layers; c++) sb.Append(inv, $"Cell_{c} = {CellText(c)}\n");
        sb.Append("AGNAS = [")
            .AppendJoin(", ", DartsCellSlots.All.Select(s => "Cell_" + DartsStages.FirstCellOf(s, Layers).ToString(inv)))
            .Append("]\n");
        return sb.ToString();
    }

    /// <summary>The cells.json text (see the remarks), indented.</summary>
    public string ToJson()
    {
        var cells = new JsonArray();
        for (int c = 0; c < Layers; c++)
        {
            cells.Add(new JsonObject
            {
                ["cell"] = c,
                ["kind"] = KindOf(c) == DartsCellKind.Normal ? "normal" : "reduce",
                ["genotype"] = CellText(c),
                ["skip_connect"] = _cells[c].CountOf(DartsOp.SkipConnect),
            });
        }
        var root = new JsonObject
        {
            ["layers"] = Layers,
            ["reduction_cells"] = new JsonArray(DartsStages.FirstReduction(Layers), DartsStages.SecondReduction(Layers)),
            ["five_cell_cells"] = new JsonArray(DartsCellSlots.All.Select(s => (JsonNode)DartsStages.FirstCellOf(s, Layers)).ToArray()),
            ["cells"] = cells,
            ["five_cell"] = JsonNode.Parse(FiveCell.ToJson()),
        };
        return root.ToJsonString(JsonOptions) + "\n";
    }

    /// <summary>The genotype files a run folder holds besides arch.txt, by file name (see the remarks).</summary>
    public IReadOnlyDictionary<string, string> Files() => new Dictionary<string, string>
    {
        [GenotypeJsonFile] = FiveCell.ToJson() + "\n",
        [CellsTextFile] = ToGenotypesText(),
        [CellsJsonFile] = ToJson(),
    };

    private DartsCellGenotype SlotCell(DartsCellSlot slot) => _cells[DartsStages.FirstCellOf(slot, Layers)];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

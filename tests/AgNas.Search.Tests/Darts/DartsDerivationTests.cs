using System.Text.Json;
using AgNas.Search.Spaces.Darts;
using static AgNas.Search.Spaces.Darts.DartsOp;

namespace AgNas.Search.Tests.Darts;

public class DartsDerivationTests
{
    private const int Edges = 14, Ops = 8;

    /// <summary>[edge][op], every value <paramref name="fill"/>.</summary>
    private static double[][] Cell(double fill = 0) =>
        Enumerable.Range(0, Edges).Select(_ => Enumerable.Repeat(fill, Ops).ToArray()).ToArray();

    /// <summary>Index of the edge into state <paramref name="to"/> from state <paramref name="from"/>.</summary>
    private static int Edge(int to, int from) => DartsTopology.Edges.Single(e => e.To == to && e.From == from).Index;

    /// <summary>
    /// Importances under which the rule must give AGNAS' searched Cell_0 (agnas-facts §2.2:
    /// sep3(0) dil3(1) | dil5(0) skip(1) | sep3(0) sep5(3) | dil5(0) sep3(3)): on each node's two kept edges the
    /// wanted op gets the gene's score; every other value on the cell is lower — except <c>none</c>, larger than all.
    /// </summary>
    private static double[][] Cell0Importance()
    {
        var a = Cell(1);
        foreach (var row in a) row[(int)None] = 1000; // the largest everywhere, and never chosen
        void Gene(int to, int from, DartsOp op, double score) => a[Edge(to, from)][(int)op] = score;
        Gene(2, 0, SepConv3x3, 50); Gene(2, 1, DilConv3x3, 40);
        Gene(3, 0, DilConv5x5, 50); Gene(3, 1, SkipConnect, 40);
        Gene(4, 0, SepConv3x3, 50); Gene(4, 3, SepConv5x5, 40);
        Gene(5, 0, DilConv5x5, 50); Gene(5, 3, SepConv3x3, 40);
        a[Edge(4, 2)][(int)MaxPool3x3] = 39; // third best at node 2: dropped
        return a;
    }

    [Fact]
    public void HandSetImportancesGiveTheHandWrittenGenotype()
    {
        var decision = DartsDerivation.DeriveCell(Cell0Importance());
        Assert.Equal(DartsGenotypes.Agnas.Normal1, decision.Genotype);
        Assert.Equal(8, decision.ChosenOps.Count(op => op is not null));
        Assert.Null(decision.ChosenOps[Edge(4, 2)]);
        Assert.Equal(DilConv3x3, decision.ChosenOps[Edge(2, 1)]);
        Assert.Equal(39, decision.EdgeScores[Edge(4, 2)]);
    }

    [Fact]
    public void NoneLargestEverywhereIsNeverChosenAndEveryNodeReadsTwoDistinctStates()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            var a = Cell();
            foreach (var row in a)
            {
                for (int k = 0; k < Ops; k++) row[k] = rng.NextDouble();
                row[(int)None] = 10 + rng.NextDouble();
            }
            var g = DartsDerivation.DeriveCell(a).Genotype;
            Assert.Equal(8, g.Genes.Count);
            Assert.Equal(0, g.CountOf(None));
            for (int node = 0; node < 4; node++)
            {
                var inputs = new[] { g.Genes[2 * node].Input, g.Genes[2 * node + 1].Input };
                Assert.NotEqual(inputs[0], inputs[1]);
                Assert.All(inputs, i => Assert.InRange(i, 0, node + 1));
                // The higher-scoring edge comes first.
                double Score(int input) => a[Edge(node + 2, input)].Take(7).Max();
                Assert.True(Score(inputs[0]) >= Score(inputs[1]));
            }
            Assert.Equal([2, 3, 4, 5], g.Concat);
        }
    }

    [Fact]
    public void TiesGoToTheLowerInputStateAndTheLowerOpIndex()
    {
        // Everything equal: each node keeps its edges from states 0 and 1, op sep_conv_3x3 (index 0).
        var flat = DartsDerivation.DeriveCell(Cell(0.5)).Genotype;
        Assert.Equal(Enumerable.Range(0, 4).SelectMany(_ => new[] { new DartsGene(SepConv3x3, 0), new DartsGene(SepConv3x3, 1) }), flat.Genes);

        // Node 3 (state 5): states 4 and 2 tie above the rest; state 2 is listed first. On the edge from 4,
        // avg_pool ties max_pool: the lower index (avg_pool) wins.
        var a = Cell(0.1);
        a[Edge(5, 4)][(int)MaxPool3x3] = 0.9;
        a[Edge(5, 4)][(int)AvgPool3x3] = 0.9;
        a[Edge(5, 2)][(int)DilConv5x5] = 0.9;
        a[Edge(5, 3)][(int)SepConv5x5] = 0.8;
        var g = DartsDerivation.DeriveCell(a).Genotype;
        Assert.Equal(new[] { new DartsGene(DilConv5x5, 2), new DartsGene(AvgPool3x3, 4) }, g.Genes.Skip(6));

        // A higher score on the edge from state 1 lists it before the one from state 0.
        var b = Cell(0.1);
        b[Edge(2, 1)][(int)SkipConnect] = 0.7;
        b[Edge(2, 0)][(int)DilConv3x3] = 0.6;
        Assert.Equal(new[] { new DartsGene(SkipConnect, 1), new DartsGene(DilConv3x3, 0) }, DartsDerivation.DeriveCell(b).Genotype.Genes.Take(2));
    }

    /// <summary>8 cells whose genotypes differ: cell c is Cell0Importance with sep_conv_3x3 on its first edge replaced by op c % 7.</summary>
    private static List<double[]> EightCells()
    {
        var all = new List<double[]>();
        for (int c = 0; c < 8; c++)
        {
            var a = Cell0Importance();
            a[Edge(2, 0)][(int)SepConv3x3] = 1;
            a[Edge(2, 0)][c % 7] = 50;
            all.AddRange(a);
        }
        return all;
    }

    [Fact]
    public void EveryCellGetsItsOwnGenotypeAndTheFiveCellSetTakesCells02356()
    {
        var cells = DartsDerivation.DeriveCells(EightCells(), 8, out var decisions);
        Assert.Equal(8, cells.Cells.Count);
        Assert.Equal(8, decisions.Count);
        for (int c = 0; c < 8; c++) Assert.Equal((DartsOp)(c % 7), cells.Cells[c].Genes[0].Op);
        Assert.Equal(8, cells.Cells.Distinct().Count() + 1); // cells 0 and 7 both get op 0
        foreach (var slot in DartsCellSlots.All)
        {
            Assert.Equal(DartsCellSlots.SearchedCell(slot), DartsStages.FirstCellOf(slot, 8));
            Assert.Equal(cells.Cells[DartsCellSlots.SearchedCell(slot)], cells.FiveCell[slot]);
        }
        Assert.Equal([DartsCellKind.Normal, DartsCellKind.Normal, DartsCellKind.Reduce, DartsCellKind.Normal, DartsCellKind.Normal, DartsCellKind.Reduce,
            DartsCellKind.Normal, DartsCellKind.Normal], Enumerable.Range(0, 8).Select(cells.KindOf));

        // Skip count: skip_connect genes in the three normal cells of the five-cell set (0, 3, 6; one each, node 1's),
        // not in cell 4 (two: its first gene is op 4 = skip_connect) nor in the reductions.
        Assert.Equal(3, cells.SkipConnectCount);
        Assert.Equal(2, cells.Cells[4].CountOf(SkipConnect));
        Assert.Equal(SkipConnect, cells.Cells[4].Genes[0].Op);
    }

    [Fact]
    public void TheDerivedArchitectureIsTheFiveCellSetAndEveryFileParsesBack()
    {
        var arch = DartsDerivation.Derive(EightCells(), 8);
        var cells = DartsDerivation.DeriveCells(EightCells(), 8, out _);

        // Text: the five-cell list, as agnas train --space darts --genotype reads it.
        var parsed = DartsArchitecture.Parse(arch.Text);
        Assert.Equal(cells.FiveCell, parsed.FiveCell);
        Assert.Equal(cells.SkipConnectCount, arch.SkipConnectCount);
        Assert.Equal(DartsOps.Names, arch.CandidateNames);

        // Edges: 112 in module order, grouped by cell; 8 kept per cell, the others dropped.
        Assert.Equal(112, arch.Edges.Count);
        Assert.Equal("cell 2 2<-1", arch.Edges[2 * 14 + 1].Edge);
        Assert.Equal("cell 2 (reduce)", arch.Edges[2 * 14 + 1].Group);
        for (int c = 0; c < 8; c++)
        {
            var rows = arch.Edges.Skip(14 * c).Take(14).ToList();
            Assert.Equal(8, rows.Count(r => r.Chosen != EdgeImportance.Dropped));
            Assert.DoesNotContain(rows, r => r.Chosen == (int)None);
        }
        Assert.Equal(EdgeImportance.Dropped, arch.Edges[Edge(4, 2)].Chosen);
        Assert.Equal(EightCells()[14 + 3], arch.Edges[14 + 3].Importance);

        // Cells: every cell's genotype in AGNAS' one-cell form.
        Assert.Equal(8, arch.Cells!.Count);
        for (int c = 0; c < 8; c++)
        {
            Assert.Equal(cells.Cells[c], DartsCellGenotype.Parse(arch.Cells[c].Genotype, cells.KindOf(c)));
            Assert.Equal(cells.Cells[c].CountOf(SkipConnect), arch.Cells[c].SkipConnectCount);
        }

        // Files: genotype.json (five-cell JSON), cells.txt (genotypes.py form), cells.json.
        var files = arch.Files!;
        Assert.Equal(["cells.json", "cells.txt", "genotype.json"], files.Keys.Order());
        Assert.Equal(cells.FiveCell, DartsFiveCellGenotype.FromJson(files[DartsSearchedCells.GenotypeJsonFile]));
        Assert.Equal(cells.FiveCell, DartsArchitecture.Parse(files[DartsSearchedCells.GenotypeJsonFile]).FiveCell);

        var lines = files[DartsSearchedCells.CellsTextFile].TrimEnd('\n').Split('\n');
        Assert.Equal(9, lines.Length);
        for (int c = 0; c < 8; c++)
        {
            Assert.StartsWith($"Cell_{c} = ", lines[c]);
            Assert.Equal(cells.Cells[c], DartsCellGenotype.Parse(lines[c][$"Cell_{c} = ".Length..], cells.KindOf(c)));
        }
        Assert.Equal("AGNAS = [Cell_0, Cell_2, Cell_3, Cell_5, Cell_6]", lines[8]);

        using var json = JsonDocument.Parse(files[DartsSearchedCells.CellsJsonFile]);
        var root = json.RootElement;
        Assert.Equal(8, root.GetProperty("layers").GetInt32());
        Assert.Equal([2, 5], root.GetProperty("reduction_cells").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0, 2, 3, 5, 6], root.GetProperty("five_cell_cells").EnumerateArray().Select(e => e.GetInt32()));
        var jsonCells = root.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(8, jsonCells.Count);
        Assert.Equal("reduce", jsonCells[5].GetProperty("kind").GetString());
        Assert.Equal(cells.Cells[5], DartsCellGenotype.Parse(jsonCells[5].GetProperty("genotype").GetString()!, DartsCellKind.Reduce));
        Assert.Equal(cells.FiveCell, DartsFiveCellGenotype.FromJson(root.GetProperty("five_cell").GetRawText()));
    }

    [Fact]
    public void OtherLayerCountsTakeTheFirstNormalCellOfEachStage()
    {
        var five = DartsDerivation.DeriveCells(EightCells().Take(5 * 14).ToList(), 5, out _);
        Assert.Equal([0, 1, 2, 3, 4], DartsCellSlots.All.Select(s => DartsStages.FirstCellOf(s, 5)));
        Assert.Equal(five.Cells[2], five.FiveCell.Normal2);
        Assert.EndsWith("AGNAS = [Cell_0, Cell_1, Cell_2, Cell_3, Cell_4]\n", five.ToGenotypesText());
        Assert.Equal([0, 2, 3, 4, 5], DartsCellSlots.All.Select(s => DartsStages.FirstCellOf(s, 6)));
        Assert.Equal([0, 6, 7, 13, 14], DartsCellSlots.All.Select(s => DartsStages.FirstCellOf(s, 20)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DartsStages.FirstCellOf(DartsCellSlot.Normal2, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => DartsStages.FirstCellOf(DartsCellSlot.Normal3, 3));
    }

    [Fact]
    public void MalformedImportanceIsRefusedNamingTheCellAndEdge()
    {
        var all = EightCells();
        Assert.Contains("111 importance vectors for 8 cells", Assert.Throws<ArgumentException>(() => DartsDerivation.Derive(all.Skip(1).ToList(), 8)).Message);
        Assert.Contains("the five-cell set needs at least 5", Assert.Throws<ArgumentException>(() => DartsDerivation.Derive(all.Take(56).ToList(), 4)).Message);
        var bad = all.Select(v => v.ToArray()).ToList();
        bad[3 * 14 + 4][6] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => DartsDerivation.Derive(bad, 8));
        Assert.Contains("cell 3, edge 3<-2, op max_pool_3x3", e.Message);
        bad = all.Select(v => v.ToArray()).ToList();
        bad[20] = new double[5];
        Assert.Contains("cell 1, edge 4<-1 has 5 values", Assert.Throws<ArgumentException>(() => DartsDerivation.Derive(bad, 8)).Message);
    }
}

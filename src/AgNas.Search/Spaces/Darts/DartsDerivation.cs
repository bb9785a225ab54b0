using System.Collections.Immutable;
using System.Globalization;

namespace AgNas.Search.Spaces.Darts;

/// <summary>What derivation decided for one cell: its genotype and, per edge, the chosen op.</summary>
/// <param name="Genotype">Two genes per intermediate node, the higher-scoring edge first; concat = the four nodes.</param>
/// <param name="ChosenOps">Per edge in <see cref="DartsTopology.Edges"/> order, the op kept on it, or null where the edge was dropped.</param>
/// <param name="EdgeScores">Per edge, its score: the largest importance of a non-<c>none</c> op.</param>
public sealed record DartsCellDecision(DartsCellGenotype Genotype, IReadOnlyList<DartsOp?> ChosenOps, IReadOnlyList<double> EdgeScores);

/// <summary>
/// The DARTS-space derivation rule of AGNAS (<c>DS/train_search.py:233-250</c> <c>_parse</c>, agnas-facts §2.1),
/// separate from any network. Per cell, from A[edge][op] (the attention importance Σ_images Σ_channels y of
/// every op on every edge, or any other per-edge weights such as DARTS' softmax(α)):
/// <list type="number">
/// <item>each edge's score is its largest importance over the ops other than <c>none</c>;</item>
/// <item>each intermediate node keeps its two highest-scoring input edges; the sort is stable, so on a tie the
/// edge from the lower input state wins;</item>
/// <item>each kept edge takes the argmax op over the ops other than <c>none</c>, a tie going to the lower
/// index in AGNAS's op order (<see cref="DartsOps"/>);</item>
/// <item>the node's two genes are listed higher-scoring edge first, as (op, input state).</item>
/// </list>
/// <c>none</c> is therefore never chosen and every node reads two distinct states. Every cell of the
/// supernet gets its own genotype (Cell_0..Cell_{L−1}); raw sums and means give the same choice, since every
/// edge of a cell sees the same images and the same C.
/// </summary>
public static class DartsDerivation
{
    /// <summary>Derives one cell from its 14 importance vectors (one value per op each), in <see cref="DartsTopology.Edges"/> order.</summary>
    /// <param name="edgeImportance">[edge][op].</param>
    /// <param name="what">Names the cell in messages (e.g. "cell 3").</param>
    /// <exception cref="ArgumentException">Not 14 vectors of 8 finite values.</exception>
    public static DartsCellDecision DeriveCell(IReadOnlyList<double[]> edgeImportance, string what = "cell")
    {
        ArgumentNullException.ThrowIfNull(edgeImportance);
        if (edgeImportance.Count != DartsTopology.EdgeCount)
            throw new ArgumentException($"DartsDerivation: {what} has {edgeImportance.Count} importance vectors; expected one per edge ({DartsTopology.EdgeCount}).", nameof(edgeImportance));
        var scores = new double[DartsTopology.EdgeCount];
        var best = new DartsOp[DartsTopology.EdgeCount];
        foreach (var e in DartsTopology.Edges)
        {
            var v = edgeImportance[e.Index];
            if (v is null || v.Length != DartsOps.Count)
                throw new ArgumentException($"DartsDerivation: {what}, edge {e.Label} has {v?.Length ?? 0} values; expected one per op ({DartsOps.ValidNamesText}).", nameof(edgeImportance));
            int k = -1;
            foreach (var op in DartsOps.All) // ascending index
            {
                int i = (int)op;
                if (!double.IsFinite(v[i]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"DartsDerivation: {what}, edge {e.Label}, op {DartsOps.Name(op)}: {v[i]} is not finite."), nameof(edgeImportance));
                if (DartsOpRegistry.Get(op).IsZero) continue;
                if (k < 0 || v[i] > v[k]) k = i; // strict: a tie keeps the lower index
            }
            best[e.Index] = (DartsOp)k;
            scores[e.Index] = v[k];
        }

        var genes = new List<DartsGene>(DartsTopology.Steps * DartsTopology.KeptEdgesPerNode);
        var chosen = new DartsOp?[DartsTopology.EdgeCount];
        for (int node = 0; node < DartsTopology.Steps; node++)
        {
            // OrderByDescending is a stable sort and the inputs come by ascending state: a tie keeps the lower input.
            foreach (var e in DartsTopology.InputsOf(node).OrderByDescending(e => scores[e.Index]).Take(DartsTopology.KeptEdgesPerNode))
            {
                genes.Add(new DartsGene(best[e.Index], e.From));
                chosen[e.Index] = best[e.Index];
            }
        }
        return new DartsCellDecision(new DartsCellGenotype(genes, DartsTopology.Concat), chosen.ToImmutableArray(), scores.ToImmutableArray());
    }

    /// <summary>
    /// Derives every cell of an L-cell supernet from one importance vector per (cell, edge), cell-major, edges in
    /// <see cref="DartsTopology.Edges"/> order (<see cref="DartsSupernet.AttentionModules"/> order).
    /// </summary>
    /// <param name="importance">L × 14 vectors of 8 values.</param>
    /// <param name="layers">L; cells L/3 and 2L/3 are the reductions.</param>
    /// <param name="decisions">Per cell, what was decided.</param>
    /// <exception cref="ArgumentException">The count is not L × 14, a vector is not 8 finite values, or L is below <see cref="DartsSupernetConfig.MinLayers"/>.</exception>
    public static DartsSearchedCells DeriveCells(IReadOnlyList<double[]> importance, int layers, out IReadOnlyList<DartsCellDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(importance);
        if (layers < DartsSupernetConfig.MinLayers)
            throw new ArgumentException($"DartsDerivation: {layers} cells; the five-cell set needs at least {DartsSupernetConfig.MinLayers}.", nameof(layers));
        int edges = DartsTopology.EdgeCount;
        if (importance.Count != layers * edges)
            throw new ArgumentException($"DartsDerivation: {importance.Count} importance vectors for {layers} cells; expected {layers} × {edges} edges = {layers * edges}, cell-major.", nameof(importance));
        var list = new DartsCellDecision[layers];
        for (int c = 0; c < layers; c++)
        {
            var rows = new double[edges][];
            for (int e = 0; e < edges; e++) rows[e] = importance[c * edges + e];
            list[c] = DeriveCell(rows, $"cell {c}");
        }
        decisions = list;
        return new DartsSearchedCells(list.Select(d => d.Genotype), layers);
    }

    /// <summary>
    /// <see cref="DeriveCells"/> as the search loop reports it: the text is the five-cell set as a list
    /// (<see cref="DartsFiveCellGenotype.ToString"/>, which <c>agnas train --space darts --genotype</c> reads), the
    /// skip count is <see cref="DartsSearchedCells.SkipConnectCount"/>, one <see cref="EdgeImportance"/> per (cell,
    /// edge) with the values compared (grouped by cell; <see cref="EdgeImportance.Chosen"/> = −1 on a dropped edge),
    /// every cell's genotype, and the genotype files of <see cref="DartsSearchedCells.Files"/>.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="DeriveCells"/>.</exception>
    public static DerivedArchitecture Derive(IReadOnlyList<double[]> importance, int layers)
    {
        var cells = DeriveCells(importance, layers, out var decisions);
        var edges = ImmutableArray.CreateBuilder<EdgeImportance>(layers * DartsTopology.EdgeCount);
        for (int c = 0; c < layers; c++)
        {
            string group = cells.CellLabel(c);
            foreach (var e in DartsTopology.Edges)
            {
                var op = decisions[c].ChosenOps[e.Index];
                edges.Add(new EdgeImportance($"cell {c} {e.Label}", importance[c * DartsTopology.EdgeCount + e.Index].ToImmutableArray(),
                    op is { } chosen ? (int)chosen : EdgeImportance.Dropped, group));
            }
        }
        var derivedCells = Enumerable.Range(0, layers)
            .Select(c => new DerivedCell(cells.CellLabel(c), cells.CellText(c), cells.Cells[c].CountOf(DartsOp.SkipConnect)))
            .ToImmutableArray();
        return new DerivedArchitecture(cells.FiveCell.ToString(), cells.SkipConnectCount, DartsOps.Names, edges.MoveToImmutable(),
            derivedCells, cells.Files());
    }
}

using System.Collections.Immutable;
using System.Globalization;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// The NAS-Bench-201 derivation rule (reference facts §5, steps 3 and 4), separate from any network:
/// <list type="number">
/// <item>Each (cell, edge) importance vector (one value per op, the attention mass Σ_b Σ_c y) is divided
/// by that cell's C, giving the per-channel mean: the stages have different C, and raw channel sums
/// would over-weight the widest stage.</item>
/// <item>For each edge position, the normalised vectors are averaged over the cells (AGNAS: "edge
/// attention averaged over all cells at the same position").</item>
/// <item>Each edge takes the argmax over the candidates, <c>none</c> excluded unless allowed; a tie goes
/// to the lower op index. Every edge is kept (no top-k rule).</item>
/// </list>
/// </summary>
public static class Nb201Derivation
{
    /// <summary>
    /// Derives the cell from <paramref name="importance"/>: one vector of <see cref="Nb201Ops.Count"/>
    /// values per (cell, edge), cell-major, edges in <see cref="Nb201Topology.Edges"/> order; and each
    /// cell's C in <paramref name="cellChannels"/>.
    /// </summary>
    /// <returns>The canonical arch string, its skip count, the op names, and per edge the averaged normalised importances and the chosen op index.</returns>
    /// <exception cref="ArgumentException">The counts do not match, a vector has the wrong length, a value is not finite, or a C is not positive.</exception>
    public static DerivedArchitecture Derive(IReadOnlyList<double[]> importance, IReadOnlyList<int> cellChannels, bool allowNone = false) =>
        FromEdgeWeights(AverageOverCells(importance, cellChannels), allowNone);

    /// <summary>
    /// Step 3 alone on one vector of weights per edge (in <see cref="Nb201Topology.Edges"/> order), e.g.
    /// DARTS' softmax(α) of the α that all cells share (AutoDL <c>TinyNetworkDarts.genotype</c>, there
    /// with <c>none</c> allowed): per edge the argmax, <c>none</c> excluded unless allowed, a tie to the
    /// lower op index.
    /// </summary>
    /// <returns>The canonical arch string, its skip count, the op names, and per edge the given weights and the chosen op index.</returns>
    /// <exception cref="ArgumentException">Not one vector of five finite values per edge.</exception>
    public static DerivedArchitecture FromEdgeWeights(IReadOnlyList<double[]> edgeWeights, bool allowNone = false)
    {
        var arch = Choose(edgeWeights, allowNone);
        var edges = Nb201Topology.Edges
            .Select(e => new EdgeImportance(e.Label, edgeWeights[e.Index].ToImmutableArray(), arch.OpIndex(e.Index)))
            .ToImmutableArray();
        return new DerivedArchitecture(arch.ToString(), arch.SkipConnectCount, Nb201Ops.Names, edges);
    }

    /// <summary>
    /// Steps 1 and 2: per edge (in <see cref="Nb201Topology.Edges"/> order), the mean over cells of
    /// importance / C. Result [edge][op].
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Derive"/>.</exception>
    public static double[][] AverageOverCells(IReadOnlyList<double[]> importance, IReadOnlyList<int> cellChannels)
    {
        ArgumentNullException.ThrowIfNull(importance);
        ArgumentNullException.ThrowIfNull(cellChannels);
        int cells = cellChannels.Count, edgeCount = Nb201Topology.EdgeCount, ops = Nb201Ops.Count;
        if (cells == 0)
            throw new ArgumentException("Nb201Derivation: no cells (cellChannels is empty).", nameof(cellChannels));
        if (importance.Count != cells * edgeCount)
            throw new ArgumentException($"Nb201Derivation: {importance.Count} importance vectors for {cells} cells; expected {cells} × {edgeCount} edges = {cells * edgeCount}, cell-major.", nameof(importance));
        for (int c = 0; c < cells; c++)
        {
            if (cellChannels[c] < 1)
                throw new ArgumentException($"Nb201Derivation: cell {c} has C = {cellChannels[c]}; expected >= 1.", nameof(cellChannels));
        }

        var sums = new double[edgeCount][];
        foreach (var e in Nb201Topology.Edges) sums[e.Index] = new double[ops];
        for (int c = 0; c < cells; c++)
        {
            foreach (var e in Nb201Topology.Edges)
            {
                int i = c * edgeCount + e.Index;
                var v = importance[i] ?? throw new ArgumentException($"Nb201Derivation: vector {i} (cell {c}, edge {e.Label}) is null.", nameof(importance));
                if (v.Length != ops)
                    throw new ArgumentException($"Nb201Derivation: vector {i} (cell {c}, edge {e.Label}) has {v.Length} values; expected one per op ({Nb201Ops.ValidNamesText}).", nameof(importance));
                for (int k = 0; k < ops; k++)
                {
                    if (!double.IsFinite(v[k]))
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                            $"Nb201Derivation: vector {i} (cell {c}, edge {e.Label}), op {Nb201Ops.Names[k]}: {v[k]} is not finite."), nameof(importance));
                    sums[e.Index][k] += v[k] / cellChannels[c];
                }
            }
        }
        foreach (var row in sums)
        {
            for (int k = 0; k < ops; k++) row[k] /= cells;
        }
        return sums;
    }

    /// <summary>Step 3: per edge, the argmax op (ties → lower index; <c>none</c> skipped unless <paramref name="allowNone"/>).</summary>
    /// <param name="edgeImportance">[edge][op], edges in <see cref="Nb201Topology.Edges"/> order.</param>
    /// <param name="allowNone">Whether <c>none</c> may win.</param>
    /// <exception cref="ArgumentException">Not one vector of five values per edge.</exception>
    public static Nb201Arch Choose(IReadOnlyList<double[]> edgeImportance, bool allowNone)
    {
        ArgumentNullException.ThrowIfNull(edgeImportance);
        if (edgeImportance.Count != Nb201Topology.EdgeCount)
            throw new ArgumentException($"Nb201Derivation.Choose: {edgeImportance.Count} edge vectors; expected {Nb201Topology.EdgeCount}.", nameof(edgeImportance));
        Span<Nb201Op> chosen = stackalloc Nb201Op[Nb201Topology.EdgeCount];
        foreach (var e in Nb201Topology.Edges)
        {
            var v = edgeImportance[e.Index];
            if (v is null || v.Length != Nb201Ops.Count)
                throw new ArgumentException($"Nb201Derivation.Choose: edge {e.Label} has {v?.Length ?? 0} values; expected {Nb201Ops.Count}.", nameof(edgeImportance));
            int best = -1;
            foreach (var op in Nb201Ops.All) // ascending index
            {
                int k = (int)op;
                if (op == Nb201Op.None && !allowNone) continue;
                if (!double.IsFinite(v[k]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Nb201Derivation.Choose: edge {e.Label}, op {Nb201Ops.Name(op)}: {v[k]} is not finite."), nameof(edgeImportance));
                if (best < 0 || v[k] > v[best]) best = k; // strict: a tie keeps the lower index
            }
            chosen[e.Index] = (Nb201Op)best;
        }
        return new Nb201Arch(chosen);
    }
}

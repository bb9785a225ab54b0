using System.Collections.Immutable;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// One edge of the DARTS search cell: intermediate node <see cref="Node"/> (state <see cref="To"/> = Node + 2)
/// takes a mixed op of state <see cref="From"/>. States are numbered as in DARTS genes: 0 = the output of cell
/// k − 2, 1 = the output of cell k − 1, 2..5 = the intermediate nodes.
/// </summary>
/// <param name="Index">Position in <see cref="DartsTopology.Edges"/> (0..13): the edge's row in the importance of a cell.</param>
/// <param name="Node">The intermediate node the edge feeds (0..3).</param>
/// <param name="From">The state the edge reads (0..Node + 1).</param>
public readonly record struct DartsEdge(int Index, int Node, int From)
{
    /// <summary>The state the edge feeds: Node + 2.</summary>
    public int To => Node + DartsTopology.InputStates;

    /// <summary>Whether the edge reads one of the cell's two inputs (those edges have stride 2 in a reduction cell).</summary>
    public bool ReadsCellInput => From < DartsTopology.InputStates;

    /// <summary>"to&lt;-from" in state numbers, e.g. "2&lt;-0": the edge's label in reports.</summary>
    public string Label => $"{To}<-{From}";

    public override string ToString() => $"{Index}:{Label}";
}

/// <summary>
/// The DARTS search cell's topology, stated once (agnas-facts §2.1 and §3.2; DARTS <c>model_search.py</c> <c>Cell</c>):
/// two input states, four intermediate nodes, node i summing one mixed edge from each of the 2 + i earlier
/// states, the output concatenating the four nodes. The 14 edges are in DARTS order, node by node and,
/// within a node, by ascending source state (node0: j = 0, 1; node1: j = 0..2; node2: j = 0..3; node3:
/// j = 0..4) — the order of the cell's attention modules, of its importance vectors and of derivation.
/// The supernet's forward, the importance statistics and derivation all iterate <see cref="Edges"/>;
/// nothing else computes an edge index.
/// </summary>
public static class DartsTopology
{
    /// <summary>Input states of a cell (the two previous cells' outputs).</summary>
    public const int InputStates = 2;

    /// <summary>Intermediate nodes (DARTS <c>steps</c>).</summary>
    public const int Steps = 4;

    /// <summary>Edges kept per intermediate node by derivation (DARTS' top-2 rule).</summary>
    public const int KeptEdgesPerNode = 2;

    /// <summary>The 14 edges in DARTS order (see the class summary). Every other member is derived from this list.</summary>
    public static IReadOnlyList<DartsEdge> Edges { get; } = BuildEdges();

    /// <summary>Number of edges (14).</summary>
    public static int EdgeCount => Edges.Count;

    /// <summary>The states the cell output concatenates, in order (2, 3, 4, 5): every intermediate node.</summary>
    public static IReadOnlyList<int> Concat { get; } =
        Enumerable.Range(InputStates, Steps).ToImmutableArray();

    private static readonly ImmutableArray<ImmutableArray<DartsEdge>> s_inputsByNode =
        Enumerable.Range(0, Steps).Select(node => Edges.Where(e => e.Node == node).ToImmutableArray()).ToImmutableArray();

    /// <summary>The edges into intermediate node <paramref name="node"/> (0..3), by ascending source state.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="node"/> is not 0..3.</exception>
    public static IReadOnlyList<DartsEdge> InputsOf(int node)
    {
        if ((uint)node >= Steps)
            throw new ArgumentOutOfRangeException(nameof(node), node, $"A DARTS cell has intermediate nodes 0..{Steps - 1}.");
        return s_inputsByNode[node];
    }

    private static ImmutableArray<DartsEdge> BuildEdges()
    {
        var edges = ImmutableArray.CreateBuilder<DartsEdge>();
        for (int node = 0; node < Steps; node++)
        {
            for (int from = 0; from < InputStates + node; from++) edges.Add(new DartsEdge(edges.Count, node, from));
        }
        return edges.ToImmutable();
    }
}

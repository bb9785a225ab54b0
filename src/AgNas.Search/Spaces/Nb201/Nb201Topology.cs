using System.Collections.Immutable;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>One edge of the NAS-Bench-201 cell: node <see cref="To"/> takes op(node <see cref="From"/>).</summary>
/// <param name="Index">Position in <see cref="Nb201Topology.Edges"/>; the edge's slot in an <see cref="Nb201Arch"/>.</param>
/// <param name="To">The node the edge feeds (1..3).</param>
/// <param name="From">The node the edge reads (0..To-1).</param>
public readonly record struct Nb201Edge(int Index, int To, int From)
{
    /// <summary>AutoDL's edge key "i&lt;-j", e.g. "1&lt;-0": the edge's label in reports (e.g. <see cref="EdgeImportance.Edge"/>).</summary>
    public string Label => $"{To}<-{From}";

    public override string ToString() => $"{Index}:{Label}";
}

/// <summary>
/// The NAS-Bench-201 cell topology, stated once. Node 0 is the cell input; node i (1..3) is the sum of
/// op(node j) over its input edges j &lt; i; the cell output is the last node. The supernet's forward pass,
/// the importance statistics, derivation and the arch string all iterate <see cref="Edges"/>; nothing else
/// computes an edge index.
/// </summary>
public static class Nb201Topology
{
    /// <summary>
    /// The six edges in the benchmark's order (AutoDL sorts the keys "i&lt;-j"): 0:1←0, 1:2←0, 2:2←1,
    /// 3:3←0, 4:3←1, 5:3←2. Every other member of this class is derived from this list.
    /// </summary>
    public static IReadOnlyList<Nb201Edge> Edges { get; } = ImmutableArray.Create(
        new Nb201Edge(Index: 0, To: 1, From: 0),
        new Nb201Edge(Index: 1, To: 2, From: 0),
        new Nb201Edge(Index: 2, To: 2, From: 1),
        new Nb201Edge(Index: 3, To: 3, From: 0),
        new Nb201Edge(Index: 4, To: 3, From: 1),
        new Nb201Edge(Index: 5, To: 3, From: 2));

    /// <summary>Number of edges (6).</summary>
    public static int EdgeCount => Edges.Count;

    /// <summary>The cell input node (0).</summary>
    public static int InputNode { get; } = Edges.Min(e => e.From);

    /// <summary>The cell output node (3): the last computed node.</summary>
    public static int OutputNode { get; } = Edges.Max(e => e.To);

    /// <summary>Number of nodes, input included (4).</summary>
    public static int NodeCount => OutputNode + 1;

    /// <summary>The computed nodes in order (1, 2, 3): one '+'-separated group each in the arch string.</summary>
    public static IReadOnlyList<int> ComputedNodes { get; } =
        Edges.Select(e => e.To).Distinct().Order().ToImmutableArray();

    private static readonly ImmutableArray<ImmutableArray<Nb201Edge>> s_inputsByNode =
        Enumerable.Range(0, OutputNode + 1)
            .Select(node => Edges.Where(e => e.To == node).OrderBy(e => e.From).ToImmutableArray())
            .ToImmutableArray();

    /// <summary>The edges into <paramref name="node"/>, by ascending source node (empty for the input node).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="node"/> is not a node of the cell.</exception>
    public static IReadOnlyList<Nb201Edge> InputsOf(int node)
    {
        if ((uint)node >= (uint)s_inputsByNode.Length)
            throw new ArgumentOutOfRangeException(nameof(node), node, $"NB201 cell nodes are 0..{OutputNode}.");
        return s_inputsByNode[node];
    }

    /// <summary>Finds the edge <paramref name="to"/>←<paramref name="from"/>, if the cell has one.</summary>
    public static bool TryGetEdge(int to, int from, out Nb201Edge edge)
    {
        if ((uint)to < (uint)s_inputsByNode.Length)
        {
            foreach (var e in s_inputsByNode[to])
            {
                if (e.From == from)
                {
                    edge = e;
                    return true;
                }
            }
        }
        edge = default;
        return false;
    }
}

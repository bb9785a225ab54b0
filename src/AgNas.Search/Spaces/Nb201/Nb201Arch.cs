using System.Globalization;
using System.Text;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// One NAS-Bench-201 cell: the op on each of the six edges of <see cref="Nb201Topology.Edges"/>. An immutable
/// value with value equality; <c>default</c> is the all-<c>none</c> cell.
/// </summary>
/// <remarks>
/// String form (AutoDL <c>CellStructure.tostr</c>): the computed nodes 1..3 joined by '+', each written as
/// <c>|op~j|op~j|</c> with one entry per input node j. <see cref="Parse"/> accepts a node's inputs in any order;
/// <see cref="ToString"/> writes them in ascending j, which is the benchmark's canonical string.
/// </remarks>
public readonly record struct Nb201Arch
{
    /// <summary>Number of cells in the space: ops^edges = 5^6 = 15,625.</summary>
    public static int SpaceSize { get; } = (int)Math.Pow(Nb201Ops.Count, Nb201Topology.EdgeCount);

    // Edge e's op is base-Nb201Ops.Count digit e. A private dense key for value equality and table lookup;
    // it is NOT the benchmark index, which comes from the table (see Index).
    private readonly int _packed;

    private Nb201Arch(int packed) => _packed = packed;

    /// <summary>A cell from one op per edge, in <see cref="Nb201Topology.Edges"/> order.</summary>
    /// <exception cref="ArgumentException">Not exactly six ops, or an op outside the five.</exception>
    public Nb201Arch(params ReadOnlySpan<Nb201Op> ops)
    {
        if (ops.Length != Nb201Topology.EdgeCount)
            throw new ArgumentException($"An NB201 cell needs {Nb201Topology.EdgeCount} ops (one per edge), got {ops.Length}.", nameof(ops));
        int packed = 0;
        for (int e = ops.Length - 1; e >= 0; e--)
        {
            if (!Nb201Ops.IsDefined(ops[e]))
                throw new ArgumentException($"Edge {Nb201Topology.Edges[e]}: op index {(int)ops[e]} is out of range 0..{Nb201Ops.Count - 1}.", nameof(ops));
            packed = packed * Nb201Ops.Count + (int)ops[e];
        }
        _packed = packed;
    }

    /// <summary>A cell from one op index (canonical order, see <see cref="Nb201Ops"/>) per edge.</summary>
    /// <exception cref="ArgumentException">Not exactly six indices, or an index outside 0..4.</exception>
    public static Nb201Arch FromOpIndices(params ReadOnlySpan<int> opIndices)
    {
        Span<Nb201Op> ops = stackalloc Nb201Op[opIndices.Length];
        for (int i = 0; i < opIndices.Length; i++) ops[i] = (Nb201Op)opIndices[i];
        return new Nb201Arch(ops);
    }

    /// <summary>The op on edge <paramref name="edge"/> (an index into <see cref="Nb201Topology.Edges"/>).</summary>
    public Nb201Op this[int edge]
    {
        get
        {
            if ((uint)edge >= (uint)Nb201Topology.EdgeCount)
                throw new ArgumentOutOfRangeException(nameof(edge), edge, $"NB201 edges are 0..{Nb201Topology.EdgeCount - 1}.");
            int p = _packed;
            for (int e = 0; e < edge; e++) p /= Nb201Ops.Count;
            return (Nb201Op)(p % Nb201Ops.Count);
        }
    }

    /// <summary>The op on <paramref name="edge"/>.</summary>
    public Nb201Op this[Nb201Edge edge] => this[edge.Index];

    /// <summary>The op index (canonical order) on edge <paramref name="edge"/>.</summary>
    public int OpIndex(int edge) => (int)this[edge];

    /// <summary>The ops of all six edges, in <see cref="Nb201Topology.Edges"/> order.</summary>
    public IReadOnlyList<Nb201Op> Ops
    {
        get
        {
            var ops = new Nb201Op[Nb201Topology.EdgeCount];
            foreach (var e in Nb201Topology.Edges) ops[e.Index] = this[e];
            return ops;
        }
    }

    /// <summary>This cell with edge <paramref name="edge"/> set to <paramref name="op"/>.</summary>
    public Nb201Arch With(int edge, Nb201Op op)
    {
        Span<Nb201Op> ops = stackalloc Nb201Op[Nb201Topology.EdgeCount];
        foreach (var e in Nb201Topology.Edges) ops[e.Index] = this[e];
        if ((uint)edge >= (uint)ops.Length)
            throw new ArgumentOutOfRangeException(nameof(edge), edge, $"NB201 edges are 0..{Nb201Topology.EdgeCount - 1}.");
        ops[edge] = op;
        return new Nb201Arch(ops);
    }

    /// <summary>Number of edges carrying <paramref name="op"/>.</summary>
    public int CountOf(Nb201Op op)
    {
        int n = 0;
        foreach (var e in Nb201Topology.Edges)
            if (this[e] == op) n++;
        return n;
    }

    /// <summary>Number of <c>skip_connect</c> edges (the DARTS-collapse indicator).</summary>
    public int SkipConnectCount => CountOf(Nb201Op.SkipConnect);

    /// <summary>Edges whose op has weights (the convolutions; <see cref="Nb201OpSpec.HasParameters"/>). A cell with none is the known collapse of one-shot search.</summary>
    public int ParametricEdgeCount
    {
        get
        {
            int n = 0;
            foreach (var e in Nb201Topology.Edges)
                if (Nb201OpRegistry.Get(this[e]).HasParameters) n++;
            return n;
        }
    }

    /// <summary>
    /// The official benchmark index (0..15,624), looked up in the shipped table; the first use loads the table
    /// (see <see cref="Nb201Benchmark.Load"/>).
    /// </summary>
    public int Index => Nb201Benchmark.Load().IndexOf(this);

    /// <summary>Dense key 0..<see cref="SpaceSize"/>-1 for table lookups; not the benchmark index.</summary>
    internal int Packed => _packed;

    /// <summary>The canonical string, inputs ascending within each node.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(100);
        foreach (int node in Nb201Topology.ComputedNodes)
        {
            if (sb.Length > 0) sb.Append('+');
            sb.Append('|');
            foreach (var e in Nb201Topology.InputsOf(node))
                sb.Append(Nb201Ops.Name(this[e])).Append('~').Append(e.From.ToString(CultureInfo.InvariantCulture)).Append('|');
        }
        return sb.ToString();
    }

    /// <summary>Parses <c>|op~j|+|op~j|op~j|+|op~j|op~j|op~j|</c>; a node's inputs may come in any order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    /// <exception cref="Nb201ArchFormatException">The string is malformed; the message says what and where.</exception>
    public static Nb201Arch Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var error = TryParseCore(s, out var arch);
        return error is null ? arch : throw error;
    }

    /// <summary>Parses like <see cref="Parse"/>; false for null or a malformed string.</summary>
    public static bool TryParse(string? s, out Nb201Arch arch)
    {
        if (s is null)
        {
            arch = default;
            return false;
        }
        return TryParseCore(s, out arch) is null;
    }

    private static Nb201ArchFormatException? TryParseCore(string s, out Nb201Arch arch)
    {
        arch = default;
        var nodes = Nb201Topology.ComputedNodes;
        if (s.Length == 0)
            return new(s, $"the string is empty; expected {nodes.Count} nodes like |op~0|+|op~0|op~1|+|op~0|op~1|op~2|");

        var groups = Split(s, 0, s.Length, '+');
        if (groups.Count != nodes.Count)
            return new(s, $"expected {nodes.Count} nodes separated by '+', found {groups.Count}");

        Span<Nb201Op> ops = stackalloc Nb201Op[Nb201Topology.EdgeCount];
        Span<bool> seen = stackalloc bool[Nb201Topology.EdgeCount];
        for (int g = 0; g < groups.Count; g++)
        {
            int node = nodes[g];
            var inputs = Nb201Topology.InputsOf(node);
            var (start, length) = groups[g];
            string sources = string.Join(", ", inputs.Select(e => e.From));
            if (length == 0)
                return new(s, $"the node is empty; expected |op~j|…| with {inputs.Count} input(s), one from each of nodes {sources}", node, offset: start);
            if (s[start] != '|')
                return new(s, "missing the leading '|'", node, offset: start);
            if (length < 2 || s[start + length - 1] != '|')
                return new(s, "missing the trailing '|'", node, offset: start + length - 1);

            // Tokens between the leading and trailing '|'. "||" (no tokens) means zero inputs.
            int innerStart = start + 1, innerLength = length - 2;
            var tokens = innerLength == 0 ? [] : Split(s, innerStart, innerLength, '|');
            for (int k = 0; k < tokens.Count; k++)
            {
                if (tokens[k].Length == 0)
                    return new(s, "empty input between two '|'", node, k + 1, "", tokens[k].Start);
            }
            if (tokens.Count != inputs.Count)
                return new(s, $"node {node} needs exactly {inputs.Count} input(s), one from each of nodes {sources}; found {tokens.Count}", node, offset: start);

            for (int k = 0; k < tokens.Count; k++)
            {
                var (tStart, tLength) = tokens[k];
                string token = s.Substring(tStart, tLength);
                int tilde = token.IndexOf('~', StringComparison.Ordinal);
                if (tilde < 0)
                    return new(s, "missing '~j' (the input node) after the op name", node, k + 1, token, tStart + tLength);
                string opName = token[..tilde];
                if (!Nb201Ops.TryParse(opName, out var op))
                    return new(s, $"unknown op '{opName}'; valid ops: {Nb201Ops.ValidNamesText}", node, k + 1, token, tStart);
                string jText = token[(tilde + 1)..];
                if (jText.Length == 0)
                    return new(s, "missing the input node number j after '~'", node, k + 1, token, tStart + tilde + 1);
                if (!int.TryParse(jText, NumberStyles.None, CultureInfo.InvariantCulture, out int from))
                    return new(s, $"input node '{jText}' is not a non-negative integer", node, k + 1, token, tStart + tilde + 1);
                if (!Nb201Topology.TryGetEdge(node, from, out var edge))
                    return new(s, $"input node {from} is out of range; node {node} takes inputs from nodes {sources} (j must be < {node})", node, k + 1, token, tStart + tilde + 1);
                if (seen[edge.Index])
                    return new(s, $"duplicated input ~{from}", node, k + 1, token, tStart);
                seen[edge.Index] = true;
                ops[edge.Index] = op;
            }
        }
        // Every node had exactly its number of inputs, all distinct and in range, so every edge is set.
        arch = new Nb201Arch(ops);
        return null;
    }

    /// <summary>Splits s[start..start+length) on <paramref name="separator"/>, returning (start, length) of each part.</summary>
    private static List<(int Start, int Length)> Split(string s, int start, int length, char separator)
    {
        var parts = new List<(int, int)>();
        int partStart = start, end = start + length;
        for (int i = start; i <= end; i++)
        {
            if (i == end || s[i] == separator)
            {
                parts.Add((partStart, i - partStart));
                partStart = i + 1;
            }
        }
        return parts;
    }
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Tensors;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Alpha;

/// <summary>
/// One set of DARTS architecture parameters: α (E, K), a row of K logits per edge, shared by every
/// cell that uses the set. DARTS keeps two, alphas_normal and alphas_reduce (14, 8), for its normal
/// and its reduction cells; NAS-Bench-201's DARTS-V1 baseline keeps one, arch_parameters (6, 5), for
/// all 15 cells (AutoDL <c>TinyNetworkDarts</c>; reference facts §5).
/// <para>The set does not own a module: the supernet registers <see cref="Alpha"/> as its parameter
/// under <see cref="Name"/>, so α is saved in the checkpoint and disposed with the network, and hands
/// each edge the set's <see cref="Mixer"/> for its row. α starts as zeros; the supernet calls
/// <see cref="Initialize"/> after drawing the weights, as DARTS' <c>_initialize_alphas</c> runs after
/// the network is built: α = 1e-3·N(0, 1).</para>
/// </summary>
public sealed class AlphaSet
{
    /// <summary>Standard deviation of the initial α (DARTS: <c>1e-3 * torch.randn(k, num_ops)</c>).</summary>
    public const double InitialStd = 1e-3;

    /// <param name="name">The parameter's name in the owner (no dots), e.g. "arch_parameters".</param>
    /// <param name="edges">E, the edges of a cell that use the set.</param>
    /// <param name="candidates">K, the candidates of every edge.</param>
    /// <param name="backend">Where α lives.</param>
    /// <exception cref="ArgumentException">E or K below 1, or an empty name or one with a dot.</exception>
    public AlphaSet(string name, int edges, int candidates, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"AlphaSet: name '{name}' is empty or contains '.'; it names a parameter of the supernet.", nameof(name));
        if (edges < 1 || candidates < 1)
            throw new ArgumentException($"AlphaSet '{name}': E = {edges}, K = {candidates}; both must be >= 1.");
        Name = name;
        Edges = edges;
        Candidates = candidates;
        Alpha = new Parameter(Tensor.Zeros(new Shape(edges, candidates), backend));
    }

    /// <summary>The parameter's name in the supernet.</summary>
    public string Name { get; }

    /// <summary>E.</summary>
    public int Edges { get; }

    /// <summary>K.</summary>
    public int Candidates { get; }

    /// <summary>α (E, K), row e the logits of edge e's candidates in candidate order.</summary>
    public Parameter Alpha { get; }

    /// <summary>α ← 1e-3·N(0, 1), drawn row-major from <paramref name="generator"/>.</summary>
    public void Initialize(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Initializers.Normal(Alpha.Data, 0, InitialStd, generator);
    }

    /// <summary>The mixer of edge <paramref name="edge"/> (row <paramref name="edge"/> of α).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="edge"/> is not in [0, E).</exception>
    public AlphaMixer Mixer(int edge)
    {
        CheckEdge(edge);
        return new AlphaMixer(this, edge);
    }

    /// <summary>Row <paramref name="edge"/> of α as (1, K), in the graph (its gradient reaches <see cref="Alpha"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="edge"/> is not in [0, E).</exception>
    public Var Row(int edge)
    {
        CheckEdge(edge);
        // A (1, E·K) view puts the rows side by side along dim 1, where SliceChannels cuts.
        return SliceChannels(Reshape(Alpha, new Shape(1, Edges * Candidates)), edge * Candidates, Candidates);
    }

    /// <summary>A host copy of α: [edge][candidate].</summary>
    public float[][] Logits()
    {
        var flat = Alpha.Data.ToArray();
        return Enumerable.Range(0, Edges).Select(e => flat.AsSpan(e * Candidates, Candidates).ToArray()).ToArray();
    }

    /// <summary>softmax(α) per edge, on the host in double precision: [edge][candidate], each row summing to 1.</summary>
    public double[][] Weights() => Logits().Select(Softmax).ToArray();

    /// <summary>softmax of one row of logits, max-subtracted, in double precision.</summary>
    public static double[] Softmax(IReadOnlyList<float> logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Count == 0) return [];
        double max = logits.Max();
        var e = logits.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private void CheckEdge(int edge)
    {
        if ((uint)edge >= (uint)Edges)
            throw new ArgumentOutOfRangeException(nameof(edge), edge, $"AlphaSet '{Name}' has {Edges} edges (rows 0..{Edges - 1}).");
    }

    public override string ToString() => $"AlphaSet {Name} ({Edges}, {Candidates})";
}

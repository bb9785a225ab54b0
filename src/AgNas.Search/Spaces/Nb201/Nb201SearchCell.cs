using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// A NAS-Bench-201 search cell of width C: node 0 is the input; node i = Σ_{j&lt;i} edge(i←j)(node j),
/// each edge a <see cref="MixedChoice"/> of the five candidate ops (children <c>ops.0</c>..<c>ops.4</c>, canonical order); the output is the last node. The edges (child
/// <c>edges</c>, one per <see cref="Nb201Topology.Edges"/> entry, in that order) and the node sums are
/// both taken from <see cref="Nb201Topology"/>; nothing here computes an edge index.
/// </summary>
public sealed class Nb201SearchCell : Module
{
    /// <summary>An AGNAS cell: every edge with its own attention module of reduction <paramref name="reduction"/>.</summary>
    /// <param name="channels">C (input = output channels).</param>
    /// <param name="reduction">The attention modules' r.</param>
    /// <param name="trackRunningStats">Whether the candidates' BNs keep running statistics.</param>
    /// <param name="inputNorm">Whether to normalise the input with a non-affine BatchNorm2d first (see <see cref="Nb201SupernetConfig.CellInputNorm"/>).</param>
    /// <param name="generator">Source of the initial weights, drawn edge by edge.</param>
    /// <param name="backend">Where the tensors live.</param>
    public Nb201SearchCell(int channels, int reduction, bool trackRunningStats, bool inputNorm, Generator generator, IBackend backend)
        : this(channels, trackRunningStats, inputNorm, generator, backend,
            _ => new AttentionModule(Nb201Ops.Count, channels, reduction, generator, backend))
    {
    }

    /// <summary>A cell whose edges combine their candidates with the mixers <paramref name="createMixer"/> makes.</summary>
    /// <param name="channels">C (input = output channels).</param>
    /// <param name="trackRunningStats">Whether the candidates' BNs keep running statistics.</param>
    /// <param name="inputNorm">Whether to normalise the input with a non-affine BatchNorm2d first (see <see cref="Nb201SupernetConfig.CellInputNorm"/>).</param>
    /// <param name="generator">Source of the initial weights, drawn edge by edge.</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <param name="createMixer">The mixer of an edge (called once per edge, in <see cref="Nb201Topology.Edges"/> order, after that edge's candidates).</param>
    public Nb201SearchCell(int channels, bool trackRunningStats, bool inputNorm, Generator generator, IBackend backend,
        Func<Nb201Edge, ICandidateMixer> createMixer)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(createMixer);
        Channels = channels;
        if (inputNorm)
            InputNorm = RegisterModule("input_bn", new BatchNorm2d(channels, affine: false, trackRunningStats: trackRunningStats, backend: backend));
        // Search cells: BN affine off, hence (NB201's rule) conv bias on; stride 1.
        Edges = RegisterModule("edges", new ModuleList<MixedChoice>(Nb201Topology.Edges.Select(e => new MixedChoice(
            Nb201Ops.All.Select(op => Nb201OpRegistry.Create(op, channels, stride: 1, affine: false, trackRunningStats, generator, backend)),
            channels, () => createMixer(e), $"nb201 edge {e}"))));
    }

    public int Channels { get; }

    /// <summary>The non-affine BN applied to the input first, or null.</summary>
    public BatchNorm2d? InputNorm { get; }

    /// <summary>The mixed edges, index = <see cref="Nb201Edge.Index"/>.</summary>
    public ModuleList<MixedChoice> Edges { get; }

    /// <summary>The mixed edge on <paramref name="edge"/>.</summary>
    public MixedChoice Edge(Nb201Edge edge) => Edges[edge.Index];

    /// <summary>x (B, C, H, W) → node 3 (B, C, H, W).</summary>
    /// <exception cref="ArgumentException">x does not have C channels.</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != Channels)
            throw new ArgumentException($"Nb201SearchCell(C={Channels}): input has shape {x.Shape}; expected (B, {Channels}, H, W).");
        var nodes = new Var[Nb201Topology.NodeCount];
        nodes[Nb201Topology.InputNode] = InputNorm is null ? x : InputNorm.Forward(x);
        foreach (int node in Nb201Topology.ComputedNodes)
        {
            Var? sum = null;
            foreach (var e in Nb201Topology.InputsOf(node))
            {
                var y = Edge(e).Forward(nodes[e.From]);
                sum = sum is null ? y : Functional.Add(sum, y);
            }
            nodes[node] = sum!; // every computed node has at least one input edge
        }
        return nodes[Nb201Topology.OutputNode];
    }

    protected override string ExtraRepr => $"C={Channels}";
}

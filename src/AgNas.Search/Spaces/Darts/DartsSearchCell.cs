using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// A DARTS search cell (AGNAS <c>DS/model_search.py</c> <c>Cell</c>; agnas-facts §3.2): the two inputs are
/// preprocessed to C channels (preprocess0 = <see cref="FactorizedReduce"/>(C_pp, C) when the previous cell
/// reduced, else ReLUConvBN 1×1 C_pp→C; preprocess1 = ReLUConvBN 1×1 C_p→C; all BN not affine, conv without
/// bias), intermediate node i is the sum of the <see cref="MixedChoice"/>s (the eight candidate ops in AGNAS order) from all 2 + i earlier states
/// (<see cref="DartsTopology"/>), and the output concatenates the four nodes: (B, 4C, H', W'). In a
/// reduction cell the edges from the two inputs have stride 2 (H' = ⌈H/2⌉). Children <c>preprocess0</c>,
/// <c>preprocess1</c>, <c>edges</c> (one per <see cref="DartsTopology.Edges"/> entry, in that order).
/// </summary>
public sealed class DartsSearchCell : Module
{
    /// <param name="previousPreviousChannels">C_pp, channels of state 0 (the output of cell k − 2, or the stem).</param>
    /// <param name="previousChannels">C_p, channels of state 1 (the output of cell k − 1, or the stem).</param>
    /// <param name="channels">C of this cell.</param>
    /// <param name="kind">Normal, or reduction (halves H and W).</param>
    /// <param name="reductionPrevious">The previous cell reduced, so state 0 is twice the size of state 1.</param>
    /// <param name="reduction">r of the edges' attention modules.</param>
    /// <param name="generator">Source of the initial weights (preprocess0, preprocess1, then the edges in order).</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">A size is not positive (from the layers).</exception>
    public DartsSearchCell(int previousPreviousChannels, int previousChannels, int channels, DartsCellKind kind, bool reductionPrevious,
        int reduction, Generator generator, IBackend backend)
        : this(previousPreviousChannels, previousChannels, channels, kind, reductionPrevious, generator, backend,
            _ => new AttentionModule(DartsOps.Count, channels, reduction, generator, backend))
    {
    }

    /// <summary>A cell whose edges combine their candidates with the mixers <paramref name="createMixer"/> makes.</summary>
    /// <param name="previousPreviousChannels">C_pp, channels of state 0.</param>
    /// <param name="previousChannels">C_p, channels of state 1.</param>
    /// <param name="channels">C of this cell.</param>
    /// <param name="kind">Normal, or reduction.</param>
    /// <param name="reductionPrevious">The previous cell reduced.</param>
    /// <param name="generator">Source of the initial weights (preprocess0, preprocess1, then the edges in order).</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <param name="createMixer">The mixer of an edge (called once per edge, in <see cref="DartsTopology.Edges"/> order, after that edge's candidates).</param>
    /// <exception cref="ArgumentException">A size is not positive (from the layers), or a mixer does not take 8 candidates.</exception>
    public DartsSearchCell(int previousPreviousChannels, int previousChannels, int channels, DartsCellKind kind, bool reductionPrevious,
        Generator generator, IBackend backend, Func<DartsEdge, ICandidateMixer> createMixer)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(createMixer);
        Channels = channels;
        Kind = kind;
        ReductionPrevious = reductionPrevious;
        Preprocess0 = RegisterModule<Module>("preprocess0", reductionPrevious
            ? new FactorizedReduce(previousPreviousChannels, channels, affine: false, generator, backend)
            : new ReLUConvBN(previousPreviousChannels, channels, 1, 1, 0, 1, affine: false, trackRunningStats: true, convBias: false, generator, backend));
        Preprocess1 = RegisterModule("preprocess1",
            new ReLUConvBN(previousChannels, channels, 1, 1, 0, 1, affine: false, trackRunningStats: true, convBias: false, generator, backend));
        // AGNAS's MixedOp (DS/model_search.py:38-63): the eight ops built for search (BN not affine, pools followed by a non-affine BN).
        Edges = RegisterModule("edges", new ModuleList<MixedChoice>(DartsTopology.Edges.Select(e => new MixedChoice(
            DartsOps.All.Select(op => DartsOpRegistry.CreateForSearch(op, channels, StrideOf(e), generator, backend)),
            channels, () => createMixer(e), $"darts edge {e}"))));
    }

    /// <summary>C.</summary>
    public int Channels { get; }

    public DartsCellKind Kind { get; }

    public bool ReductionPrevious { get; }

    /// <summary>Output channels: 4C (the four intermediate nodes).</summary>
    public int OutputChannels => DartsTopology.Concat.Count * Channels;

    public Module Preprocess0 { get; }
    public ReLUConvBN Preprocess1 { get; }

    /// <summary>The mixed edges, index = <see cref="DartsEdge.Index"/>.</summary>
    public ModuleList<MixedChoice> Edges { get; }

    /// <summary>The mixed edge on <paramref name="edge"/>.</summary>
    public MixedChoice Edge(DartsEdge edge) => Edges[edge.Index];

    /// <summary>The stride of <paramref name="edge"/>'s candidates: 2 in a reduction cell on the edges from the two inputs, else 1.</summary>
    public int StrideOf(DartsEdge edge) => Kind == DartsCellKind.Reduce && edge.ReadsCellInput ? 2 : 1;

    /// <summary>s0 (B, C_pp, H0, W0), s1 (B, C_p, H, W) → (B, 4C, H', W'), H' = ⌈H/2⌉ in a reduction cell, else H.</summary>
    /// <param name="s0">The output of cell k − 2 (or the stem); twice the size of s1 when the previous cell reduced.</param>
    /// <param name="s1">The output of cell k − 1 (or the stem).</param>
    /// <exception cref="ArgumentException">An input does not have the channels the cell was built for, or the sizes do not match.</exception>
    public Var Forward(Var s0, Var s1)
    {
        ArgumentNullException.ThrowIfNull(s0);
        ArgumentNullException.ThrowIfNull(s1);
        var states = new Var[DartsTopology.InputStates + DartsTopology.Steps];
        states[0] = Preprocess0.Forward(s0);
        states[1] = Preprocess1.Forward(s1);
        for (int node = 0; node < DartsTopology.Steps; node++)
        {
            Var? sum = null;
            foreach (var e in DartsTopology.InputsOf(node))
            {
                var y = Edge(e).Forward(states[e.From]);
                sum = sum is null ? y : Functional.Add(sum, y);
            }
            states[DartsTopology.InputStates + node] = sum!; // every node has at least two input edges
        }
        return Functional.Concat(DartsTopology.Concat.Select(s => states[s]).ToList());
    }

    /// <exception cref="NotSupportedException">Always: a cell takes two inputs; call <see cref="Forward(Var, Var)"/>.</exception>
    public override Var Forward(Var x) =>
        throw new NotSupportedException("A DARTS search cell takes two inputs (the outputs of the two previous cells); call Forward(s0, s1).");

    protected override string ExtraRepr => $"{(Kind == DartsCellKind.Reduce ? "reduce" : "normal")}, C={Channels}";
}

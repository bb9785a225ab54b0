using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Alpha;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// One edge of a DARTS search cell (AGNAS <c>MixedOp</c>, <c>DS/model_search.py:38-63</c>; agnas-facts §1.2, §3.1):
/// the eight candidate ops in AGNAS's order (children <c>ops.0</c>..<c>ops.7</c>, built by
/// <see cref="DartsOpRegistry.CreateForSearch"/>: BN not affine, pools followed by a non-affine BN), whose outputs
/// are concatenated along channels in op order into one (B, 8C, H', W') buffer (each copied into its channel
/// view), and the <see cref="Mixer"/> that turns the buffer into the edge's output (B, C, H', W'). AGNAS: the
/// edge's own attention module (child <c>attention</c>, K = 8, hidden width floor(8C / r) = C at r = 8). DARTS
/// (<c>--method darts</c>): an <see cref="AlphaMixer"/> over the edge's row of the α of its cell type, which the
/// edge does not own (no child).
/// </summary>
public sealed class DartsMixedEdge : Module
{
    private readonly AttentionModule? _attention;

    /// <summary>An AGNAS edge: the candidates, then an attention module with reduction <paramref name="reduction"/>.</summary>
    /// <param name="channels">C of the cell.</param>
    /// <param name="stride">1, or 2 on a reduction cell's edges from its two inputs (H' = ⌈H/2⌉).</param>
    /// <param name="reduction">r of the attention module.</param>
    /// <param name="generator">Source of the initial weights (candidates in op order, then the attention FCs).</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">C is not positive, or the stride is not 1 or 2.</exception>
    public DartsMixedEdge(int channels, int stride, int reduction, Generator generator, IBackend backend)
        : this(channels, stride, generator, backend, () => new AttentionModule(DartsOps.Count, channels, reduction, generator, backend))
    {
    }

    /// <summary>An edge whose candidates are combined by the mixer <paramref name="createMixer"/> makes (called once, after the candidates' weights are drawn).</summary>
    /// <param name="channels">C of the cell.</param>
    /// <param name="stride">1, or 2 on a reduction cell's edges from its two inputs.</param>
    /// <param name="generator">Source of the candidates' initial weights.</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <param name="createMixer">The combine: an <see cref="AttentionModule"/> (registered as the child <c>attention</c>) or an α row's <see cref="AlphaMixer"/>.</param>
    /// <exception cref="ArgumentException">C is not positive, the stride is not 1 or 2, or the mixer does not take 8 candidates.</exception>
    public DartsMixedEdge(int channels, int stride, Generator generator, IBackend backend, Func<ICandidateMixer> createMixer)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(createMixer);
        Channels = channels;
        Stride = stride;
        Ops = RegisterModule("ops", new ModuleList<Module>(
            DartsOps.All.Select(op => DartsOpRegistry.CreateForSearch(op, channels, stride, generator, backend))));
        Mixer = createMixer();
        if (Mixer.Candidates != DartsOps.Count)
            throw new ArgumentException($"DartsMixedEdge: the mixer combines {Mixer.Candidates} candidates; the edge has {DartsOps.Count} ({DartsOps.ValidNamesText}).");
        if (Mixer is AttentionModule attention) _attention = RegisterModule("attention", attention);
    }

    /// <summary>C.</summary>
    public int Channels { get; }

    /// <summary>1, or 2 on a reduction cell's edges from its inputs.</summary>
    public int Stride { get; }

    /// <summary>The candidates, index = <see cref="DartsOp"/> value.</summary>
    public ModuleList<Module> Ops { get; }

    /// <summary>How the candidates' outputs are combined.</summary>
    public ICandidateMixer Mixer { get; }

    /// <summary>The edge's attention module.</summary>
    /// <exception cref="InvalidOperationException">The edge mixes with softmax(α) (a supernet built for <c>--method darts</c>).</exception>
    public AttentionModule Attention =>
        _attention ?? throw new InvalidOperationException($"This edge mixes its candidates with {Mixer}, not an attention module.");

    /// <summary>x (B, C, H, W) → the mixer's combine of op_k(x), k = 0..7 (B, C, ⌈H/s⌉, ⌈W/s⌉); AGNAS: Σ_k y_k ⊙ op_k(x).</summary>
    public override Var Forward(Var x)
    {
        var outputs = new Var[Ops.Count];
        for (int k = 0; k < outputs.Length; k++) outputs[k] = Ops[k].Forward(x);
        return Mixer.Mix(Functional.Concat(outputs));
    }

    protected override string ExtraRepr => _attention is null ? $"C={Channels}, stride={Stride}, mixer={Mixer}" : $"C={Channels}, stride={Stride}";
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Alpha;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// One edge of a search cell: the five candidate ops (children <c>ops.0</c>..<c>ops.4</c>, canonical
/// order), whose outputs are concatenated along channels in op order into (B, 5C, H, W), and the
/// <see cref="Mixer"/> that turns the concatenation into the edge's output (B, C, H, W). AGNAS: the
/// edge's own attention module (child <c>attention</c>, K = 5; AGNAS Sec. 3.2, reference facts §5
/// step 1). DARTS: an <see cref="AlphaMixer"/> over the edge's row of the supernet's shared α, which
/// the edge does not own (no child).
/// </summary>
public sealed class Nb201MixedEdge : Module
{
    private readonly AttentionModule? _attention;

    /// <summary>An AGNAS edge: the candidates, then an attention module with reduction <paramref name="reduction"/>.</summary>
    /// <param name="channels">C, the cell width.</param>
    /// <param name="reduction">r of the attention module: hidden width floor(5C / r).</param>
    /// <param name="trackRunningStats">Whether the candidates' BNs keep running statistics.</param>
    /// <param name="generator">Source of the initial weights (candidates first, then the attention FCs).</param>
    /// <param name="backend">Where the tensors live.</param>
    public Nb201MixedEdge(int channels, int reduction, bool trackRunningStats, Generator generator, IBackend backend)
        : this(channels, trackRunningStats, generator, backend, () => new AttentionModule(Nb201Ops.Count, channels, reduction, generator, backend))
    {
    }

    /// <summary>An edge whose candidates are combined by the mixer <paramref name="createMixer"/> makes (called once, after the candidates' weights are drawn).</summary>
    /// <param name="channels">C, the cell width.</param>
    /// <param name="trackRunningStats">Whether the candidates' BNs keep running statistics.</param>
    /// <param name="generator">Source of the candidates' initial weights.</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <param name="createMixer">The combine: an <see cref="AttentionModule"/> (registered as the child <c>attention</c>) or an α row's <see cref="AlphaMixer"/>.</param>
    /// <exception cref="ArgumentException">The mixer does not take <see cref="Nb201Ops.Count"/> candidates.</exception>
    public Nb201MixedEdge(int channels, bool trackRunningStats, Generator generator, IBackend backend, Func<ICandidateMixer> createMixer)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(createMixer);
        // Search cells: BN affine off, hence (NB201's rule) conv bias on; stride 1.
        Ops = RegisterModule("ops", new ModuleList<Module>(
            Nb201Ops.All.Select(op => Nb201OpRegistry.Create(op, channels, stride: 1, affine: false, trackRunningStats, generator, backend))));
        Mixer = createMixer();
        if (Mixer.Candidates != Nb201Ops.Count)
            throw new ArgumentException($"Nb201MixedEdge: the mixer combines {Mixer.Candidates} candidates; the edge has {Nb201Ops.Count} ({Nb201Ops.ValidNamesText}).");
        if (Mixer is AttentionModule attention) _attention = RegisterModule("attention", attention);
        Channels = channels;
    }

    public int Channels { get; }

    /// <summary>The candidates, index = <see cref="Nb201Op"/> value.</summary>
    public ModuleList<Module> Ops { get; }

    /// <summary>How the candidates' outputs are combined.</summary>
    public ICandidateMixer Mixer { get; }

    /// <summary>The edge's attention module.</summary>
    /// <exception cref="InvalidOperationException">The edge mixes with softmax(α) (a DARTS supernet).</exception>
    public AttentionModule Attention =>
        _attention ?? throw new InvalidOperationException($"This edge mixes its candidates with {Mixer}, not an attention module.");

    /// <summary>x (B, C, H, W) → the mixer's combine of op_k(x), k = 0..4 (B, C, H, W).</summary>
    public override Var Forward(Var x)
    {
        var outputs = new Var[Ops.Count];
        for (int k = 0; k < outputs.Length; k++) outputs[k] = Ops[k].Forward(x);
        return Mixer.Mix(Functional.Concat(outputs));
    }

    protected override string ExtraRepr => _attention is null ? $"C={Channels}, mixer={Mixer}" : $"C={Channels}";
}

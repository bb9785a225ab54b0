using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Alpha;
using AgNas.Search.Attention;
using AgNas.Search.Ops;

namespace AgNas.Search;

/// <summary>
/// The one mixed-choice piece of every space (DESIGN "one mixed-choice abstraction"): a micro edge
/// (NAS-Bench-201, DARTS: K candidate ops) or a macro layer (ProxylessNAS: K candidate blocks). The
/// candidates (children <c>ops.0</c>..<c>ops.{K-1}</c>, in the space's registry order) all read the
/// same input x (B, C_in, H, W); their outputs, each (B, C, H', W'), are concatenated along channels
/// in candidate order into one (B, K·C, H', W') buffer, and the <see cref="Mixer"/> turns the buffer
/// into the choice's output (B, C, H', W'). AGNAS: the choice's own attention module (child
/// <c>attention</c>; Sec. 3.2, agnas-facts §1.1): Σ_k y_k ⊙ O_k. DARTS baseline: an
/// <see cref="AlphaMixer"/> over a row of α that the supernet owns (no child).
/// </summary>
public sealed class MixedChoice : Module
{
    private readonly AttentionModule? _attention;

    /// <param name="candidates">The K candidates, in registry order; each maps the same input to (B, C, H', W').</param>
    /// <param name="channels">C, the channels of every candidate's output.</param>
    /// <param name="createMixer">Makes the combine, called once after the candidates were built (so their initial weights are drawn first):
    /// an <see cref="AttentionModule"/> (registered as the child <c>attention</c>) or an α row's <see cref="AlphaMixer"/>.</param>
    /// <param name="what">How messages name this choice ("nb201 edge", "proxyless layer 3").</param>
    /// <exception cref="ArgumentException">No candidates, C not positive, or the mixer does not take K candidates (of C channels, for attention).</exception>
    public MixedChoice(IEnumerable<Module> candidates, int channels, Func<ICandidateMixer> createMixer, string what)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(createMixer);
        ArgumentNullException.ThrowIfNull(what);
        Ops = RegisterModule("ops", new ModuleList<Module>(candidates));
        if (Ops.Count == 0 || channels < 1)
            throw new ArgumentException($"MixedChoice ({what}): K = {Ops.Count}, C = {channels}; expected at least one candidate and C >= 1.");
        Channels = channels;
        What = what;
        Mixer = createMixer();
        if (Mixer.Candidates != Ops.Count)
            throw new ArgumentException($"MixedChoice ({what}): the mixer combines {Mixer.Candidates} candidates; the choice has {Ops.Count}.");
        if (Mixer is AttentionModule attention)
        {
            if (attention.Channels != channels)
                throw new ArgumentException($"MixedChoice ({what}): the attention module expects C = {attention.Channels} per candidate; the candidates give {channels}.");
            _attention = RegisterModule("attention", attention);
        }
    }

    /// <summary>C, the channels of each candidate's output and of the choice's output.</summary>
    public int Channels { get; }

    /// <summary>K.</summary>
    public int Count => Ops.Count;

    /// <summary>How messages name this choice.</summary>
    public string What { get; }

    /// <summary>The candidates, in registry order.</summary>
    public ModuleList<Module> Ops { get; }

    /// <summary>How the candidates' outputs are combined.</summary>
    public ICandidateMixer Mixer { get; }

    /// <summary>The choice's attention module.</summary>
    /// <exception cref="InvalidOperationException">The choice mixes with softmax(α) (a supernet built for <c>--method darts</c>).</exception>
    public AttentionModule Attention =>
        _attention ?? throw new InvalidOperationException($"This {What} mixes its candidates with {Mixer}, not an attention module.");

    /// <summary>x (B, C_in, H, W) → the mixer's combine of candidate_k(x), k = 0..K−1 (B, C, H', W'); AGNAS: Σ_k y_k ⊙ candidate_k(x).</summary>
    public override Var Forward(Var x)
    {
        var outputs = new Var[Ops.Count];
        for (int k = 0; k < outputs.Length; k++) outputs[k] = Ops[k].Forward(x);
        return Mixer.Mix(Functional.Concat(outputs));
    }

    protected override string ExtraRepr => _attention is null ? $"K={Count}, C={Channels}, mixer={Mixer}" : $"K={Count}, C={Channels}";
}

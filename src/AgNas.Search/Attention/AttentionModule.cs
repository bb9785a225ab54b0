using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Attention;

/// <summary>
/// The channel-attention module of one edge (micro spaces) or one layer (macro space), AGNAS
/// Sec. 3.2 / reference facts §1.1: over the K candidate outputs concatenated in z (B, K·C, H, W),
/// s = GAP(z) (B, K·C) → FC K·C→K·C/r (no bias) → ReLU → FC back (no bias) → sigmoid = y (B, K·C),
/// out = Σ_k y_k ⊙ O_k (B, C, H, W). The weights are per sample and per channel and are not
/// normalised across candidates. While <see cref="Importance"/> collection is on, each forward adds
/// Σ_b Σ_{c ∈ group k} y[b, kC + c] to candidate k's importance (Eq. 6) on the device, in float64.
/// </summary>
public sealed class AttentionModule : Module, ICandidateMixer
{
    private Tensor? _importance;

    /// <param name="candidates">K, the number of candidate ops or blocks.</param>
    /// <param name="channels">C, the channels of each candidate's output.</param>
    /// <param name="reduction">r: the hidden width is floor(K·C / r), at least 1.</param>
    /// <param name="generator">Source of the FC weights' initial values (PyTorch's default init).</param>
    /// <param name="backend">Where the weights live; null is the CPU.</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public AttentionModule(int candidates, int channels, int reduction, Generator? generator = null, IBackend? backend = null)
    {
        if (candidates < 1 || channels < 1 || reduction < 1)
            throw new ArgumentException($"AttentionModule: K = {candidates}, C = {channels}, r = {reduction}; all must be >= 1.");
        Candidates = candidates;
        Channels = channels;
        Hidden = Math.Max(1, candidates * channels / reduction);
        Fc1 = RegisterModule("fc1", new Linear(candidates * channels, Hidden, bias: false, generator, backend));
        Fc2 = RegisterModule("fc2", new Linear(Hidden, candidates * channels, bias: false, generator, backend));
    }

    public int Candidates { get; }
    public int Channels { get; }
    public int Hidden { get; }
    public Linear Fc1 { get; }
    public Linear Fc2 { get; }

    /// <summary>
    /// The importance accumulated since <see cref="StartImportance"/>: (K) float64, or null when not
    /// collecting. Read it with ToDoubleArray() once per pass, not per batch.
    /// </summary>
    public Tensor? Importance => _importance;

    /// <summary>Starts (or restarts from zero) accumulating importance on the module's backend.</summary>
    public void StartImportance()
    {
        StopImportance();
        _importance = Tensor.Zeros(new Shape(Candidates), Fc1.Weight.Backend, DType.Float64).DetachFromScope();
    }

    /// <summary>Stops accumulating and releases the accumulator.</summary>
    public void StopImportance()
    {
        _importance?.Dispose();
        _importance = null;
    }

    /// <summary>The attention weights y (B, K·C) for the concatenation z (B, K·C, H, W).</summary>
    public Var Weights(Var z)
    {
        if (z.Shape.Rank != 4 || z.Shape[1] != Candidates * Channels)
            throw new ArgumentException($"AttentionModule(K={Candidates}, C={Channels}): input has shape {z.Shape}; expected (B, {Candidates * Channels}, H, W).");
        return Sigmoid(Fc2.Forward(Relu(Fc1.Forward(GlobalAvgPool(z)))));
    }

    /// <summary>z (B, K·C, H, W) → Σ_k y_k ⊙ O_k (B, C, H, W).</summary>
    public override Var Forward(Var z)
    {
        var y = Weights(z);
        if (_importance is not null) y.Backend.AccumulateImportance(_importance, y.Data, Candidates);
        return AttentionCombine(z, y, Candidates);
    }

    /// <summary>The same as <see cref="Forward"/>: the AGNAS combine of a mixed edge.</summary>
    public Var Mix(Var z) => Forward(z);

    protected override void OnDisposed() => StopImportance();

    protected override string ExtraRepr => $"K={Candidates}, C={Channels}, hidden={Hidden}";
}

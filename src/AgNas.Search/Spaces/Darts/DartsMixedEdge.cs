using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// One edge of a DARTS search cell (AGNAS <c>MixedOp</c>, <c>DS/model_search.py:38-63</c>; agnas-facts §1.2, §3.1):
/// the eight candidate ops in AGNAS's order (children <c>ops.0</c>..<c>ops.7</c>, built by
/// <see cref="DartsOpRegistry.CreateForSearch"/>: BN not affine, pools followed by a non-affine BN) and the
/// edge's attention module (child <c>attention</c>, K = 8, hidden width floor(8C / r) = C at r = 8). The
/// candidates' outputs are concatenated along channels in op order into (B, 8C, H', W') — each copied into its
/// channel view of the one buffer — and the attention module's re-weighted group sum (B, C, H', W') is the
/// edge's output.
/// </summary>
public sealed class DartsMixedEdge : Module
{
    /// <param name="channels">C of the cell.</param>
    /// <param name="stride">1, or 2 on a reduction cell's edges from its two inputs (H' = ⌈H/2⌉).</param>
    /// <param name="reduction">r of the attention module.</param>
    /// <param name="generator">Source of the initial weights (candidates in op order, then the attention FCs).</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">C is not positive, or the stride is not 1 or 2.</exception>
    public DartsMixedEdge(int channels, int stride, int reduction, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        Channels = channels;
        Stride = stride;
        Ops = RegisterModule("ops", new ModuleList<Module>(
            DartsOps.All.Select(op => DartsOpRegistry.CreateForSearch(op, channels, stride, generator, backend))));
        Attention = RegisterModule("attention", new AttentionModule(DartsOps.Count, channels, reduction, generator, backend));
    }

    /// <summary>C.</summary>
    public int Channels { get; }

    /// <summary>1, or 2 on a reduction cell's edges from its inputs.</summary>
    public int Stride { get; }

    /// <summary>The candidates, index = <see cref="DartsOp"/> value.</summary>
    public ModuleList<Module> Ops { get; }

    public AttentionModule Attention { get; }

    /// <summary>x (B, C, H, W) → Σ_k y_k ⊙ op_k(x) (B, C, ⌈H/s⌉, ⌈W/s⌉).</summary>
    public override Var Forward(Var x)
    {
        var outputs = new Var[Ops.Count];
        for (int k = 0; k < outputs.Length; k++) outputs[k] = Ops[k].Forward(x);
        return Attention.Forward(Functional.Concat(outputs));
    }

    protected override string ExtraRepr => $"C={Channels}, stride={Stride}";
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// One edge of a search cell: the five candidate ops (children <c>ops.0</c>..<c>ops.4</c>, canonical
/// order) and their attention module (child <c>attention</c>, K = 5). The candidates' outputs are
/// concatenated along channels in op order into (B, 5C, H, W), and the attention module's re-weighted
/// group sum (B, C, H, W) is the edge's output (AGNAS Sec. 3.2; reference facts §5 step 1).
/// </summary>
public sealed class Nb201MixedEdge : Module
{
    /// <param name="channels">C, the cell width.</param>
    /// <param name="reduction">r of the attention module: hidden width floor(5C / r).</param>
    /// <param name="trackRunningStats">Whether the candidates' BNs keep running statistics.</param>
    /// <param name="generator">Source of the initial weights (candidates first, then the attention FCs).</param>
    /// <param name="backend">Where the tensors live.</param>
    public Nb201MixedEdge(int channels, int reduction, bool trackRunningStats, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        // Search cells: BN affine off, hence (NB201's rule) conv bias on; stride 1.
        Ops = RegisterModule("ops", new ModuleList<Module>(
            Nb201Ops.All.Select(op => Nb201OpRegistry.Create(op, channels, stride: 1, affine: false, trackRunningStats, generator, backend))));
        Attention = RegisterModule("attention", new AttentionModule(Nb201Ops.Count, channels, reduction, generator, backend));
        Channels = channels;
    }

    public int Channels { get; }

    /// <summary>The candidates, index = <see cref="Nb201Op"/> value.</summary>
    public ModuleList<Module> Ops { get; }

    public AttentionModule Attention { get; }

    /// <summary>x (B, C, H, W) → Σ_k y_k ⊙ op_k(x) (B, C, H, W).</summary>
    public override Var Forward(Var x)
    {
        var outputs = new Var[Ops.Count];
        for (int k = 0; k < outputs.Length; k++) outputs[k] = Ops[k].Forward(x);
        return Attention.Forward(Functional.Concat(outputs));
    }

    protected override string ExtraRepr => $"C={Channels}";
}

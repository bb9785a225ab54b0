using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Ops;

/// <summary>
/// ReLU → Conv2d → BatchNorm2d, the basic block of the DARTS and NAS-Bench-201 op sets
/// (AutoDL <c>ReLUConvBN</c>, DARTS <c>ReLUConvBN</c>). The layers sit in one child <c>op</c>
/// (a <see cref="Sequential"/>), so the state-dict names match PyTorch's: <c>op.1.weight</c>
/// (conv), <c>op.2.running_mean</c> (BN).
/// </summary>
/// <remarks>
/// Whether the conv has a bias is the caller's choice because the spaces differ: DARTS never uses
/// one, NAS-Bench-201 uses one exactly when the BN is not affine (bias = not affine).
/// </remarks>
public sealed class ReLUConvBN : Module
{
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels (of the conv and the BN).</param>
    /// <param name="kernelSize">Square kernel size.</param>
    /// <param name="stride">Conv stride.</param>
    /// <param name="padding">Conv zero padding.</param>
    /// <param name="dilation">Conv dilation.</param>
    /// <param name="affine">Whether the BN has a learnable scale and shift.</param>
    /// <param name="trackRunningStats">Whether the BN keeps running statistics (PyTorch's track_running_stats).</param>
    /// <param name="convBias">Whether the conv has a bias.</param>
    /// <param name="generator">Source of the conv's initial weights.</param>
    /// <param name="backend">Where the tensors live; null is the CPU.</param>
    /// <exception cref="ArgumentException">A size is not positive (from the layers).</exception>
    public ReLUConvBN(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation,
        bool affine, bool trackRunningStats, bool convBias, Generator generator, IBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Conv = new Conv2d(inChannels, outChannels, kernelSize, stride, padding, dilation, groups: 1, bias: convBias, generator, backend);
        Bn = new BatchNorm2d(outChannels, affine: affine, trackRunningStats: trackRunningStats, backend: backend);
        RegisterModule("op", new Sequential(new ReLU(), Conv, Bn));
    }

    /// <summary>The convolution (child <c>op.1</c>).</summary>
    public Conv2d Conv { get; }

    /// <summary>The batch norm (child <c>op.2</c>).</summary>
    public BatchNorm2d Bn { get; }

    /// <summary>x (B, I, H, W) → BN(conv(ReLU(x))) (B, O, Ho, Wo).</summary>
    public override Var Forward(Var x) => Bn.Forward(Conv.Forward(Functional.Relu(x)));
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// DARTS' dilated separable convolution (<c>dil_conv_3x3</c>, <c>dil_conv_5x5</c>; agnas-facts §3.1):
/// ReLU → depthwise k×k conv (dilation d, stride s) → pointwise 1×1 conv C_in→C_out → BN. No conv has a
/// bias. The layers sit in one <see cref="Sequential"/> child <c>op</c> (PyTorch's names: <c>op.1.weight</c>
/// depthwise, <c>op.2.weight</c> pointwise, <c>op.3.*</c> BN).
/// </summary>
public sealed class DilConv : Module
{
    /// <param name="inChannels">C_in.</param>
    /// <param name="outChannels">C_out of the pointwise conv and BN.</param>
    /// <param name="kernelSize">k of the depthwise conv (3 or 5 in DARTS).</param>
    /// <param name="stride">Stride of the depthwise conv.</param>
    /// <param name="padding">Zero padding (d·(k − 1)/2 keeps the size at stride 1: 2 for 3×3, 4 for 5×5 at d = 2).</param>
    /// <param name="dilation">d (2 in DARTS).</param>
    /// <param name="affine">Whether the BN has a learnable scale and shift.</param>
    /// <param name="generator">Source of the initial weights.</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">A size is not positive (from the layers).</exception>
    public DilConv(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, bool affine, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Dilation = dilation;
        Op = RegisterModule("op", new Sequential(
            new ReLU(),
            new Conv2d(inChannels, inChannels, kernelSize, stride, padding, dilation, groups: inChannels, bias: false, generator, backend),
            new Conv2d(inChannels, outChannels, kernelSize: 1, stride: 1, padding: 0, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(outChannels, affine: affine, backend: backend)));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Dilation { get; }

    /// <summary>The four layers (child <c>op</c>).</summary>
    public Sequential Op { get; }

    /// <summary>x (B, C_in, H, W) → (B, C_out, Ho, Wo), Ho = floor((H + 2p − d(k − 1) − 1)/s) + 1.</summary>
    /// <exception cref="ArgumentException">x does not have C_in channels.</exception>
    public override Var Forward(Var x) => Op.Forward(x);

    protected override string ExtraRepr => $"{InChannels}, {OutChannels}, kernel {KernelSize}, stride {Stride}, dilation {Dilation}";
}

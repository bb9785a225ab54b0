using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// DARTS' separable convolution (<c>sep_conv_3x3</c>, <c>sep_conv_5x5</c>; agnas-facts §3.1): two stacks of
/// ReLU → depthwise k×k conv → pointwise 1×1 conv → BN. The first stack keeps C_in channels and has the
/// stride; the second has stride 1 and maps to C_out. No conv has a bias. The layers sit in one
/// <see cref="Sequential"/> child <c>op</c>, so the state-dict names are PyTorch's: <c>op.1.weight</c>
/// (depthwise), <c>op.2.weight</c> (pointwise), <c>op.3.*</c> (BN), <c>op.5</c>–<c>op.7</c> for the second stack.
/// </summary>
public sealed class SepConv : Module
{
    /// <param name="inChannels">C_in (kept through the first stack).</param>
    /// <param name="outChannels">C_out of the second pointwise conv and BN.</param>
    /// <param name="kernelSize">k of both depthwise convs (3 or 5 in DARTS).</param>
    /// <param name="stride">Stride of the first depthwise conv (1, or 2 on a reduction cell's input edges).</param>
    /// <param name="padding">Zero padding of both depthwise convs ((k − 1)/2 keeps the size at stride 1).</param>
    /// <param name="affine">Whether the BNs have a learnable scale and shift (search: false; evaluation: true).</param>
    /// <param name="generator">Source of the initial weights, drawn layer by layer in forward order.</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">A size is not positive (from the layers).</exception>
    public SepConv(int inChannels, int outChannels, int kernelSize, int stride, int padding, bool affine, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Op = RegisterModule("op", new Sequential(
            new ReLU(),
            new Conv2d(inChannels, inChannels, kernelSize, stride, padding, dilation: 1, groups: inChannels, bias: false, generator, backend),
            new Conv2d(inChannels, inChannels, kernelSize: 1, stride: 1, padding: 0, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(inChannels, affine: affine, backend: backend),
            new ReLU(),
            new Conv2d(inChannels, inChannels, kernelSize, stride: 1, padding, dilation: 1, groups: inChannels, bias: false, generator, backend),
            new Conv2d(inChannels, outChannels, kernelSize: 1, stride: 1, padding: 0, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(outChannels, affine: affine, backend: backend)));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }

    /// <summary>The eight layers (child <c>op</c>).</summary>
    public Sequential Op { get; }

    /// <summary>x (B, C_in, H, W) → (B, C_out, Ho, Wo), Ho = floor((H + 2p − k)/s) + 1 (⌈H/2⌉ at stride 2 with p = (k − 1)/2).</summary>
    /// <exception cref="ArgumentException">x does not have C_in channels.</exception>
    public override Var Forward(Var x) => Op.Forward(x);

    protected override string ExtraRepr => $"{InChannels}, {OutChannels}, kernel {KernelSize}, stride {Stride}";
}

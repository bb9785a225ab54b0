using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Ops;

/// <summary>
/// The residual block between NAS-Bench-201's stages (AutoDL <c>ResNetBasicblock</c>):
/// out = shortcut(x) + conv_b(conv_a(x)), conv_a = ReLUConvBN 3×3 (stride s, pad 1), conv_b =
/// ReLUConvBN 3×3 (stride 1, pad 1). The shortcut is, for stride 2, AvgPool 2×2 stride 2 (no
/// padding; <see cref="HalvingAvgPool"/>, which pads an odd size at the bottom and right so that the
/// shortcut, like conv_a, gives ⌈H/2⌉ × ⌈W/2⌉ — the benchmark's code fails there) then a 1×1 conv
/// without bias and without BN; for stride 1 with a change of width, a
/// ReLUConvBN 1×1; otherwise the identity. The convs have a bias iff the BN is not affine, as
/// ReLUConvBN does in NAS-Bench-201 (the benchmark builds these blocks with affine BN, so no bias).
/// Child names match PyTorch's: <c>conv_a</c>, <c>conv_b</c>, <c>downsample</c>.
/// </summary>
public sealed class ResNetBasicBlock : Module
{
    /// <exception cref="ArgumentException">stride is not 1 or 2, or a size is not positive.</exception>
    public ResNetBasicBlock(int inChannels, int outChannels, int stride, bool affine, bool trackRunningStats,
        Generator generator, IBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (stride is not (1 or 2))
            throw new ArgumentException($"ResNetBasicBlock({inChannels}→{outChannels}): stride = {stride}; expected 1 or 2.", nameof(stride));
        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        ConvA = RegisterModule("conv_a", new ReLUConvBN(inChannels, outChannels, 3, stride, 1, 1, affine, trackRunningStats, convBias: !affine, generator, backend));
        ConvB = RegisterModule("conv_b", new ReLUConvBN(outChannels, outChannels, 3, 1, 1, 1, affine, trackRunningStats, convBias: !affine, generator, backend));
        if (stride == 2)
        {
            Downsample = RegisterModule("downsample", new Sequential(
                new HalvingAvgPool(),
                new Conv2d(inChannels, outChannels, kernelSize: 1, stride: 1, padding: 0, bias: false, generator: generator, backend: backend)));
        }
        else if (inChannels != outChannels)
        {
            Downsample = RegisterModule("downsample", new ReLUConvBN(inChannels, outChannels, 1, 1, 0, 1, affine, trackRunningStats, convBias: !affine, generator, backend));
        }
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int Stride { get; }
    public ReLUConvBN ConvA { get; }
    public ReLUConvBN ConvB { get; }

    /// <summary>The shortcut, or null for the identity.</summary>
    public Module? Downsample { get; }

    /// <summary>x (B, I, H, W) → (B, O, H, W) at stride 1, (B, O, ⌈H/2⌉, ⌈W/2⌉) at stride 2 (any H, W ≥ 1).</summary>
    public override Var Forward(Var x)
    {
        var residual = Downsample?.Forward(x) ?? x;
        return Functional.Add(residual, ConvB.Forward(ConvA.Forward(x)));
    }

    protected override string ExtraRepr => $"{InChannels}, {OutChannels}, stride {Stride}";
}

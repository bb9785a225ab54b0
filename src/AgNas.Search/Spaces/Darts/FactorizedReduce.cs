using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// DARTS' FactorizedReduce(C_in, C_out) (agnas-facts §3.1, <c>DS/operations.py:90-104</c>): halves H and W
/// with 1×1 convs instead of a pool. y = BN(concat(conv_1(r), conv_2(shift(r)))), r = ReLU(x), where
/// conv_1 is a 1×1 stride-2 conv C_in → C_out/2 and conv_2 the same on r shifted by one pixel
/// down and right; neither conv has a bias. It is the <c>skip_connect</c> op at stride 2 and the
/// first preprocessing of a cell that follows a reduction cell. Children <c>conv_1</c>, <c>conv_2</c>,
/// <c>bn</c> (PyTorch's names; conv_2.weight has PyTorch's shape (C_out/2, C_in, 1, 1)).
/// </summary>
/// <remarks>
/// <para><b>Odd sizes.</b> DARTS computes the shifted half as <c>conv_2(x[:, :, 1:, 1:])</c>: for an even
/// H both halves have H/2 rows, but for an odd H (a 7×7 map of a 28×28 image after two reductions, or
/// 15×15) conv_1 gives ⌈H/2⌉ rows and the shifted half ⌈(H − 1)/2⌉ = ⌊H/2⌋, and the concatenation
/// fails. Here the shifted input is padded with one zero row at the bottom and one zero column at the
/// right before the stride-2 sampling, so that the shifted half reads r[2i + 1, 2j + 1] for i &lt; ⌈H/2⌉,
/// j &lt; ⌈W/2⌉ and takes 0 where that falls past the edge. Both halves then have ⌈H/2⌉ × ⌈W/2⌉, the size of
/// every other stride-2 op (3×3 pad 1 pools and convs, the <c>none</c> op); for even sizes the padding is
/// never sampled and the result is DARTS' exactly.</para>
/// <para><b>How.</b> The shift-pad-subsample is a constant depthwise 3×3 conv, stride 2, padding 1, whose
/// only non-zero tap is 1 at kernel position (2, 2): output (i, j) reads input (2i − 1 + 2, 2j − 1 + 2) =
/// (2i + 1, 2j + 1), and the conv's zero padding supplies the bottom and right zeros. conv_2 then runs at
/// stride 1 on that already-subsampled map, which equals a stride-2 1×1 conv on the padded, shifted input.
/// Built from the conv primitive this way, the op needs no new kernel and its gradient is the conv's; the
/// selector takes no gradient and is not a parameter or buffer (PyTorch's module has none).</para>
/// </remarks>
public sealed class FactorizedReduce : Module
{
    private Tensor? _selector;

    /// <param name="inChannels">C_in.</param>
    /// <param name="outChannels">C_out (even: each half has C_out/2 channels).</param>
    /// <param name="affine">Whether the BN has a learnable scale and shift.</param>
    /// <param name="generator">Source of the initial weights (conv_1, then conv_2).</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">C_out is odd, or a size is not positive.</exception>
    public FactorizedReduce(int inChannels, int outChannels, bool affine, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        if (inChannels < 1 || outChannels < 2 || outChannels % 2 != 0)
            throw new ArgumentException($"FactorizedReduce({inChannels}, {outChannels}): C_in must be >= 1 and C_out even and >= 2 (two halves of C_out/2 channels).");
        InChannels = inChannels;
        OutChannels = outChannels;
        Conv1 = RegisterModule("conv_1", new Conv2d(inChannels, outChannels / 2, kernelSize: 1, stride: 2, padding: 0, bias: false, generator: generator, backend: backend));
        Conv2 = RegisterModule("conv_2", new Conv2d(inChannels, outChannels / 2, kernelSize: 1, stride: 1, padding: 0, bias: false, generator: generator, backend: backend));
        Bn = RegisterModule("bn", new BatchNorm2d(outChannels, affine: affine, backend: backend));
    }

    public int InChannels { get; }
    public int OutChannels { get; }

    /// <summary>1×1 stride-2 conv of the unshifted input (child <c>conv_1</c>).</summary>
    public Conv2d Conv1 { get; }

    /// <summary>1×1 conv of the shifted, subsampled input (child <c>conv_2</c>; stride 1, see the remarks).</summary>
    public Conv2d Conv2 { get; }

    public BatchNorm2d Bn { get; }

    /// <summary>x (B, C_in, H, W) → (B, C_out, ⌈H/2⌉, ⌈W/2⌉); channels [0, C_out/2) from conv_1, the rest from conv_2.</summary>
    /// <exception cref="ArgumentException">x is not (B, C_in, H, W).</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != InChannels)
            throw new ArgumentException($"FactorizedReduce({InChannels}→{OutChannels}): input has shape {x.Shape}; expected (B, {InChannels}, H, W).");
        var r = Functional.Relu(x);
        var unshifted = Conv1.Forward(r);
        var shifted = Functional.Conv2d(r, new Var(Selector(x.Backend)), null, new Conv2dParams(Stride: 2, Padding: 1, Dilation: 1, Groups: InChannels));
        return Bn.Forward(Functional.Concat([unshifted, Conv2.Forward(shifted)]));
    }

    /// <summary>The (C_in, 1, 3, 3) one-hot depthwise kernel on <paramref name="backend"/>, made once per backend.</summary>
    private Tensor Selector(IBackend backend)
    {
        if (_selector is not null && ReferenceEquals(_selector.Backend, backend)) return _selector;
        _selector?.Dispose();
        var taps = new float[InChannels * 9];
        for (int c = 0; c < InChannels; c++) taps[c * 9 + 8] = 1f;
        _selector = Tensor.FromArray(taps, new Shape(InChannels, 1, 3, 3), backend).DetachFromScope();
        return _selector;
    }

    protected override void OnDisposed()
    {
        _selector?.Dispose();
        _selector = null;
    }

    protected override string ExtraRepr => $"{InChannels}, {OutChannels}";
}

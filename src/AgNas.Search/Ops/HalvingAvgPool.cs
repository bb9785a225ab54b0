using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Ops;

/// <summary>
/// The 2×2 stride-2 average pool of NAS-Bench-201's residual shortcut (AutoDL <c>ResNetBasicblock</c>:
/// <c>AvgPool2d(kernel_size=2, stride=2, padding=0)</c>), extended to odd sizes: x (B, C, H, W) →
/// (B, C, ⌈H/2⌉, ⌈W/2⌉), the size of the block's stride-2 3×3 pad-1 conv. No parameters.
/// </summary>
/// <remarks>
/// <para><b>Odd sizes.</b> The benchmark's pool floors (7×7 → 3×3) while its conv rounds up (→ 4×4), so
/// its own code fails to add the two on an odd map (a 30×30 image reaches 15×15 after the first
/// reduction). Here, as in <see cref="Spaces.Darts.FactorizedReduce"/>, an odd H (W) is padded with one
/// zero row at the bottom (column at the right) before the pool, and the zero counts in the divisor:
/// y[i, j] = (x[2i, 2j] + x[2i, 2j+1] + x[2i+1, 2j] + x[2i+1, 2j+1]) / 4, x = 0 past the edge —
/// PyTorch's <c>AvgPool2d(2, 2)(F.pad(x, (0, W % 2, 0, H % 2)))</c>. Even sizes never reach the padding,
/// and take the plain pool: the result, parameters and FLOPs are the benchmark's.</para>
/// <para><b>How.</b> For an odd size the pool is a constant depthwise 3×3 conv, stride 2, padding 1, with
/// taps 1/4 at kernel positions (1..2, 1..2): output (i, j) reads inputs (2i − 1 + k, 2j − 1 + l) for
/// k, l ∈ {1, 2}, and the conv's zero padding supplies the bottom and right zeros (the top and left
/// padding sits under zero taps). Its output is ⌊(H − 1)/2⌋ + 1 = ⌈H/2⌉. Built from the conv
/// primitive, it needs no new kernel; the taps are no parameter or buffer.</para>
/// </remarks>
public sealed class HalvingAvgPool : Module
{
    private static readonly Pool2dParams EvenPool = new(Kernel: 2, Stride: 2, Padding: 0);
    private Tensor? _taps;
    private int _tapChannels;

    /// <summary>x (B, C, H, W) → (B, C, ⌈H/2⌉, ⌈W/2⌉).</summary>
    /// <exception cref="ArgumentException">x is not rank 4.</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"HalvingAvgPool: input has shape {x.Shape}; expected (B, C, H, W).");
        if (x.Shape[2] % 2 == 0 && x.Shape[3] % 2 == 0)
            return Functional.AvgPool2d(x, EvenPool, countIncludePad: true);
        int channels = x.Shape[1];
        return Functional.Conv2d(x, new Var(Taps(channels, x.Backend)), null,
            new Conv2dParams(Stride: 2, Padding: 1, Dilation: 1, Groups: channels));
    }

    /// <summary>The (C, 1, 3, 3) depthwise kernel on <paramref name="backend"/>, made once per backend and channel count.</summary>
    private Tensor Taps(int channels, IBackend backend)
    {
        if (_taps is not null && _tapChannels == channels && ReferenceEquals(_taps.Backend, backend)) return _taps;
        _taps?.Dispose();
        var taps = new float[channels * 9];
        for (int c = 0; c < channels; c++)
            foreach (int k in (ReadOnlySpan<int>)[4, 5, 7, 8]) taps[c * 9 + k] = 0.25f;
        _taps = Tensor.FromArray(taps, new Shape(channels, 1, 3, 3), backend).DetachFromScope();
        _tapChannels = channels;
        return _taps;
    }

    protected override void OnDisposed()
    {
        _taps?.Dispose();
        _taps = null;
    }

    protected override string ExtraRepr => "kernel 2, stride 2, odd sizes padded at the bottom and right";
}

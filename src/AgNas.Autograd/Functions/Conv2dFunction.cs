using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// y (B, O, Ho, Wo) = conv2d(x (B, I, H, W), w (O, I/groups, kH, kW)) + bias (O), PyTorch's Conv2d
/// (cross-correlation, zero padding). Backward: dx by <see cref="IBackend.Conv2dBackwardData"/>,
/// dw and dBias by <see cref="IBackend.Conv2dBackwardFilter"/>, each only when its input needs it.
/// </summary>
internal sealed class Conv2dFunction : Function
{
    private const string Op = "Conv2d";

    private readonly Tensor _x;
    private readonly Tensor _w;
    private readonly bool _hasBias;
    private readonly Conv2dParams _p;

    private Conv2dFunction(Tensor x, Tensor w, bool hasBias, Conv2dParams p)
    {
        _x = x;
        _w = w;
        _hasBias = hasBias;
        _p = p;
    }

    public static Var Apply(Var x, Var w, Var? bias, Conv2dParams p)
    {
        var outShape = OutputShape(x.Data, w.Data, bias?.Data, p);
        var y = Tensor.Empty(outShape, x.Backend);
        x.Backend.Conv2dForward(y, x.Data, w.Data, bias?.Data, p);
        Var[] inputs = bias is null ? [x, w] : [x, w, bias];
        return Record(y, () => new Conv2dFunction(x.Data, w.Data, bias is not null, p), inputs);
    }

    /// <summary>Checks the operands against each other and returns (B, O, Ho, Wo).</summary>
    private static Shape OutputShape(Tensor x, Tensor w, Tensor? bias, Conv2dParams p)
    {
        Check.Rank(Op, x, 4, "x");
        Check.Rank(Op, w, 4, "w");
        if (p.Stride < 1 || p.Padding < 0 || p.Dilation < 1 || p.Groups < 1)
            throw new ArgumentException($"{Op}: x {x.Shape}, w {w.Shape}: {p} is invalid; expected stride >= 1, padding >= 0, dilation >= 1, groups >= 1.");
        int inC = x.Shape[1], outC = w.Shape[0], g = p.Groups;
        if (inC % g != 0 || outC % g != 0)
            throw new ArgumentException($"{Op}: x {x.Shape} has {inC} input channels and w {w.Shape} has {outC} output channels; expected both divisible by groups = {g}.");
        if (w.Shape[1] != inC / g)
            throw new ArgumentException($"{Op}: w has shape {w.Shape} but x {x.Shape} with groups = {g} needs w = ({outC}, {inC / g}, kH, kW) (I/groups = {inC / g} input channels per group).");
        if (bias is not null && bias.Shape != new Shape(outC))
            throw new ArgumentException($"{Op}: bias has shape {bias.Shape}; expected ({outC}) for w {w.Shape}.");
        int ho = p.OutputSize(x.Shape[2], w.Shape[2]), wo = p.OutputSize(x.Shape[3], w.Shape[3]);
        if (ho < 1 || wo < 1)
            throw new ArgumentException($"{Op}: x {x.Shape} with kernel {w.Shape[2]}x{w.Shape[3]}, {p} gives an empty output ({ho}x{wo}); expected at least 1x1.");
        return new Shape(x.Shape[0], outC, ho, wo);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var backend = _x.Backend;
        Tensor? dx = null, dw = null, dBias = null;
        if (NeedsGrad(0))
        {
            dx = Tensor.Empty(_x.Shape, backend);
            backend.Conv2dBackwardData(dx, dy, _w, _p);
        }
        bool needW = NeedsGrad(1), needBias = _hasBias && NeedsGrad(2);
        if (needW || needBias)
        {
            // The filter kernel always writes dw; when only the bias needs a gradient dw is scratch.
            dw = Tensor.Empty(_w.Shape, backend);
            if (needBias) dBias = Tensor.Empty(new Shape(_w.Shape[0]), backend);
            backend.Conv2dBackwardFilter(dw, dBias, dy, _x, _p);
            if (!needW) dw = null;
        }
        return _hasBias ? [dx, dw, dBias] : [dx, dw];
    }
}

using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// y (B, O) = x (B, I) · wᵀ + bias (O), w (O, I). dx = dy · w; dw = dyᵀ · x; dBias = Σ_b dy, each
/// only when its input needs it. The GEMM kernels take dense operands: a strided x or dy is copied first.
/// </summary>
internal sealed class LinearFunction : Function
{
    private const string Op = "Linear";

    private readonly Tensor _x;
    private readonly Tensor _w;
    private readonly bool _hasBias;

    private LinearFunction(Tensor x, Tensor w, bool hasBias)
    {
        _x = x;
        _w = w;
        _hasBias = hasBias;
    }

    public static Var Apply(Var x, Var w, Var? bias)
    {
        Check.Rank(Op, x.Data, 2, "x");
        Check.Rank(Op, w.Data, 2, "w");
        if (w.Shape[1] != x.Shape[1])
            throw new ArgumentException($"{Op}: x has shape {x.Shape} but w has shape {w.Shape}; expected w = (O, {x.Shape[1]}).");
        if (bias is not null && bias.Shape != new Shape(w.Shape[0]))
            throw new ArgumentException($"{Op}: bias has shape {bias.Shape}; expected ({w.Shape[0]}) for w {w.Shape}.");
        var xs = x.Data.IsContiguous ? x.Data : x.Data.Clone();
        var ws = w.Data.IsContiguous ? w.Data : w.Data.Clone();
        var y = Tensor.Empty(new Shape(x.Shape[0], w.Shape[0]), x.Backend);
        x.Backend.LinearForward(y, xs, ws, bias?.Data);
        Var[] inputs = bias is null ? [x, w] : [x, w, bias];
        return Record(y, () => new LinearFunction(xs, ws, bias is not null), inputs);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var backend = _x.Backend;
        if (!dy.IsContiguous) dy = dy.Clone();
        Tensor? dx = null, dw = null, dBias = null;
        if (NeedsGrad(0))
        {
            dx = Tensor.Empty(_x.Shape, backend);
            backend.LinearBackwardData(dx, dy, _w);
        }
        bool needW = NeedsGrad(1), needBias = _hasBias && NeedsGrad(2);
        if (needW || needBias)
        {
            // The weight kernel always writes dw; when only the bias needs a gradient dw is scratch.
            dw = Tensor.Empty(_w.Shape, backend);
            if (needBias) dBias = Tensor.Empty(new Shape(_w.Shape[0]), backend);
            backend.LinearBackwardWeight(dw, dBias, dy, _x);
            if (!needW) dw = null;
        }
        return _hasBias ? [dx, dw, dBias] : [dx, dw];
    }
}

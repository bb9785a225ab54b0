using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// Average pooling of x (B, C, H, W). countIncludePad false divides each window by its in-image
/// elements (DARTS, NAS-Bench-201), true by kernel². The backward spreads dy over each window with
/// the same divisor; it needs only x's shape.
/// </summary>
internal sealed class AvgPool2dFunction : Function
{
    private readonly Shape _xShape;
    private readonly Pool2dParams _p;
    private readonly bool _countIncludePad;

    private AvgPool2dFunction(Shape xShape, Pool2dParams p, bool countIncludePad)
    {
        _xShape = xShape;
        _p = p;
        _countIncludePad = countIncludePad;
    }

    public static Var Apply(Var x, Pool2dParams p, bool countIncludePad)
    {
        var outShape = PoolShapes.Output("AvgPool2d", x.Data, p);
        var y = Tensor.Empty(outShape, x.Backend);
        x.Backend.AvgPool2dForward(y, x.Data, p, countIncludePad);
        return Record(y, () => new AvgPool2dFunction(x.Shape, p, countIncludePad), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        // Zeroed so the result is right whether the kernel overwrites or only adds into dx.
        var dx = Tensor.Zeros(_xShape, dy.Backend);
        dy.Backend.AvgPool2dBackward(dx, dy, _p, _countIncludePad);
        return [dx];
    }
}

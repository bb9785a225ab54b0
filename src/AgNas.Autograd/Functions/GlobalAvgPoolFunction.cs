using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>y (B, C) = mean over H·W of x (B, C, H, W); dx = dy / (H·W) broadcast over the plane.</summary>
internal sealed class GlobalAvgPoolFunction : Function
{
    private readonly Shape _xShape;

    private GlobalAvgPoolFunction(Shape xShape) => _xShape = xShape;

    public static Var Apply(Var x)
    {
        Check.Rank("GlobalAvgPool", x.Data, 4, "x");
        if (x.Shape[2] * x.Shape[3] == 0)
            throw new ArgumentException($"GlobalAvgPool: x has shape {x.Shape}; expected a non-empty H·W plane.");
        var y = Tensor.Empty(new Shape(x.Shape[0], x.Shape[1]), x.Backend);
        x.Backend.GlobalAvgPoolForward(y, x.Data);
        return Record(y, () => new GlobalAvgPoolFunction(x.Shape), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(_xShape, dy.Backend);
        dy.Backend.GlobalAvgPoolBackward(dx, dy);
        return [dx];
    }
}

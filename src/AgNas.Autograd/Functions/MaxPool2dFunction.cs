using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// Max pooling of x (B, C, H, W), padding acting as −∞. The forward saves the int32 argmax of each
/// window (first max wins); the backward routes dy there, accumulating where windows overlap.
/// </summary>
internal sealed class MaxPool2dFunction : Function
{
    private readonly Tensor _argmax;
    private readonly Shape _xShape;

    private MaxPool2dFunction(Tensor argmax, Shape xShape)
    {
        _argmax = argmax;
        _xShape = xShape;
    }

    public static Var Apply(Var x, Pool2dParams p)
    {
        var outShape = PoolShapes.Output("MaxPool2d", x.Data, p);
        var y = Tensor.Empty(outShape, x.Backend);
        var argmax = Tensor.Empty(outShape, x.Backend, DType.Int32);
        x.Backend.MaxPool2dForward(y, argmax, x.Data, p);
        return Record(y, () => new MaxPool2dFunction(argmax, x.Shape), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        // Zeroed so the result is right whether the kernel overwrites or only adds into dx.
        var dx = Tensor.Zeros(_xShape, _argmax.Backend);
        _argmax.Backend.MaxPool2dBackward(dx, dy, _argmax);
        return [dx];
    }
}

using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>y = 1 / (1 + e^−x); dx = dy · y · (1 − y), from the saved output y.</summary>
internal sealed class SigmoidFunction : Function
{
    private readonly Tensor _y;

    private SigmoidFunction(Tensor y) => _y = y;

    public static Var Apply(Var x)
    {
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.Sigmoid(y, x.Data);
        return Record(y, () => new SigmoidFunction(y), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(_y.Shape, _y.Backend);
        _y.Backend.SigmoidBackward(dx, dy, _y);
        return [dx];
    }
}

using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>y = max(x, 0); dx = dy where x &gt; 0 (0 at x = 0, as PyTorch).</summary>
internal sealed class ReluFunction : Function
{
    private readonly Tensor _x;

    private ReluFunction(Tensor x) => _x = x;

    public static Var Apply(Var x)
    {
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.Relu(y, x.Data);
        return Record(y, () => new ReluFunction(x.Data), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(_x.Shape, _x.Backend);
        _x.Backend.ReluBackward(dx, dy, _x);
        return [dx];
    }
}

using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>y = min(max(x, 0), 6); dx = dy where 0 &lt; x &lt; 6, else 0 (0 at both kinks, as PyTorch).</summary>
internal sealed class Relu6Function : Function
{
    private readonly Tensor _x;

    private Relu6Function(Tensor x) => _x = x;

    public static Var Apply(Var x)
    {
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.Relu6(y, x.Data);
        return Record(y, () => new Relu6Function(x.Data), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(_x.Shape, _x.Backend);
        _x.Backend.Relu6Backward(dx, dy, _x);
        return [dx];
    }
}

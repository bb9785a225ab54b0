using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>y = alpha · x; dx = alpha · dy.</summary>
internal sealed class ScaleFunction : Function
{
    private readonly float _alpha;

    private ScaleFunction(float alpha) => _alpha = alpha;

    public static Var Apply(Var x, float alpha)
    {
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.Scale(y, x.Data, alpha);
        return Record(y, () => new ScaleFunction(alpha), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(dy.Shape, dy.Backend);
        dy.Backend.Scale(dx, dy, _alpha);
        return [dx];
    }
}

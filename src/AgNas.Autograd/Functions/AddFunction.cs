using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>y = a + b (same shapes); both gradients are dy.</summary>
internal sealed class AddFunction : Function
{
    public static Var Apply(Var a, Var b)
    {
        var y = Tensor.Empty(a.Shape, a.Backend);
        a.Backend.Add(y, a.Data, b.Data);
        return Record(y, () => new AddFunction(), a, b);
    }

    protected internal override Tensor?[] Backward(Tensor dy) => [dy, dy];
}

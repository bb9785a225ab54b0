using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>y = a ⊙ b (same shapes); da = dy ⊙ b, db = dy ⊙ a.</summary>
internal sealed class MulFunction : Function
{
    private readonly Tensor _a;
    private readonly Tensor _b;

    private MulFunction(Tensor a, Tensor b)
    {
        _a = a;
        _b = b;
    }

    public static Var Apply(Var a, Var b)
    {
        var y = Tensor.Empty(a.Shape, a.Backend);
        a.Backend.Mul(y, a.Data, b.Data);
        return Record(y, () => new MulFunction(a.Data, b.Data), a, b);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        Tensor? da = null, db = null;
        if (NeedsGrad(0))
        {
            da = Tensor.Empty(_a.Shape, _a.Backend);
            _a.Backend.Mul(da, dy, _b);
        }
        if (NeedsGrad(1))
        {
            db = Tensor.Empty(_b.Shape, _b.Backend);
            _b.Backend.Mul(db, dy, _a);
        }
        return [da, db];
    }
}

using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// y (B, C, ...) = Σ_k x (B, kC:(k+1)C, ...) over K groups of channels; dx = dy copied into every
/// group. Sums the attention-weighted candidates of an edge back to C channels.
/// </summary>
internal sealed class GroupSumFunction : Function
{
    private readonly Shape _xShape;
    private readonly int _groups;

    private GroupSumFunction(Shape xShape, int groups)
    {
        _xShape = xShape;
        _groups = groups;
    }

    public static Var Apply(Var x, int groups)
    {
        if (x.Data.Rank < 2)
            throw new ArgumentException($"GroupSum: x has shape {x.Shape}; expected (B, K·C, ...).");
        if (groups < 1 || x.Shape[1] % groups != 0)
            throw new ArgumentException($"GroupSum: x has shape {x.Shape} with {x.Shape[1]} channels; expected groups >= 1 dividing them, got groups = {groups}.");
        var y = Tensor.Empty(x.Shape.WithDim(1, x.Shape[1] / groups), x.Backend);
        x.Backend.GroupSum(y, x.Data, groups);
        return Record(y, () => new GroupSumFunction(x.Shape, groups), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(_xShape, dy.Backend);
        dy.Backend.GroupSumBackward(dx, dy, _groups);
        return [dx];
    }
}

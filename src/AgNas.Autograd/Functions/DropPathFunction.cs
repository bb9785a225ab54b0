using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// Training-mode drop-path (DARTS drop_path): each sample of x (B, ...) is zeroed with probability
/// p and the kept ones scaled by 1/keep, keep = 1 − p: y = x · m (B) per sample, m from the
/// counter-based generator keyed by seed and sample index. Saves the mask; dx = dy · m. Eval mode
/// and p = 0 never get here (<see cref="Functional.DropPath"/> returns x itself).
/// </summary>
internal sealed class DropPathFunction : Function
{
    private readonly Tensor _mask;

    private DropPathFunction(Tensor mask) => _mask = mask;

    public static Var Apply(Var x, float p, ulong seed)
    {
        if (x.Data.Rank < 1)
            throw new ArgumentException($"DropPath: x has shape {x.Shape}; expected (B, ...) with a batch dimension.");
        float keep = 1f - p;
        var mask = Tensor.Empty(new Shape(x.Shape[0]), x.Backend);
        x.Backend.BernoulliMask(mask, keep, keep > 0f ? 1f / keep : 0f, seed);
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.SampleMul(y, x.Data, mask);
        return Record(y, () => new DropPathFunction(mask), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(dy.Shape, dy.Backend);
        dy.Backend.SampleMul(dx, dy, _mask);
        return [dx];
    }
}

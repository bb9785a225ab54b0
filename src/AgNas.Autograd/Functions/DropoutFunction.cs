using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// Training-mode dropout: y = x ⊙ m with m = 1/keep where u &lt; keep, else 0 (keep = 1 − p, u from
/// the counter-based generator keyed by seed and element index, so the same seed gives the same
/// mask on every backend). Saves the mask; dx = dy ⊙ m. Eval mode and p = 0 never get here
/// (<see cref="Functional.Dropout"/> returns x itself).
/// </summary>
internal sealed class DropoutFunction : Function
{
    private readonly Tensor _mask;

    private DropoutFunction(Tensor mask) => _mask = mask;

    public static Var Apply(Var x, float p, ulong seed)
    {
        float keep = 1f - p;
        var mask = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.BernoulliMask(mask, keep, keep > 0f ? 1f / keep : 0f, seed);
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.Mul(y, x.Data, mask);
        return Record(y, () => new DropoutFunction(mask), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(_mask.Shape, _mask.Backend);
        _mask.Backend.Mul(dx, dy, _mask);
        return [dx];
    }
}

using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// y (B, C, H, W) = x · s (B, C) broadcast over H, W (also x (B, C)). dx = dy · s; ds = Σ_hw dy · x.
/// The attention module's reweighting of the concatenated candidates.
/// </summary>
internal sealed class ChannelMulFunction : Function
{
    private readonly Tensor _x;
    private readonly Tensor _s;

    private ChannelMulFunction(Tensor x, Tensor s)
    {
        _x = x;
        _s = s;
    }

    public static Var Apply(Var x, Var s)
    {
        if (x.Data.Rank < 2)
            throw new ArgumentException($"ChannelMul: x has shape {x.Shape}; expected (B, C, H, W) or (B, C).");
        if (s.Shape != new Shape(x.Shape[0], x.Shape[1]))
            throw new ArgumentException($"ChannelMul: s has shape {s.Shape}; expected ({x.Shape[0]}, {x.Shape[1]}) for x {x.Shape}.");
        var ss = s.Data.IsContiguous ? s.Data : s.Data.Clone();
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.ChannelMul(y, x.Data, ss);
        return Record(y, () => new ChannelMulFunction(x.Data, ss), x, s);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var backend = _x.Backend;
        var dx = NeedsGrad(0) ? Tensor.Empty(_x.Shape, backend) : null;
        var ds = NeedsGrad(1) ? Tensor.Empty(_s.Shape, backend) : null;
        if (dx is not null || ds is not null) backend.ChannelMulBackward(dx, ds, dy, _x, _s);
        return [dx, ds];
    }
}

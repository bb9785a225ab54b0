using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// The attention module's fused re-weight and group sum (AGNAS Sec. 3.2):
/// y (B, C, H, W) = Σ_k s(B, kC + c) · z(B, kC + c, H, W) for the K candidates concatenated in z
/// (B, K·C, H, W) and the sigmoid weights s (B, K·C). One backend op each way, instead of ChannelMul
/// followed by GroupSum, so the (B, K·C, H, W) product is never materialised.
/// </summary>
internal sealed class AttentionCombineFunction : Function
{
    private readonly Tensor _z;
    private readonly Tensor _s;
    private readonly int _groups;

    private AttentionCombineFunction(Tensor z, Tensor s, int groups)
    {
        _z = z;
        _s = s;
        _groups = groups;
    }

    public static Var Apply(Var z, Var s, int groups)
    {
        if (z.Data.Rank < 2 || groups < 1 || z.Shape[1] % groups != 0)
            throw new ArgumentException($"AttentionCombine: z has shape {z.Shape}; expected (B, K·C, H, W) with K = {groups} dividing the channels.");
        var ss = s.Data.IsContiguous ? s.Data : s.Data.Clone();
        var y = Tensor.Empty(z.Shape.WithDim(1, z.Shape[1] / groups), z.Backend);
        z.Backend.AttentionCombine(y, z.Data, ss, groups);
        return Record(y, () => new AttentionCombineFunction(z.Data, ss, groups), z, s);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var backend = _z.Backend;
        var dz = NeedsGrad(0) ? Tensor.Empty(_z.Shape, backend) : null;
        var ds = NeedsGrad(1) ? Tensor.Empty(_s.Shape, backend) : null;
        if (dz is not null || ds is not null) backend.AttentionCombineBackward(dz, ds, dy, _z, _s, _groups);
        return [dz, ds];
    }
}

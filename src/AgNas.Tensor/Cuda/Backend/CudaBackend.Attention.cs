namespace AgNas.Tensors.Cuda;

/// <summary>The attention module's fused kernels (AGNAS Sec. 3.2; kernels/attention.cu).</summary>
public sealed unsafe partial class CudaBackend
{
    public void AttentionCombine(Tensor y, Tensor x, Tensor s, int groups)
    {
        var (channels, plane) = OpChecks.Attention(nameof(AttentionCombine), this, y, x, s, groups, "y");
        if (y.Size == 0) return;
        _k.AttentionCombineF32(_k.Elementwise(y.Size), P(y), y.BatchStride, P(x), x.BatchStride, P(s), y.Shape[0], channels, plane, groups);
    }

    public void AttentionCombineBackward(Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s, int groups)
    {
        var (channels, plane) = OpChecks.AttentionCombineBackward(this, dx, ds, dy, x, s, groups);
        if ((dx is null && ds is null) || dy.Size == 0) return;
        _k.AttentionCombineBackwardF32(_k.Units((long)dy.Shape[0] * channels), P(dx), dx?.BatchStride ?? 0, P(ds), P(dy), dy.BatchStride,
            P(x), x.BatchStride, P(s), dy.Shape[0], channels, plane, groups);
    }

    public void AccumulateImportance(Tensor importance, Tensor s, int groups)
    {
        int channels = OpChecks.AccumulateImportance(this, importance, s, groups);
        if (s.Size == 0) return;
        _k.AccumulateImportanceF64(_k.Units(groups), P(importance), P(s), s.Shape[0], channels, groups);
    }
}

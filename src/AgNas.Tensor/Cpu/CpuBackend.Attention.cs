using System.Numerics.Tensors;

namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void AttentionCombine(Tensor y, Tensor x, Tensor s, int groups)
    {
        var (channels, plane) = OpChecks.Attention(nameof(AttentionCombine), this, y, x, s, groups, "y");
        int wide = channels * groups;
        Parallel.For(0, y.Shape[0] * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            var dst = new Span<float>(P(y) + n * y.BatchStride + (long)c * plane, plane);
            float* weights = P(s) + (long)n * wide;
            for (int k = 0; k < groups; k++)
            {
                int ch = k * channels + c;
                var src = new ReadOnlySpan<float>(P(x) + n * x.BatchStride + (long)ch * plane, plane);
                if (k == 0) TensorPrimitives.Multiply(src, weights[ch], dst);
                else TensorPrimitives.MultiplyAdd(src, weights[ch], dst, dst);
            }
        });
    }

    public void AttentionCombineBackward(Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s, int groups)
    {
        var (channels, plane) = OpChecks.AttentionCombineBackward(this, dx, ds, dy, x, s, groups);
        int wide = channels * groups;
        Parallel.For(0, dy.Shape[0] * wide, bkc =>
        {
            int n = bkc / wide, ch = bkc % wide, c = ch % channels;
            var g = new ReadOnlySpan<float>(P(dy) + n * dy.BatchStride + (long)c * plane, plane);
            if (dx is not null)
                TensorPrimitives.Multiply(g, P(s)[bkc], new Span<float>(P(dx) + n * dx.BatchStride + (long)ch * plane, plane));
            if (ds is not null)
                P(ds)[bkc] = TensorPrimitives.Dot(g, new ReadOnlySpan<float>(P(x) + n * x.BatchStride + (long)ch * plane, plane));
        });
    }

    public void AccumulateImportance(Tensor importance, Tensor s, int groups)
    {
        int channels = OpChecks.AccumulateImportance(this, importance, s, groups), wide = s.Shape[1];
        var acc = (double*)importance.Handle;
        for (int k = 0; k < groups; k++)
        {
            double sum = 0;
            for (int n = 0; n < s.Shape[0]; n++)
            {
                float* row = P(s) + (long)n * wide + k * channels;
                for (int c = 0; c < channels; c++) sum += row[c];
            }
            acc[k] += sum;
        }
    }
}

using System.Numerics.Tensors;

namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    /// <summary>Checks x (B,K·C,...), s (B,K·C) contiguous, y/dy (B,C,...) and returns (C, plane size).</summary>
    private (int Channels, int Plane) CheckAttention(string op, Tensor narrow, Tensor x, Tensor s, int groups, string narrowName)
    {
        Check.Operands(op, this, (narrow, narrowName), (x, "x"), (s, "s"));
        CheckGroups(op, narrow, x, groups, narrowName, "x");
        Check.Shape(op, s, new Shape(x.Shape[0], x.Shape[1]), "s");
        Check.Contiguous(op, s, "s");
        int channels = narrow.Shape[1];
        return (channels, checked((int)(narrow.Shape.SampleSize / Math.Max(channels, 1))));
    }

    public void AttentionCombine(Tensor y, Tensor x, Tensor s, int groups)
    {
        var (channels, plane) = CheckAttention(nameof(AttentionCombine), y, x, s, groups, "y");
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
        const string op = nameof(AttentionCombineBackward);
        var (channels, plane) = CheckAttention(op, dy, x, s, groups, "dy");
        Check.Operands(op, this, (dx, "dx"), (ds, "ds"));
        if (dx is not null) Check.SameShape(op, dx, x, "dx", "x");
        if (ds is not null)
        {
            Check.SameShape(op, ds, s, "ds", "s");
            Check.Contiguous(op, ds, "ds");
        }
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
        const string op = nameof(AccumulateImportance);
        Check.Backend(op, this, importance, "importance");
        Check.DType(op, importance, DType.Float64, "importance");
        Check.Shape(op, importance, new Shape(groups), "importance");
        Check.Operands(op, this, (s, "s"));
        Check.Rank(op, s, 2, "s");
        Check.Contiguous(op, s, "s");
        if (groups < 1 || s.Shape[1] % groups != 0)
            throw new ArgumentException($"{op}: s has shape {s.Shape}; expected (B, K·C) with K = {groups} groups dividing the channels.");
        int channels = s.Shape[1] / groups, wide = s.Shape[1];
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

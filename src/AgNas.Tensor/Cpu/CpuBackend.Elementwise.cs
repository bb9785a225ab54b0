using System.Numerics;
using System.Numerics.Tensors;

namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Add(Tensor y, Tensor a, Tensor b)
    {
        OpChecks.Binary(nameof(Add), this, y, a, b);
        ForEachBlock([y, a, b], s => TensorPrimitives.Add(s(a), s(b), s(y)));
    }

    public void Axpy(Tensor y, float alpha, Tensor x)
    {
        OpChecks.Unary(nameof(Axpy), this, y, x);
        ForEachBlock([y, x], s => TensorPrimitives.MultiplyAdd(s(x), alpha, s(y), s(y)));
    }

    public void Scale(Tensor y, Tensor x, float alpha)
    {
        OpChecks.Unary(nameof(Scale), this, y, x);
        ForEachBlock([y, x], s => TensorPrimitives.Multiply(s(x), alpha, s(y)));
    }

    public void Mul(Tensor y, Tensor a, Tensor b)
    {
        OpChecks.Binary(nameof(Mul), this, y, a, b);
        ForEachBlock([y, a, b], s => TensorPrimitives.Multiply(s(a), s(b), s(y)));
    }

    public void Relu(Tensor y, Tensor x)
    {
        OpChecks.Unary(nameof(Relu), this, y, x);
        ForEachBlock([y, x], s => TensorPrimitives.Max(s(x), 0f, s(y)));
    }

    public void ReluBackward(Tensor dx, Tensor dy, Tensor x)
    {
        OpChecks.Binary(nameof(ReluBackward), this, dx, dy, x, "dy", "x");
        ForEachBlock([dx, dy, x], s => MaskedCopy(s(dx), s(dy), s(x), 0f, float.PositiveInfinity));
    }

    public void Relu6(Tensor y, Tensor x)
    {
        OpChecks.Unary(nameof(Relu6), this, y, x);
        ForEachBlock([y, x], s => TensorPrimitives.Clamp(s(x), 0f, 6f, s(y)));
    }

    public void Relu6Backward(Tensor dx, Tensor dy, Tensor x)
    {
        OpChecks.Binary(nameof(Relu6Backward), this, dx, dy, x, "dy", "x");
        ForEachBlock([dx, dy, x], s => MaskedCopy(s(dx), s(dy), s(x), 0f, 6f));
    }

    /// <summary>
    /// o ← g where lo &lt; v &lt; hi, else 0, vectorised and split across cores: the backward of ReLU
    /// and ReLU6 runs once per activation of every step, so a branch per element is too slow.
    /// </summary>
    private static void MaskedCopy(Span<float> o, ReadOnlySpan<float> g, ReadOnlySpan<float> v, float lo, float hi)
    {
        const int Chunk = 1 << 16;
        int chunks = (o.Length + Chunk - 1) / Chunk;
        fixed (float* po = o, pg = g, pv = v)
        {
            float* po2 = po, pg2 = pg, pv2 = pv;
            int length = o.Length;
            Parallel.For(0, chunks, k =>
            {
                int start = k * Chunk, end = Math.Min(length, start + Chunk);
                var vlo = new Vector<float>(lo);
                var vhi = new Vector<float>(hi);
                int i = start;
                for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
                {
                    var xv = Vector.Load(pv2 + i);
                    var keep = Vector.GreaterThan(xv, vlo) & Vector.LessThan(xv, vhi);
                    Vector.ConditionalSelect(keep, Vector.Load(pg2 + i), Vector<float>.Zero).Store(po2 + i);
                }
                for (; i < end; i++) po2[i] = pv2[i] > lo && pv2[i] < hi ? pg2[i] : 0f;
            });
        }
    }

    public void Sigmoid(Tensor y, Tensor x)
    {
        OpChecks.Unary(nameof(Sigmoid), this, y, x);
        ForEachBlock([y, x], s => TensorPrimitives.Sigmoid(s(x), s(y)));
    }

    public void SigmoidBackward(Tensor dx, Tensor dy, Tensor y)
    {
        OpChecks.Binary(nameof(SigmoidBackward), this, dx, dy, y, "dy", "y");
        ForEachBlock([dx, dy, y], s =>
        {
            var g = s(dy); var v = s(y); var o = s(dx);
            for (int i = 0; i < o.Length; i++) o[i] = g[i] * v[i] * (1f - v[i]);
        });
    }

    public void ChannelMul(Tensor y, Tensor x, Tensor s)
    {
        int plane = OpChecks.ChannelMul(this, y, x, s);
        int channels = x.Shape[1];
        Parallel.For(0, x.Shape[0] * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            var src = new ReadOnlySpan<float>(P(x) + n * x.BatchStride + (long)c * plane, plane);
            var dst = new Span<float>(P(y) + n * y.BatchStride + (long)c * plane, plane);
            TensorPrimitives.Multiply(src, P(s)[bc], dst);
        });
    }

    public void ChannelMulBackward(Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s)
    {
        int plane = OpChecks.ChannelMulBackward(this, dx, ds, dy, x, s);
        int channels = x.Shape[1];
        Parallel.For(0, x.Shape[0] * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            var g = new ReadOnlySpan<float>(P(dy) + n * dy.BatchStride + (long)c * plane, plane);
            if (dx is not null)
                TensorPrimitives.Multiply(g, P(s)[bc], new Span<float>(P(dx) + n * dx.BatchStride + (long)c * plane, plane));
            if (ds is not null)
                P(ds)[bc] = TensorPrimitives.Dot(g, new ReadOnlySpan<float>(P(x) + n * x.BatchStride + (long)c * plane, plane));
        });
    }

    public void SampleMul(Tensor y, Tensor x, Tensor m)
    {
        OpChecks.SampleMul(this, y, x, m);
        for (int n = 0; n < Batch(x); n++) TensorPrimitives.Multiply(Sample(x, n), P(m)[n], Sample(y, n));
    }

    public void GroupSum(Tensor y, Tensor x, int groups)
    {
        OpChecks.GroupSum(this, y, x, groups);
        long part = y.Shape.SampleSize;
        Parallel.For(0, y.Shape[0], n =>
        {
            var dst = Sample(y, n);
            var src = new ReadOnlySpan<float>(P(x) + n * x.BatchStride, checked((int)part));
            src.CopyTo(dst);
            for (int k = 1; k < groups; k++)
                TensorPrimitives.Add(dst, new ReadOnlySpan<float>(P(x) + n * x.BatchStride + k * part, (int)part), dst);
        });
    }

    public void GroupSumBackward(Tensor dx, Tensor dy, int groups)
    {
        OpChecks.GroupSumBackward(this, dx, dy, groups);
        long part = dy.Shape.SampleSize;
        Parallel.For(0, dy.Shape[0], n =>
        {
            var src = Sample(dy, n);
            for (int k = 0; k < groups; k++)
                src.CopyTo(new Span<float>(P(dx) + n * dx.BatchStride + k * part, (int)part));
        });
    }

    public void BernoulliMask(Tensor mask, float keep, float scale, ulong seed)
    {
        OpChecks.BernoulliMask(this, mask, keep);
        var m = mask.AsSpan();
        for (int i = 0; i < m.Length; i++) m[i] = CounterRandom.Uniform(seed, (ulong)i) < keep ? scale : 0f;
    }

    // ---- reductions ---------------------------------------------------------------------------

    public double SumOfSquares(Tensor x)
    {
        Check.Operands(nameof(SumOfSquares), this, (x, "x"));
        double acc = 0;
        ForEachBlock([x], s => { foreach (var v in s(x)) acc += (double)v * v; });
        return acc;
    }

    public double SumOfSquaresMany(IReadOnlyList<Tensor> xs)
    {
        double acc = 0;
        foreach (var x in xs) acc += SumOfSquares(x);
        return acc;
    }

    public double Sum(Tensor x)
    {
        Check.Operands(nameof(Sum), this, (x, "x"));
        double acc = 0;
        ForEachBlock([x], s => { foreach (var v in s(x)) acc += v; });
        return acc;
    }

    public bool HasNonFinite(Tensor x)
    {
        Check.Operands(nameof(HasNonFinite), this, (x, "x"));
        bool bad = false;
        ForEachBlock([x], s => { foreach (var v in s(x)) bad |= !float.IsFinite(v); });
        return bad;
    }
}

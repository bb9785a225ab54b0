namespace AgNas.Tensors.Cuda;

public sealed unsafe partial class CudaBackend
{
    public void Add(Tensor y, Tensor a, Tensor b)
    {
        OpChecks.Binary(nameof(Add), this, y, a, b);
        if (y.Size == 0) return;
        var w = WalkOf(y, a, b);
        _k.AddF32(_k.Elementwise(w.Work), P(y), w.Stride(y), P(a), w.Stride(a), P(b), w.Stride(b), w.Batch, w.Sample);
    }

    public void Axpy(Tensor y, float alpha, Tensor x)
    {
        OpChecks.Unary(nameof(Axpy), this, y, x);
        if (y.Size == 0) return;
        var w = WalkOf(y, x);
        _k.AxpyF32(_k.Elementwise(w.Work), P(y), w.Stride(y), P(x), w.Stride(x), w.Batch, w.Sample, alpha);
    }

    public void Scale(Tensor y, Tensor x, float alpha)
    {
        OpChecks.Unary(nameof(Scale), this, y, x);
        if (y.Size == 0) return;
        var w = WalkOf(y, x);
        _k.ScaleF32(_k.Elementwise(w.Work), P(y), w.Stride(y), P(x), w.Stride(x), w.Batch, w.Sample, alpha);
    }

    public void Mul(Tensor y, Tensor a, Tensor b)
    {
        OpChecks.Binary(nameof(Mul), this, y, a, b);
        if (y.Size == 0) return;
        var w = WalkOf(y, a, b);
        _k.MulF32(_k.Elementwise(w.Work), P(y), w.Stride(y), P(a), w.Stride(a), P(b), w.Stride(b), w.Batch, w.Sample);
    }

    public void Relu(Tensor y, Tensor x)
    {
        OpChecks.Unary(nameof(Relu), this, y, x);
        if (y.Size == 0) return;
        var w = WalkOf(y, x);
        _k.ReluF32(_k.Elementwise(w.Work), P(y), w.Stride(y), P(x), w.Stride(x), w.Batch, w.Sample);
    }

    public void ReluBackward(Tensor dx, Tensor dy, Tensor x)
    {
        OpChecks.Binary(nameof(ReluBackward), this, dx, dy, x, "dy", "x");
        if (dx.Size == 0) return;
        var w = WalkOf(dx, dy, x);
        _k.ReluBackwardF32(_k.Elementwise(w.Work), P(dx), w.Stride(dx), P(dy), w.Stride(dy), P(x), w.Stride(x), w.Batch, w.Sample);
    }

    public void Relu6(Tensor y, Tensor x)
    {
        OpChecks.Unary(nameof(Relu6), this, y, x);
        if (y.Size == 0) return;
        var w = WalkOf(y, x);
        _k.Relu6F32(_k.Elementwise(w.Work), P(y), w.Stride(y), P(x), w.Stride(x), w.Batch, w.Sample);
    }

    public void Relu6Backward(Tensor dx, Tensor dy, Tensor x)
    {
        OpChecks.Binary(nameof(Relu6Backward), this, dx, dy, x, "dy", "x");
        if (dx.Size == 0) return;
        var w = WalkOf(dx, dy, x);
        _k.Relu6BackwardF32(_k.Elementwise(w.Work), P(dx), w.Stride(dx), P(dy), w.Stride(dy), P(x), w.Stride(x), w.Batch, w.Sample);
    }

    public void Sigmoid(Tensor y, Tensor x)
    {
        OpChecks.Unary(nameof(Sigmoid), this, y, x);
        if (y.Size == 0) return;
        var w = WalkOf(y, x);
        _k.SigmoidF32(_k.Elementwise(w.Work), P(y), w.Stride(y), P(x), w.Stride(x), w.Batch, w.Sample);
    }

    public void SigmoidBackward(Tensor dx, Tensor dy, Tensor y)
    {
        OpChecks.Binary(nameof(SigmoidBackward), this, dx, dy, y, "dy", "y");
        if (dx.Size == 0) return;
        var w = WalkOf(dx, dy, y);
        _k.SigmoidBackwardF32(_k.Elementwise(w.Work), P(dx), w.Stride(dx), P(dy), w.Stride(dy), P(y), w.Stride(y), w.Batch, w.Sample);
    }

    public void ChannelMul(Tensor y, Tensor x, Tensor s)
    {
        int plane = OpChecks.ChannelMul(this, y, x, s);
        if (y.Size == 0) return;
        int batch = x.Shape[0], channels = x.Shape[1];
        _k.ChannelMulF32(_k.Elementwise(y.Size), P(y), y.BatchStride, P(x), x.BatchStride, P(s), batch, channels, plane);
    }

    public void ChannelMulBackward(Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s)
    {
        int plane = OpChecks.ChannelMulBackward(this, dx, ds, dy, x, s);
        if ((dx is null && ds is null) || x.Size == 0) return;
        int batch = x.Shape[0], channels = x.Shape[1];
        _k.ChannelMulBackwardF32(_k.Units((long)batch * channels), P(dx), dx?.BatchStride ?? 0, P(ds), P(dy), dy.BatchStride,
            P(x), x.BatchStride, P(s), batch, channels, plane);
    }

    public void SampleMul(Tensor y, Tensor x, Tensor m)
    {
        OpChecks.SampleMul(this, y, x, m);
        if (y.Size == 0) return;
        // Always per sample (m holds one factor each); a scalar is one sample of one element.
        int batch = Batch(x);
        long sample = x.Size / batch;
        long Stride(Tensor t) => t.Rank == 0 ? 1 : t.BatchStride;
        _k.SampleMulF32(_k.Elementwise(y.Size), P(y), Stride(y), P(x), Stride(x), P(m), batch, sample);
    }

    public void GroupSum(Tensor y, Tensor x, int groups)
    {
        OpChecks.GroupSum(this, y, x, groups);
        if (y.Size == 0) return;
        _k.GroupSumF32(_k.Elementwise(y.Size), P(y), y.BatchStride, P(x), x.BatchStride, y.Shape[0], y.Shape.SampleSize, groups);
    }

    public void GroupSumBackward(Tensor dx, Tensor dy, int groups)
    {
        OpChecks.GroupSumBackward(this, dx, dy, groups);
        if (dx.Size == 0) return;
        _k.GroupSumBackwardF32(_k.Elementwise(dx.Size), P(dx), dx.BatchStride, P(dy), dy.BatchStride, dy.Shape[0], dy.Shape.SampleSize, groups);
    }

    public void BernoulliMask(Tensor mask, float keep, float scale, ulong seed)
    {
        OpChecks.BernoulliMask(this, mask, keep);
        if (mask.Size == 0) return;
        _k.BernoulliMaskF32(_k.Elementwise(mask.Size), P(mask), mask.Size, keep, scale, seed);
    }

    // ---- reductions: float64 on the device, one 8-byte read back --------------------------------

    public double SumOfSquares(Tensor x)
    {
        Check.Operands(nameof(SumOfSquares), this, (x, "x"));
        return Reduce([x], squares: true);
    }

    public double SumOfSquaresMany(IReadOnlyList<Tensor> xs)
    {
        foreach (var x in xs) Check.Operands(nameof(SumOfSquaresMany), this, (x, "xs[i]"));
        return Reduce(xs, squares: true);
    }

    public double Sum(Tensor x)
    {
        Check.Operands(nameof(Sum), this, (x, "x"));
        return Reduce([x], squares: false);
    }

    /// <summary>Every tensor's sum (or sum of squares) accumulated into one float64 on the device; one read at the end.</summary>
    private double Reduce(IReadOnlyList<Tensor> xs, bool squares)
    {
        if (xs.All(x => x.Size == 0)) return 0;
        using var result = Rent(sizeof(double));
        _device.Fill32(result.Pointer, 0, 2);
        foreach (var x in xs)
        {
            if (x.Size == 0) continue;
            var w = WalkOf(x);
            var grid = _k.Elementwise(w.Work);
            if (squares) _k.SumSquaresF64(grid, result.Pointer, P(x), w.Stride(x), w.Batch, w.Sample);
            else _k.SumF64(grid, result.Pointer, P(x), w.Stride(x), w.Batch, w.Sample);
        }
        double value = 0;
        _device.CopyToHost(new Span<byte>(&value, sizeof(double)), result.Pointer);
        return value;
    }

    public bool HasNonFinite(Tensor x)
    {
        Check.Operands(nameof(HasNonFinite), this, (x, "x"));
        if (x.Size == 0) return false;
        using var flag = Rent(sizeof(int));
        _device.Fill32(flag.Pointer, 0, 1);
        var w = WalkOf(x);
        _k.NonfiniteFlagF32(_k.Elementwise(w.Work), flag.Pointer, P(x), w.Stride(x), w.Batch, w.Sample);
        int value = 0;
        _device.CopyToHost(new Span<byte>(&value, sizeof(int)), flag.Pointer);
        return value != 0;
    }
}

namespace AgNas.Tensors.Cuda;

/// <summary>Linear layers on cuBLAS, convolutions on cuDNN, and our bias kernels around them.</summary>
public sealed unsafe partial class CudaBackend
{
    public void LinearForward(Tensor y, Tensor x, Tensor w, Tensor? bias)
    {
        var (b, i, o) = OpChecks.LinearForward(this, y, x, w, bias);
        if (b == 0 || o == 0) return;
        if (i == 0)
        {
            Fill(y, 0f);
        }
        else
        {
            // Row-major y(B,O) = x(B,I)·wᵀ.
            _device.Blas.Sgemm(false, true, b, o, i, 1f, P(x), i, P(w), i, 0f, P(y), o);
        }
        if (bias is not null) _k.AddRowBiasF32(_k.Elementwise((long)b * o), P(y), P(bias), b, o);
    }

    public void LinearBackwardData(Tensor dx, Tensor dy, Tensor w)
    {
        var (b, i, o) = OpChecks.LinearBackwardData(this, dx, dy, w);
        if (b == 0 || i == 0) return;
        if (o == 0) Fill(dx, 0f);
        else _device.Blas.Sgemm(false, false, b, i, o, 1f, P(dy), o, P(w), i, 0f, P(dx), i);
    }

    public void LinearBackwardWeight(Tensor dw, Tensor? dBias, Tensor dy, Tensor x)
    {
        var (b, i, o) = OpChecks.LinearBackwardWeight(this, dw, dBias, dy, x);
        if (b == 0)
        {
            Fill(dw, 0f);
            if (dBias is not null) Fill(dBias, 0f);
            return;
        }
        if (o > 0 && i > 0) _device.Blas.Sgemm(true, false, o, i, b, 1f, P(dy), o, P(x), i, 0f, P(dw), i);
        if (dBias is not null && o > 0) _k.ColumnSumF32(_k.Elementwise(o), P(dBias), P(dy), b, o);
    }

    // ---- convolution --------------------------------------------------------------------------

    public void Conv2dForward(Tensor y, Tensor x, Tensor w, Tensor? bias, Conv2dParams p)
    {
        const string op = nameof(Conv2dForward);
        Check.Operands(op, this, (y, "y"), (x, "x"), (w, "w"), (bias, "bias"));
        var g = Check.Conv2d(op, x, w, y, bias, p);
        if (g.B == 0) return;
        _conv.Forward(g, x, w, y);
        if (bias is not null) _k.AddChannelBiasF32(_k.Elementwise(y.Size), P(y), y.BatchStride, P(bias), g.B, g.O, g.OutPlane);
    }

    public void Conv2dBackwardData(Tensor dx, Tensor dy, Tensor w, Conv2dParams p)
    {
        const string op = nameof(Conv2dBackwardData);
        Check.Operands(op, this, (dx, "dx"), (dy, "dy"), (w, "w"));
        var g = Check.Conv2d(op, dx, w, dy, null, p, "dx", "w", "dy");
        if (g.B == 0) return;
        _conv.BackwardData(g, dx, w, dy);
    }

    public void Conv2dBackwardFilter(Tensor dw, Tensor? dBias, Tensor dy, Tensor x, Conv2dParams p)
    {
        const string op = nameof(Conv2dBackwardFilter);
        Check.Operands(op, this, (dw, "dw"), (dBias, "dBias"), (dy, "dy"), (x, "x"));
        var g = Check.Conv2d(op, x, dw, dy, dBias, p, "x", "dw", "dy", "dBias");
        if (g.B == 0)
        {
            Fill(dw, 0f);
            if (dBias is not null) Fill(dBias, 0f);
            return;
        }
        _conv.BackwardFilter(g, x, dw, dy);
        if (dBias is not null) _k.ChannelSumF32(_k.Units(g.O), P(dBias), P(dy), dy.BatchStride, g.B, g.O, g.OutPlane);
    }
}

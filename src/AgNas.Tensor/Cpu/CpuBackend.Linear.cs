namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void LinearForward(Tensor y, Tensor x, Tensor w, Tensor? bias)
    {
        var (b, i, o) = OpChecks.LinearForward(this, y, x, w, bias);
        float beta = 0f;
        if (bias is not null)
        {
            var bs = new ReadOnlySpan<float>(P(bias), o);
            for (int r = 0; r < b; r++) bs.CopyTo(new Span<float>(P(y) + (long)r * o, o));
            beta = 1f;
        }
        Cblas.Sgemm(false, true, b, o, i, 1f, P(x), i, P(w), i, beta, P(y), o);
    }

    public void LinearBackwardData(Tensor dx, Tensor dy, Tensor w)
    {
        var (b, i, o) = OpChecks.LinearBackwardData(this, dx, dy, w);
        Cblas.Sgemm(false, false, b, i, o, 1f, P(dy), o, P(w), i, 0f, P(dx), i);
    }

    public void LinearBackwardWeight(Tensor dw, Tensor? dBias, Tensor dy, Tensor x)
    {
        var (b, i, o) = OpChecks.LinearBackwardWeight(this, dw, dBias, dy, x);
        Cblas.Sgemm(true, false, o, i, b, 1f, P(dy), o, P(x), i, 0f, P(dw), i);
        if (dBias is not null)
        {
            for (int c = 0; c < o; c++)
            {
                double acc = 0;
                for (int r = 0; r < b; r++) acc += P(dy)[(long)r * o + c];
                P(dBias)[c] = (float)acc;
            }
        }
    }
}

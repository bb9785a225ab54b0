namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    private void CheckLinear(string op, Tensor x, Tensor w, Tensor y, string xName, string wName, string yName)
    {
        Check.Rank(op, x, 2, xName);
        Check.Rank(op, w, 2, wName);
        Check.Contiguous(op, x, xName);
        Check.Contiguous(op, w, wName);
        Check.Contiguous(op, y, yName);
    }

    public void LinearForward(Tensor y, Tensor x, Tensor w, Tensor? bias)
    {
        const string op = nameof(LinearForward);
        Check.Operands(op, this, (y, "y"), (x, "x"), (w, "w"), (bias, "bias"));
        CheckLinear(op, x, w, y, "x", "w", "y");
        int b = x.Shape[0], i = x.Shape[1], o = w.Shape[0];
        if (w.Shape[1] != i) throw new ArgumentException($"{op}: x has shape {x.Shape} but w has shape {w.Shape}; expected w = (O, {i}).");
        Check.Shape(op, y, new Shape(b, o), "y");
        if (bias is not null) Check.Shape(op, bias, new Shape(o), "bias");
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
        const string op = nameof(LinearBackwardData);
        Check.Operands(op, this, (dx, "dx"), (dy, "dy"), (w, "w"));
        CheckLinear(op, dy, w, dx, "dy", "w", "dx");
        int b = dy.Shape[0], o = w.Shape[0], i = w.Shape[1];
        Check.Shape(op, dy, new Shape(b, o), "dy");
        Check.Shape(op, dx, new Shape(b, i), "dx");
        Cblas.Sgemm(false, false, b, i, o, 1f, P(dy), o, P(w), i, 0f, P(dx), i);
    }

    public void LinearBackwardWeight(Tensor dw, Tensor? dBias, Tensor dy, Tensor x)
    {
        const string op = nameof(LinearBackwardWeight);
        Check.Operands(op, this, (dw, "dw"), (dBias, "dBias"), (dy, "dy"), (x, "x"));
        CheckLinear(op, x, dw, dy, "x", "dw", "dy");
        int b = x.Shape[0], i = x.Shape[1], o = dw.Shape[0];
        Check.Shape(op, dw, new Shape(o, i), "dw");
        Check.Shape(op, dy, new Shape(b, o), "dy");
        Cblas.Sgemm(true, false, o, i, b, 1f, P(dy), o, P(x), i, 0f, P(dw), i);
        if (dBias is not null)
        {
            Check.Shape(op, dBias, new Shape(o), "dBias");
            for (int c = 0; c < o; c++)
            {
                double acc = 0;
                for (int r = 0; r < b; r++) acc += P(dy)[(long)r * o + c];
                P(dBias)[c] = (float)acc;
            }
        }
    }
}

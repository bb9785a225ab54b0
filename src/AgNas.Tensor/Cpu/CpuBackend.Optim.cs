namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p, bool isFirstStep)
    {
        OpChecks.SgdStep(this, param, grad, momentumBuffer, p);
        var w = param.AsSpan();
        var g = grad.AsSpan();
        var buf = p.Momentum != 0f ? momentumBuffer!.AsSpan() : Span<float>.Empty;
        for (int i = 0; i < w.Length; i++)
        {
            float d = g[i] + p.WeightDecay * w[i];
            if (p.Momentum != 0f)
            {
                buf[i] = isFirstStep ? d : p.Momentum * buf[i] + (1f - p.Dampening) * d;
                d = p.Nesterov ? d + p.Momentum * buf[i] : buf[i];
            }
            w[i] -= p.LearningRate * d;
        }
    }

    public void SgdStepMany(IReadOnlyList<SgdTensor> tensors, SgdParams p)
    {
        foreach (var t in tensors) SgdStep(t.Param, t.Grad, t.MomentumBuffer, p, t.IsFirstStep);
    }

    public void AdamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamParams p, int step)
    {
        OpChecks.AdamStep(this, param, grad, m, v, step);
        var w = param.AsSpan();
        var g = grad.AsSpan();
        var ms = m.AsSpan();
        var vs = v.AsSpan();
        double bc1 = 1 - Math.Pow(p.Beta1, step);
        double bc2 = 1 - Math.Pow(p.Beta2, step);
        float stepSize = (float)(p.LearningRate / bc1);
        float sqrtBc2 = (float)Math.Sqrt(bc2);
        for (int i = 0; i < w.Length; i++)
        {
            float d = g[i] + p.WeightDecay * w[i];
            ms[i] = p.Beta1 * ms[i] + (1f - p.Beta1) * d;
            vs[i] = p.Beta2 * vs[i] + (1f - p.Beta2) * d * d;
            w[i] -= stepSize * ms[i] / (MathF.Sqrt(vs[i]) / sqrtBc2 + p.Eps);
        }
    }
}

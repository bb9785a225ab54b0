using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace AgNas.Tensors.Cpu;

/// <summary>
/// Batch norm with PyTorch's semantics (torch.nn.functional.batch_norm). x is (B, C, H, W) or
/// (B, C) (BatchNorm1d-like, H = W = 1); statistics are per channel over n = B·H·W values.
/// Work is split over channels with Parallel.For; inside a channel every sum runs sequentially in
/// float64 (each float widened before it is added), so results do not depend on the thread count.
/// y may be x itself (in place), and dx may be dy itself.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void BatchNormTrainForward(Tensor y, Tensor saveMean, Tensor saveInvStd, Tensor? runningMean, Tensor? runningVar,
        Tensor x, Tensor? gamma, Tensor? beta, float momentum, float eps)
    {
        var (channels, plane) = OpChecks.BatchNormTrainForward(this, y, saveMean, saveInvStd, runningMean, runningVar, x, gamma, beta, momentum, eps);
        int batch = x.Shape[0];
        long count = (long)batch * plane;

        float* px = P(x), py = P(y), pMean = P(saveMean), pInv = P(saveInvStd);
        float* pRm = runningMean is null ? null : P(runningMean), pRv = runningVar is null ? null : P(runningVar);
        float* pG = gamma is null ? null : P(gamma), pB = beta is null ? null : P(beta);
        long xs = x.BatchStride, ys = y.BatchStride;
        Parallel.For(0, channels, c =>
        {
            long off = (long)c * plane;
            double sum = 0;
            for (int n = 0; n < batch; n++) sum += SumF64(new ReadOnlySpan<float>(px + n * xs + off, plane));
            double mean = sum / count;
            double sq = 0;
            for (int n = 0; n < batch; n++) sq += SumSquaredDeviationF64(new ReadOnlySpan<float>(px + n * xs + off, plane), mean);
            double varBiased = sq / count;
            double invStd = 1.0 / Math.Sqrt(varBiased + eps);
            pMean[c] = (float)mean;
            pInv[c] = (float)invStd;
            if (pRm != null) pRm[c] = (float)((1.0 - momentum) * pRm[c] + momentum * mean);
            if (pRv != null) pRv[c] = (float)((1.0 - momentum) * pRv[c] + momentum * (varBiased * count / (count - 1)));

            float scale = (float)(invStd * (pG == null ? 1.0 : pG[c]));
            float shift = pB == null ? 0f : pB[c];
            for (int n = 0; n < batch; n++)
                CenterScaleShift(new ReadOnlySpan<float>(px + n * xs + off, plane), (float)mean, scale, shift,
                    new Span<float>(py + n * ys + off, plane));
        });
    }

    public void BatchNormEvalForward(Tensor y, Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor var, float eps)
    {
        var (channels, plane) = OpChecks.BatchNormEvalForward(this, y, x, gamma, beta, mean, var, eps);

        int batch = x.Shape[0];
        float* px = P(x), py = P(y), pM = P(mean), pV = P(var);
        float* pG = gamma is null ? null : P(gamma), pB = beta is null ? null : P(beta);
        long xs = x.BatchStride, ys = y.BatchStride;
        Parallel.For(0, channels, c =>
        {
            long off = (long)c * plane;
            double invStd = 1.0 / Math.Sqrt((double)pV[c] + eps);
            float scale = (float)(invStd * (pG == null ? 1.0 : pG[c]));
            float shift = pB == null ? 0f : pB[c];
            for (int n = 0; n < batch; n++)
                CenterScaleShift(new ReadOnlySpan<float>(px + n * xs + off, plane), pM[c], scale, shift,
                    new Span<float>(py + n * ys + off, plane));
        });
    }

    public void BatchNormTrainBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma,
        Tensor saveMean, Tensor saveInvStd)
    {
        const string op = nameof(BatchNormTrainBackward);
        var (channels, plane) = OpChecks.BatchNormBackward(op, this, dx, dGamma, dBeta, dy, x, gamma, (saveMean, "saveMean"), (saveInvStd, "saveInvStd"));

        int batch = x.Shape[0];
        long count = (long)batch * plane;
        float* pdx = P(dx), pdy = P(dy), px = P(x), pM = P(saveMean), pInv = P(saveInvStd);
        float* pG = gamma is null ? null : P(gamma);
        float* pdG = dGamma is null ? null : P(dGamma), pdB = dBeta is null ? null : P(dBeta);
        long dxs = dx.BatchStride, dys = dy.BatchStride, xs = x.BatchStride;
        Parallel.For(0, channels, c =>
        {
            long off = (long)c * plane;
            double mean = pM[c], invStd = pInv[c];
            // sumDy = Σ dy, sumDyXmu = Σ dy·(x − mean), so Σ dy·x̂ = invStd·sumDyXmu.
            double sumDy = 0, sumDyXmu = 0;
            for (int n = 0; n < batch; n++)
            {
                var (s, d) = SumAndCenteredDotF64(new ReadOnlySpan<float>(pdy + n * dys + off, plane),
                    new ReadOnlySpan<float>(px + n * xs + off, plane), mean);
                sumDy += s;
                sumDyXmu += d;
            }
            if (pdG != null) pdG[c] = (float)(sumDyXmu * invStd);
            if (pdB != null) pdB[c] = (float)sumDy;
            if (count == 0) return;

            // dx = γ·invStd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n) = k·dy + q·(x − mean) + r.
            double k = invStd * (pG == null ? 1.0 : pG[c]);
            double q = -k * invStd * invStd * sumDyXmu / count;
            double r = -k * sumDy / count;
            for (int n = 0; n < batch; n++)
                BatchNormInputGrad(new ReadOnlySpan<float>(pdy + n * dys + off, plane), new ReadOnlySpan<float>(px + n * xs + off, plane),
                    (float)k, (float)mean, (float)q, (float)r, new Span<float>(pdx + n * dxs + off, plane));
        });
    }

    public void BatchNormEvalBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma,
        Tensor mean, Tensor var, float eps)
    {
        const string op = nameof(BatchNormEvalBackward);
        var (channels, plane) = OpChecks.BatchNormBackward(op, this, dx, dGamma, dBeta, dy, x, gamma, (mean, "mean"), (var, "var"));
        OpChecks.BatchNormEps(op, eps);

        int batch = x.Shape[0];
        float* pdx = P(dx), pdy = P(dy), px = P(x), pM = P(mean), pV = P(var);
        float* pG = gamma is null ? null : P(gamma);
        float* pdG = dGamma is null ? null : P(dGamma), pdB = dBeta is null ? null : P(dBeta);
        long dxs = dx.BatchStride, dys = dy.BatchStride, xs = x.BatchStride;
        Parallel.For(0, channels, c =>
        {
            long off = (long)c * plane;
            double invStd = 1.0 / Math.Sqrt((double)pV[c] + eps);
            if (pdG != null || pdB != null)
            {
                double sumDy = 0, sumDyXmu = 0;
                for (int n = 0; n < batch; n++)
                {
                    var (s, d) = SumAndCenteredDotF64(new ReadOnlySpan<float>(pdy + n * dys + off, plane),
                        new ReadOnlySpan<float>(px + n * xs + off, plane), pM[c]);
                    sumDy += s;
                    sumDyXmu += d;
                }
                if (pdG != null) pdG[c] = (float)(sumDyXmu * invStd);
                if (pdB != null) pdB[c] = (float)sumDy;
            }
            float k = (float)(invStd * (pG == null ? 1.0 : pG[c]));
            for (int n = 0; n < batch; n++)
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(pdy + n * dys + off, plane), k, new Span<float>(pdx + n * dxs + off, plane));
        });
    }

    // ---- float64-accumulating reductions and fused elementwise loops ---------------------------

    /// <summary>Σ s, each element widened to float64 before it is added (fixed order: deterministic).</summary>
    private static double SumF64(ReadOnlySpan<float> s)
    {
        var v = MemoryMarshal.Cast<float, Vector<float>>(s);
        Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero;
        for (int j = 0; j < v.Length; j++)
        {
            Vector.Widen(v[j], out var lo, out var hi);
            a0 += lo;
            a1 += hi;
        }
        double sum = Vector.Sum(a0 + a1);
        for (int i = v.Length * Vector<float>.Count; i < s.Length; i++) sum += s[i];
        return sum;
    }

    /// <summary>Σ (s − mean)² in float64.</summary>
    private static double SumSquaredDeviationF64(ReadOnlySpan<float> s, double mean)
    {
        var v = MemoryMarshal.Cast<float, Vector<float>>(s);
        var m = new Vector<double>(mean);
        Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero;
        for (int j = 0; j < v.Length; j++)
        {
            Vector.Widen(v[j], out var lo, out var hi);
            lo -= m;
            hi -= m;
            a0 += lo * lo;
            a1 += hi * hi;
        }
        double sum = Vector.Sum(a0 + a1);
        for (int i = v.Length * Vector<float>.Count; i < s.Length; i++)
        {
            double d = s[i] - mean;
            sum += d * d;
        }
        return sum;
    }

    /// <summary>(Σ dy, Σ dy·(x − mean)) in float64.</summary>
    private static (double Sum, double Dot) SumAndCenteredDotF64(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, double mean)
    {
        var vg = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var m = new Vector<double>(mean);
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero, d0 = Vector<double>.Zero, d1 = Vector<double>.Zero;
        for (int j = 0; j < vg.Length; j++)
        {
            Vector.Widen(vg[j], out var glo, out var ghi);
            Vector.Widen(vx[j], out var xlo, out var xhi);
            s0 += glo;
            s1 += ghi;
            d0 += glo * (xlo - m);
            d1 += ghi * (xhi - m);
        }
        double sum = Vector.Sum(s0 + s1), dot = Vector.Sum(d0 + d1);
        for (int i = vg.Length * Vector<float>.Count; i < dy.Length; i++)
        {
            sum += dy[i];
            dot += dy[i] * (x[i] - mean);
        }
        return (sum, dot);
    }

    /// <summary>y ← (x − mean)·scale + shift. y may be x.</summary>
    private static void CenterScaleShift(ReadOnlySpan<float> x, float mean, float scale, float shift, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        Vector<float> m = new(mean), s = new(scale), b = new(shift);
        for (int j = 0; j < vx.Length; j++) vy[j] = (vx[j] - m) * s + b;
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++) y[i] = (x[i] - mean) * scale + shift;
    }

    /// <summary>dx ← k·dy + q·(x − mean) + r. dx may be dy.</summary>
    private static void BatchNormInputGrad(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float k, float mean, float q, float r, Span<float> dx)
    {
        var vg = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dx);
        Vector<float> vk = new(k), vm = new(mean), vq = new(q), vr = new(r);
        for (int j = 0; j < vg.Length; j++) vd[j] = vk * vg[j] + vq * (vx[j] - vm) + vr;
        for (int i = vg.Length * Vector<float>.Count; i < dy.Length; i++) dx[i] = k * dy[i] + q * (x[i] - mean) + r;
    }
}

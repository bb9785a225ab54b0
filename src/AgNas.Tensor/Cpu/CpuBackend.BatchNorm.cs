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
        const string op = nameof(BatchNormTrainForward);
        Check.Operands(op, this, (y, "y"), (saveMean, "saveMean"), (saveInvStd, "saveInvStd"), (runningMean, "runningMean"),
            (runningVar, "runningVar"), (x, "x"), (gamma, "gamma"), (beta, "beta"));
        var (channels, plane) = BatchNormLayout(op, x);
        Check.SameShape(op, y, x, "y", "x");
        var c1 = new Shape(channels);
        BatchNormChannelVector(op, saveMean, c1, "saveMean", x);
        BatchNormChannelVector(op, saveInvStd, c1, "saveInvStd", x);
        BatchNormChannelVector(op, runningMean, c1, "runningMean", x);
        BatchNormChannelVector(op, runningVar, c1, "runningVar", x);
        BatchNormChannelVector(op, gamma, c1, "gamma", x);
        BatchNormChannelVector(op, beta, c1, "beta", x);
        BatchNormEps(op, eps);
        if (!(momentum >= 0f && momentum <= 1f))
            throw new ArgumentException($"{op}: momentum = {momentum} for x of shape {x.Shape}; expected a value in [0, 1].");
        int batch = x.Shape[0];
        long count = (long)batch * plane;
        if (count < 2)
            throw new ArgumentException(
                $"{op}: batch norm in training needs more than one value per channel; x has shape {x.Shape} " +
                $"({count} value{(count == 1 ? "" : "s")} per channel). Use a larger batch or eval mode.");

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
        const string op = nameof(BatchNormEvalForward);
        Check.Operands(op, this, (y, "y"), (x, "x"), (gamma, "gamma"), (beta, "beta"), (mean, "mean"), (var, "var"));
        var (channels, plane) = BatchNormLayout(op, x);
        Check.SameShape(op, y, x, "y", "x");
        var c1 = new Shape(channels);
        BatchNormChannelVector(op, gamma, c1, "gamma", x);
        BatchNormChannelVector(op, beta, c1, "beta", x);
        BatchNormChannelVector(op, mean, c1, "mean", x);
        BatchNormChannelVector(op, var, c1, "var", x);
        BatchNormEps(op, eps);

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
        var (channels, plane) = CheckBatchNormBackward(op, dx, dGamma, dBeta, dy, x, gamma, (saveMean, "saveMean"), (saveInvStd, "saveInvStd"));

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
        var (channels, plane) = CheckBatchNormBackward(op, dx, dGamma, dBeta, dy, x, gamma, (mean, "mean"), (var, "var"));
        BatchNormEps(op, eps);

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

    // ---- checks -------------------------------------------------------------------------------

    /// <summary>Channels and plane size (H·W, or 1 for (B, C)) of a batch-norm input.</summary>
    private static (int Channels, int Plane) BatchNormLayout(string op, Tensor x)
    {
        if (x.Rank is not (2 or 4))
            throw new ArgumentException($"{op}: x has shape {x.Shape} (rank {x.Rank}); expected (B, C, H, W) or (B, C).");
        int channels = x.Shape[1];
        int plane = x.Rank == 4 ? checked(x.Shape[2] * x.Shape[3]) : 1;
        return (channels, plane);
    }

    private static void BatchNormChannelVector(string op, Tensor? t, Shape expected, string name, Tensor x)
    {
        if (t is null) return;
        if (t.Shape != expected)
            throw new ArgumentException($"{op}: {name} has shape {t.Shape}; expected {expected} (one value per channel of x, shape {x.Shape}).");
    }

    private static void BatchNormEps(string op, float eps)
    {
        if (!(eps >= 0f) || float.IsInfinity(eps))
            throw new ArgumentException($"{op}: eps = {eps}; expected a finite value >= 0.");
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

    /// <summary>The checks both batch-norm backwards share: operands, shapes, and the per-channel (C) vectors.</summary>
    private (int Channels, int Plane) CheckBatchNormBackward(string op, Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x,
        Tensor? gamma, (Tensor T, string Name) stat1, (Tensor T, string Name) stat2)
    {
        Check.Operands(op, this, (dx, "dx"), (dGamma, "dGamma"), (dBeta, "dBeta"), (dy, "dy"), (x, "x"), (gamma, "gamma"), stat1, stat2);
        var (channels, plane) = BatchNormLayout(op, x);
        Check.SameShape(op, dy, x, "dy", "x");
        Check.SameShape(op, dx, x, "dx", "x");
        var c1 = new Shape(channels);
        BatchNormChannelVector(op, dGamma, c1, "dGamma", x);
        BatchNormChannelVector(op, dBeta, c1, "dBeta", x);
        BatchNormChannelVector(op, gamma, c1, "gamma", x);
        BatchNormChannelVector(op, stat1.T, c1, stat1.Name, x);
        BatchNormChannelVector(op, stat2.T, c1, stat2.Name, x);
        return (channels, plane);
    }
}

using System.Numerics;

namespace AgNas.Tensors.Cpu;

/// <summary>
/// Max, average and global average pooling with PyTorch's semantics (ceil_mode off, dilation 1,
/// no divisor_override). Work is split over (sample, channel) planes with Parallel.For, so the
/// backward passes accumulate overlapping windows without races and deterministically. Outputs
/// must not overlap inputs.
/// <para>NaN: max pooling follows PyTorch's CPU kernel, where an element wins if it is greater
/// than the running max or is NaN, so a window holding a NaN outputs NaN and its argmax is the
/// last NaN in scan order; among equal (non-NaN) values the first in scan order wins.</para>
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void MaxPool2dForward(Tensor y, Tensor argmax, Tensor x, Pool2dParams p)
    {
        var g = OpChecks.MaxPool2dForward(this, y, argmax, x, p);

        float* px = P(x), py = P(y);
        int* pa = PI(argmax);
        long xs = x.BatchStride, ys = y.BatchStride, @as = argmax.BatchStride;
        int channels = g.C;
        Parallel.For(0, g.B * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            fixed (float* scratch = PoolScratch(g.PaddedPlane))
            {
                // A −∞-padded copy of the plane: padding is then read like image elements and, never
                // being greater than the running max, never selected.
                PadPlane(scratch, px + n * xs + (long)c * g.InPlane, g, p.Padding, float.NegativeInfinity);
                MaxPoolPlane(py + n * ys + (long)c * g.OutPlane, pa + n * @as + (long)c * g.OutPlane, scratch, g, p);
            }
        });
    }

    public void MaxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax)
    {
        const string op = nameof(MaxPool2dBackward);
        var (channels, inPlane, outPlane) = OpChecks.MaxPool2dBackward(this, dx, dy, argmax);
        float* pdx = P(dx), pdy = P(dy);
        int* pa = PI(argmax);
        long dxs = dx.BatchStride, dys = dy.BatchStride, @as = argmax.BatchStride;
        int anyBad = 0, badIndex = 0;
        Parallel.For(0, dx.Shape[0] * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            var dxPlane = new Span<float>(pdx + n * dxs + (long)c * inPlane, inPlane);
            float* gp = pdy + n * dys + (long)c * outPlane;
            int* ap = pa + n * @as + (long)c * outPlane;
            dxPlane.Clear();
            for (int i = 0; i < outPlane; i++)
            {
                int idx = ap[i];
                if ((uint)idx >= (uint)inPlane)
                {
                    badIndex = idx;
                    Volatile.Write(ref anyBad, 1);
                    continue;
                }
                dxPlane[idx] += gp[i];
            }
        });
        if (anyBad != 0)
            throw new ArgumentException($"{op}: argmax of shape {argmax.Shape} holds index {badIndex}, outside [0, {inPlane}) of dx's planes (dx has shape {dx.Shape}).");
    }

    public void AvgPool2dForward(Tensor y, Tensor x, Pool2dParams p, bool countIncludePad)
    {
        var g = OpChecks.AvgPool2dForward(this, y, x, p);

        var colDivisor = AvgColumnDivisors(g, p, countIncludePad);
        float* px = P(x), py = P(y);
        long xs = x.BatchStride, ys = y.BatchStride;
        int channels = g.C;
        Parallel.For(0, g.B * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            fixed (float* scratch = PoolScratch(g.PaddedPlane), cd = colDivisor)
            {
                PadPlane(scratch, px + n * xs + (long)c * g.InPlane, g, p.Padding, 0f);
                AvgPoolPlane(py + n * ys + (long)c * g.OutPlane, scratch, cd, g, p, countIncludePad);
            }
        });
    }

    public void AvgPool2dBackward(Tensor dx, Tensor dy, Pool2dParams p, bool countIncludePad)
    {
        var g = OpChecks.AvgPool2dBackward(this, dx, dy, p);

        var colDivisor = AvgColumnDivisors(g, p, countIncludePad);
        float* pdx = P(dx), pdy = P(dy);
        long dxs = dx.BatchStride, dys = dy.BatchStride;
        int channels = g.C;
        Parallel.For(0, g.B * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            float* dxPlane = pdx + n * dxs + (long)c * g.InPlane, dyPlane = pdy + n * dys + (long)c * g.OutPlane;
            if (p.Stride == 1)
            {
                fixed (float* scratch = PoolScratch(g.SharePlane), cd = colDivisor)
                    AvgPoolBackwardStride1(dxPlane, scratch, dyPlane, cd, g, p, countIncludePad);
            }
            else
            {
                fixed (float* scratch = PoolScratch(g.PaddedPlane), cd = colDivisor)
                {
                    // Scatter dy/divisor into a zeroed padded plane, then keep its in-image part.
                    AvgPoolBackwardScatter(scratch, dyPlane, cd, g, p, countIncludePad);
                    UnpadPlane(dxPlane, scratch, g, p.Padding);
                }
            }
        });
    }

    public void GlobalAvgPoolForward(Tensor y, Tensor x)
    {
        int plane = OpChecks.GlobalAvgPool(nameof(GlobalAvgPoolForward), this, x, y, "x", "y");

        float* px = P(x), py = P(y);
        long xs = x.BatchStride, ys = y.BatchStride;
        int channels = x.Shape[1];
        Parallel.For(0, x.Shape[0] * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            py[n * ys + c] = (float)(SumF64(new ReadOnlySpan<float>(px + n * xs + (long)c * plane, plane)) / plane);
        });
    }

    public void GlobalAvgPoolBackward(Tensor dx, Tensor dy)
    {
        int plane = OpChecks.GlobalAvgPool(nameof(GlobalAvgPoolBackward), this, dx, dy, "dx", "dy");

        float* pdx = P(dx), pdy = P(dy);
        long dxs = dx.BatchStride, dys = dy.BatchStride;
        int channels = dx.Shape[1];
        Parallel.For(0, dx.Shape[0] * channels, bc =>
        {
            int n = bc / channels, c = bc % channels;
            new Span<float>(pdx + n * dxs + (long)c * plane, plane).Fill(pdy[n * dys + c] / plane);
        });
    }

    // ---- per-plane loops --------------------------------------------------------------------------
    // Each works on a padded copy of one plane ((H + 2·pad) × (W + 2·pad), row stride Wp), so the
    // window loops have no bounds tests. With stride 1 they run across Vector<float>.Count outputs of
    // a row at once (each lane scans its own window in the same order as the scalar loop); other
    // strides and the row tails take the scalar loop.

    private static readonly Vector<int> LaneIndex = new(Enumerable.Range(0, Vector<int>.Count).ToArray());

    [ThreadStatic] private static float[]? _poolScratch;

    /// <summary>This thread's scratch buffer, at least length floats (grown, never shrunk; no allocation once warm).</summary>
    private static float[] PoolScratch(int length)
    {
        var s = _poolScratch;
        if (s is null || s.Length < length) _poolScratch = s = new float[Math.Max(length, 256)];
        return s;
    }

    private static void PadPlane(float* dst, float* src, PoolGeometry g, int pad, float fill)
    {
        int wp = g.W + 2 * pad;
        if (pad > 0) new Span<float>(dst, g.PaddedPlane).Fill(fill);
        for (int h = 0; h < g.H; h++)
            new ReadOnlySpan<float>(src + (long)h * g.W, g.W).CopyTo(new Span<float>(dst + (long)(h + pad) * wp + pad, g.W));
    }

    private static void UnpadPlane(float* dst, float* src, PoolGeometry g, int pad)
    {
        int wp = g.W + 2 * pad;
        for (int h = 0; h < g.H; h++)
            new ReadOnlySpan<float>(src + (long)(h + pad) * wp + pad, g.W).CopyTo(new Span<float>(dst + (long)h * g.W, g.W));
    }

    /// <summary>
    /// Max and argmax of every window (PyTorch's CPU rule: an element wins if it is greater than the
    /// running max or is NaN). A window whose elements are all −∞ keeps the sentinel −1, which then
    /// becomes its first in-image element, as in PyTorch.
    /// </summary>
    private static void MaxPoolPlane(float* y, int* argmax, float* xp, PoolGeometry g, Pool2dParams p)
    {
        int k = p.Kernel, s = p.Stride, pad = p.Padding, wp = g.W + 2 * pad, lanes = Vector<float>.Count;
        var negInf = new Vector<float>(float.NegativeInfinity);
        var none = new Vector<int>(-1);
        for (int oh = 0; oh < g.Ho; oh++)
        {
            int ow = 0;
            if (s == 1)
            {
                for (; ow + lanes <= g.Wo; ow += lanes)
                {
                    var max = negInf;
                    var idx = none;
                    for (int i = 0; i < k; i++)
                    {
                        float* row = xp + (long)(oh + i) * wp + ow;
                        int image = (oh + i - pad) * g.W + ow - pad;
                        for (int j = 0; j < k; j++)
                        {
                            var v = Vector.Load(row + j);
                            var take = Vector.GreaterThan(v, max) | ~Vector.Equals(v, v);
                            max = Vector.ConditionalSelect(take, v, max);
                            idx = Vector.ConditionalSelect(take, new Vector<int>(image + j) + LaneIndex, idx);
                        }
                    }
                    Vector.Store(max, y + oh * g.Wo + ow);
                    Vector.Store(idx, argmax + oh * g.Wo + ow);
                    if (Vector.EqualsAny(idx, none))
                        for (int l = 0; l < lanes; l++)
                            if (argmax[oh * g.Wo + ow + l] < 0) argmax[oh * g.Wo + ow + l] = FirstInImage(oh, ow + l, g, p);
                }
            }
            for (; ow < g.Wo; ow++)
            {
                float max = float.NegativeInfinity;
                int idx = -1;
                for (int i = 0; i < k; i++)
                {
                    float* row = xp + (long)(oh * s + i) * wp + ow * s;
                    int image = (oh * s + i - pad) * g.W + ow * s - pad;
                    for (int j = 0; j < k; j++)
                    {
                        float v = row[j];
                        if (v > max || float.IsNaN(v))
                        {
                            max = v;
                            idx = image + j;
                        }
                    }
                }
                y[oh * g.Wo + ow] = max;
                argmax[oh * g.Wo + ow] = idx >= 0 ? idx : FirstInImage(oh, ow, g, p);
            }
        }
    }

    private static int FirstInImage(int oh, int ow, PoolGeometry g, Pool2dParams p) =>
        Math.Max(oh * p.Stride - p.Padding, 0) * g.W + Math.Max(ow * p.Stride - p.Padding, 0);

    /// <summary>The divisor's column factor of every output column (see <see cref="AvgWindow"/>).</summary>
    private static float[] AvgColumnDivisors(PoolGeometry g, Pool2dParams p, bool countIncludePad)
    {
        var d = new float[g.Wo];
        for (int ow = 0; ow < g.Wo; ow++) d[ow] = AvgWindow(ow, p, g.W, countIncludePad).Divisor;
        return d;
    }

    /// <summary>Window sums (zero padding, scan order) divided by (row factor)·(column factor).</summary>
    private static void AvgPoolPlane(float* y, float* xp, float* colDivisor, PoolGeometry g, Pool2dParams p, bool countIncludePad)
    {
        int k = p.Kernel, s = p.Stride, wp = g.W + 2 * p.Padding, lanes = Vector<float>.Count;
        for (int oh = 0; oh < g.Ho; oh++)
        {
            float rowDivisor = AvgWindow(oh, p, g.H, countIncludePad).Divisor;
            int ow = 0;
            if (s == 1)
            {
                for (; ow + lanes <= g.Wo; ow += lanes)
                {
                    var sum = Vector<float>.Zero;
                    for (int i = 0; i < k; i++)
                    {
                        float* row = xp + (long)(oh + i) * wp + ow;
                        for (int j = 0; j < k; j++) sum += Vector.Load(row + j);
                    }
                    Vector.Store(sum / (Vector.Load(colDivisor + ow) * rowDivisor), y + oh * g.Wo + ow);
                }
            }
            for (; ow < g.Wo; ow++)
            {
                float sum = 0f;
                for (int i = 0; i < k; i++)
                {
                    float* row = xp + (long)(oh * s + i) * wp + ow * s;
                    for (int j = 0; j < k; j++) sum += row[j];
                }
                y[oh * g.Wo + ow] = sum / (colDivisor[ow] * rowDivisor);
            }
        }
    }

    /// <summary>
    /// Stride 1 as a gather: with share = dy/divisor embedded in a zero border of kernel − 1
    /// (<see cref="PoolGeometry.SharePlane"/>), dx(h, w) = Σ_{a,b &lt; k} share'(h + pad + a, w + pad + b),
    /// a window sum with loads only (a scatter would store over its own last store, a stall per add).
    /// </summary>
    private static void AvgPoolBackwardStride1(float* dx, float* sp, float* dy, float* colDivisor, PoolGeometry g, Pool2dParams p,
        bool countIncludePad)
    {
        int k = p.Kernel, pad = p.Padding, border = k - 1, sw = g.Wo + 2 * border, lanes = Vector<float>.Count;
        new Span<float>(sp, g.SharePlane).Clear();
        for (int oh = 0; oh < g.Ho; oh++)
        {
            float rowDivisor = AvgWindow(oh, p, g.H, countIncludePad).Divisor;
            float* dst = sp + (long)(oh + border) * sw + border;
            for (int ow = 0; ow < g.Wo; ow++) dst[ow] = dy[oh * g.Wo + ow] / (colDivisor[ow] * rowDivisor);
        }
        for (int h = 0; h < g.H; h++)
        {
            float* top = sp + (long)(h + pad) * sw + pad;
            int w = 0;
            for (; w + lanes <= g.W; w += lanes)
            {
                var sum = Vector<float>.Zero;
                for (int a = 0; a < k; a++)
                {
                    float* row = top + (long)a * sw + w;
                    for (int b = 0; b < k; b++) sum += Vector.Load(row + b);
                }
                Vector.Store(sum, dx + (long)h * g.W + w);
            }
            for (; w < g.W; w++)
            {
                float sum = 0f;
                for (int a = 0; a < k; a++)
                {
                    float* row = top + (long)a * sw + w;
                    for (int b = 0; b < k; b++) sum += row[b];
                }
                dx[(long)h * g.W + w] = sum;
            }
        }
    }

    /// <summary>Any stride: padded ← 0, then each dy/divisor added to every element (padding included) of its window.</summary>
    private static void AvgPoolBackwardScatter(float* padded, float* dy, float* colDivisor, PoolGeometry g, Pool2dParams p, bool countIncludePad)
    {
        int k = p.Kernel, s = p.Stride, wp = g.W + 2 * p.Padding;
        new Span<float>(padded, g.PaddedPlane).Clear();
        for (int oh = 0; oh < g.Ho; oh++)
        {
            float rowDivisor = AvgWindow(oh, p, g.H, countIncludePad).Divisor;
            for (int ow = 0; ow < g.Wo; ow++)
            {
                float v = dy[oh * g.Wo + ow] / (colDivisor[ow] * rowDivisor);
                for (int i = 0; i < k; i++)
                {
                    float* row = padded + (long)(oh * s + i) * wp + ow * s;
                    for (int j = 0; j < k; j++) row[j] += v;
                }
            }
        }
    }

    // ---- geometry and checks ------------------------------------------------------------------

    /// <summary>
    /// The in-image range [start, end) of output position o along one axis and the window's extent
    /// for the divisor: the in-image count (countIncludePad false), or PyTorch's pool_size, the window
    /// clipped to the padded bounds (countIncludePad true; with ceil_mode off that is always the kernel).
    /// </summary>
    private static (int Start, int End, int Divisor) AvgWindow(int o, Pool2dParams p, int size, bool countIncludePad)
    {
        int start = o * p.Stride - p.Padding;
        int end = Math.Min(start + p.Kernel, size + p.Padding);
        int padded = end - start;
        start = Math.Max(start, 0);
        end = Math.Min(end, size);
        return (start, end, countIncludePad ? padded : end - start);
    }
}

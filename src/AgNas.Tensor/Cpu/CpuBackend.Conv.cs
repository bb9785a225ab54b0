using System.Buffers;
using System.Numerics.Tensors;

namespace AgNas.Tensors.Cpu;

/// <summary>
/// 2-D convolution. General convolutions are im2col + one GEMM per group; depthwise convolutions
/// (weight (C,1,kH,kW)) are a direct loop per (sample, channel), because their GEMMs would be
/// (1 × kH·kW) by (kH·kW × Ho·Wo) and the column matrix would cost kH·kW times the input for no reuse.
/// <para>Every parallel loop writes disjoint outputs and sums in a fixed order, so results do not
/// depend on scheduling; the filter gradient is summed over the batch in sample order.</para>
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>
    /// Bound on the column matrix and the (O, chunk·Ho·Wo) staging matrix of one call together; the
    /// batch is processed in chunks that fit, so a large batch does not need a column buffer kH·kW
    /// times its size. A single sample that does not fit is still processed (one per chunk). On the
    /// 2-core development machine 2 MB to 32 MB timed the same (3x3, 16 channels, 32x32, batch 64).
    /// </summary>
    internal const long ConvBufferBytes = 16L << 20;

    public void Conv2dForward(Tensor y, Tensor x, Tensor w, Tensor? bias, Conv2dParams p)
    {
        const string op = nameof(Conv2dForward);
        Check.Operands(op, this, (y, "y"), (x, "x"), (w, "w"), (bias, "bias"));
        var g = Check.Conv2d(op, x, w, y, bias, p);
        if (g.B == 0) return;
        if (g.IsDepthwise) DepthwiseForward(y, x, w, bias, g);
        else GemmForward(y, x, w, bias, g);
    }

    public void Conv2dBackwardData(Tensor dx, Tensor dy, Tensor w, Conv2dParams p)
    {
        const string op = nameof(Conv2dBackwardData);
        Check.Operands(op, this, (dx, "dx"), (dy, "dy"), (w, "w"));
        var g = Check.Conv2d(op, dx, w, dy, null, p, "dx", "w", "dy");
        if (g.B == 0) return;
        if (g.IsDepthwise) DepthwiseBackwardData(dx, dy, w, g);
        else GemmBackwardData(dx, dy, w, g);
    }

    public void Conv2dBackwardFilter(Tensor dw, Tensor? dBias, Tensor dy, Tensor x, Conv2dParams p)
    {
        const string op = nameof(Conv2dBackwardFilter);
        Check.Operands(op, this, (dw, "dw"), (dBias, "dBias"), (dy, "dy"), (x, "x"));
        var g = Check.Conv2d(op, x, dw, dy, dBias, p, "x", "dw", "dy", "dBias");
        if (dBias is not null) BiasGradient(dBias, dy, g);
        if (g.B == 0)
        {
            Fill(dw, 0f);
            return;
        }
        if (g.IsDepthwise) DepthwiseBackwardFilter(dw, dy, x, g);
        else GemmBackwardFilter(dw, dy, x, g);
    }

    /// <summary>dBias(O) ← Σ_{b,h,w} dy, each channel summed over the samples in order.</summary>
    private static void BiasGradient(Tensor dBias, Tensor dy, Conv2dGeometry g)
    {
        Parallel.For(0, g.O, o =>
        {
            double acc = 0;
            for (int n = 0; n < g.B; n++)
                acc += TensorPrimitives.Sum(new ReadOnlySpan<float>(P(dy) + n * dy.BatchStride + (long)o * g.OutPlane, g.OutPlane));
            P(dBias)[o] = (float)acc;
        });
    }

    // ---- im2col + GEMM --------------------------------------------------------------------------

    /// <summary>
    /// Samples per chunk for buffers of <paramref name="rowsPerSample"/> rows of Ho·Wo floats each,
    /// balanced so that the last chunk is not a sliver.
    /// </summary>
    private static int ConvChunk(Conv2dGeometry g, long rowsPerSample)
    {
        long perSample = Math.Max(rowsPerSample * g.OutPlane * sizeof(float), 1);
        int chunk = (int)Math.Clamp(ConvBufferBytes / perSample, 1, g.B);
        int chunks = (g.B + chunk - 1) / chunk;
        return (g.B + chunks - 1) / chunks;
    }

    /// <summary>
    /// Output positions [lo, hi) along one axis whose input coordinate pos·stride + offset lies in
    /// [0, size); offset = k·dilation − padding for kernel tap k.
    /// </summary>
    private static (int Lo, int Hi) InsideRange(int outputs, int size, int offset, int stride)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = size - offset <= 0 ? 0 : Math.Min(outputs, (size - offset + stride - 1) / stride);
        return (Math.Min(lo, hi), hi);
    }

    private void GemmForward(Tensor y, Tensor x, Tensor w, Tensor? bias, Conv2dGeometry g)
    {
        int chunk = ConvChunk(g, g.ColRows + g.O);
        int og = g.OutPerGroup, k = g.GroupRows, plane = g.OutPlane;
        using var col = Tensor.Empty(new Shape(g.ColRows, chunk * plane), this);
        using var staging = chunk > 1 ? Tensor.Empty(new Shape(g.O, chunk * plane), this) : null;
        for (int n0 = 0; n0 < g.B; n0 += chunk)
        {
            int cn = Math.Min(chunk, g.B - n0), ld = cn * plane;
            Im2Col(P(col), ld, x, g, n0, cn);
            // With one sample the GEMM output (O, Ho·Wo) already is the NCHW sample: no staging.
            float* result = staging is null ? P(y) + n0 * y.BatchStride : P(staging);
            for (int grp = 0; grp < g.Groups; grp++)
                Cblas.Sgemm(false, false, og, ld, k, 1f, P(w) + (long)grp * og * k, k,
                    P(col) + (long)grp * k * ld, ld, 0f, result + (long)grp * og * ld, ld);
            if (staging is null)
            {
                if (bias is not null)
                    Parallel.For(0, g.O, o =>
                    {
                        var dst = new Span<float>(P(y) + n0 * y.BatchStride + (long)o * plane, plane);
                        TensorPrimitives.Add(dst, P(bias)[o], dst);
                    });
                continue;
            }
            Parallel.For(0, cn * g.O, i =>
            {
                int nl = i / g.O, o = i % g.O;
                var src = new ReadOnlySpan<float>(P(staging) + (long)o * ld + (long)nl * plane, plane);
                var dst = new Span<float>(P(y) + (n0 + nl) * y.BatchStride + (long)o * plane, plane);
                if (bias is null) src.CopyTo(dst);
                else TensorPrimitives.Add(src, P(bias)[o], dst);
            });
        }
    }

    private void GemmBackwardData(Tensor dx, Tensor dy, Tensor w, Conv2dGeometry g)
    {
        int chunk = ConvChunk(g, g.ColRows + g.O);
        int og = g.OutPerGroup, k = g.GroupRows, plane = g.OutPlane;
        using var col = Tensor.Empty(new Shape(g.ColRows, chunk * plane), this);
        using var staging = chunk > 1 ? Tensor.Empty(new Shape(g.O, chunk * plane), this) : null;
        for (int n0 = 0; n0 < g.B; n0 += chunk)
        {
            int cn = Math.Min(chunk, g.B - n0), ld = cn * plane;
            float* grad = StageOutputs(staging, dy, g, n0, cn);
            for (int grp = 0; grp < g.Groups; grp++)
                Cblas.Sgemm(true, false, k, ld, og, 1f, P(w) + (long)grp * og * k, k,
                    grad + (long)grp * og * ld, ld, 0f, P(col) + (long)grp * k * ld, ld);
            Col2Im(dx, P(col), ld, g, n0, cn);
        }
    }

    private void GemmBackwardFilter(Tensor dw, Tensor dy, Tensor x, Conv2dGeometry g)
    {
        int chunk = ConvChunk(g, g.ColRows + g.O);
        int og = g.OutPerGroup, k = g.GroupRows, plane = g.OutPlane;
        using var col = Tensor.Empty(new Shape(g.ColRows, chunk * plane), this);
        using var staging = chunk > 1 ? Tensor.Empty(new Shape(g.O, chunk * plane), this) : null;
        for (int n0 = 0; n0 < g.B; n0 += chunk)
        {
            int cn = Math.Min(chunk, g.B - n0), ld = cn * plane;
            Im2Col(P(col), ld, x, g, n0, cn);
            float* grad = StageOutputs(staging, dy, g, n0, cn);
            // Chunks are added in batch order (beta = 1 after the first), never concurrently.
            float beta = n0 == 0 ? 0f : 1f;
            for (int grp = 0; grp < g.Groups; grp++)
                Cblas.Sgemm(false, true, og, k, ld, 1f, grad + (long)grp * og * ld, ld,
                    P(col) + (long)grp * k * ld, ld, beta, P(dw) + (long)grp * og * k, k);
        }
    }

    /// <summary>
    /// The chunk's output gradients as an (O, cn·Ho·Wo) matrix: sample n0 itself when the chunk is one
    /// sample, else gathered into <paramref name="staging"/>.
    /// </summary>
    private static float* StageOutputs(Tensor? staging, Tensor dy, Conv2dGeometry g, int n0, int cn)
    {
        if (staging is null) return P(dy) + n0 * dy.BatchStride;
        int plane = g.OutPlane, ld = cn * plane;
        Parallel.For(0, cn * g.O, i =>
        {
            int nl = i / g.O, o = i % g.O;
            new ReadOnlySpan<float>(P(dy) + (n0 + nl) * dy.BatchStride + (long)o * plane, plane)
                .CopyTo(new Span<float>(P(staging) + (long)o * ld + (long)nl * plane, plane));
        });
        return P(staging);
    }

    /// <summary>
    /// col(I·kH·kW, cn·Ho·Wo): row (c, ky, kx), column (sample, oy, ox) holds the input pixel that
    /// tap (ky, kx) of output (oy, ox) reads, 0 in the padding. Parallel over (sample, channel),
    /// each owning kH·kW whole row segments.
    /// </summary>
    private static void Im2Col(float* col, int ld, Tensor x, Conv2dGeometry g, int n0, int cn)
    {
        Parallel.For(0, cn * g.I, i =>
        {
            int nl = i / g.I, c = i % g.I, s = g.Stride;
            float* src = P(x) + (n0 + nl) * x.BatchStride + (long)c * g.InPlane;
            for (int ky = 0; ky < g.KH; ky++)
            for (int kx = 0; kx < g.KW; kx++)
            {
                float* dst = col + ((long)(c * g.KH + ky) * g.KW + kx) * ld + (long)nl * g.OutPlane;
                int xOff = kx * g.Dilation - g.Padding;
                var (lo, hi) = InsideRange(g.Wo, g.W, xOff, s);
                for (int oy = 0; oy < g.Ho; oy++, dst += g.Wo)
                {
                    int iy = oy * s + ky * g.Dilation - g.Padding;
                    if ((uint)iy >= (uint)g.H)
                    {
                        new Span<float>(dst, g.Wo).Clear();
                        continue;
                    }
                    float* row = src + (long)iy * g.W + xOff;
                    new Span<float>(dst, lo).Clear();
                    if (s == 1) new ReadOnlySpan<float>(row + lo, hi - lo).CopyTo(new Span<float>(dst + lo, hi - lo));
                    else for (int ox = lo; ox < hi; ox++) dst[ox] = row[ox * s];
                    new Span<float>(dst + hi, g.Wo - hi).Clear();
                }
            }
        });
    }

    /// <summary>
    /// The adjoint of <see cref="Im2Col"/>: dx ← Σ over taps of the column gradients at the pixels they
    /// read. Each (sample, input channel) plane is written by one iteration only, so no atomics.
    /// </summary>
    private static void Col2Im(Tensor dx, float* col, int ld, Conv2dGeometry g, int n0, int cn)
    {
        Parallel.For(0, cn * g.I, i =>
        {
            int nl = i / g.I, c = i % g.I, s = g.Stride;
            float* dst = P(dx) + (n0 + nl) * dx.BatchStride + (long)c * g.InPlane;
            new Span<float>(dst, g.InPlane).Clear();
            for (int ky = 0; ky < g.KH; ky++)
            for (int kx = 0; kx < g.KW; kx++)
            {
                float* src = col + ((long)(c * g.KH + ky) * g.KW + kx) * ld + (long)nl * g.OutPlane;
                int xOff = kx * g.Dilation - g.Padding;
                var (lo, hi) = InsideRange(g.Wo, g.W, xOff, s);
                for (int oy = 0; oy < g.Ho; oy++, src += g.Wo)
                {
                    int iy = oy * s + ky * g.Dilation - g.Padding;
                    if ((uint)iy >= (uint)g.H) continue;
                    float* row = dst + (long)iy * g.W + xOff;
                    if (s == 1)
                    {
                        var acc = new Span<float>(row + lo, hi - lo);
                        TensorPrimitives.Add(acc, new ReadOnlySpan<float>(src + lo, hi - lo), acc);
                    }
                    else for (int ox = lo; ox < hi; ox++) row[ox * s] += src[ox];
                }
            }
        });
    }

    // ---- depthwise ------------------------------------------------------------------------------
    //
    // Small planes and strided convolutions are computed directly over each output's valid taps (see
    // UseDirectDepthwise). Otherwise each (sample, channel) plane is copied into a zero-padded (H+2p, W+2p) scratch plane, so no tap
    // needs bounds checks. At stride 1 the output is accumulated with the padded row stride Wp: tap
    // (ky, kx) is then one contiguous multiply-add over the whole plane, shifted by ky·d·Wp + kx·d,
    // instead of Ho short row operations; columns Wo..Wp of each accumulator row are junk and dropped.

    /// <summary>Scratch per worker: a padded input plane, then a padded-stride output plane.</summary>
    private readonly record struct DepthwiseLayout(int Hp, int Wp, int Span)
    {
        public static DepthwiseLayout Of(Conv2dGeometry g)
        {
            int hp = g.H + 2 * g.Padding, wp = g.W + 2 * g.Padding;
            // At stride 1: the accumulator covers rows 0..Ho−1 at stride Wp up to the last valid column,
            // and its largest shifted read, (Ho−1)·Wp + Wo−1 + (kH−1)·d·Wp + (kW−1)·d, is Hp·Wp − 1.
            return new DepthwiseLayout(hp, wp, (g.Ho - 1) * wp + g.Wo);
        }

        public int Padded => Hp * Wp;
        public int Scratch => Padded + Span;
        public int TapOffset(Conv2dGeometry g, int ky, int kx) => (ky * Wp + kx) * g.Dilation;
    }

    /// <summary>
    /// Runs body(sample, channel, scratch) over every (sample, channel), in chunks of consecutive planes with one pooled scratch
    /// array per chunk: a macro supernet's late layers have 10⁵ planes of 2×2 pixels per call, where a delegate call and a scratch
    /// rent per plane would cost more than the plane's arithmetic.
    /// </summary>
    private static void ForEachPlane(Conv2dGeometry g, int scratch, Action<int, int, float[]> body)
    {
        int planes = g.B * g.I;
        // About 8 chunks per core, each at least a few thousand multiply-adds.
        int perPlane = Math.Max(1, g.OutPlane * g.KH * g.KW);
        int chunk = Math.Clamp(planes / (8 * Environment.ProcessorCount), 1, Math.Max(1, 65536 / perPlane));
        int chunks = (planes + chunk - 1) / chunk;
        Parallel.For(0, chunks, ci =>
        {
            var buffer = ArrayPool<float>.Shared.Rent(Math.Max(scratch, 1));
            try
            {
                int end = Math.Min(planes, (ci + 1) * chunk);
                for (int i = ci * chunk; i < end; i++) body(i / g.I, i % g.I, buffer);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        });
    }

    /// <summary>
    /// Whether a depthwise plane goes through the direct path (<see cref="DirectTaps"/>): small output planes, where the padded
    /// scratch copy and one vector call per tap cost more than the arithmetic (a 7×7 kernel on a 2×2 map has 4 valid taps of 49
    /// per output), and strided convolutions, whose padded path is scalar anyway.
    /// </summary>
    private static bool UseDirectDepthwise(Conv2dGeometry g) => g.Stride != 1 || g.OutPlane <= DirectPlaneLimit;

    /// <summary>Output planes up to this many pixels take the direct path at stride 1 (8×8: timed on the 2-core machine, macro supernet at 28 px).</summary>
    internal const int DirectPlaneLimit = 16;

    /// <summary>The taps [lo, hi) of one axis whose input coordinate start + k·d lies in [0, size).</summary>
    private static (int Lo, int Hi) DirectTaps(int start, int size, int kernel, int dilation)
    {
        int lo = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int hi = size - start <= 0 ? 0 : Math.Min(kernel, (size - start + dilation - 1) / dilation);
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>y(Ho, Wo) of one plane ← b + Σ over the valid taps of w·x, each output summed in tap order.</summary>
    private static void DirectForward(float* dst, float* src, float* wc, float b, Conv2dGeometry g)
    {
        int s = g.Stride, d = g.Dilation, pad = g.Padding;
        for (int oy = 0; oy < g.Ho; oy++)
        {
            int iy0 = oy * s - pad;
            var (kyLo, kyHi) = DirectTaps(iy0, g.H, g.KH, d);
            for (int ox = 0; ox < g.Wo; ox++)
            {
                int ix0 = ox * s - pad;
                var (kxLo, kxHi) = DirectTaps(ix0, g.W, g.KW, d);
                float sum = b;
                for (int ky = kyLo; ky < kyHi; ky++)
                {
                    float* row = src + (long)(iy0 + ky * d) * g.W + ix0;
                    float* wrow = wc + ky * g.KW;
                    for (int kx = kxLo; kx < kxHi; kx++) sum += wrow[kx] * row[kx * d];
                }
                dst[oy * g.Wo + ox] = sum;
            }
        }
    }

    /// <summary>dx(H, W) of one plane ← Σ over outputs (in order) and their valid taps of w·dy (the transpose of <see cref="DirectForward"/>).</summary>
    private static void DirectBackwardData(float* dst, float* grad, float* wc, Conv2dGeometry g)
    {
        int s = g.Stride, d = g.Dilation, pad = g.Padding;
        new Span<float>(dst, g.InPlane).Clear();
        for (int oy = 0; oy < g.Ho; oy++)
        {
            int iy0 = oy * s - pad;
            var (kyLo, kyHi) = DirectTaps(iy0, g.H, g.KH, d);
            for (int ox = 0; ox < g.Wo; ox++)
            {
                int ix0 = ox * s - pad;
                var (kxLo, kxHi) = DirectTaps(ix0, g.W, g.KW, d);
                float gv = grad[oy * g.Wo + ox];
                for (int ky = kyLo; ky < kyHi; ky++)
                {
                    float* row = dst + (long)(iy0 + ky * d) * g.W + ix0;
                    float* wrow = wc + ky * g.KW;
                    for (int kx = kxLo; kx < kxHi; kx++) row[kx * d] += wrow[kx] * gv;
                }
            }
        }
    }

    /// <summary>part(kH·kW) of one plane ← Σ over outputs (in order) of dy·x at each valid tap; taps that never see the image stay 0.</summary>
    private static void DirectBackwardFilter(float* part, float* grad, float* src, Conv2dGeometry g)
    {
        int s = g.Stride, d = g.Dilation, pad = g.Padding;
        new Span<float>(part, g.KH * g.KW).Clear();
        for (int oy = 0; oy < g.Ho; oy++)
        {
            int iy0 = oy * s - pad;
            var (kyLo, kyHi) = DirectTaps(iy0, g.H, g.KH, d);
            for (int ox = 0; ox < g.Wo; ox++)
            {
                int ix0 = ox * s - pad;
                var (kxLo, kxHi) = DirectTaps(ix0, g.W, g.KW, d);
                float gv = grad[oy * g.Wo + ox];
                for (int ky = kyLo; ky < kyHi; ky++)
                {
                    float* row = src + (long)(iy0 + ky * d) * g.W + ix0;
                    float* prow = part + ky * g.KW;
                    for (int kx = kxLo; kx < kxHi; kx++) prow[kx] += gv * row[kx * d];
                }
            }
        }
    }

    /// <summary>padded(Hp, Wp) ← src(H, W) surrounded by zeros.</summary>
    private static void PadPlane(float* padded, float* src, Conv2dGeometry g, DepthwiseLayout l)
    {
        int pad = g.Padding;
        new Span<float>(padded, pad * l.Wp).Clear();
        new Span<float>(padded + (long)(pad + g.H) * l.Wp, pad * l.Wp).Clear();
        for (int iy = 0; iy < g.H; iy++)
        {
            float* row = padded + (long)(iy + pad) * l.Wp;
            new Span<float>(row, pad).Clear();
            new ReadOnlySpan<float>(src + (long)iy * g.W, g.W).CopyTo(new Span<float>(row + pad, g.W));
            new Span<float>(row + pad + g.W, pad).Clear();
        }
    }

    private static void DepthwiseForward(Tensor y, Tensor x, Tensor w, Tensor? bias, Conv2dGeometry g)
    {
        var l = DepthwiseLayout.Of(g);
        int taps = g.KH * g.KW;
        if (UseDirectDepthwise(g))
        {
            ForEachPlane(g, 0, (n, c, _) => DirectForward(P(y) + n * y.BatchStride + (long)c * g.OutPlane, P(x) + n * x.BatchStride + (long)c * g.InPlane,
                P(w) + (long)c * taps, bias is null ? 0f : P(bias)[c], g));
            return;
        }
        ForEachPlane(g, l.Scratch, (n, c, scratch) =>
        {
            fixed (float* buf = scratch)
            {
                float* xp = buf, acc = buf + l.Padded;
                float* wc = P(w) + (long)c * taps;
                float* dst = P(y) + n * y.BatchStride + (long)c * g.OutPlane;
                float b = bias is null ? 0f : P(bias)[c];
                PadPlane(xp, P(x) + n * x.BatchStride + (long)c * g.InPlane, g, l);
                var sum = new Span<float>(acc, l.Span);
                sum.Fill(b);
                for (int ky = 0; ky < g.KH; ky++)
                for (int kx = 0; kx < g.KW; kx++)
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(xp + l.TapOffset(g, ky, kx), l.Span), wc[ky * g.KW + kx], sum, sum);
                for (int oy = 0; oy < g.Ho; oy++)
                    new ReadOnlySpan<float>(acc + (long)oy * l.Wp, g.Wo).CopyTo(new Span<float>(dst + (long)oy * g.Wo, g.Wo));
            }
        });
    }

    private static void DepthwiseBackwardData(Tensor dx, Tensor dy, Tensor w, Conv2dGeometry g)
    {
        var l = DepthwiseLayout.Of(g);
        int taps = g.KH * g.KW;
        if (UseDirectDepthwise(g))
        {
            ForEachPlane(g, 0, (n, c, _) => DirectBackwardData(P(dx) + n * dx.BatchStride + (long)c * g.InPlane, P(dy) + n * dy.BatchStride + (long)c * g.OutPlane,
                P(w) + (long)c * taps, g));
            return;
        }
        ForEachPlane(g, l.Scratch, (n, c, scratch) =>
        {
            fixed (float* buf = scratch)
            {
                float* dxp = buf, dyp = buf + l.Padded;
                float* wc = P(w) + (long)c * taps;
                float* grad = P(dy) + n * dy.BatchStride + (long)c * g.OutPlane;
                var padded = new Span<float>(dxp, l.Padded);
                padded.Clear();
                // dy at the padded row stride; the junk columns must be zeros here, since they are read.
                for (int oy = 0; oy < g.Ho; oy++)
                {
                    float* row = dyp + (long)oy * l.Wp;
                    new ReadOnlySpan<float>(grad + (long)oy * g.Wo, g.Wo).CopyTo(new Span<float>(row, g.Wo));
                    if (oy < g.Ho - 1) new Span<float>(row + g.Wo, l.Wp - g.Wo).Clear();
                }
                var src = new ReadOnlySpan<float>(dyp, l.Span);
                for (int ky = 0; ky < g.KH; ky++)
                for (int kx = 0; kx < g.KW; kx++)
                {
                    var sum = padded.Slice(l.TapOffset(g, ky, kx), l.Span);
                    TensorPrimitives.MultiplyAdd(src, wc[ky * g.KW + kx], sum, sum);
                }
                float* dst = P(dx) + n * dx.BatchStride + (long)c * g.InPlane;
                for (int iy = 0; iy < g.H; iy++)
                    new ReadOnlySpan<float>(dxp + (long)(iy + g.Padding) * l.Wp + g.Padding, g.W).CopyTo(new Span<float>(dst + (long)iy * g.W, g.W));
            }
        });
    }

    private void DepthwiseBackwardFilter(Tensor dw, Tensor dy, Tensor x, Conv2dGeometry g)
    {
        var l = DepthwiseLayout.Of(g);
        int taps = g.KH * g.KW;
        // Per-(sample, channel) partial sums, reduced over the samples in order afterwards: parallel
        // over samples as well as channels, yet independent of which worker ran what.
        using var partial = Tensor.Empty(new Shape(g.B, g.I, taps), this);
        if (UseDirectDepthwise(g))
        {
            ForEachPlane(g, 0, (n, c, _) => DirectBackwardFilter(P(partial) + ((long)n * g.I + c) * taps, P(dy) + n * dy.BatchStride + (long)c * g.OutPlane,
                P(x) + n * x.BatchStride + (long)c * g.InPlane, g));
        }
        else ForEachPlane(g, l.Scratch, (n, c, scratch) =>
        {
            fixed (float* buf = scratch)
            {
                float* xp = buf, dyp = buf + l.Padded;
                float* grad = P(dy) + n * dy.BatchStride + (long)c * g.OutPlane;
                float* part = P(partial) + ((long)n * g.I + c) * taps;
                PadPlane(xp, P(x) + n * x.BatchStride + (long)c * g.InPlane, g, l);
                for (int oy = 0; oy < g.Ho; oy++)
                {
                    float* row = dyp + (long)oy * l.Wp;
                    new ReadOnlySpan<float>(grad + (long)oy * g.Wo, g.Wo).CopyTo(new Span<float>(row, g.Wo));
                    if (oy < g.Ho - 1) new Span<float>(row + g.Wo, l.Wp - g.Wo).Clear();
                }
                var src = new ReadOnlySpan<float>(dyp, l.Span);
                for (int ky = 0; ky < g.KH; ky++)
                for (int kx = 0; kx < g.KW; kx++)
                    part[ky * g.KW + kx] = TensorPrimitives.Dot(src, new ReadOnlySpan<float>(xp + l.TapOffset(g, ky, kx), l.Span));
            }
        });
        Parallel.For(0, g.I * taps, i =>
        {
            double acc = 0;
            for (int n = 0; n < g.B; n++) acc += P(partial)[(long)n * g.I * taps + i];
            P(dw)[i] = (float)acc;
        });
    }
}

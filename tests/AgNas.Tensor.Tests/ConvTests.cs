using AgNas.Tests;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

// The backend is a process-wide singleton whose live-tensor counters are asserted exactly (here and
// in TensorCoreTests); a test class allocating in parallel would make those assertions flaky.

namespace AgNas.Tensors.Tests;

public class ConvTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    /// <summary>One convolution: x(B,I,H,W), w(O,I/groups,kH,kW), and how the operands are laid out.</summary>
    public sealed record ConvCase(int B, int I, int H, int W, int O, int KH, int KW, int Stride, int Padding, int Dilation, int Groups,
        bool Bias = false, bool ViewIn = false, bool ViewOut = false)
    {
        public Conv2dParams P => new(Stride, Padding, Dilation, Groups);
        public int Ho => P.OutputSize(H, KH);
        public int Wo => P.OutputSize(W, KW);
        public Shape X => new(B, I, H, W);
        public Shape Wt => new(O, I / Groups, KH, KW);
        public Shape Y => new(B, O, Ho, Wo);
        public int Seed => ((((B * 31 + I) * 31 + H) * 31 + W) * 31 + O) * 31 + KH * 7 + Stride * 5 + Padding * 3 + Dilation + Groups * 11;
        public override string ToString() =>
            $"x({B},{I},{H},{W}) w({O},{I / Groups},{KH},{KW}) s{Stride} p{Padding} d{Dilation} g{Groups}{(Bias ? " bias" : "")}{(ViewIn ? " view-in" : "")}{(ViewOut ? " view-out" : "")}";
    }

    public static TheoryData<ConvCase> Cases => new()
    {
        new(2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1, Bias: true),
        new(1, 4, 8, 6, 6, 3, 3, 2, 1, 1, 2),
        new(3, 2, 9, 7, 5, 5, 5, 1, 2, 1, 1, Bias: true, ViewIn: true),
        new(2, 4, 10, 11, 4, 3, 3, 1, 2, 2, 1, ViewOut: true),
        new(2, 6, 7, 8, 6, 1, 1, 1, 0, 1, 1, Bias: true),
        new(2, 3, 9, 9, 6, 1, 1, 2, 0, 1, 3, ViewIn: true, ViewOut: true),
        new(2, 3, 8, 8, 2, 3, 3, 2, 0, 1, 1, ViewIn: true, ViewOut: true),
        new(2, 3, 6, 7, 4, 2, 3, 1, 1, 1, 1, Bias: true),
        new(2, 4, 11, 9, 6, 3, 3, 2, 2, 2, 2, Bias: true, ViewIn: true, ViewOut: true),
        new(1, 3, 5, 5, 2, 5, 5, 3, 0, 1, 1),
        // groups = I but a channel multiplier of 2: not depthwise, runs the grouped GEMM path.
        new(2, 2, 6, 7, 4, 3, 3, 1, 1, 1, 2, Bias: true),
        // depthwise (groups = I = O)
        new(2, 5, 9, 7, 5, 3, 3, 1, 1, 1, 5, Bias: true),
        new(3, 4, 8, 9, 4, 3, 3, 2, 1, 1, 4, ViewIn: true, ViewOut: true),
        new(2, 3, 11, 10, 3, 5, 5, 1, 4, 2, 3, Bias: true, ViewIn: true, ViewOut: true),
        new(2, 3, 9, 8, 3, 5, 5, 2, 2, 1, 3, Bias: true),
        new(1, 2, 7, 6, 2, 3, 3, 1, 0, 1, 2),
        new(2, 3, 10, 9, 3, 3, 3, 3, 2, 2, 3),
        new(2, 1, 6, 5, 1, 3, 3, 1, 1, 1, 1, Bias: true, ViewIn: true, ViewOut: true),
        // depthwise on planes of at most 16 outputs (the direct path): a 7×7 kernel on a 2×2 map (4 valid taps of 49), 5×5 on 4×3, dilated.
        new(2, 3, 2, 2, 3, 7, 7, 1, 3, 1, 3, Bias: true),
        new(2, 4, 4, 3, 4, 5, 5, 1, 2, 1, 4, ViewIn: true, ViewOut: true),
        new(1, 2, 3, 4, 2, 3, 3, 1, 2, 2, 2),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesDirectLoops(ConvCase c)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(c.Seed);
        var xData = RandomData(rng, c.X.Size);
        var wData = RandomData(rng, c.Wt.Size);
        var bData = c.Bias ? RandomData(rng, c.O) : null;

        var x = Input(xData, c.X, c.ViewIn);
        var w = Tensor.FromArray(wData, c.Wt, Cpu);
        var b = bData is null ? null : Tensor.FromArray(bData, new Shape(c.O), Cpu);
        var (y, check) = Output(c.Y, c.ViewOut);
        Cpu.Conv2dForward(y, x, w, b, c.P);

        // Sums of at most I·kH·kW ≤ 100 float products against a double reference.
        Approx.Equal(ReferenceForward(c, xData, wData, bData), y.ToArray(), 1e-5, 1e-4, $"y of {c}");
        check();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardDataMatchesTransposeDefinition(ConvCase c)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(c.Seed);
        var wData = RandomData(rng, c.Wt.Size);
        var dyData = RandomData(rng, c.Y.Size);

        var dy = Input(dyData, c.Y, c.ViewOut);
        var w = Tensor.FromArray(wData, c.Wt, Cpu);
        var (dx, check) = Output(c.X, c.ViewIn);
        Cpu.Conv2dBackwardData(dx, dy, w, c.P);

        Approx.Equal(ReferenceBackwardData(c, dyData, wData), dx.ToArray(), 1e-5, 1e-4, $"dx of {c}");
        check();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardFilterMatchesDefinition(ConvCase c)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(c.Seed);
        var xData = RandomData(rng, c.X.Size);
        var dyData = RandomData(rng, c.Y.Size);

        var x = Input(xData, c.X, c.ViewIn);
        var dy = Input(dyData, c.Y, c.ViewOut);
        var dw = Tensor.Full(c.Wt, float.NaN, Cpu);
        var dBias = c.Bias ? Tensor.Full(new Shape(c.O), float.NaN, Cpu) : null;
        Cpu.Conv2dBackwardFilter(dw, dBias, dy, x, c.P);

        var (dwRef, dbRef) = ReferenceBackwardFilter(c, dyData, xData);
        // Sums over B·Ho·Wo ≤ 300 products: rtol 1e-4 covers float accumulation in the GEMM.
        Approx.Equal(dwRef, dw.ToArray(), 1e-5, 1e-4, $"dw of {c}");
        if (dBias is not null) Approx.Equal(dbRef, dBias.ToArray(), 1e-5, 1e-4, $"dBias of {c}");
    }

    /// <summary>
    /// Large enough that the GEMM path splits the batch into chunks and accumulates dw across them:
    /// 3 samples of 400² run as chunks of 2 + 1 through the staging buffer; 2 samples of 440² as 1 + 1
    /// straight into the NCHW tensors. One input channel keeps the direct-loop reference quick.
    /// </summary>
    [Theory]
    [InlineData(3, 400)]
    [InlineData(2, 440)]
    public void BatchSplitIntoChunksMatchesDirectLoops(int batch, int size)
    {
        var c = new ConvCase(batch, 1, size, size, 2, 3, 3, 1, 1, 1, 1, Bias: true);
        long perSample = (long)(c.I * c.KH * c.KW + c.O) * c.Ho * c.Wo * sizeof(float);
        Assert.True(batch * perSample > CpuBackend.ConvBufferBytes, "the case no longer spans several chunks; resize it");

        using var scope = TensorScope.Begin();
        var rng = new Random(7);
        var xData = RandomData(rng, c.X.Size);
        var wData = RandomData(rng, c.Wt.Size);
        var bData = RandomData(rng, c.O);
        var dyData = RandomData(rng, c.Y.Size);
        var x = Tensor.FromArray(xData, c.X, Cpu);
        var w = Tensor.FromArray(wData, c.Wt, Cpu);
        var b = Tensor.FromArray(bData, new Shape(c.O), Cpu);
        var dy = Tensor.FromArray(dyData, c.Y, Cpu);
        var y = Tensor.Empty(c.Y, Cpu);
        var dx = Tensor.Empty(c.X, Cpu);
        var dw = Tensor.Empty(c.Wt, Cpu);
        var db = Tensor.Empty(new Shape(c.O), Cpu);

        Cpu.Conv2dForward(y, x, w, b, c.P);
        Cpu.Conv2dBackwardData(dx, dy, w, c.P);
        Cpu.Conv2dBackwardFilter(dw, db, dy, x, c.P);

        Approx.Equal(ReferenceForward(c, xData, wData, bData), y.ToArray(), 1e-5, 1e-4, "y");
        Approx.Equal(ReferenceBackwardData(c, dyData, wData), dx.ToArray(), 1e-5, 1e-4, "dx");
        var (dwRef, dbRef) = ReferenceBackwardFilter(c, dyData, xData);
        // dw sums B·H·W ≈ 400k products; float accumulation error grows with that count.
        Approx.Equal(dwRef, dw.ToArray(), 1e-3, 1e-4, "dw");
        Approx.Equal(dbRef, db.ToArray(), 1e-3, 1e-4, "dBias");
    }

    [Theory]
    [InlineData("conv2d_3x3_s1_p1")]
    [InlineData("conv2d_3x3_s2_p1")]
    [InlineData("depthwise_conv3x3_d2_p2_s1")]
    public void MatchesPyTorch(string name)
    {
        using var scope = TensorScope.Begin();
        var r = RefCase.Load(name);
        var p = new Conv2dParams(r.Config.GetProperty("stride").GetInt32(), r.Config.GetProperty("padding").GetInt32(),
            r.Config.GetProperty("dilation").GetInt32(), r.Config.GetProperty("groups").GetInt32());
        var x = r.ToTensor("inputs", "x", Cpu);
        var w = r.ToTensor("params", "weight", Cpu);
        bool hasBias = HasEntry(r, "params", "bias");
        var b = hasBias ? r.ToTensor("params", "bias", Cpu) : null;
        var dy = r.ToTensor("grad_output", "y", Cpu);

        var y = Tensor.Empty(dy.Shape, Cpu);
        Cpu.Conv2dForward(y, x, w, b, p);
        Approx.Equal(r.Get("outputs", "y").Data, y.ToArray(), 1e-5, 1e-4, $"{name} y");

        var dx = Tensor.Empty(x.Shape, Cpu);
        Cpu.Conv2dBackwardData(dx, dy, w, p);
        Approx.Equal(r.Get("grads", "x").Data, dx.ToArray(), 1e-5, 1e-4, $"{name} dx");

        var dw = Tensor.Empty(w.Shape, Cpu);
        var db = hasBias ? Tensor.Empty(b!.Shape, Cpu) : null;
        Cpu.Conv2dBackwardFilter(dw, db, dy, x, p);
        Approx.Equal(r.Get("grads", "weight").Data, dw.ToArray(), 1e-5, 1e-4, $"{name} dw");
        if (db is not null) Approx.Equal(r.Get("grads", "bias").Data, db.ToArray(), 1e-5, 1e-4, $"{name} dBias");
    }

    private static bool HasEntry(RefCase r, string section, string name)
    {
        try
        {
            r.Get(section, name);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    [Fact]
    public void MismatchedWeightChannelsNameOpAndShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(2, 3, 8, 8), Cpu);
        var w = Tensor.Zeros(new Shape(4, 2, 3, 3), Cpu);
        var y = Tensor.Empty(new Shape(2, 4, 8, 8), Cpu);
        var ex = Assert.Throws<ArgumentException>(() => Cpu.Conv2dForward(y, x, w, null, new Conv2dParams(1, 1)));
        Assert.Contains("Conv2dForward", ex.Message);
        Assert.Contains("(2, 3, 8, 8)", ex.Message);
        Assert.Contains("(4, 2, 3, 3)", ex.Message);

        // Grouped: x has 4 channels, groups 2, so w needs 2 input channels per filter, not 4.
        var x4 = Tensor.Zeros(new Shape(2, 4, 8, 8), Cpu);
        var dw = Tensor.Empty(new Shape(4, 4, 3, 3), Cpu);
        ex = Assert.Throws<ArgumentException>(() => Cpu.Conv2dBackwardFilter(dw, null, y, x4, new Conv2dParams(1, 1, 1, 2)));
        Assert.Contains("Conv2dBackwardFilter", ex.Message);
        Assert.Contains("(4, 4, 3, 3)", ex.Message);
        Assert.Contains("(2, 4, 8, 8)", ex.Message);
    }

    [Fact]
    public void WrongOutputShapeNamesOpAndShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(2, 3, 8, 8), Cpu);
        var w = Tensor.Zeros(new Shape(4, 3, 3, 3), Cpu);
        var y = Tensor.Empty(new Shape(2, 4, 8, 8), Cpu);
        var ex = Assert.Throws<ArgumentException>(() => Cpu.Conv2dForward(y, x, w, null, new Conv2dParams(2, 1)));
        Assert.Contains("Conv2dForward", ex.Message);
        Assert.Contains("(2, 4, 8, 8)", ex.Message);
        Assert.Contains("(2, 4, 4, 4)", ex.Message);
        Assert.Contains("(2, 3, 8, 8)", ex.Message);

        var dx = Tensor.Empty(new Shape(2, 3, 9, 8), Cpu);
        ex = Assert.Throws<ArgumentException>(() => Cpu.Conv2dBackwardData(dx, y, w, new Conv2dParams(1, 1)));
        Assert.Contains("Conv2dBackwardData", ex.Message);
        Assert.Contains("(2, 4, 8, 8)", ex.Message);
        Assert.Contains("(2, 4, 9, 8)", ex.Message);
    }

    [Fact]
    public void OtherBadArgumentsThrowNamingTheOp()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(2, 4, 8, 8), Cpu);
        var w = Tensor.Zeros(new Shape(6, 4, 3, 3), Cpu);
        var y = Tensor.Empty(new Shape(2, 6, 8, 8), Cpu);
        var p = new Conv2dParams(1, 1);
        void Throws(Action a, params string[] parts)
        {
            var ex = Assert.Throws<ArgumentException>(a);
            foreach (var part in parts) Assert.Contains(part, ex.Message);
        }
        Throws(() => Cpu.Conv2dForward(y, x, w, Tensor.Zeros(new Shape(4), Cpu), p), "Conv2dForward", "bias", "(4)", "(6)");
        Throws(() => Cpu.Conv2dForward(y, x, Tensor.Zeros(new Shape(6, 1, 3, 3), Cpu), null, p with { Groups = 3 }), "Conv2dForward", "(2, 4, 8, 8)", "groups = 3");
        Throws(() => Cpu.Conv2dForward(y, x, Tensor.Zeros(new Shape(5, 2, 3, 3), Cpu), null, p with { Groups = 2 }), "Conv2dForward", "(5, 2, 3, 3)", "groups = 2");
        Throws(() => Cpu.Conv2dForward(y, x.Reshape(new Shape(2, 4, 64)), w, null, p), "Conv2dForward", "(2, 4, 64)", "rank 4");
        Throws(() => Cpu.Conv2dForward(y, x, w, null, p with { Stride = 0 }), "Conv2dForward", "stride 0");
        Throws(() => Cpu.Conv2dForward(y, x, w, null, default), "Conv2dForward", "all zeros");
        Throws(() => Cpu.Conv2dForward(Tensor.Empty(new Shape(2, 6, 1, 1), Cpu), Tensor.Zeros(new Shape(2, 4, 2, 2), Cpu), w, null, new Conv2dParams(Stride: 1)),
            "Conv2dForward", "(2, 4, 2, 2)", "does not fit");
        Throws(() => Cpu.Conv2dForward(y, Tensor.Zeros(new Shape(2, 4, 8, 8), Cpu, DType.Int32), w, null, p), "Conv2dForward", "Int32");
        Throws(() => Cpu.Conv2dBackwardFilter(Tensor.Empty(w.Shape, Cpu), Tensor.Empty(new Shape(2), Cpu), y, x, p), "Conv2dBackwardFilter", "dBias");
    }

    [Fact]
    public void BackwardFilterIsBitIdenticalAcrossRuns()
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(11);
        foreach (var c in new[]
                 {
                     new ConvCase(16, 8, 16, 16, 8, 3, 3, 1, 1, 1, 2, Bias: true),
                     new ConvCase(16, 8, 16, 16, 8, 5, 5, 2, 2, 1, 8, Bias: true),
                     new ConvCase(16, 8, 16, 16, 8, 3, 3, 1, 2, 2, 8),
                 })
        {
            var x = Tensor.FromArray(RandomData(rng, c.X.Size), c.X, Cpu);
            var dy = Tensor.FromArray(RandomData(rng, c.Y.Size), c.Y, Cpu);
            float[] Run(out float[] bias)
            {
                var dw = Tensor.Empty(c.Wt, Cpu);
                var db = Tensor.Empty(new Shape(c.O), Cpu);
                Cpu.Conv2dBackwardFilter(dw, db, dy, x, c.P);
                bias = db.ToArray();
                return dw.ToArray();
            }
            var first = Run(out var firstBias);
            for (int run = 0; run < 3; run++)
            {
                var again = Run(out var againBias);
                Assert.True(first.AsSpan().SequenceEqual(again), $"dw of {c} differs between runs");
                Assert.True(firstBias.AsSpan().SequenceEqual(againBias), $"dBias of {c} differs between runs");
            }
        }
    }

    [Fact]
    public void ScratchBuffersAreReleased()
    {
        using var scope = TensorScope.Begin();
        var stats = Cpu.Stats;
        foreach (var c in new[] { new ConvCase(4, 6, 12, 10, 8, 3, 3, 1, 1, 1, 2, Bias: true), new ConvCase(4, 6, 12, 10, 6, 3, 3, 1, 1, 1, 6, Bias: true) })
        {
            var rng = new Random(3);
            var x = Tensor.FromArray(RandomData(rng, c.X.Size), c.X, Cpu);
            var w = Tensor.FromArray(RandomData(rng, c.Wt.Size), c.Wt, Cpu);
            var b = Tensor.FromArray(RandomData(rng, c.O), new Shape(c.O), Cpu);
            var y = Tensor.Empty(c.Y, Cpu);
            var dx = Tensor.Empty(c.X, Cpu);
            var dw = Tensor.Empty(c.Wt, Cpu);
            long tensors = stats.LiveTensors, bytes = stats.LiveBytes;
            // Outside any scope, so a scratch tensor the kernels forgot to dispose would stay live.
            TensorScope.Outside(() =>
            {
                Cpu.Conv2dForward(y, x, w, b, c.P);
                Cpu.Conv2dBackwardData(dx, y, w, c.P);
                Cpu.Conv2dBackwardFilter(dw, b, y, x, c.P);
                return 0;
            });
            Assert.Equal(tensors, stats.LiveTensors);
            Assert.Equal(bytes, stats.LiveBytes);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static float[] RandomData(Random rng, long n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    /// <summary>A tensor holding data; as a view, channels [1, 1+C) of a wider buffer whose other channels are NaN.</summary>
    private static Tensor Input(float[] data, Shape shape, bool view)
    {
        if (!view) return Tensor.FromArray(data, shape, Cpu);
        var wide = Tensor.Full(shape.WithDim(1, shape[1] + 3), float.NaN, Cpu);
        var slice = wide.SliceChannels(1, shape[1]);
        Cpu.CopyFromHost(slice, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        return slice;
    }

    /// <summary>
    /// An output pre-filled with NaN (so an element the kernel skips fails the comparison); as a view,
    /// channels [2, 2+C) of a wider buffer, and check() asserts the channels around it were not written.
    /// </summary>
    private static (Tensor T, Action Check) Output(Shape shape, bool view)
    {
        if (!view) return (Tensor.Full(shape, float.NaN, Cpu), () => { });
        const float sentinel = 7.25f;
        var wide = Tensor.Full(shape.WithDim(1, shape[1] + 3), sentinel, Cpu);
        var slice = wide.SliceChannels(2, shape[1]);
        Cpu.Fill(slice, float.NaN);
        return (slice, () =>
        {
            var all = wide.ToArray();
            long plane = shape.SampleSize / shape[1];
            int channels = shape[1] + 3;
            for (int i = 0; i < all.Length; i++)
            {
                long ch = i / plane % channels;
                if (ch < 2 || ch >= 2 + shape[1]) Assert.True(all[i] == sentinel, $"element {i} (channel {ch}) outside the view was overwritten");
            }
        });
    }

    private static float[] ReferenceForward(ConvCase c, float[] x, float[] w, float[]? bias)
    {
        int ig = c.I / c.Groups, og = c.O / c.Groups;
        var y = new float[c.Y.Size];
        for (int n = 0; n < c.B; n++)
        for (int o = 0; o < c.O; o++)
        for (int oy = 0; oy < c.Ho; oy++)
        for (int ox = 0; ox < c.Wo; ox++)
        {
            double acc = bias?[o] ?? 0;
            int grp = o / og;
            for (int ci = 0; ci < ig; ci++)
            for (int ky = 0; ky < c.KH; ky++)
            for (int kx = 0; kx < c.KW; kx++)
            {
                int iy = oy * c.Stride - c.Padding + ky * c.Dilation, ix = ox * c.Stride - c.Padding + kx * c.Dilation;
                if (iy < 0 || iy >= c.H || ix < 0 || ix >= c.W) continue;
                acc += (double)x[((n * c.I + grp * ig + ci) * c.H + iy) * c.W + ix] * w[((o * ig + ci) * c.KH + ky) * c.KW + kx];
            }
            y[((n * c.O + o) * c.Ho + oy) * c.Wo + ox] = (float)acc;
        }
        return y;
    }

    /// <summary>dx[n,c,h,w] = Σ dy[n,o,oy,ox]·w[o,c',ky,kx] over the (o, ky, kx, oy, ox) whose tap lands on (h, w).</summary>
    private static float[] ReferenceBackwardData(ConvCase c, float[] dy, float[] w)
    {
        int ig = c.I / c.Groups, og = c.O / c.Groups;
        var dx = new float[c.X.Size];
        for (int n = 0; n < c.B; n++)
        for (int ch = 0; ch < c.I; ch++)
        for (int h = 0; h < c.H; h++)
        for (int wi = 0; wi < c.W; wi++)
        {
            double acc = 0;
            int grp = ch / ig, ci = ch % ig;
            for (int o = grp * og; o < (grp + 1) * og; o++)
            for (int ky = 0; ky < c.KH; ky++)
            for (int kx = 0; kx < c.KW; kx++)
            {
                int ty = h + c.Padding - ky * c.Dilation, tx = wi + c.Padding - kx * c.Dilation;
                if (ty < 0 || tx < 0 || ty % c.Stride != 0 || tx % c.Stride != 0) continue;
                int oy = ty / c.Stride, ox = tx / c.Stride;
                if (oy >= c.Ho || ox >= c.Wo) continue;
                acc += (double)dy[((n * c.O + o) * c.Ho + oy) * c.Wo + ox] * w[((o * ig + ci) * c.KH + ky) * c.KW + kx];
            }
            dx[((n * c.I + ch) * c.H + h) * c.W + wi] = (float)acc;
        }
        return dx;
    }

    /// <summary>dw[o,c',ky,kx] = Σ_{n,oy,ox} dy·x at the pixel the tap reads; dBias[o] = Σ dy.</summary>
    private static (float[] Dw, float[] DBias) ReferenceBackwardFilter(ConvCase c, float[] dy, float[] x)
    {
        int ig = c.I / c.Groups, og = c.O / c.Groups;
        var dw = new float[c.Wt.Size];
        var db = new float[c.O];
        for (int o = 0; o < c.O; o++)
        {
            int grp = o / og;
            double bacc = 0;
            for (int n = 0; n < c.B; n++)
            for (int i = 0; i < c.Ho * c.Wo; i++)
                bacc += dy[(n * c.O + o) * c.Ho * c.Wo + i];
            db[o] = (float)bacc;
            for (int ci = 0; ci < ig; ci++)
            for (int ky = 0; ky < c.KH; ky++)
            for (int kx = 0; kx < c.KW; kx++)
            {
                double acc = 0;
                for (int n = 0; n < c.B; n++)
                for (int oy = 0; oy < c.Ho; oy++)
                for (int ox = 0; ox < c.Wo; ox++)
                {
                    int iy = oy * c.Stride - c.Padding + ky * c.Dilation, ix = ox * c.Stride - c.Padding + kx * c.Dilation;
                    if (iy < 0 || iy >= c.H || ix < 0 || ix >= c.W) continue;
                    acc += (double)dy[((n * c.O + o) * c.Ho + oy) * c.Wo + ox] * x[((n * c.I + grp * ig + ci) * c.H + iy) * c.W + ix];
                }
                dw[((o * ig + ci) * c.KH + ky) * c.KW + kx] = (float)acc;
            }
        }
        return (dw, db);
    }
}

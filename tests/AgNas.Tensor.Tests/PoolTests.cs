using System.Runtime.InteropServices;
using AgNas.Tests;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Tests;

public class PoolTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    // ---- PyTorch reference cases ----------------------------------------------------------------

    private static Pool2dParams ParamsOf(RefCase rc) => new(
        rc.Config.GetProperty("kernel").GetInt32(), rc.Config.GetProperty("stride").GetInt32(), rc.Config.GetProperty("padding").GetInt32());

    [Fact]
    public void MaxPoolMatchesPyTorch()
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load("max_pool_3x3_s1_p1");
        var p = ParamsOf(rc);
        var x = rc.ToTensor("inputs", "x", Cpu);
        var outShape = new Shape(x.Shape[0], x.Shape[1], p.OutputSize(x.Shape[2]), p.OutputSize(x.Shape[3]));
        var y = Tensor.Empty(outShape, Cpu);
        var argmax = Tensor.Empty(outShape, Cpu, DType.Int32);
        Cpu.MaxPool2dForward(y, argmax, x, p);
        Approx.Equal(rc.Get("outputs", "y").Data, y.ToArray(), 1e-5, 1e-4, "y");

        var dx = Tensor.Empty(x.Shape, Cpu);
        Cpu.MaxPool2dBackward(dx, rc.ToTensor("grad_output", "y", Cpu), argmax);
        Approx.Equal(rc.Get("grads", "x").Data, dx.ToArray(), 1e-5, 1e-4, "dx");
    }

    [Fact]
    public void AvgPoolExcludingPadMatchesPyTorch()
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load("avg_pool_3x3_s1_p1_exclude_pad");
        var p = ParamsOf(rc);
        bool include = rc.Config.GetProperty("count_include_pad").GetBoolean();
        var x = rc.ToTensor("inputs", "x", Cpu);
        var outShape = new Shape(x.Shape[0], x.Shape[1], p.OutputSize(x.Shape[2]), p.OutputSize(x.Shape[3]));
        var y = Tensor.Empty(outShape, Cpu);
        Cpu.AvgPool2dForward(y, x, p, include);
        Approx.Equal(rc.Get("outputs", "y").Data, y.ToArray(), 1e-5, 1e-4, "y");

        var dx = Tensor.Empty(x.Shape, Cpu);
        Cpu.AvgPool2dBackward(dx, rc.ToTensor("grad_output", "y", Cpu), p, include);
        Approx.Equal(rc.Get("grads", "x").Data, dx.ToArray(), 1e-5, 1e-4, "dx");
    }

    [Fact]
    public void GlobalAvgPoolMatchesPyTorch()
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load("global_avg_pool");
        var x = rc.ToTensor("inputs", "x", Cpu);
        var y = Tensor.Empty(new Shape(x.Shape[0], x.Shape[1]), Cpu);
        Cpu.GlobalAvgPoolForward(y, x);
        Approx.Equal(rc.Get("outputs", "y").Data, y.ToArray(), 1e-5, 1e-4, "y");

        var dx = Tensor.Empty(x.Shape, Cpu);
        Cpu.GlobalAvgPoolBackward(dx, rc.ToTensor("grad_output", "y", Cpu));
        Approx.Equal(rc.Get("grads", "x").Data, dx.ToArray(), 1e-5, 1e-4, "dx");
    }

    // ---- conventions pinned by hand ---------------------------------------------------------------

    [Fact]
    public void CountIncludePadChangesTheDivisorAtTheBorder()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Full(new Shape(1, 1, 3, 3), 1f, Cpu);
        var p = new Pool2dParams(3, 1, 1);
        var y = Tensor.Empty(new Shape(1, 1, 3, 3), Cpu);

        // Excluding the padding every window averages only ones: corner 4/4, edge 6/6, centre 9/9.
        Cpu.AvgPool2dForward(y, x, p, countIncludePad: false);
        Approx.Equal([1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f], y.ToArray(), 1e-7, 0, "exclude pad");

        // Including it divides by 9: corner 4/9, edge 6/9, centre 9/9.
        Cpu.AvgPool2dForward(y, x, p, countIncludePad: true);
        float c = 4f / 9, e = 6f / 9;
        Approx.Equal([c, e, c, e, 1f, e, c, e, c], y.ToArray(), 1e-7, 1e-6, "include pad");

        // Backward with dy = 1: each input gathers 1/divisor from each window that covers it.
        // Corner (0,0) is in the windows of outputs (0,0) corner, (0,1) edge, (1,0) edge, (1,1) centre;
        // edge (0,1) in (0,0),(0,2) corners, (0,1),(1,0),(1,2) edges, (1,1) centre; centre (1,1) in all 9.
        var dy = Tensor.Full(new Shape(1, 1, 3, 3), 1f, Cpu);
        var dx = Tensor.Empty(x.Shape, Cpu);
        Cpu.AvgPool2dBackward(dx, dy, p, countIncludePad: false);
        float corner = 1f / 4 + 1f / 6 + 1f / 6 + 1f / 9;
        float edge = 2 * (1f / 4) + 3 * (1f / 6) + 1f / 9;
        float centre = 4 * (1f / 4) + 4 * (1f / 6) + 1f / 9;
        Approx.Equal([corner, edge, corner, edge, centre, edge, corner, edge, corner], dx.ToArray(), 1e-6, 1e-6, "dx exclude pad");
        Cpu.AvgPool2dBackward(dx, dy, p, countIncludePad: true);
        Approx.Equal([4f / 9, 6f / 9, 4f / 9, 6f / 9, 1f, 6f / 9, 4f / 9, 6f / 9, 4f / 9], dx.ToArray(), 1e-6, 1e-6, "dx include pad");
    }

    [Fact]
    public void AvgPool2Stride2AveragesDisjointBlocks()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), new Shape(1, 1, 4, 4), Cpu);
        var y = Tensor.Empty(new Shape(1, 1, 2, 2), Cpu);
        Cpu.AvgPool2dForward(y, x, new Pool2dParams(2, 2), false);
        // Blocks {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}.
        Approx.Equal([2.5f, 4.5f, 10.5f, 12.5f], y.ToArray(), 1e-6, 0, "y");
    }

    [Fact]
    public void MaxPoolTiesPickTheFirstInScanOrderAndPaddingIsNeverSelected()
    {
        using var scope = TensorScope.Begin();
        // All −5 (below the zero a zero-padding would give): every output is −5, argmax the window's
        // first in-image element: output (0,0) window rows/cols [0,2) → 0; (0,1) → 0; (0,2) → 1;
        // (1,0) → 0; (1,1) → 0; (1,2) → 1; (2,0) → 3; (2,1) → 3; (2,2) → 4.
        var x = Tensor.Full(new Shape(1, 1, 3, 3), -5f, Cpu);
        var y = Tensor.Empty(new Shape(1, 1, 3, 3), Cpu);
        var argmax = Tensor.Empty(new Shape(1, 1, 3, 3), Cpu, DType.Int32);
        Cpu.MaxPool2dForward(y, argmax, x, new Pool2dParams(3, 1, 1));
        Assert.All(y.ToArray(), v => Assert.Equal(-5f, v));
        Assert.Equal([0, 0, 1, 0, 0, 1, 3, 3, 4], argmax.ToInt32Array());

        // Overlapping windows route to the same argmax and accumulate: with dy = 1 the element 0
        // receives 4, element 1 receives 2, element 3 receives 2, element 4 receives 1.
        var dx = Tensor.Full(new Shape(1, 1, 3, 3), 99f, Cpu);
        Cpu.MaxPool2dBackward(dx, Tensor.Full(new Shape(1, 1, 3, 3), 1f, Cpu), argmax);
        Assert.Equal([4f, 2f, 0f, 2f, 1f, 0f, 0f, 0f, 0f], dx.ToArray());
    }

    [Fact]
    public void MaxPoolTiesInfinitiesAndNaNAcrossAWideRow()
    {
        using var scope = TensorScope.Begin();
        // 2 × 20 plane, kernel 3, stride 1, pad 1 (vector path over outputs 0..15 or 0..7, then the tail).
        // Row 0: all −∞; row 1: all −∞ except 7 at columns 5 and 6 and NaN at column 12.
        const int w = 20;
        var data = Enumerable.Repeat(float.NegativeInfinity, 2 * w).ToArray();
        data[w + 5] = 7f;
        data[w + 6] = 7f;
        data[w + 12] = float.NaN;
        var x = Tensor.FromArray(data, new Shape(1, 1, 2, w), Cpu);
        var y = Tensor.Empty(new Shape(1, 1, 2, w), Cpu);
        var argmax = Tensor.Empty(new Shape(1, 1, 2, w), Cpu, DType.Int32);
        Cpu.MaxPool2dForward(y, argmax, x, new Pool2dParams(3, 1, 1));
        var yv = y.ToArray();
        var av = argmax.ToInt32Array();
        for (int oh = 0; oh < 2; oh++)
        for (int ow = 0; ow < w; ow++)
        {
            int o = oh * w + ow;
            // Windows cover rows 0..1 and columns ow−1..ow+1 clipped to the image.
            bool nan = ow is >= 11 and <= 13, seven = ow is >= 4 and <= 7;
            if (nan)
            {
                Assert.True(float.IsNaN(yv[o]), $"y[{o}] = {yv[o]}");
                Assert.Equal(w + 12, av[o]);
            }
            else if (seven)
            {
                Assert.Equal(7f, yv[o]);
                Assert.Equal(w + (ow == 7 ? 6 : 5), av[o]); // the first 7 in scan order
            }
            else
            {
                Assert.Equal(float.NegativeInfinity, yv[o]);
                Assert.Equal(Math.Max(ow - 1, 0), av[o]); // all −∞: the window's first in-image element
            }
        }
    }

    [Fact]
    public void MaxPoolPropagatesNaN()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 9f, 3f, float.NaN, 2f, 0f], new Shape(1, 1, 2, 3), Cpu);
        var y = Tensor.Empty(new Shape(1, 1, 1, 2), Cpu);
        var argmax = Tensor.Empty(new Shape(1, 1, 1, 2), Cpu, DType.Int32);
        Cpu.MaxPool2dForward(y, argmax, x, new Pool2dParams(2, 1));
        var v = y.ToArray();
        Assert.True(float.IsNaN(v[0]));
        Assert.Equal(9f, v[1]);
        Assert.Equal([3, 1], argmax.ToInt32Array());
    }

    // ---- naive references -----------------------------------------------------------------------

    public static TheoryData<int[], int, int, int, bool> Cases => new()
    {
        // (B, C, H, W), kernel, stride, padding, channel views
        { new[] { 2, 3, 7, 7 }, 3, 1, 1, false },
        { new[] { 2, 4, 8, 8 }, 3, 2, 1, true },
        { new[] { 3, 2, 9, 11 }, 3, 2, 1, false },
        { new[] { 1, 3, 13, 13 }, 3, 2, 0, true },
        { new[] { 2, 5, 8, 8 }, 5, 3, 0, true },   // DARTS auxiliary head (CIFAR)
        { new[] { 1, 4, 7, 7 }, 5, 2, 0, false },  // DARTS auxiliary head (ImageNet)
        { new[] { 2, 3, 8, 8 }, 2, 2, 0, true },
        { new[] { 1, 2, 5, 7 }, 2, 2, 1, false },
        { new[] { 2, 3, 6, 5 }, 5, 1, 2, true },
        { new[] { 1, 1, 1, 1 }, 1, 1, 0, false },
        { new[] { 1, 2, 4, 9 }, 3, 3, 1, true },
        // Rows of 8+ outputs at stride 1 take the vectorised path (8 or 16 lanes), plus a scalar tail.
        { new[] { 2, 3, 19, 21 }, 3, 1, 1, true },
        { new[] { 1, 2, 12, 37 }, 5, 1, 2, false },
        { new[] { 2, 2, 10, 18 }, 2, 1, 0, true },
        { new[] { 1, 3, 16, 16 }, 3, 1, 0, false },
        { new[] { 1, 2, 9, 33 }, 3, 2, 1, false },
    };

    private static float[] Random(Random rng, long count) =>
        Enumerable.Range(0, (int)count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    private static Tensor View(float[] data, Shape shape, bool view)
    {
        if (!view) return Tensor.FromArray(data, shape, Cpu);
        var wide = Tensor.Full(shape.WithDim(1, shape[1] + 3), 777f, Cpu);
        var t = wide.SliceChannels(2, shape[1]);
        Cpu.CopyFromHost(t, MemoryMarshal.AsBytes(data.AsSpan()));
        return t;
    }

    private static Tensor IntView(Shape shape, bool view)
    {
        if (!view) return Tensor.Empty(shape, Cpu, DType.Int32);
        var wide = Tensor.Zeros(shape.WithDim(1, shape[1] + 3), Cpu, DType.Int32);
        return wide.SliceChannels(2, shape[1]);
    }

    /// <summary>The in-image elements of output (oh, ow)'s window, in scan order, and PyTorch's include-pad divisor.</summary>
    private static (List<int> Members, int PaddedCount) Window(int oh, int ow, int h, int w, Pool2dParams p)
    {
        var members = new List<int>();
        int padded = 0;
        for (int i = 0; i < p.Kernel; i++)
        for (int j = 0; j < p.Kernel; j++)
        {
            int r = oh * p.Stride - p.Padding + i, c = ow * p.Stride - p.Padding + j;
            if (r < h + p.Padding && c < w + p.Padding) padded++; // ceil_mode off: never beyond the padded edge
            if (r >= 0 && r < h && c >= 0 && c < w) members.Add(r * w + c);
        }
        return (members, padded);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolMatchesNaiveDefinition(int[] dims, int k, int s, int pad, bool views)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(dims.Sum() + 7 * k + 11 * s + pad);
        var p = new Pool2dParams(k, s, pad);
        var shape = new Shape(dims);
        int b = dims[0], c = dims[1], h = dims[2], w = dims[3], ho = p.OutputSize(h), wo = p.OutputSize(w);
        var outShape = new Shape(b, c, ho, wo);
        var xData = Random(rng, shape.Size);
        var dyData = Random(rng, outShape.Size);
        var x = View(xData, shape, views);
        var y = View(new float[outShape.Size], outShape, views);
        var argmax = IntView(outShape, views);
        Cpu.MaxPool2dForward(y, argmax, x, p);

        var yRef = new float[outShape.Size];
        var aRef = new int[outShape.Size];
        var dxRef = new float[shape.Size];
        for (int plane = 0; plane < b * c; plane++)
        for (int oh = 0; oh < ho; oh++)
        for (int ow = 0; ow < wo; ow++)
        {
            int o = (plane * ho + oh) * wo + ow;
            float best = float.NegativeInfinity;
            int at = -1;
            foreach (var m in Window(oh, ow, h, w, p).Members)
                if (at < 0 || xData[plane * h * w + m] > best) { best = xData[plane * h * w + m]; at = m; }
            yRef[o] = best;
            aRef[o] = at;
            dxRef[plane * h * w + at] += dyData[o];
        }
        Assert.Equal(yRef, y.ToArray());
        Assert.Equal(aRef, argmax.ToInt32Array());

        var dy = View(dyData, outShape, views);
        var dx = View(Enumerable.Repeat(5f, (int)shape.Size).ToArray(), shape, views); // overwritten, not accumulated
        Cpu.MaxPool2dBackward(dx, dy, argmax);
        Approx.Equal(dxRef, dx.ToArray(), 1e-6, 1e-6, "dx");
        if (views) BatchNormTests.AssertGapsUntouched(y, dx);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AvgPoolMatchesNaiveDefinitionAndBackwardIsItsAdjoint(int[] dims, int k, int s, int pad, bool views)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(dims.Sum() + 13 * k + 5 * s + pad);
        var p = new Pool2dParams(k, s, pad);
        var shape = new Shape(dims);
        int b = dims[0], c = dims[1], h = dims[2], w = dims[3], ho = p.OutputSize(h), wo = p.OutputSize(w);
        var outShape = new Shape(b, c, ho, wo);
        var xData = Random(rng, shape.Size);
        var dyData = Random(rng, outShape.Size);
        var x = View(xData, shape, views);
        var y = View(new float[outShape.Size], outShape, views);
        var dy = View(dyData, outShape, views);
        var dx = View(Enumerable.Repeat(5f, (int)shape.Size).ToArray(), shape, views);

        foreach (bool include in new[] { false, true })
        {
            Cpu.AvgPool2dForward(y, x, p, include);
            Cpu.AvgPool2dBackward(dx, dy, p, include);

            var yRef = new double[outShape.Size];
            var dxRef = new double[shape.Size];
            for (int plane = 0; plane < b * c; plane++)
            for (int oh = 0; oh < ho; oh++)
            for (int ow = 0; ow < wo; ow++)
            {
                int o = (plane * ho + oh) * wo + ow;
                var (members, padded) = Window(oh, ow, h, w, p);
                Assert.Equal(k * k, padded); // ceil_mode off: include-pad divides by kernel²
                int divisor = include ? k * k : members.Count;
                foreach (var m in members)
                {
                    yRef[o] += xData[plane * h * w + m] / (double)divisor;
                    dxRef[plane * h * w + m] += dyData[o] / (double)divisor;
                }
            }
            Approx.Equal(yRef.Select(v => (float)v).ToArray(), y.ToArray(), 1e-6, 1e-5, $"y (countIncludePad {include})");
            Approx.Equal(dxRef.Select(v => (float)v).ToArray(), dx.ToArray(), 1e-6, 1e-5, $"dx (countIncludePad {include})");

            // The backward is the adjoint of the (linear) forward: <dy, A x> = <Aᵀ dy, x>.
            var yv = y.ToArray();
            var dxv = dx.ToArray();
            double lhs = 0, rhs = 0;
            for (int i = 0; i < yv.Length; i++) lhs += (double)dyData[i] * yv[i];
            for (int i = 0; i < dxv.Length; i++) rhs += (double)dxv[i] * xData[i];
            Assert.True(Math.Abs(lhs - rhs) <= 1e-4 * (1 + Math.Abs(lhs)), $"adjoint: <dy, y> = {lhs} but <dx, x> = {rhs}");
        }
        if (views) BatchNormTests.AssertGapsUntouched(y, dx);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, false)]
    [InlineData(new[] { 3, 4, 7, 7 }, true)]
    [InlineData(new[] { 1, 5, 1, 1 }, true)]
    [InlineData(new[] { 2, 8, 32, 32 }, false)]
    public void GlobalAvgPoolMatchesNaiveDefinition(int[] dims, bool views)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(dims.Sum());
        var shape = new Shape(dims);
        int b = dims[0], c = dims[1], plane = dims[2] * dims[3];
        var xData = Random(rng, shape.Size);
        var dyData = Random(rng, b * c);
        var x = View(xData, shape, views);
        var y = View(new float[b * c], new Shape(b, c), views);
        var dy = View(dyData, new Shape(b, c), views);
        var dx = View(new float[shape.Size], shape, views);
        Cpu.GlobalAvgPoolForward(y, x);
        Cpu.GlobalAvgPoolBackward(dx, dy);

        var yRef = new float[b * c];
        var dxRef = new float[shape.Size];
        for (int i = 0; i < b * c; i++)
        {
            double sum = 0;
            for (int j = 0; j < plane; j++) sum += xData[i * plane + j];
            yRef[i] = (float)(sum / plane);
            for (int j = 0; j < plane; j++) dxRef[i * plane + j] = (float)(dyData[i] / (double)plane);
        }
        Approx.Equal(yRef, y.ToArray(), 1e-6, 1e-5, "y");
        Approx.Equal(dxRef, dx.ToArray(), 1e-7, 1e-6, "dx");
        if (views) BatchNormTests.AssertGapsUntouched(dx);
    }

    // ---- errors -------------------------------------------------------------------------------

    [Fact]
    public void WrongOutputShapeThrowsNamingOpAndShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(2, 3, 8, 8), Cpu);
        var p = new Pool2dParams(3, 2, 1); // 8 → 4
        var wrong = Tensor.Empty(new Shape(2, 3, 8, 8), Cpu);
        var argmax = Tensor.Empty(new Shape(2, 3, 4, 4), Cpu, DType.Int32);

        var ex = Assert.Throws<ArgumentException>(() => Cpu.MaxPool2dForward(wrong, argmax, x, p));
        Assert.Contains("MaxPool2dForward", ex.Message);
        Assert.Contains("(2, 3, 8, 8)", ex.Message);
        Assert.Contains("(2, 3, 4, 4)", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.AvgPool2dForward(wrong, x, p, false));
        Assert.Contains("AvgPool2dForward", ex.Message);
        Assert.Contains("(2, 3, 4, 4)", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.AvgPool2dBackward(x, wrong, p, true));
        Assert.Contains("AvgPool2dBackward", ex.Message);
        Assert.Contains("dy", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.GlobalAvgPoolForward(Tensor.Empty(new Shape(2, 3, 1, 1), Cpu), x));
        Assert.Contains("GlobalAvgPoolForward", ex.Message);
        Assert.Contains("(2, 3, 1, 1)", ex.Message);
        Assert.Contains("(2, 3)", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.GlobalAvgPoolBackward(x, Tensor.Empty(new Shape(3, 2), Cpu)));
        Assert.Contains("GlobalAvgPoolBackward", ex.Message);
        Assert.Contains("(3, 2)", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.MaxPool2dBackward(Tensor.Empty(new Shape(2, 4, 8, 8), Cpu), Tensor.Empty(new Shape(2, 3, 4, 4), Cpu), argmax));
        Assert.Contains("MaxPool2dBackward", ex.Message);
        Assert.Contains("(2, 4, 8, 8)", ex.Message);
    }

    [Fact]
    public void WrongArgmaxDTypeThrows()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(1, 2, 4, 4), Cpu);
        var y = Tensor.Empty(new Shape(1, 2, 2, 2), Cpu);
        var floatArgmax = Tensor.Empty(new Shape(1, 2, 2, 2), Cpu);
        var ex = Assert.Throws<ArgumentException>(() => Cpu.MaxPool2dForward(y, floatArgmax, x, new Pool2dParams(2, 2)));
        Assert.Contains("MaxPool2dForward", ex.Message);
        Assert.Contains("argmax", ex.Message);
        Assert.Contains("Int32", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Cpu.MaxPool2dBackward(x, y, floatArgmax));
        Assert.Contains("MaxPool2dBackward", ex.Message);
        Assert.Contains("Int32", ex.Message);
    }

    [Fact]
    public void BadWindowsAndIndicesThrow()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(1, 1, 4, 4), Cpu);
        var y = Tensor.Empty(new Shape(1, 1, 6, 6), Cpu);
        // padding 2 > kernel/2 = 1: a window could hold only padding.
        var ex = Assert.Throws<ArgumentException>(() => Cpu.AvgPool2dForward(y, x, new Pool2dParams(3, 1, 2), false));
        Assert.Contains("padding", ex.Message);
        Assert.Contains("(1, 1, 4, 4)", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Cpu.AvgPool2dForward(y, x, new Pool2dParams(3, 0, 1), false));
        Assert.Contains("stride", ex.Message);
        // Window larger than the input: empty output.
        ex = Assert.Throws<ArgumentException>(() => Cpu.AvgPool2dForward(y, x, new Pool2dParams(5, 1, 0), false));
        Assert.Contains("empty output", ex.Message);

        // An argmax outside the plane is rejected instead of writing out of bounds.
        var argmax = Tensor.FromArray([0, 16], new Shape(1, 1, 1, 2), Cpu);
        ex = Assert.Throws<ArgumentException>(() => Cpu.MaxPool2dBackward(x, Tensor.Zeros(new Shape(1, 1, 1, 2), Cpu), argmax));
        Assert.Contains("16", ex.Message);
        Assert.Contains("MaxPool2dBackward", ex.Message);
    }
}

using AgNas.Tests;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Tests;

public class BatchNormTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    // ---- PyTorch reference cases ----------------------------------------------------------------

    [Theory]
    [InlineData("batchnorm2d_train_affine", true)]
    [InlineData("batchnorm2d_train_noaffine", false)]
    public void TrainForwardAndBackwardMatchPyTorch(string name, bool affine)
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load(name);
        float eps = rc.Config.GetProperty("eps").GetSingle(), momentum = rc.Config.GetProperty("momentum").GetSingle();
        Assert.Equal(affine, rc.Config.GetProperty("affine").GetBoolean());
        var x = rc.ToTensor("inputs", "x", Cpu);
        var gamma = affine ? rc.ToTensor("params", "weight", Cpu) : null;
        var beta = affine ? rc.ToTensor("params", "bias", Cpu) : null;
        var runMean = rc.ToTensor("buffers_before", "running_mean", Cpu);
        var runVar = rc.ToTensor("buffers_before", "running_var", Cpu);
        int c = x.Shape[1];
        var y = Tensor.Empty(x.Shape, Cpu);
        var mean = Tensor.Empty(new Shape(c), Cpu);
        var invStd = Tensor.Empty(new Shape(c), Cpu);

        Cpu.BatchNormTrainForward(y, mean, invStd, runMean, runVar, x, gamma, beta, momentum, eps);

        Approx.Equal(rc.Get("outputs", "y").Data, y.ToArray(), 1e-5, 1e-4, "y");
        Approx.Equal(rc.Get("buffers_after", "running_mean").Data, runMean.ToArray(), 1e-5, 1e-4, "running_mean");
        Approx.Equal(rc.Get("buffers_after", "running_var").Data, runVar.ToArray(), 1e-5, 1e-4, "running_var");

        var dy = rc.ToTensor("grad_output", "y", Cpu);
        var dx = Tensor.Empty(x.Shape, Cpu);
        var dGamma = Tensor.Empty(new Shape(c), Cpu);
        var dBeta = Tensor.Empty(new Shape(c), Cpu);
        Cpu.BatchNormTrainBackward(dx, affine ? dGamma : null, affine ? dBeta : null, dy, x, gamma, mean, invStd);

        Approx.Equal(rc.Get("grads", "x").Data, dx.ToArray(), 1e-5, 1e-4, "dx");
        if (affine)
        {
            Approx.Equal(rc.Get("grads", "weight").Data, dGamma.ToArray(), 1e-5, 1e-4, "dGamma");
            Approx.Equal(rc.Get("grads", "bias").Data, dBeta.ToArray(), 1e-5, 1e-4, "dBeta");
        }
    }

    // ---- conventions pinned by hand ---------------------------------------------------------------

    [Theory]
    [InlineData(4)] // (B, C, H, W) = (2, 2, 1, 2)
    [InlineData(2)] // (B, C) = (4, 2), BatchNorm1d-like
    public void RunningStatisticsAfterOneStepFollowTheDefinitions(int rank)
    {
        using var scope = TensorScope.Begin();
        // Channel 0 holds 1, 2, 3, 4: mean 2.5, biased var 1.25, unbiased var 5/3.
        // Channel 1 holds 2, 2, 2, 2: mean 2, var 0.
        Tensor x;
        if (rank == 4)
            x = Tensor.FromArray([1f, 2f, 2f, 2f, /* sample 1 */ 3f, 4f, 2f, 2f], new Shape(2, 2, 1, 2), Cpu);
        else
            x = Tensor.FromArray([1f, 2f, 2f, 2f, 3f, 2f, 4f, 2f], new Shape(4, 2), Cpu);
        var runMean = Tensor.FromArray([0f, 1f], new Shape(2), Cpu);
        var runVar = Tensor.FromArray([1f, 3f], new Shape(2), Cpu);
        var y = Tensor.Empty(x.Shape, Cpu);
        var mean = Tensor.Empty(new Shape(2), Cpu);
        var invStd = Tensor.Empty(new Shape(2), Cpu);
        const float eps = 1e-5f;

        Cpu.BatchNormTrainForward(y, mean, invStd, runMean, runVar, x, null, null, 0.1f, eps);

        Approx.Equal([2.5f, 2f], mean.ToArray(), 1e-6, 1e-6, "saved mean");
        Approx.Equal([(float)(1 / Math.Sqrt(1.25 + eps)), (float)(1 / Math.Sqrt(eps))], invStd.ToArray(), 1e-6, 1e-5, "saved invStd");
        // running_mean = 0.9·r + 0.1·mean; running_var = 0.9·r + 0.1·unbiased var.
        Approx.Equal([0.25f, 0.9f * 1f + 0.1f * 2f], runMean.ToArray(), 1e-6, 1e-6, "running_mean");
        Approx.Equal([0.9f + 0.1f * 5f / 3f, 0.9f * 3f], runVar.ToArray(), 1e-6, 1e-6, "running_var");
        // y = (x − 2.5)/sqrt(1.25 + eps) in channel 0, 0 in channel 1.
        float s = (float)(1 / Math.Sqrt(1.25 + eps));
        float[] expected = rank == 4
            ? [-1.5f * s, -0.5f * s, 0f, 0f, 0.5f * s, 1.5f * s, 0f, 0f]
            : [-1.5f * s, 0f, -0.5f * s, 0f, 0.5f * s, 0f, 1.5f * s, 0f];
        Approx.Equal(expected, y.ToArray(), 1e-6, 1e-5, "y");
    }

    [Fact]
    public void EvalModeUsesTheGivenStatisticsNotTheBatch()
    {
        using var scope = TensorScope.Begin();
        // Batch 1, 1×1 spatial is fine in eval mode.
        var x = Tensor.FromArray([1f, 4f], new Shape(1, 2, 1, 1), Cpu);
        var mean = Tensor.FromArray([0.25f, -1f], new Shape(2), Cpu);
        var var = Tensor.FromArray([1.0666667f, 3f], new Shape(2), Cpu);
        var gamma = Tensor.FromArray([2f, -0.5f], new Shape(2), Cpu);
        var beta = Tensor.FromArray([0.5f, 1f], new Shape(2), Cpu);
        var y = Tensor.Empty(x.Shape, Cpu);
        const float eps = 1e-5f;

        Cpu.BatchNormEvalForward(y, x, gamma, beta, mean, var, eps);

        double s0 = 1 / Math.Sqrt(1.0666667 + eps), s1 = 1 / Math.Sqrt(3 + eps);
        Approx.Equal([(float)((1 - 0.25) * s0 * 2 + 0.5), (float)((4 + 1) * s1 * -0.5 + 1)], y.ToArray(), 1e-6, 1e-5, "y");

        var dy = Tensor.FromArray([3f, -2f], new Shape(1, 2, 1, 1), Cpu);
        var dx = Tensor.Empty(x.Shape, Cpu);
        var dGamma = Tensor.Empty(new Shape(2), Cpu);
        var dBeta = Tensor.Empty(new Shape(2), Cpu);
        Cpu.BatchNormEvalBackward(dx, dGamma, dBeta, dy, x, gamma, mean, var, eps);

        // Statistics are constants: dx = dy·γ/sqrt(var + eps), dγ = Σ dy·x̂, dβ = Σ dy.
        Approx.Equal([(float)(3 * 2 * s0), (float)(-2 * -0.5 * s1)], dx.ToArray(), 1e-6, 1e-5, "dx");
        Approx.Equal([(float)(3 * 0.75 * s0), (float)(-2 * 5 * s1)], dGamma.ToArray(), 1e-6, 1e-5, "dGamma");
        Approx.Equal([3f, -2f], dBeta.ToArray(), 1e-6, 1e-6, "dBeta");
    }

    // ---- naive reference and finite differences ---------------------------------------------------

    /// <summary>Training-mode batch norm in float64, straight from the definition.</summary>
    private static double[] NaiveTrain(double[] x, int b, int c, int plane, double[]? gamma, double[]? beta, double eps,
        out double[] mean, out double[] varBiased)
    {
        var y = new double[x.Length];
        mean = new double[c];
        varBiased = new double[c];
        int count = b * plane;
        for (int ch = 0; ch < c; ch++)
        {
            double m = 0;
            for (int n = 0; n < b; n++)
            for (int i = 0; i < plane; i++) m += x[(n * c + ch) * plane + i];
            m /= count;
            double v = 0;
            for (int n = 0; n < b; n++)
            for (int i = 0; i < plane; i++) v += Math.Pow(x[(n * c + ch) * plane + i] - m, 2);
            v /= count;
            mean[ch] = m;
            varBiased[ch] = v;
            for (int n = 0; n < b; n++)
            for (int i = 0; i < plane; i++)
            {
                int k = (n * c + ch) * plane + i;
                y[k] = (x[k] - m) / Math.Sqrt(v + eps) * (gamma?[ch] ?? 1) + (beta?[ch] ?? 0);
            }
        }
        return y;
    }

    private static float[] Random(Random rng, long count, float scale = 1f, float shift = 0f) =>
        Enumerable.Range(0, (int)count).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale + shift).ToArray();

    /// <summary>A tensor with the given values that is a channel view of a wider buffer (extra channels around it).</summary>
    private static Tensor View(float[] data, Shape shape, bool view)
    {
        if (!view) return Tensor.FromArray(data, shape, Cpu);
        var wide = Tensor.Full(shape.WithDim(1, shape[1] + 3), 777f, Cpu);
        var t = wide.SliceChannels(2, shape[1]);
        Cpu.CopyFromHost(t, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        return t;
    }

    public static TheoryData<int[], bool, bool> Shapes => new()
    {
        { new[] { 3, 4, 5, 7 }, true, false },
        { new[] { 2, 5, 3, 3 }, false, true },
        { new[] { 1, 3, 2, 3 }, true, true },
        { new[] { 4, 6, 1, 1 }, true, false },
        { new[] { 5, 3 }, true, true },
        { new[] { 2, 16, 9, 11 }, true, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TrainMatchesNaiveReferenceAndFiniteDifferences(int[] dims, bool affine, bool views)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(dims.Sum() * 31 + (affine ? 1 : 0));
        var shape = new Shape(dims);
        int b = dims[0], c = dims[1], plane = dims.Length == 4 ? dims[2] * dims[3] : 1;
        const float eps = 1e-5f, momentum = 0.1f;
        // An offset mean checks the centred variance is computed without cancellation trouble.
        var xData = Random(rng, shape.Size, 2f, 3f);
        var gData = affine ? Random(rng, c, 1f, 1f) : null;
        var bData = affine ? Random(rng, c) : null;
        var dyData = Random(rng, shape.Size);
        var rmData = Random(rng, c);
        var rvData = Random(rng, c, 0.5f, 1f);

        var x = View(xData, shape, views);
        var y = View(new float[shape.Size], shape, views);
        var gamma = gData is null ? null : Tensor.FromArray(gData, new Shape(c), Cpu);
        var beta = bData is null ? null : Tensor.FromArray(bData, new Shape(c), Cpu);
        var runMean = Tensor.FromArray(rmData, new Shape(c), Cpu);
        var runVar = Tensor.FromArray(rvData, new Shape(c), Cpu);
        var mean = Tensor.Empty(new Shape(c), Cpu);
        var invStd = Tensor.Empty(new Shape(c), Cpu);
        Cpu.BatchNormTrainForward(y, mean, invStd, runMean, runVar, x, gamma, beta, momentum, eps);

        var xd = xData.Select(v => (double)v).ToArray();
        var gd = gData?.Select(v => (double)v).ToArray();
        var bd = bData?.Select(v => (double)v).ToArray();
        var yRef = NaiveTrain(xd, b, c, plane, gd, bd, eps, out var mRef, out var vRef);
        Approx.Equal(ToFloat(yRef), y.ToArray(), 1e-5, 1e-4, "y");
        Approx.Equal(ToFloat(mRef), mean.ToArray(), 1e-6, 1e-5, "saved mean");
        Approx.Equal(vRef.Select(v => (float)(1 / Math.Sqrt(v + eps))).ToArray(), invStd.ToArray(), 1e-6, 1e-5, "saved invStd");
        int n = b * plane;
        Approx.Equal(rmData.Select((r, i) => (float)(0.9 * r + 0.1 * mRef[i])).ToArray(), runMean.ToArray(), 1e-6, 1e-5, "running_mean");
        Approx.Equal(rvData.Select((r, i) => (float)(0.9 * r + 0.1 * vRef[i] * n / (n - 1))).ToArray(), runVar.ToArray(), 1e-6, 1e-5, "running_var");

        // Backward against central finite differences of L = Σ y·dy in float64.
        var dy = View(dyData, shape, views);
        var dx = View(new float[shape.Size], shape, views);
        var dGamma = Tensor.Empty(new Shape(c), Cpu);
        var dBeta = Tensor.Empty(new Shape(c), Cpu);
        Cpu.BatchNormTrainBackward(dx, dGamma, dBeta, dy, x, gamma, mean, invStd);

        double Loss(double[] xs, double[]? gs, double[]? bs)
        {
            var yy = NaiveTrain(xs, b, c, plane, gs, bs, eps, out _, out _);
            double l = 0;
            for (int i = 0; i < yy.Length; i++) l += yy[i] * dyData[i];
            return l;
        }
        const double h = 1e-5;
        double[] Fd(double[] v, Func<double[], double> f)
        {
            var g = new double[v.Length];
            for (int i = 0; i < v.Length; i++)
            {
                double keep = v[i];
                v[i] = keep + h; double up = f(v);
                v[i] = keep - h; double down = f(v);
                v[i] = keep;
                g[i] = (up - down) / (2 * h);
            }
            return g;
        }
        Approx.Equal(ToFloat(Fd(xd, v => Loss(v, gd, bd))), dx.ToArray(), 1e-4, 1e-3, "dx vs finite differences");
        if (affine)
        {
            Approx.Equal(ToFloat(Fd(gd!, v => Loss(xd, v, bd))), dGamma.ToArray(), 1e-4, 1e-3, "dGamma vs finite differences");
            Approx.Equal(ToFloat(Fd(bd!, v => Loss(xd, gd, v))), dBeta.ToArray(), 1e-4, 1e-3, "dBeta vs finite differences");
        }
        else
        {
            // dGamma = Σ dy·x̂ and dBeta = Σ dy are defined (and asked for) even without affine.
            var dGammaRef = new double[c];
            var dBetaRef = new double[c];
            for (int s = 0; s < b; s++)
            for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < plane; i++)
            {
                int k = (s * c + ch) * plane + i;
                dGammaRef[ch] += dyData[k] * yRef[k];
                dBetaRef[ch] += dyData[k];
            }
            Approx.Equal(ToFloat(dGammaRef), dGamma.ToArray(), 1e-4, 1e-4, "dGamma");
            Approx.Equal(ToFloat(dBetaRef), dBeta.ToArray(), 1e-5, 1e-5, "dBeta");
        }
        if (views) AssertGapsUntouched(y, dx);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EvalMatchesNaiveReference(int[] dims, bool affine, bool views)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(dims.Sum() * 17 + (affine ? 1 : 0));
        var shape = new Shape(dims);
        int b = dims[0], c = dims[1], plane = dims.Length == 4 ? dims[2] * dims[3] : 1;
        const float eps = 1e-3f;
        var xData = Random(rng, shape.Size, 2f);
        var gData = affine ? Random(rng, c, 1f, 1f) : null;
        var bData = affine ? Random(rng, c) : null;
        var mData = Random(rng, c);
        var vData = Random(rng, c, 0.5f, 1f);
        var dyData = Random(rng, shape.Size);
        var x = View(xData, shape, views);
        var y = View(new float[shape.Size], shape, views);
        var dy = View(dyData, shape, views);
        var dx = View(new float[shape.Size], shape, views);
        var gamma = gData is null ? null : Tensor.FromArray(gData, new Shape(c), Cpu);
        var beta = bData is null ? null : Tensor.FromArray(bData, new Shape(c), Cpu);
        var mean = Tensor.FromArray(mData, new Shape(c), Cpu);
        var var = Tensor.FromArray(vData, new Shape(c), Cpu);
        var dGamma = Tensor.Empty(new Shape(c), Cpu);
        var dBeta = Tensor.Empty(new Shape(c), Cpu);

        Cpu.BatchNormEvalForward(y, x, gamma, beta, mean, var, eps);
        Cpu.BatchNormEvalBackward(dx, dGamma, dBeta, dy, x, gamma, mean, var, eps);

        var yRef = new float[shape.Size];
        var dxRef = new float[shape.Size];
        var dgRef = new double[c];
        var dbRef = new double[c];
        for (int s = 0; s < b; s++)
        for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < plane; i++)
        {
            int k = (s * c + ch) * plane + i;
            double inv = 1 / Math.Sqrt(vData[ch] + (double)eps), g = gData?[ch] ?? 1;
            double xhat = (xData[k] - mData[ch]) * inv;
            yRef[k] = (float)(xhat * g + (bData?[ch] ?? 0));
            dxRef[k] = (float)(dyData[k] * g * inv);
            dgRef[ch] += dyData[k] * xhat;
            dbRef[ch] += dyData[k];
        }
        Approx.Equal(yRef, y.ToArray(), 1e-5, 1e-5, "y");
        Approx.Equal(dxRef, dx.ToArray(), 1e-5, 1e-5, "dx");
        Approx.Equal(ToFloat(dgRef), dGamma.ToArray(), 1e-5, 1e-5, "dGamma");
        Approx.Equal(ToFloat(dbRef), dBeta.ToArray(), 1e-5, 1e-5, "dBeta");
        if (views) AssertGapsUntouched(y, dx);
    }

    [Fact]
    public void InPlaceAndRepeatedCallsGiveIdenticalResults()
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(5);
        var shape = new Shape(4, 8, 6, 6);
        var data = Random(rng, shape.Size, 3f);
        var gamma = Tensor.FromArray(Random(rng, 8, 1f, 1f), new Shape(8), Cpu);
        var beta = Tensor.FromArray(Random(rng, 8), new Shape(8), Cpu);
        var x = Tensor.FromArray(data, shape, Cpu);
        var y1 = Tensor.Empty(shape, Cpu);
        var y2 = Tensor.Empty(shape, Cpu);
        var m = Tensor.Empty(new Shape(8), Cpu);
        var s = Tensor.Empty(new Shape(8), Cpu);
        Cpu.BatchNormTrainForward(y1, m, s, null, null, x, gamma, beta, 0.1f, 1e-5f);
        Cpu.BatchNormTrainForward(y2, m, s, null, null, x, gamma, beta, 0.1f, 1e-5f);
        Assert.Equal(y1.ToArray(), y2.ToArray());
        Cpu.BatchNormTrainForward(x, m, s, null, null, x, gamma, beta, 0.1f, 1e-5f);
        Assert.Equal(y1.ToArray(), x.ToArray());
    }

    // ---- errors -------------------------------------------------------------------------------

    [Theory]
    [InlineData(new[] { 1, 3, 1, 1 }, "(1, 3, 1, 1)")]
    [InlineData(new[] { 1, 3 }, "(1, 3)")]
    public void TrainingWithOneValuePerChannelThrows(int[] dims, string shapeText)
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Full(new Shape(dims), 1f, Cpu);
        var y = Tensor.Empty(x.Shape, Cpu);
        var m = Tensor.Empty(new Shape(3), Cpu);
        var s = Tensor.Empty(new Shape(3), Cpu);
        var ex = Assert.Throws<ArgumentException>(() => Cpu.BatchNormTrainForward(y, m, s, null, null, x, null, null, 0.1f, 1e-5f));
        Assert.Contains("BatchNormTrainForward", ex.Message);
        Assert.Contains("more than one value per channel", ex.Message);
        Assert.Contains(shapeText, ex.Message);
    }

    [Fact]
    public void WrongShapesThrowNamingOpAndShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(2, 3, 4, 4), Cpu);
        var y = Tensor.Empty(x.Shape, Cpu);
        var c3 = Tensor.Empty(new Shape(3), Cpu);
        var c4 = Tensor.Empty(new Shape(4), Cpu);

        var ex = Assert.Throws<ArgumentException>(() => Cpu.BatchNormTrainForward(Tensor.Empty(new Shape(2, 3, 4, 5), Cpu), c3, c3, null, null, x, null, null, 0.1f, 1e-5f));
        Assert.Contains("BatchNormTrainForward", ex.Message);
        Assert.Contains("(2, 3, 4, 5)", ex.Message);
        Assert.Contains("(2, 3, 4, 4)", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.BatchNormTrainForward(y, c3, c3, c4, c3, x, null, null, 0.1f, 1e-5f));
        Assert.Contains("runningMean", ex.Message);
        Assert.Contains("(4)", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.BatchNormEvalForward(y, x, c4, null, c3, c3, 1e-5f));
        Assert.Contains("BatchNormEvalForward", ex.Message);
        Assert.Contains("gamma", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.BatchNormTrainBackward(y, null, null, Tensor.Empty(new Shape(2, 3, 4), Cpu), x, null, c3, c3));
        Assert.Contains("BatchNormTrainBackward", ex.Message);
        Assert.Contains("(2, 3, 4)", ex.Message);

        var x3 = Tensor.Zeros(new Shape(2, 3, 4), Cpu);
        ex = Assert.Throws<ArgumentException>(() => Cpu.BatchNormEvalBackward(x3, null, null, x3, x3, null, c3, c3, 1e-5f));
        Assert.Contains("BatchNormEvalBackward", ex.Message);
        Assert.Contains("(2, 3, 4)", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Cpu.BatchNormTrainForward(y, c3, c3, null, null, x, null, null, 0.1f, -1f));
        Assert.Contains("eps", ex.Message);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static float[] ToFloat(double[] v) => v.Select(d => (float)d).ToArray();

    /// <summary>The channels outside each view still hold the sentinel.</summary>
    internal static void AssertGapsUntouched(params Tensor[] views)
    {
        foreach (var v in views)
        {
            // Rebuild the wide buffer's layout: the view starts 2 channels in, 3 extra channels in all.
            long plane = v.Shape.SampleSize / v.Shape[1];
            int wideC = v.Shape[1] + 3;
            Assert.Equal(wideC * plane, v.BatchStride);
            unsafe
            {
                float* start = (float*)v.Handle - 2 * plane;
                for (int n = 0; n < v.Shape[0]; n++)
                for (int ch = 0; ch < wideC; ch++)
                {
                    if (ch >= 2 && ch < 2 + v.Shape[1]) continue;
                    for (long i = 0; i < plane; i++)
                        Assert.Equal(777f, start[n * v.BatchStride + ch * plane + i]);
                }
            }
        }
    }
}

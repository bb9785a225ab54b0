using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using static AgNas.Autograd.Tests.TestUtil;

namespace AgNas.Autograd.Tests;

public class InitTests
{
    [Fact]
    public void FansFollowPyTorch()
    {
        Assert.Equal((144, 144), Initializers.Fans(new Shape(16, 16, 3, 3)));
        // Depthwise conv 32 channels, groups 32: weight (32, 1, 3, 3): fan_in 1·9, fan_out 32·9.
        Assert.Equal((9, 288), Initializers.Fans(new Shape(32, 1, 3, 3)));
        Assert.Equal((256, 10), Initializers.Fans(new Shape(10, 256)));
        Assert.Throws<ArgumentException>(() => Initializers.Fans(new Shape(10)));
    }

    [Fact]
    public void DefaultSlopeGivesBoundOneOverSqrtFanIn()
    {
        // gain(√5) = √(2/6) = √(1/3); bound = √(1/3)·√(3/fan) = 1/√fan.
        Assert.Equal(1.0 / 12, Initializers.KaimingUniformBound(144, Math.Sqrt(5)), 12);
        Assert.Equal(1.0 / 16, Initializers.KaimingUniformBound(256, Math.Sqrt(5)), 12);
        // ReLU gain √2: std √(2/fan).
        Assert.Equal(Math.Sqrt(2.0 / 288), Initializers.KaimingNormalStd(288, 0), 12);
    }

    private static void AssertFillsBound(float[] values, double bound, string what)
    {
        // float32 rounding of a value drawn just below the bound may land on it: allow one ulp.
        double tol = bound * 1e-6;
        Assert.All(values, v => Assert.True(Math.Abs(v) <= bound + tol, $"{what}: {v} outside ±{bound}"));
        Assert.True(values.Max() >= 0.95 * bound, $"{what}: max {values.Max()} is not within 5% of {bound}");
        Assert.True(values.Min() <= -0.95 * bound, $"{what}: min {values.Min()} is not within 5% of {-bound}");
    }

    [Fact]
    public void Conv16To16Kernel3HasBoundOneTwelfth()
    {
        // fan_in = 16·3·3 = 144 → bound 1/12 for the weight and the bias.
        using var conv = new Conv2d(16, 16, 3, generator: new Generator(1));
        AssertFillsBound(conv.Weight.Data.ToArray(), 1.0 / 12, "conv weight");
        Assert.All(conv.Bias!.Data.ToArray(), v => Assert.InRange(Math.Abs(v), 0, 1.0 / 12 + 1e-7));
    }

    [Fact]
    public void DepthwiseConvBoundUsesInChannelsPerGroup()
    {
        // groups 32: fan_in = (32/32)·3·3 = 9 → bound 1/3.
        using var conv = new Conv2d(32, 32, 3, groups: 32, generator: new Generator(2));
        Assert.Equal(new Shape(32, 1, 3, 3), conv.Weight.Shape);
        AssertFillsBound(conv.Weight.Data.ToArray(), 1.0 / 3, "depthwise weight");
    }

    [Fact]
    public void Linear256To10HasBoundOneSixteenth()
    {
        using var fc = new Linear(256, 10, generator: new Generator(3));
        AssertFillsBound(fc.Weight.Data.ToArray(), 1.0 / 16, "linear weight");
        Assert.All(fc.Bias!.Data.ToArray(), v => Assert.InRange(Math.Abs(v), 0, 1.0 / 16 + 1e-7));
    }

    [Fact]
    public void SameSeedSameWeightsOtherSeedOtherWeights()
    {
        using var a = new Conv2d(8, 8, 3, generator: new Generator(42));
        using var b = new Conv2d(8, 8, 3, generator: new Generator(42));
        using var c = new Conv2d(8, 8, 3, generator: new Generator(43));
        Assert.Equal(a.Weight.Data.ToArray(), b.Weight.Data.ToArray());
        Assert.Equal(a.Bias!.Data.ToArray(), b.Bias!.Data.ToArray());
        Assert.NotEqual(a.Weight.Data.ToArray(), c.Weight.Data.ToArray());
    }

    [Fact]
    public void SharedGeneratorGivesLayersDifferentWeights()
    {
        var g = new Generator(7);
        using var a = new Linear(4, 4, generator: g);
        using var b = new Linear(4, 4, generator: g);
        Assert.NotEqual(a.Weight.Data.ToArray(), b.Weight.Data.ToArray());
    }

    [Fact]
    public void KaimingNormalFanOutHasProxylessStd()
    {
        // ProxylessNAS 'he_fout': n = k·k·out = 3·3·32 = 288, std = √(2/288) = 1/12.
        using var w = Tensor.Empty(new Shape(32, 16, 3, 3), Cpu);
        Initializers.KaimingNormal(w, new Generator(5));
        var v = w.ToArray();
        double mean = v.Average(x => (double)x);
        double std = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
        // 4608 samples: the sample std is within ~2% of 1/12 with overwhelming probability.
        Assert.InRange(std, 0.95 / 12, 1.05 / 12);
        Assert.InRange(mean, -0.01, 0.01);
    }

    [Fact]
    public void BatchNormStartsAtOneZeroZeroOne()
    {
        using var bn = new BatchNorm2d(5);
        Assert.All(bn.Weight!.Data.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(bn.Bias!.Data.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(bn.RunningMean!.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(bn.RunningVar!.ToArray(), v => Assert.Equal(1f, v));
        var count = bn.StateDict().Single(e => e.Name == "num_batches_tracked").Value;
        Assert.Equal(DType.Int32, count.DType);
        Assert.Equal(Shape.Scalar, count.Shape);
        Assert.Equal([0], count.ToInt32Array());
    }

    [Fact]
    public void GeneratorIsReproducibleAndResumable()
    {
        var a = new Generator(11);
        var b = new Generator(11);
        for (int i = 0; i < 10; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        var saved = a.State;
        var next = Enumerable.Range(0, 5).Select(_ => a.NextDouble()).ToArray();
        var c = new Generator(999) { State = saved };
        Assert.Equal(next, Enumerable.Range(0, 5).Select(_ => c.NextDouble()).ToArray());
        Assert.Throws<ArgumentException>(() => c.State = [0, 0, 0, 0]);
    }

    [Fact]
    public void GeneratorDistributionsHaveTheirMoments()
    {
        var g = new Generator(3);
        const int n = 200_000;
        var u = Enumerable.Range(0, n).Select(_ => g.NextDouble()).ToArray();
        Assert.All(u, x => Assert.InRange(x, 0.0, 1.0 - 1e-17));
        Assert.InRange(u.Average(), 0.495, 0.505);
        var z = Enumerable.Range(0, n).Select(_ => g.Normal(2, 3)).ToArray();
        double mean = z.Average();
        double std = Math.Sqrt(z.Average(x => (x - mean) * (x - mean)));
        Assert.InRange(mean, 1.97, 2.03);
        Assert.InRange(std, 2.97, 3.03);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[g.NextInt(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void UniformAndNormalFillsCheckArguments()
    {
        using var t = Tensor.Empty(new Shape(3), Cpu);
        Assert.Throws<ArgumentException>(() => Initializers.Uniform(t, 1, 0, new Generator()));
        Assert.Throws<ArgumentException>(() => Initializers.Normal(t, 0, -1, new Generator()));
        using var labels = Tensor.Zeros(new Shape(3), Cpu, DType.Int32);
        Assert.Throws<ArgumentException>(() => Initializers.Uniform(labels, 0, 1, new Generator()));
        Initializers.Uniform(t, 2, 2, new Generator());
        Assert.Equal([2f, 2f, 2f], t.ToArray());
    }
}

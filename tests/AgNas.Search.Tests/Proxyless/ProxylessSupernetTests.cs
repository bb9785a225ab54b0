using System.Diagnostics;
using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using Xunit.Abstractions;

namespace AgNas.Search.Tests.Proxyless;

/// <summary>One reference-size supernet (3 channels, 1,000 classes), built once: 30.8 M parameters take a while to draw.</summary>
public sealed class ReferenceSupernetFixture : IDisposable
{
    public ProxylessSupernet Net { get; } = new(new ProxylessSupernetConfig { Seed = 1 });

    public void Dispose() => Net.Dispose();
}

public class ProxylessSupernetTests(ReferenceSupernetFixture fixture, ITestOutputHelper output) : IClassFixture<ReferenceSupernetFixture>
{
    private static IBackend Cpu => CpuBackend.Instance;

    [Fact]
    public void TheReferenceSupernetHasTheComputedParameterCounts()
    {
        var net = fixture.Net;
        // agnas-facts §4.2: 30.8 M parameters, 3.09 M of them attention.
        Assert.Equal(30_778_976, net.ParameterCount());
        Assert.Equal(3_094_656, net.AttentionParameterCount());
        Assert.Equal((30_778_976L, 3_094_656L), ProxylessFormula.Supernet());
        Assert.Equal(21, net.AttentionModules.Count);
        // The hidden widths of the facts' table: 192→12, 224→14, 336→21, 392→24, 672→42, 784→49, 768→48, 896→56, 1536→96, 1792→112, 2592→162.
        Assert.Equal([12, 14, 14, 14, 21, 24, 24, 24, 42, 49, 49, 49, 48, 56, 56, 56, 96, 112, 112, 112, 162], net.AttentionModules.Select(m => m.Hidden).ToArray());
        Assert.Equal(ProxylessLayers.All.Select(l => l.CandidateCount).ToArray(), net.AttentionModules.Select(m => m.Candidates).ToArray());
    }

    [Fact]
    public void ConvWeightsAreKaimingNormalFanOutAndTheRestPyTorchDefault()
    {
        var net = fixture.Net;
        // layers.1.ops.5 (k 7, e 6, 32 → 32): depthwise (192, 1, 7, 7): std √(2/(49·192)); expand (192, 32, 1, 1): √(2/192).
        var mb = (MBConv)net.Layers[1].Ops[5];
        var depthwise = ((Conv2d)mb.Depthwise[0]).Weight.Data.ToArray();
        var expand = ((Conv2d)mb.Expand![0]).Weight.Data.ToArray();
        Assert.Equal(Math.Sqrt(2.0 / (49 * 192)), Std(depthwise), 0.06 * Math.Sqrt(2.0 / (49 * 192)));
        Assert.Equal(Math.Sqrt(2.0 / 192), Std(expand), 0.06 * Math.Sqrt(2.0 / 192));
        Assert.Equal(0, depthwise.Average(), 0.05 * Math.Sqrt(2.0 / (49 * 192)) * 10);
        // BN γ = 1, β = 0; the attention FCs keep PyTorch's U(±1/√fan_in).
        var bn = (BatchNorm2d)mb.Project[1];
        Assert.All(bn.Weight!.Data.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(bn.Bias!.Data.ToArray(), v => Assert.Equal(0f, v));
        var fc1 = net.AttentionModules[0].Fc1.Weight.Data.ToArray();
        Assert.All(fc1, v => Assert.InRange(v, -1 / Math.Sqrt(192), 1 / Math.Sqrt(192)));
        Assert.Equal(1 / Math.Sqrt(192) / Math.Sqrt(3), Std(fc1), 0.1 / Math.Sqrt(192));
    }

    private static double Std(float[] v)
    {
        double mean = v.Average(x => (double)x);
        return Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
    }

    [Fact]
    public void TheStateDictNamesFollowTheChildren()
    {
        var names = fixture.Net.NamedParameters().Select(p => p.Name).ToHashSet();
        Assert.Contains("stem.0.weight", names);
        Assert.Contains("first_block.depthwise.0.weight", names);
        Assert.DoesNotContain("first_block.expand.0.weight", names);
        Assert.Contains("layers.0.ops.5.expand.0.weight", names);
        Assert.Contains("layers.1.attention.fc2.weight", names);
        Assert.DoesNotContain("layers.1.ops.6.weight", names); // skip has no parameters
        Assert.Contains("head.0.weight", names);
        Assert.Contains("classifier.bias", names);
    }

    /// <summary>The reference pools with a fixed 7×7 kernel and works at 224 only; the global pool takes 192 and 256 as well.</summary>
    [Theory]
    [InlineData(192)]
    [InlineData(224)]
    [InlineData(256)]
    public void ImageNetSizedImagesGiveLogits(int size)
    {
        var net = fixture.Net;
        net.Eval();
        try
        {
            var watch = Stopwatch.StartNew();
            using var scope = TensorScope.Begin();
            using var _ = GradMode.NoGrad();
            var logits = net.Forward(SupernetTestUtil.Images(new Shape(1, 3, size, size), Cpu));
            Assert.Equal(new Shape(1, 1000), logits.Shape);
            Assert.All(logits.Data.ToArray(), v => Assert.True(float.IsFinite(v)));
            output.WriteLine($"{size} forward, batch 1: {watch.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            net.Train();
        }
    }

    [Theory]
    [InlineData(1, 28, 1)]   // Fashion-MNIST with stem stride 1: 28 → 14 → 7 → 4 → 2
    [InlineData(3, 32, 1)]
    [InlineData(3, 64, 2)]   // the reference stem on small images: 64 → 32 → … → 2
    [InlineData(3, 36, 2)]   // 192/224/256 at reduced scale: 36 → 18 → 9 → 5 → 3 → 2
    [InlineData(3, 40, 2)]
    public void SmallImagesWorkWithGlobalPooling(int channels, int size, int stemStride)
    {
        using var net = new ProxylessSupernet(new ProxylessSupernetConfig { InputChannels = channels, Classes = 10, StemStride = stemStride, Seed = 2 });
        using var scope = TensorScope.Begin();
        var x = SupernetTestUtil.Images(new Shape(2, channels, size, size), Cpu);
        var loss = Functional.CrossEntropy(net.Forward(x), SupernetTestUtil.Labels(2, 10, Cpu));
        loss.Backward();
        Assert.True(float.IsFinite(loss.Data.ToArray()[0]));
        Assert.All(net.AttentionModules, m => Assert.NotNull(m.Fc2.Weight.Grad));
        Assert.Contains("expected (B, " + channels + ", H, W)", Assert.Throws<ArgumentException>(() => net.Forward(SupernetTestUtil.Images(new Shape(1, channels + 1, 8, 8), Cpu))).Message);
    }

    [Fact]
    public void WithZeroSecondFcEveryChannelWeighsAHalfAndImportanceIsHalfTheImages()
    {
        // fc2 = 0 gives y = σ(0) = 0.5 on every channel: Σ_b Σ_c y = 0.5·B·C_out per candidate, 0.5·B after dividing by C_out.
        using var net = new ProxylessSupernet(new ProxylessSupernetConfig { InputChannels = 1, Classes = 10, StemStride = 1, Seed = 4 });
        foreach (var m in net.AttentionModules)
        {
            Cpu.Fill(m.Fc2.Weight.Data, 0f);
            m.StartImportance();
        }
        net.Eval();
        const int batch = 3;
        using (var scope = TensorScope.Begin())
        using (GradMode.NoGrad())
        {
            net.Forward(SupernetTestUtil.Images(new Shape(batch, 1, 16, 16), Cpu));
        }
        var raw = net.AttentionModules.Select(m => m.Importance!.ToDoubleArray()).ToList();
        foreach (var layer in ProxylessLayers.All)
            Assert.All(raw[layer.Index], v => Assert.Equal(0.5 * batch * layer.OutChannels, v, 1e-9));
        var arch = net.Derive(raw);
        Assert.All(arch.Edges, e => Assert.All(e.Importance, v => Assert.Equal(0.5 * batch, v, 1e-12)));
        // Every layer ties: the lowest index wins, mobilenet_3x3_ratio_3 everywhere.
        Assert.Equal(string.Join(' ', Enumerable.Repeat("0", 21)), arch.Text);
        foreach (var m in net.AttentionModules) m.StopImportance();
    }

    [Fact]
    public void SearchSpacesBuildsItAndRefusesWhatTheSpaceDoesNotHave()
    {
        var spec = new SupernetSpec(1, 10, 16, AllowNone: false, Seed: 0, StemStride: 1);
        using (var built = Assert.IsType<ProxylessSupernet>(SearchSpaces.Create("Proxyless", spec, Cpu)))
        {
            Assert.Equal((1, 10, 16, 1), (built.Config.InputChannels, built.Config.Classes, built.Config.Reduction, built.Config.StemStride));
        }
        using (var defaults = Assert.IsType<ProxylessSupernet>(SearchSpaces.Create(SearchSpaces.Proxyless, spec with { StemStride = null, Reduction = 8 }, Cpu)))
        {
            Assert.Equal(2, defaults.Config.StemStride);
            Assert.Equal(8, defaults.Config.Reduction);
        }
        Assert.Contains(SearchSpaces.Proxyless, SearchSpaces.Names);
        Assert.Contains("--method darts is not built for the proxyless space",
            Assert.Throws<ArgumentException>(() => SearchSpaces.Create("proxyless", spec with { Method = SearchMethod.Darts }, Cpu)).Message);
        Assert.Contains("21 layers", Assert.Throws<ArgumentException>(() => SearchSpaces.Create("proxyless", spec with { Channels = 16 }, Cpu)).Message);
        Assert.Contains("no 'none' candidate", Assert.Throws<ArgumentException>(() => SearchSpaces.Create("proxyless", spec with { AllowNone = true }, Cpu)).Message);
        Assert.Contains("StemStride = 3", Assert.Throws<ArgumentException>(() => SearchSpaces.Create("proxyless", spec with { StemStride = 3 }, Cpu)).Message);
        Assert.Contains("no stem-stride setting", Assert.Throws<ArgumentException>(() => SearchSpaces.Create("nb201", spec, Cpu)).Message);
        Assert.Contains("no stem-stride setting", Assert.Throws<ArgumentException>(() => SearchSpaces.Create("darts", spec, Cpu)).Message);
    }
}

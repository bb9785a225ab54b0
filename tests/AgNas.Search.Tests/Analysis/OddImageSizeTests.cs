using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Tests.Analysis;

/// <summary>
/// Every space takes any image size it can halve (issue 10, item 5): 30×30 (15×15 after the first reduction),
/// 31×31 and 15×17 run forward and backward in each supernet and network, every reduction giving ⌈H/2⌉ × ⌈W/2⌉.
/// </summary>
public class OddImageSizeTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    public static TheoryData<int, int> Sizes => new() { { 30, 30 }, { 31, 31 }, { 15, 17 } };

    /// <summary>One training step: finite logits of (2, classes) and a gradient on every parameter.</summary>
    private static void StepReachesEveryParameter(Module net, Func<Var, Var> forward, int channels, int h, int w, int classes)
    {
        using var scope = TensorScope.Begin();
        var logits = forward(SupernetTestUtil.Images(new Shape(2, channels, h, w), Cpu));
        Assert.Equal(new Shape(2, classes), logits.Shape);
        Assert.False(Cpu.HasNonFinite(logits.Data));
        CrossEntropy(logits, SupernetTestUtil.Labels(2, classes, Cpu)).Backward();
        foreach (var (name, p) in net.NamedParameters())
            Assert.True(p.Grad is not null && !Cpu.HasNonFinite(p.Grad), $"{name}: gradient missing or not finite");
        net.ZeroGrad();
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Nb201SupernetAndNetwork(int h, int w)
    {
        using (var supernet = new Nb201Supernet(new Nb201SupernetConfig { Channels = 8, CellsPerStage = 1, Seed = 1 }))
            StepReachesEveryParameter(supernet, supernet.Forward, 3, h, w, 10);
        var arch = Nb201Arch.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|");
        using var net = new Nb201Network(new Nb201NetworkConfig(arch) { Channels = 8, CellsPerStage = 1, Seed = 1 });
        StepReachesEveryParameter(net, net.Forward, 3, h, w, 10);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void DartsSupernetAndNetwork(int h, int w)
    {
        using (var supernet = new DartsSupernet(new DartsSupernetConfig { InputChannels = 3, Channels = 4, Layers = 5, Seed = 3 }))
            StepReachesEveryParameter(supernet, supernet.Forward, 3, h, w, 10);
        // The auxiliary head is sized for the image; 15×17 reaches it at 4×5, too small for its 5×5 pool, so it is left out there.
        var config = new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.DartsV2))
        {
            Channels = 4, Layers = 5, ImageHeight = h, ImageWidth = w, Seed = 3, AuxiliaryWeight = h >= 30 ? 0.4 : 0,
        };
        using var net = new DartsNetwork(config);
        StepReachesEveryParameter(net, x => net.ForwardTraining(x) is var y && y.AuxiliaryLogits is { } aux ? Add(y.Logits, aux) : y.Logits, 3, h, w, 10);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ProxylessSupernetAndNetwork(int h, int w)
    {
        using (var supernet = new ProxylessSupernet(new ProxylessSupernetConfig { Classes = 10, StemStride = 1, Seed = 2 }))
            StepReachesEveryParameter(supernet, supernet.Forward, 3, h, w, 10);
        using var net = new ProxylessNetwork(new ProxylessNetworkConfig(ProxylessArch.Agnas) { Classes = 10, StemStride = 1, Seed = 2 });
        StepReachesEveryParameter(net, net.Forward, 3, h, w, 10);
    }
}

using AgNas.Autograd;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Proxyless;

public class ProxylessNetworkTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    [Fact]
    public void TheAgnasNetworkHasTheComputedParameterCountAndNoSkipLayers()
    {
        using var net = new ProxylessNetwork(new ProxylessNetworkConfig(ProxylessArch.Agnas));
        // agnas-facts §4.5: 6.73 M.
        Assert.Equal(6_728_936, net.ParameterCount());
        Assert.Equal(6_728_936, ProxylessFormula.Network([.. ProxylessArch.Agnas.Ids]).Params);
        Assert.Equal(16, net.Blocks.Count);
        Assert.Equal([0, 1, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15, 16, 18, 19, 20], net.BlockLayers);
        Assert.All(net.Blocks.Items, b => Assert.IsType<MBConv>(b));
        Assert.Equal(5, ((MBConv)net.Blocks[2]).KernelSize);   // layer 3: mobilenet_5x5_ratio_3
        Assert.DoesNotContain(net.NamedParameters(), p => p.Name.Contains("attention", StringComparison.Ordinal));
        Assert.Contains(net.NamedParameters(), p => p.Name == "blocks.15.project.1.bias");
    }

    [Fact]
    public void EveryArchitectureMatchesTheClosedForm()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 3; trial++)
        {
            var ids = ProxylessLayers.All.Select(l => rng.Next(l.SkipAllowed ? -1 : 0, 6)).ToArray();
            var config = new ProxylessNetworkConfig(new ProxylessArch(ids)) { InputChannels = 1, Classes = 10 };
            using var net = new ProxylessNetwork(config);
            Assert.Equal(ProxylessFormula.Network(ids, inputChannels: 1, classes: 10).Params, net.ParameterCount());
            Assert.Equal(ids.Count(id => id != -1), net.Blocks.Count);
        }
    }

    [Fact]
    public void DropoutIsDrawnPerStepAndOffInEvaluation()
    {
        var config = new ProxylessNetworkConfig(ProxylessArch.Agnas) { InputChannels = 1, Classes = 10, StemStride = 1, Dropout = 0.5, Seed = 3 };
        using var net = new ProxylessNetwork(config);
        using var twin = new ProxylessNetwork(config);
        using var scope = TensorScope.Begin();
        using var _ = GradMode.NoGrad();
        var x = SupernetTestUtil.Images(new Shape(2, 1, 28, 28), Cpu);
        float[] Train(ProxylessNetwork n, int epoch, int step)
        {
            n.Train();
            n.BeforeTrainingStep(epoch, step);
            return n.ForwardTraining(x).Logits.Data.ToArray();
        }
        var a = Train(net, 2, 7);
        Assert.Equal(a, Train(twin, 2, 7));           // a resumed run draws the same mask
        Assert.NotEqual(a, Train(net, 2, 8));
        net.Eval();
        twin.Eval();
        var e1 = net.Forward(x).Data.ToArray();
        net.BeforeTrainingStep(9, 9);
        Assert.Equal(e1, net.Forward(x).Data.ToArray());
        Assert.Equal(new Shape(2, 10), net.Forward(x).Shape);
        Assert.Null(net.ForwardTraining(x).AuxiliaryLogits);
    }

    [Fact]
    public void InvalidSettingsAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ProxylessNetwork(new ProxylessNetworkConfig(ProxylessArch.Agnas) { StemStride = 4, Dropout = 1 }));
        Assert.Contains("StemStride = 4 (expected 1 or 2)", e.Message);
        Assert.Contains("Dropout = 1", e.Message);
    }
}

using AgNas.Autograd.Init;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Proxyless;

public class ProxylessCostTests
{
    [Fact]
    public void TheAgnasNetworkAt224HasThePinnedCost()
    {
        var cost = ProxylessCost.Network(ProxylessArch.Agnas);
        // agnas-facts §4.5: 6.73 M parameters; ≈659 M MACs (the reference's table: 660.9 M, conv + FC).
        Assert.Equal(new ProxylessCostFigure(6_728_936, 659_130_816), cost);
        Assert.InRange(cost.Macs, 659_000_000, 661_000_000);
        Assert.Equal(ProxylessFormula.Network([.. ProxylessArch.Agnas.Ids]), (cost.Parameters, cost.Macs));
        Assert.Equal("6,728,936 parameters, 659,130,816 MACs", cost.ToString());
    }

    [Theory]
    [InlineData(192, 3, 1000, 2)]
    [InlineData(256, 3, 1000, 2)]
    [InlineData(28, 1, 10, 1)]
    [InlineData(33, 3, 100, 2)]
    public void OtherSettingsMatchTheClosedForm(int resolution, int channels, int classes, int stemStride)
    {
        var settings = new ProxylessCostSettings { Resolution = resolution, InputChannels = channels, Classes = classes, StemStride = stemStride };
        var rng = new Random(resolution);
        for (int trial = 0; trial < 4; trial++)
        {
            var ids = ProxylessLayers.All.Select(l => rng.Next(l.SkipAllowed ? -1 : 0, 6)).ToArray();
            var cost = ProxylessCost.Network(new ProxylessArch(ids), settings);
            Assert.Equal(ProxylessFormula.Network(ids, resolution, channels, classes, stemStride), (cost.Parameters, cost.Macs));
        }
    }

    [Fact]
    public void BlockParametersAreTheBuiltModulesAndResolutionsHalveAtStride2()
    {
        Assert.Equal([112, 56, 56, 56, 56, 28, 28, 28, 28, 14, 14, 14, 14, 14, 14, 14, 14, 7, 7, 7, 7, 7], ProxylessCost.LayerResolutions(new ProxylessCostSettings()));
        var candidates = ProxylessCost.Candidates(new ProxylessCostSettings());
        foreach (var layer in new[] { ProxylessLayers.All[0], ProxylessLayers.All[12], ProxylessLayers.All[17] })
        {
            var specs = ProxylessBlockRegistry.CandidatesOf(layer);
            for (int k = 0; k < specs.Count; k++)
            {
                using var module = specs[k].Create(layer.InChannels, layer.OutChannels, layer.Stride, new Generator(), CpuBackend.Instance);
                Assert.Equal(module.ParameterCount(), candidates[layer.Index][k].Parameters);
            }
        }
        Assert.Equal(default, candidates[1][6]);   // skip costs nothing
        // mobilenet_3x3_ratio_6 on layer 0 (24 → 32, 112 → 56): expand 24·144·112², depthwise 144·9·56², project 144·32·56².
        Assert.Equal(24L * 144 * 112 * 112 + 144L * 9 * 56 * 56 + 144L * 32 * 56 * 56, candidates[0][1].Macs);
    }
}

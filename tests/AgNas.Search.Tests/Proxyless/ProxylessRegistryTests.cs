using AgNas.Autograd.Init;
using AgNas.Search.Ops;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Proxyless;

public class ProxylessRegistryTests
{
    [Fact]
    public void TheSixBlocksAreInTheReferenceOrder()
    {
        Assert.Equal(["mobilenet_3x3_ratio_3", "mobilenet_3x3_ratio_6", "mobilenet_5x5_ratio_3", "mobilenet_5x5_ratio_6", "mobilenet_7x7_ratio_3", "mobilenet_7x7_ratio_6"],
            ProxylessBlockRegistry.Blocks.Select(b => b.Key).ToList());
        for (int id = 0; id < 6; id++)
        {
            var b = ProxylessBlockRegistry.Get(id);
            Assert.Equal(id, b.Id);
            Assert.Equal(ProxylessFormula.Blocks[id], (b.KernelSize, b.Expansion));
            Assert.False(b.IsSkip);
            Assert.Same(b, ProxylessBlockRegistry.Find(b.Key));
        }
        Assert.True(ProxylessBlockRegistry.Get(-1).IsSkip);
        Assert.Equal("skip", ProxylessBlockRegistry.Get(-1).Key);
        Assert.Equal([.. ProxylessBlockRegistry.Blocks.Select(b => b.Key), "skip"], ProxylessBlockRegistry.CandidateNames);
        Assert.Throws<ArgumentOutOfRangeException>(() => ProxylessBlockRegistry.Get(6));
        Assert.Null(ProxylessBlockRegistry.Find("mobilenet_9x9_ratio_3"));
    }

    [Fact]
    public void TheLayerTableIsTheFactsTable()
    {
        Assert.Equal(ProxylessFormula.Table, ProxylessLayers.All.Select(l => (l.InChannels, l.OutChannels, l.Stride)).ToArray());
        ProxylessLayers.CheckChain(ProxylessLayers.All, ProxylessLayers.FirstBlockChannels);
        Assert.Equal(ProxylessLayers.HeadInputChannels, ProxylessLayers.All[^1].OutChannels);
        Assert.Equal("layer 12 (112→128, stride 1)", ProxylessLayers.All[12].Label);
    }

    [Fact]
    public void FifteenLayersHaveSevenCandidatesAndSixHaveSix()
    {
        var seven = ProxylessLayers.All.Where(l => l.CandidateCount == 7).Select(l => l.Index).ToList();
        Assert.Equal([1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19], seven);
        Assert.Equal([0, 4, 8, 12, 16, 20], ProxylessLayers.All.Where(l => l.CandidateCount == 6).Select(l => l.Index).ToList());
        foreach (var layer in ProxylessLayers.All)
        {
            var candidates = ProxylessBlockRegistry.CandidatesOf(layer);
            Assert.Equal(ProxylessBlockRegistry.Blocks, candidates.Take(6));
            Assert.Equal(layer.SkipAllowed, candidates.Count == 7 && candidates[6].IsSkip);
        }
    }

    [Fact]
    public void TheFactoriesBuildMBConvsAndTheIdentity()
    {
        var g = new Generator(1);
        using var block = ProxylessBlockRegistry.Get(3).Create(8, 16, 2, g, CpuBackend.Instance);
        var mb = Assert.IsType<MBConv>(block);
        Assert.Equal((5, 6, 2, 8, 16), (mb.KernelSize, mb.Expansion, mb.Stride, mb.InChannels, mb.OutChannels));
        using var skip = ProxylessBlockRegistry.Skip.Create(8, 8, 1, g, CpuBackend.Instance);
        Assert.IsType<Identity>(skip);
        Assert.Contains("stride 1 and in == out", Assert.Throws<ArgumentException>(() => ProxylessBlockRegistry.Skip.Create(8, 16, 1, g, CpuBackend.Instance)).Message);
    }
}

using AgNas.Search.Analysis;
using AgNas.Search.Spaces.Darts;
using AgNas.Tensors;

namespace AgNas.Search.Tests.Darts;

/// <summary><see cref="NetworkSummary"/> of the DARTS-space evaluation network (C = 36, 20 cells, CIFAR-10) with its auxiliary head.</summary>
public class DartsNetworkSummaryTests
{
    private static NetworkSummary Summarise(DartsNetwork net) =>
        NetworkSummary.Of(net, new Shape(3, 32, 32), x => net.ForwardWithAuxiliary(x), ["auxiliary_head"]);

    /// <summary>
    /// The totals leave the auxiliary head out and reproduce the published parameter counts (agnas-facts §2.2); DARTS_V2's
    /// 528,359,040 multiply-adds are the "528 M" that DARTS-family papers quote for it.
    /// </summary>
    [Fact]
    public void TotalsAreThePublishedCountsWithoutTheAuxiliaryHead()
    {
        using var dartsV2 = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.DartsV2)));
        var v2 = Summarise(dartsV2);
        Assert.Equal(3_349_342, v2.TotalParameters);
        Assert.Equal(528_359_040, v2.TotalMultiplyAdds);

        using var agnas = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.Agnas)));
        var a = Summarise(agnas);
        Assert.Equal(3_611_998, a.TotalParameters);
        Assert.Equal(agnas.ParameterCount(), a.Layers.Sum(l => l.Parameters));

        // The head: conv 1×1 576→128 on 2×2, conv 2×2 128→768 to 1×1, Linear 768→10.
        var head = a["auxiliary_head"];
        Assert.False(head.InTotals);
        Assert.Equal(476_426, head.Parameters);
        Assert.Equal(576L * 128 * 4 + 128L * 768 * 4 + 768 * 10, head.MultiplyAdds);
        Assert.Equal(new Shape(10), head.Output);
    }

    [Fact]
    public void RowsFollowTheNetwork()
    {
        using var net = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.DartsV2)));
        var summary = Summarise(net);
        Assert.Equal(["stem", .. Enumerable.Range(0, 20).Select(i => $"cells.{i}"), "auxiliary_head", "classifier"], summary.Layers.Select(l => l.Name));
        Assert.Equal(new Shape(108, 32, 32), summary["stem"].Output);
        Assert.Equal(new Shape(144, 32, 32), summary["cells.5"].Output);
        Assert.Equal(new Shape(288, 16, 16), summary["cells.6"].Output);
        Assert.Equal(new Shape(576, 8, 8), summary["cells.19"].Output);
        Assert.Equal(576L * 10, summary["classifier"].MultiplyAdds);
        Assert.All(summary.Layers.Where(l => l.Name.StartsWith("cells.", StringComparison.Ordinal)), l => Assert.Equal("DartsCell", l.Type));
    }
}

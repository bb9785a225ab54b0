using AgNas.Search.Spaces.Proxyless;

namespace AgNas.Search.Tests.Proxyless;

public class ProxylessDerivationTests
{
    /// <summary>Raw importances: every candidate c·C_out, so every normalised value is c.</summary>
    private static double[][] Flat(double c) =>
        [.. ProxylessLayers.All.Select(l => Enumerable.Repeat(c * l.OutChannels, l.CandidateCount).ToArray())];

    [Fact]
    public void TheArgmaxOfTheChannelMeanIsTheModelId()
    {
        // Build AGNAS from importances: the chosen candidate gets 2·C_out, the rest C_out, except that layer 12's 7x7 ratio-6
        // ties with its 3x3 ratio-6 (index 1 wins) and layer 1's skip holds less than its winner.
        var raw = Flat(1);
        var target = ProxylessArch.Agnas;
        foreach (var layer in ProxylessLayers.All) raw[layer.Index][target.CandidateIndex(layer.Index)] = 2.0 * layer.OutChannels;
        raw[12][5] = 2.0 * 128;
        raw[1][6] = 1.9 * 32;
        var arch = ProxylessDerivation.Derive(raw);
        Assert.Equal(ProxylessArch.AGNAS, arch.Text);
        Assert.Equal(5, arch.SkipConnectCount);
        Assert.Equal(ProxylessBlockRegistry.CandidateNames, arch.CandidateNames);
        Assert.Equal(7, arch.CandidateNames.Count);
        Assert.Equal(21, arch.Edges.Count);
        Assert.Equal("layer 2 (32→32, stride 1)", arch.Edges[2].Edge);
        Assert.Equal(6, arch.Edges[2].Chosen);                   // skip: candidate 6, model_id −1
        Assert.Equal([1.0, 1, 1, 1, 1, 1, 2], arch.Edges[2].Importance);
        Assert.Equal(1, arch.Edges[12].Chosen);
        Assert.Equal(6, arch.Edges[0].Importance.Count);
        Assert.Equal(ProxylessArch.Agnas.ToJson() + "\n", arch.Files![ProxylessArch.JsonFile]);
    }

    [Fact]
    public void TiesGoToTheLowerIndexAndSkipWinsOnlyWhenStrictlyAhead()
    {
        var raw = Flat(1);
        raw[3][6] = 32;       // skip ties with the six blocks: block 0 wins
        raw[7][6] = 56.001;   // skip strictly ahead
        raw[10][4] = raw[10][2] = 200;
        var arch = ProxylessDerivation.Choose(ProxylessDerivation.Normalize(raw));
        Assert.Equal(0, arch.Ids[3]);
        Assert.Equal(-1, arch.Ids[7]);
        Assert.Equal(2, arch.Ids[10]);
        Assert.Equal(1, arch.SkipCount);
    }

    [Fact]
    public void NormalisationDividesByEachLayersOutChannels()
    {
        // Raw sums favour wide layers; only the per-layer division makes the values comparable (they do not change the argmax).
        var raw = Flat(3);
        var normalized = ProxylessDerivation.Normalize(raw);
        Assert.All(normalized, v => Assert.All(v, x => Assert.Equal(3.0, x, 1e-12)));
        Assert.Equal(3.0 * 432, raw[20][0]); // not modified
    }

    [Fact]
    public void MalformedImportancesAreRefused()
    {
        Assert.Contains("20 importance vectors; expected one per layer, 21", Assert.Throws<ArgumentException>(() => ProxylessDerivation.Derive(Flat(1).Take(20).ToList())).Message);
        var raw = Flat(1);
        raw[0] = new double[7];
        Assert.Contains("layer 0 (24→32, stride 2) has 7 values; expected 6", Assert.Throws<ArgumentException>(() => ProxylessDerivation.Derive(raw)).Message);
        raw = Flat(1);
        raw[5][6] = double.NaN;
        Assert.Contains("layer 5 (56→56, stride 1), skip: NaN is not finite", Assert.Throws<ArgumentException>(() => ProxylessDerivation.Derive(raw)).Message);
    }
}

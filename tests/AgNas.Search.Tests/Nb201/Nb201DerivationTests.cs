using AgNas.Search.Spaces.Nb201;

namespace AgNas.Search.Tests.Nb201;

public class Nb201DerivationTests
{
    private const string AllConv3x3 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
    private const string AllSkip = "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";
    private const string AllNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";

    /// <summary>The supernet's cell widths: 5 cells each of 16, 32, 64.</summary>
    private static readonly int[] Channels15 = [.. Enumerable.Repeat(16, 5), .. Enumerable.Repeat(32, 5), .. Enumerable.Repeat(64, 5)];

    /// <summary>One vector per (cell, edge), cell-major: <paramref name="perChannel"/>(cell, edge) scaled by the cell's C (a raw channel sum).</summary>
    private static double[][] Importance(int[] channels, Func<int, Nb201Edge, double[]> perChannel) =>
        channels.SelectMany((c, cell) => Nb201Topology.Edges.Select(e => perChannel(cell, e).Select(v => v * c).ToArray())).ToArray();

    [Fact]
    public void FavouringNorConv3x3EverywhereGivesTheAllConvCell()
    {
        var d = Nb201Derivation.Derive(Importance(Channels15, (_, _) => [1, 1, 1, 2, 1]), Channels15);
        Assert.Equal(AllConv3x3, d.Text);
        Assert.Equal(0, d.SkipConnectCount);
        Assert.Equal(Nb201Ops.Names, d.CandidateNames);
        Assert.Equal(["1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2"], d.Edges.Select(e => e.Edge));
        foreach (var e in d.Edges)
        {
            Assert.Equal((int)Nb201Op.NorConv3x3, e.Chosen);
            Assert.Equal([1.0, 1, 1, 2, 1], e.Importance); // normalised by C, averaged: the per-channel values
        }
    }

    [Fact]
    public void EachEdgeTakesItsOwnArgmax()
    {
        // The benchmark's best CIFAR-10 cell (index 6111), one op per edge.
        var target = Nb201Arch.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|");
        var d = Nb201Derivation.Derive(Importance(Channels15, (cell, e) =>
        {
            var v = new double[] { 0.3, 0.3, 0.3, 0.3, 0.3 };
            v[target.OpIndex(e.Index)] = 0.4 + 0.01 * cell;
            return v;
        }), Channels15);
        Assert.Equal(target.ToString(), d.Text);
        Assert.Equal(1, d.SkipConnectCount);
        Assert.Equal(target.Ops.Select(o => (int)o), d.Edges.Select(e => e.Chosen));
    }

    [Fact]
    public void TiesGoToTheLowerOpIndex()
    {
        Assert.Equal(AllSkip, Nb201Derivation.Derive(Importance(Channels15, (_, _) => [0.5, 0.5, 0.5, 0.5, 0.5]), Channels15).Text);
        Assert.Equal(AllNone, Nb201Derivation.Derive(Importance(Channels15, (_, _) => [0.5, 0.5, 0.5, 0.5, 0.5]), Channels15, allowNone: true).Text);
        var d = Nb201Derivation.Derive(Importance(Channels15, (_, _) => [0, 0.25, 0.75, 0.75, 0.5]), Channels15);
        Assert.All(d.Edges, e => Assert.Equal((int)Nb201Op.NorConv1x1, e.Chosen));
    }

    [Fact]
    public void NoneIsExcludedUnlessAllowed()
    {
        var importance = Importance(Channels15, (_, _) => [0.9, 0.1, 0.2, 0.3, 0.4]);
        var excluded = Nb201Derivation.Derive(importance, Channels15);
        Assert.Equal("|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|", excluded.Text);
        Assert.Equal(AllNone, Nb201Derivation.Derive(importance, Channels15, allowNone: true).Text);
        // The reported importances include none either way.
        Assert.Equal(0.9, excluded.Edges[0].Importance[0], 12);
    }

    [Fact]
    public void ImportanceIsNormalisedByCBeforeAveragingOverCells()
    {
        // One cell per stage (C = 16, 32, 64). Per channel, the C=16 and C=32 cells favour nor_conv_3x3
        // (0.9 vs 0.2); the C=64 cell favours nor_conv_1x1 (0.9 vs 0.1). Channel means: 3×3 = 0.633,
        // 1×1 = 0.433, so 3×3. Raw channel sums would weight the C=64 cell 4× and pick 1×1:
        // 3×3 = 14.4 + 28.8 + 6.4 = 49.6 < 1×1 = 3.2 + 6.4 + 57.6 = 67.2.
        int[] channels = [16, 32, 64];
        double[][] perChannel = [[0, 0.2, 0.2, 0.9, 0.2], [0, 0.2, 0.2, 0.9, 0.2], [0, 0.2, 0.9, 0.1, 0.2]];
        var importance = Importance(channels, (cell, _) => perChannel[cell]);
        var d = Nb201Derivation.Derive(importance, channels);
        Assert.Equal(AllConv3x3, d.Text);
        Assert.Equal((0.9 + 0.9 + 0.1) / 3, d.Edges[0].Importance[3], 12);
        Assert.Equal((0.2 + 0.2 + 0.9) / 3, d.Edges[0].Importance[2], 12);

        // The raw-sum rule (what dividing by C prevents) picks differently on the same numbers.
        var rawSums = Nb201Topology.Edges.Select(e => Enumerable.Range(0, Nb201Ops.Count)
            .Select(k => Enumerable.Range(0, channels.Length).Sum(c => importance[c * Nb201Topology.EdgeCount + e.Index][k])).ToArray()).ToArray();
        Assert.Equal("|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|",
            Nb201Derivation.Choose(rawSums, allowNone: false).ToString());
    }

    [Fact]
    public void MalformedInputIsRejectedWithItsPlace()
    {
        var ok = Importance(Channels15, (_, _) => [1, 1, 1, 2, 1]);
        var e1 = Assert.Throws<ArgumentException>(() => Nb201Derivation.Derive(ok.Take(89).ToArray(), Channels15));
        Assert.Contains("89", e1.Message);
        var shortVector = ok.ToArray();
        shortVector[7] = [1, 2, 3, 4];
        var e2 = Assert.Throws<ArgumentException>(() => Nb201Derivation.Derive(shortVector, Channels15));
        Assert.Contains("cell 1, edge 2<-0", e2.Message);
        var nan = ok.Select(v => (double[])v.Clone()).ToArray();
        nan[5][3] = double.NaN;
        var e3 = Assert.Throws<ArgumentException>(() => Nb201Derivation.Derive(nan, Channels15));
        Assert.Contains("nor_conv_3x3", e3.Message);
        Assert.Throws<ArgumentException>(() => Nb201Derivation.Derive(ok, [.. Channels15[..14], 0]));
        Assert.Throws<ArgumentException>(() => Nb201Derivation.Derive([], []));
    }
}

public class Nb201EdgeWeightDerivationTests
{
    [Fact]
    public void FromEdgeWeightsChoosesPerEdgeAndKeepsTheWeights()
    {
        double[][] weights =
        [
            [0.1, 0.1, 0.1, 0.6, 0.1],
            [0.6, 0.1, 0.1, 0.1, 0.1],
            [0.0, 0.2, 0.4, 0.4, 0.0],
            [0.1, 0.1, 0.1, 0.1, 0.6],
            [0.2, 0.2, 0.2, 0.2, 0.2],
            [0.0, 0.0, 0.9, 0.1, 0.0],
        ];
        var d = Nb201Derivation.FromEdgeWeights(weights);
        Assert.Equal("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|", d.Text);
        Assert.Equal(2, d.SkipConnectCount);
        for (int e = 0; e < 6; e++) Assert.Equal(weights[e], d.Edges[e].Importance);
        Assert.Equal("|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|", Nb201Derivation.FromEdgeWeights(weights, allowNone: true).Text);
        Assert.Throws<ArgumentException>(() => Nb201Derivation.FromEdgeWeights(weights[..5]));
    }
}

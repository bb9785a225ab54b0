using AgNas.Autograd;
using AgNas.Search.Alpha;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Tests.Alpha;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Tests.Nb201;

/// <summary>The NB201 supernet built for the DARTS baseline: one α (6, 5) shared by every cell, no attention modules.</summary>
public class Nb201DartsSupernetTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private static Nb201SupernetConfig Small(SearchMethod method) =>
        new() { InputChannels = 1, Channels = 4, CellsPerStage = 2, Method = method, Seed = 5 };

    [Fact]
    public void EveryEdgeOfEveryCellMixesWithItsRowOfOneSharedAlpha()
    {
        using var net = new Nb201Supernet(Small(SearchMethod.Darts));
        Assert.Empty(net.AttentionModules);
        var set = Assert.Single(net.AlphaSets);
        Assert.Equal((Nb201Supernet.ArchParametersName, new Shape(6, 5)), (set.Name, set.Alpha.Shape));
        foreach (var cell in net.SearchCells)
        {
            foreach (var e in Nb201Topology.Edges)
            {
                var mixer = Assert.IsType<AlphaMixer>(cell.Edge(e).Mixer);
                Assert.Same(set, mixer.Set);
                Assert.Equal(e.Index, mixer.Edge);
                Assert.Throws<InvalidOperationException>(() => cell.Edge(e).Attention);
            }
        }

        // α is a parameter of the network (saved with it) under AutoDL's name; no attention weights exist.
        var names = net.NamedParameters().ToList();
        Assert.Same(set.Alpha, Assert.Single(names, p => p.Name == "arch_parameters").Param);
        Assert.DoesNotContain(names, p => p.Name.Contains("attention", StringComparison.Ordinal));
        using var agnas = new Nb201Supernet(Small(SearchMethod.Agnas));
        long attention = agnas.AttentionModules.Sum(a => a.ParameterCount());
        Assert.Equal(agnas.ParameterCount() - attention + 30, net.ParameterCount());

        // Drawn after the weights as 1e-3·N(0, 1).
        var alpha = set.Alpha.Data.ToArray();
        Assert.All(alpha, v => Assert.InRange(Math.Abs(v), 0, 6e-3));
        Assert.True(alpha.Distinct().Count() == 30, "α's entries should be 30 distinct draws");
    }

    [Fact]
    public void ForwardAndBackwardReachAlphaThroughEveryCell()
    {
        using var net = new Nb201Supernet(Small(SearchMethod.Darts));
        using (TensorScope.Begin())
        {
            var logits = net.Forward(SupernetTestUtil.Images(new Shape(2, 1, 28, 28), Cpu));
            Assert.Equal(new Shape(2, 10), logits.Shape);
            CrossEntropy(logits, SupernetTestUtil.Labels(2, 10, Cpu)).Backward();
        }
        var grad = net.AlphaSets[0].Alpha.Grad!.ToArray();
        for (int e = 0; e < 6; e++)
            Assert.True(grad.Skip(e * 5).Take(5).Any(v => v != 0), $"row {e} of α got no gradient");
        Assert.False(Cpu.HasNonFinite(net.AlphaSets[0].Alpha.Grad!));
        net.ZeroGrad();
    }

    /// <summary>
    /// Hand-set α: per edge the argmax of softmax(α) with <c>none</c> skipped (even when it is the
    /// largest), a tie to the lower op index, and the edges' softmax written as their importances.
    /// </summary>
    [Theory]
    [InlineData(false, "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|", 2)]
    [InlineData(true, "|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|", 1)]
    public void DeriveFromAlphasTakesTheArgmaxOfSoftmaxPerEdge(bool allowNone, string expected, int skips)
    {
        using var net = new Nb201Supernet(Small(SearchMethod.Darts) with { AllowNone = allowNone });
        float[] alpha =
        [
            0.1f, 0.2f, 0.3f, 0.9f, 0.4f,     // 1<-0: nor_conv_3x3
            2.0f, 0.5f, 0.1f, 0.1f, 0.1f,     // 2<-0: none largest; skip_connect when none is excluded
            0.0f, 0.3f, 0.7f, 0.7f, -1f,      // 2<-1: tie between nor_conv_1x1 and nor_conv_3x3 → the lower index
            -1f, -1f, -1f, -1f, 0.01f,        // 3<-0: avg_pool_3x3
            0.0f, 1.0f, 1.0f, 0.0f, 0.0f,     // 3<-1: tie skip_connect / nor_conv_1x1 → skip_connect
            0.0f, 0.0f, 0.5f, 0.25f, 0.5f,    // 3<-2: tie nor_conv_1x1 / avg_pool_3x3 → nor_conv_1x1
        ];
        AlphaTestUtil.Set(net.AlphaSets[0], alpha);
        var d = net.DeriveFromAlphas();
        Assert.Equal(expected, d.Text);
        Assert.Equal(skips, d.SkipConnectCount);
        Assert.Equal(Nb201Ops.Names, d.CandidateNames);
        Assert.Equal(Nb201Topology.Edges.Select(e => e.Label), d.Edges.Select(e => e.Edge));
        for (int e = 0; e < 6; e++)
        {
            var softmax = AlphaSet.Softmax(alpha[(e * 5)..(e * 5 + 5)]);
            Assert.Equal(softmax, d.Edges[e].Importance);
            Assert.Equal(1.0, d.Edges[e].Importance.Sum(), 1e-12);
        }
        Assert.Equal(Nb201Arch.Parse(expected).Ops.Select(o => (int)o), d.Edges.Select(e => e.Chosen));
    }

    [Fact]
    public void AnAttentionSupernetHasNoAlphaToDeriveFrom()
    {
        using var net = new Nb201Supernet(Small(SearchMethod.Agnas));
        Assert.Empty(net.AlphaSets);
        Assert.Equal(3 * 2 * 6, net.AttentionModules.Count);
        Assert.Throws<InvalidOperationException>(() => net.DeriveFromAlphas());
        Assert.DoesNotContain(net.NamedParameters(), p => p.Name == Nb201Supernet.ArchParametersName);
    }

    [Fact]
    public void CloneCarriesAlphaAndTheMethod()
    {
        using var net = new Nb201Supernet(Small(SearchMethod.Darts));
        AlphaTestUtil.Set(net.AlphaSets[0], Enumerable.Range(0, 30).Select(i => i * 0.01f).ToArray());
        using var clone = net.Clone();
        Assert.Equal(SearchMethod.Darts, clone.Config.Method);
        Assert.Equal(net.AlphaSets[0].Alpha.Data.ToArray(), clone.AlphaSets[0].Alpha.Data.ToArray());
        Assert.Equal(net.DeriveFromAlphas().Text, clone.DeriveFromAlphas().Text);
    }

    [Fact]
    public void SearchSpacesBuildsTheDartsSupernetFromTheSpec()
    {
        var spec = new SupernetSpec(1, 10, 8, AllowNone: false, Seed: 0, Method: SearchMethod.Darts);
        var built = SearchSpaces.Create(SearchSpaces.Nb201, spec, Cpu);
        using var net = Assert.IsType<Nb201Supernet>(built);
        Assert.Equal(SearchMethod.Darts, net.Config.Method);
        Assert.Single(net.AlphaSets);
        Assert.Empty(net.AttentionModules);
    }
}

using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Alpha;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Tests.Darts;

public class DartsSupernetTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    /// <summary>A small supernet that still has every kind of cell: L = 5 (reductions at 1 and 3), C = 4.</summary>
    private static DartsSupernetConfig Small(int inputChannels = 1) => new() { InputChannels = inputChannels, Channels = 4, Layers = 5, Seed = 3 };

    /// <summary>
    /// The parameter count from the definitions (agnas-facts §1.2, §3.1, §3.2), independently of the modules: per edge of
    /// width C the candidates hold 2(9C + C²) + 2(25C + C²) (sep 3×3, 5×5: two dw + pw stacks) + (9C + C²) + (25C + C²)
    /// (dil 3×3, 5×5) = 102C + 6C², plus C² for skip_connect's FactorizedReduce on a stride-2 edge; the attention FCs
    /// 8C·h + h·8C with h = floor(8C / r). Non-affine BNs hold no parameters. Preprocessing is C_pp·C + C_p·C (a 1×1
    /// ReLUConvBN or a FactorizedReduce hold the same), the stem 9·C_in·3C + 2·3C (conv + affine BN), the head 4C_last·classes + classes.
    /// </summary>
    private static (long Total, long Attention) Formula(int inputChannels, int classes, int c, int layers, int reduction)
    {
        long total = 9L * inputChannels * 3 * c + 2 * 3 * c, attention = 0;
        long pp = 3 * c, p = 3 * c, width = c;
        for (int i = 0; i < layers; i++)
        {
            bool reduce = i == layers / 3 || i == 2 * layers / 3;
            if (reduce) width *= 2;
            total += pp * width + p * width;
            foreach (var e in DartsTopology.Edges)
            {
                total += 102 * width + 6 * width * width + (reduce && e.From < 2 ? width * width : 0);
                long hidden = Math.Max(1, 8 * width / reduction);
                attention += 2 * 8 * width * hidden;
            }
            (pp, p) = (p, 4 * width);
        }
        total += p * classes + classes;
        return (total + attention, attention);
    }

    [Fact]
    public void TheReferenceSupernetHasTheComputedParameterCounts()
    {
        using var net = new DartsSupernet(new DartsSupernetConfig());
        long attention = net.AttentionModules.Sum(m => m.ParameterCount());
        // agnas-facts §1.2: "3.56 M of the 5.49 M supernet parameters"; plain DARTS "about 1.93 M".
        Assert.Equal(5_485_946, net.ParameterCount());
        Assert.Equal(3_555_328, attention);
        Assert.Equal(1_930_618, net.ParameterCount() - attention);
        Assert.Equal((5_485_946L, 3_555_328L), Formula(3, 10, 16, 8, 8));

        using var gray = new DartsSupernet(new DartsSupernetConfig { InputChannels = 1 });
        Assert.Equal(5_485_946 - 2 * 9 * 48, gray.ParameterCount());
    }

    [Theory]
    [InlineData(1, 10, 4, 5, 8)]
    [InlineData(3, 7, 6, 7, 4)]
    [InlineData(3, 10, 2, 6, 32)]
    public void ParameterCountsFollowTheFormulaAtOtherSizes(int inputChannels, int classes, int c, int layers, int reduction)
    {
        using var net = new DartsSupernet(new DartsSupernetConfig { InputChannels = inputChannels, Classes = classes, Channels = c, Layers = layers, Reduction = reduction });
        var (total, attention) = Formula(inputChannels, classes, c, layers, reduction);
        Assert.Equal(total, net.ParameterCount());
        Assert.Equal(attention, net.AttentionModules.Sum(m => m.ParameterCount()));
    }

    [Fact]
    public void StructureFollowsTheReferenceSupernet()
    {
        using var net = new DartsSupernet(new DartsSupernetConfig());
        Assert.Same(net, net.Network);
        Assert.Equal(8, net.Cells.Count);
        Assert.Equal([DartsCellKind.Normal, DartsCellKind.Normal, DartsCellKind.Reduce, DartsCellKind.Normal, DartsCellKind.Normal, DartsCellKind.Reduce,
            DartsCellKind.Normal, DartsCellKind.Normal], net.Cells.Items.Select(c => c.Kind));
        Assert.Equal([16, 16, 32, 32, 32, 64, 64, 64], net.CellChannels);
        Assert.Equal(256, net.OutputChannels);
        Assert.Equal([2, 5], net.Config.ReductionCells());

        // preprocess0 is a FactorizedReduce exactly after a reduction cell (cells 3 and 6).
        Assert.Equal([3, 6], net.Cells.Items.Select((c, i) => (c, i)).Where(x => x.c.Preprocess0 is FactorizedReduce).Select(x => x.i));
        Assert.Equal([false, false, false, true, false, false, true, false], net.Cells.Items.Select(c => c.ReductionPrevious));

        // Stride 2 on a reduction cell's 8 edges from its inputs, 1 elsewhere.
        foreach (var cell in net.Cells.Items)
        {
            foreach (var e in DartsTopology.Edges)
                Assert.Equal(cell.Kind == DartsCellKind.Reduce && e.From < 2 ? 2 : 1, cell.StrideOf(e));
        }
        Assert.Equal(8, DartsTopology.Edges.Count(e => net.Cells[2].StrideOf(e) == 2));

        // Every edge: eight candidates in AGNAS order; the pools take a non-affine BN, nothing else does.
        var edge = net.Cells[2].Edges[0];
        Assert.Equal(8, edge.Ops.Count);
        Assert.IsType<SepConv>(edge.Ops[(int)DartsOp.SepConv3x3]);
        Assert.IsType<FactorizedReduce>(edge.Ops[(int)DartsOp.SkipConnect]);
        Assert.IsType<Zero>(edge.Ops[(int)DartsOp.None]);
        foreach (var op in DartsOps.All)
        {
            var module = net.Cells[0].Edges[0].Ops[(int)op];
            bool pool = op is DartsOp.AvgPool3x3 or DartsOp.MaxPool3x3;
            Assert.Equal(pool, module is Sequential s && s[1] is BatchNorm2d { Affine: false });
        }
        Assert.IsType<Identity>(net.Cells[0].Edges[0].Ops[(int)DartsOp.SkipConnect]);

        // The stem's BN is the only affine one.
        var names = net.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("stem.1.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("cells.", StringComparison.Ordinal) && n.EndsWith(".bias", StringComparison.Ordinal));
        Assert.Contains("cells.3.preprocess0.conv_1.weight", names);
        Assert.Contains("cells.0.preprocess0.op.1.weight", names);
        Assert.Contains("cells.7.edges.13.attention.fc2.weight", names);
        Assert.Contains("classifier.bias", names);
        Assert.Contains("cells.0.edges.0.ops.5.1.running_mean", net.NamedBuffers().Select(b => b.Name));
    }

    [Fact]
    public void AttentionModulesAreCellByCellThenEdgeByEdgeInDartsOrder()
    {
        // The DARTS edge order: node0 j = 0, 1; node1 j = 0..2; node2 j = 0..3; node3 j = 0..4 (states 2..5).
        Assert.Equal(
            [(2, 0), (2, 1), (3, 0), (3, 1), (3, 2), (4, 0), (4, 1), (4, 2), (4, 3), (5, 0), (5, 1), (5, 2), (5, 3), (5, 4)],
            DartsTopology.Edges.Select(e => (e.To, e.From)));
        Assert.Equal(Enumerable.Range(0, 14), DartsTopology.Edges.Select(e => e.Index));
        Assert.Equal([2, 3, 4, 5], DartsTopology.Concat);

        using var net = new DartsSupernet(new DartsSupernetConfig());
        Assert.Equal(112, net.AttentionModules.Count);
        Assert.Equal(112, net.AttentionModules.Distinct().Count());
        var moduleNames = net.NamedModules().Where(m => m.Module is AttentionModule).Select(m => m.Name).ToList();
        for (int i = 0; i < 112; i++)
        {
            int cell = i / 14, edge = i % 14;
            var module = net.AttentionModules[i];
            Assert.Same(net.Cells[cell].Edges[edge].Attention, module);
            // AttentionModule(8C, ratio 8): hidden width C (agnas-facts §1.2).
            Assert.Equal((8, net.CellChannels[cell], net.CellChannels[cell]), (module.Candidates, module.Channels, module.Hidden));
            Assert.Equal($"cells.{cell}.edges.{edge}.attention", moduleNames[i]);
        }
    }

    [Theory]
    [InlineData(1, 28)]
    [InlineData(3, 32)]
    [InlineData(3, 15)]
    public void EveryCellHasTheShapeOfItsStageAndTheForwardGivesOneLogitPerClass(int inputChannels, int size)
    {
        using var net = new DartsSupernet(Small(inputChannels));
        using var scope = TensorScope.Begin();
        var x = SupernetTestUtil.Images(new Shape(2, inputChannels, size, size), Cpu);
        var s0 = net.Stem.Forward(x);
        Assert.Equal(new Shape(2, 12, size, size), s0.Shape);
        var s1 = s0;
        int h = size;
        var expected = new List<Shape>();
        var actual = new List<Shape>();
        foreach (var cell in net.Cells.Items)
        {
            if (cell.Kind == DartsCellKind.Reduce) h = (h + 1) / 2;
            expected.Add(new Shape(2, 4 * cell.Channels, h, h));
            (s0, s1) = (s1, cell.Forward(s0, s1));
            actual.Add(s1.Shape);
        }
        Assert.Equal(expected, actual);
        Assert.Equal([4, 8, 8, 16, 16], net.CellChannels);

        var logits = net.Forward(x);
        Assert.Equal(new Shape(2, 10), logits.Shape);
        Assert.False(Cpu.HasNonFinite(logits.Data));
        Assert.Throws<ArgumentException>(() => net.Forward(SupernetTestUtil.Images(new Shape(2, inputChannels + 1, size, size), Cpu)));
        Assert.Throws<NotSupportedException>(() => net.Cells[0].Forward(x));
    }

    [Fact]
    public void ATrainingStepReachesEveryAttentionModuleAndImportanceSumsTheWeights()
    {
        using var net = new DartsSupernet(Small());
        using (var scope = TensorScope.Begin())
        {
            var loss = CrossEntropy(net.Forward(SupernetTestUtil.Images(new Shape(4, 1, 12, 12), Cpu)), SupernetTestUtil.Labels(4, 10, Cpu));
            loss.Backward();
        }
        foreach (var m in net.AttentionModules)
        {
            var g = m.Fc1.Weight.Grad;
            Assert.NotNull(g);
            Assert.Contains(g!.ToArray(), v => v != 0f);
        }

        // Importance: Σ_b Σ_{c in group k} y, 8 groups of C, each y in (0, 1).
        net.Eval();
        foreach (var m in net.AttentionModules) m.StartImportance();
        using (GradMode.NoGrad())
        using (var scope = TensorScope.Begin())
            net.Forward(SupernetTestUtil.Images(new Shape(3, 1, 12, 12), Cpu));
        for (int i = 0; i < net.AttentionModules.Count; i++)
        {
            var m = net.AttentionModules[i];
            var importance = m.Importance!.ToDoubleArray();
            Assert.Equal(8, importance.Length);
            Assert.All(importance, v => Assert.InRange(v, 0, 3.0 * m.Channels));
            m.StopImportance();
        }
    }

    [Fact]
    public void ConfigIsValidatedAndLayersOtherThanEightPlaceTheReductionsAtAThirdAndTwoThirds()
    {
        var e = Assert.Throws<ArgumentException>(() => new DartsSupernet(new DartsSupernetConfig { Channels = 0, Layers = 4, Reduction = 0 }));
        Assert.Contains("Channels = 0", e.Message);
        Assert.Contains("Layers = 4 (expected >= 5", e.Message);
        Assert.Contains("Reduction = 0", e.Message);

        Assert.Equal("8 cells, C = 16/32/64 by stage, reductions at cells 2 and 5 (L/3 and 2L/3), five-cell set from cells 0, 2, 3, 5, 6",
            new DartsSupernetConfig().Describe());
        Assert.Equal("5 cells, C = 4/8/16 by stage, reductions at cells 1 and 3 (L/3 and 2L/3), five-cell set from cells 0, 1, 2, 3, 4",
            Small().Describe());
        using var six = new DartsSupernet(new DartsSupernetConfig { InputChannels = 1, Channels = 2, Layers = 6 });
        Assert.Equal([DartsCellKind.Normal, DartsCellKind.Normal, DartsCellKind.Reduce, DartsCellKind.Normal, DartsCellKind.Reduce, DartsCellKind.Normal],
            six.Cells.Items.Select(c => c.Kind));
        Assert.Equal(6 * 14, six.AttentionModules.Count);
    }

    [Fact]
    public void CloneIsBuiltFromTheConfigAndHoldsTheSameState()
    {
        using var net = new DartsSupernet(Small());
        net.Eval();
        using var copy = net.Clone();
        Assert.Equal(net.Config, copy.Config);
        Assert.False(copy.IsTraining);
        var a = net.StateDict();
        var b = copy.StateDict();
        Assert.Equal(a.Select(t => t.Name), b.Select(t => t.Name));
        static double[] Values(Tensor t) => t.DType == DType.Int32 ? t.ToInt32Array().Select(v => (double)v).ToArray() : t.ToArray().Select(v => (double)v).ToArray();
        for (int i = 0; i < a.Count; i++) Assert.Equal(Values(a[i].Value), Values(b[i].Value));

        using var other = new DartsSupernet(Small() with { Seed = 4 });
        Assert.NotEqual(net.Classifier.Weight.Data.ToArray(), other.Classifier.Weight.Data.ToArray());
    }

    [Fact]
    public void BuiltForTheDartsMethodTheEdgesMixWithTheAlphaOfTheirCellType()
    {
        using var net = new DartsSupernet(new DartsSupernetConfig { Method = SearchMethod.Darts });
        Assert.Empty(net.AttentionModules);
        Assert.Equal([DartsSupernet.AlphasNormalName, DartsSupernet.AlphasReduceName], net.AlphaSets.Select(a => a.Name));
        Assert.All(net.AlphaSets, a => Assert.Equal(new Shape(14, 8), a.Alpha.Shape));
        // The same supernet without the attention FCs, plus 2 × 14 × 8 α.
        Assert.Equal(1_930_618 + 224, net.ParameterCount());
        var names = net.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("alphas_normal", names);
        Assert.Contains("alphas_reduce", names);
        Assert.DoesNotContain(names, n => n.Contains("attention", StringComparison.Ordinal));
        foreach (var cell in net.Cells.Items)
        {
            foreach (var e in DartsTopology.Edges)
            {
                var mixer = Assert.IsType<AlphaMixer>(cell.Edge(e).Mixer);
                Assert.Same(cell.Kind == DartsCellKind.Reduce ? net.AlphaSets[1] : net.AlphaSets[0], mixer.Set);
                Assert.Equal(e.Index, mixer.Edge);
            }
        }
        Assert.Throws<InvalidOperationException>(() => net.Cells[0].Edges[0].Attention);
        Assert.All(net.AlphaSets.SelectMany(a => a.Logits()).SelectMany(r => r), v => Assert.InRange(v, -0.01f, 0.01f));

        using (var scope = TensorScope.Begin())
        {
            var loss = CrossEntropy(net.Forward(SupernetTestUtil.Images(new Shape(2, 3, 8, 8), Cpu)), SupernetTestUtil.Labels(2, 10, Cpu));
            loss.Backward();
        }
        Assert.All(net.AlphaSets, a => Assert.True(Cpu.SumOfSquares(a.Alpha.Grad!) > 0, $"{a.Name} got no gradient"));

        using var agnas = new DartsSupernet(Small());
        Assert.Throws<InvalidOperationException>(() => agnas.DeriveFromAlphas());
        Assert.Empty(agnas.AlphaSets);
    }

    [Fact]
    public void DerivationFromAlphaAppliesTheSameRuleToSoftmaxOfEachCellType()
    {
        using var net = new DartsSupernet(Small() with { Method = SearchMethod.Darts });
        // Logits under which the rule gives AGNAS' Cell_0 (sep3(0) dil3(1) | dil5(0) skip(1) | sep3(0) sep5(3) | dil5(0) sep3(3)),
        // none the largest everywhere; the reduction α keeps its random draw.
        var logits = new float[14 * 8];
        for (int e = 0; e < 14; e++) logits[e * 8 + (int)DartsOp.None] = 9;
        void Gene(int to, int from, DartsOp op, float v) => logits[DartsTopology.Edges.Single(x => x.To == to && x.From == from).Index * 8 + (int)op] = v;
        Gene(2, 0, DartsOp.SepConv3x3, 5); Gene(2, 1, DartsOp.DilConv3x3, 4);
        Gene(3, 0, DartsOp.DilConv5x5, 5); Gene(3, 1, DartsOp.SkipConnect, 4);
        Gene(4, 0, DartsOp.SepConv3x3, 5); Gene(4, 3, DartsOp.SepConv5x5, 4);
        Gene(5, 0, DartsOp.DilConv5x5, 5); Gene(5, 3, DartsOp.SepConv3x3, 4);
        net.AlphaSets[0].Alpha.SetData(Tensor.FromArray(logits, new Shape(14, 8), Cpu));

        var arch = net.DeriveFromAlphas();
        var five = DartsArchitecture.Parse(arch.Text).FiveCell!;
        Assert.Equal(DartsGenotypes.Agnas.Normal1, five.Normal1);
        Assert.Equal(five.Normal1, five.Normal2);
        Assert.Equal(five.Normal1, five.Normal3);
        Assert.Equal(five.Reduce1, five.Reduce2);
        Assert.Equal(3, arch.SkipConnectCount);
        // The edges report softmax(α): each row sums to 1.
        Assert.All(arch.Edges, e => Assert.Equal(1.0, e.Importance.Sum(), 1e-9));
        Assert.Equal(70, arch.Edges.Count);
    }

    [Fact]
    public void TheSearchSpaceRegistryBuildsItFromTheSpec()
    {
        var spec = new SupernetSpec(1, 10, 8, AllowNone: false, Seed: 0, Channels: 4, Layers: 5);
        using (var alpha = Assert.IsType<DartsSupernet>(SearchSpaces.Create("darts", spec with { Method = SearchMethod.Darts }, Cpu)))
            Assert.Equal(2, alpha.AlphaSets.Count);
        var built = SearchSpaces.Create("DARTS", spec, Cpu);
        using var net = Assert.IsType<DartsSupernet>(built);
        Assert.Equal(new DartsSupernetConfig { InputChannels = 1, Channels = 4, Layers = 5 }, net.Config);
        using (var defaults = Assert.IsType<DartsSupernet>(SearchSpaces.Create("darts", spec with { Channels = null, Layers = null }, Cpu)))
            Assert.Equal((16, 8), (defaults.Config.Channels, defaults.Config.Layers));

        Assert.Contains("never chooses 'none'", Assert.Throws<ArgumentException>(() => SearchSpaces.Create("darts", spec with { AllowNone = true }, Cpu)).Message);
        Assert.Contains("fixed at C = 16", Assert.Throws<ArgumentException>(() => SearchSpaces.Create("nb201", spec with { Layers = null }, Cpu)).Message);
        Assert.Contains(SearchSpaces.Darts, SearchSpaces.Names);
    }
}

using AgNas.Autograd;
using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Tests.Nb201;

public class Nb201SupernetTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private static float[] Values(Tensor t) => t.DType == DType.Int32 ? t.ToInt32Array().Select(i => (float)i).ToArray() : t.ToArray();

    [Theory]
    [InlineData(1, 28, 10)]
    [InlineData(3, 32, 100)]
    public void ForwardGivesOneLogitPerClass(int inputChannels, int size, int classes)
    {
        using var net = new Nb201Supernet(new Nb201SupernetConfig { InputChannels = inputChannels, Classes = classes });
        using var scope = TensorScope.Begin();
        var logits = net.Forward(SupernetTestUtil.Images(new Shape(2, inputChannels, size, size), Cpu));
        Assert.Equal(new Shape(2, classes), logits.Shape);
        Assert.False(Cpu.HasNonFinite(logits.Data));

        net.Eval();
        using (GradMode.NoGrad())
            Assert.Equal(new Shape(2, classes), net.Forward(SupernetTestUtil.Images(new Shape(2, inputChannels, size, size), Cpu)).Shape);
    }

    [Fact]
    public void StructureFollowsTheConfigAndTheTopology()
    {
        using var net = new Nb201Supernet(new Nb201SupernetConfig());
        Assert.Same(net, net.Network);
        Assert.Equal(15, net.SearchCells.Count);
        Assert.Equal(17, net.Cells.Count); // 15 cells + 2 residual blocks
        Assert.Equal([16, 16, 16, 16, 16, 32, 32, 32, 32, 32, 64, 64, 64, 64, 64], net.SearchCellChannels);
        Assert.Equal(90, net.AttentionModules.Count);

        // (cell, edge) order: cell-major over the search cells, edges in Nb201Topology.Edges order.
        int i = 0;
        foreach (var cell in net.SearchCells)
        {
            foreach (var e in Nb201Topology.Edges)
            {
                var a = net.AttentionModules[i++];
                Assert.Same(cell.Edge(e).Attention, a);
                Assert.Equal((5, cell.Channels, 5 * cell.Channels / 8), (a.Candidates, a.Channels, a.Hidden));
            }
        }
        Assert.Equal(90, net.AttentionModules.Distinct().Count());

        // Search cells: BN without affine, convs with bias; the skeleton's BNs are affine.
        var names = net.NamedParameters().Select(p => p.Name).ToHashSet();
        Assert.Contains("cells.0.edges.0.ops.3.op.1.bias", names);
        Assert.DoesNotContain("cells.0.edges.0.ops.3.op.2.weight", names);
        Assert.Contains("cells.0.edges.5.attention.fc1.weight", names);
        Assert.Contains("cells.5.conv_a.op.2.weight", names);
        Assert.DoesNotContain("cells.5.conv_a.op.1.bias", names);
        Assert.Contains("cells.5.downsample.1.weight", names);
        Assert.Contains("stem.1.weight", names);
        Assert.Contains("lastact.0.weight", names);
        Assert.Contains("classifier.bias", names);
        Assert.Contains("cells.16.edges.5.ops.2.op.2.running_mean", net.NamedBuffers().Select(b => b.Name));

        using var untracked = new Nb201Supernet(new Nb201SupernetConfig { TrackRunningStats = false, InputChannels = 1 });
        Assert.DoesNotContain(untracked.NamedBuffers(), b => b.Name.StartsWith("cells.0.", StringComparison.Ordinal));
        Assert.Contains(untracked.NamedBuffers(), b => b.Name == "cells.5.conv_a.op.2.running_mean"); // residual blocks track
    }

    [Fact]
    public void ConfigIsValidatedAndDrivesClone()
    {
        var e = Assert.Throws<ArgumentException>(() => new Nb201Supernet(new Nb201SupernetConfig { Channels = 0, Reduction = -1 }));
        Assert.Contains("Channels = 0", e.Message);
        Assert.Contains("Reduction = -1", e.Message);

        var config = new Nb201SupernetConfig { InputChannels = 1, Classes = 7, Channels = 4, CellsPerStage = 1, Reduction = 4, TrackRunningStats = false, Seed = 9, AllowNone = true };
        using var a = new Nb201Supernet(config);
        using var b = new Nb201Supernet(config);
        using var other = new Nb201Supernet(config with { Seed = 10 });
        Assert.Equal(a.StateDict().Select(s => Values(s.Value)), b.StateDict().Select(s => Values(s.Value))); // same seed, same weights
        Assert.NotEqual(Values(a.StateDict()[0].Value), Values(other.StateDict()[0].Value));

        using var clone = a.Clone();
        Assert.Equal(config, clone.Config);
        Assert.Equal(a.StateDict().Select(s => s.Name), clone.StateDict().Select(s => s.Name));
        Assert.Equal(a.StateDict().Select(s => Values(s.Value)), clone.StateDict().Select(s => Values(s.Value)));
        Assert.Equal(3, clone.SearchCells.Count);
        Assert.Equal(5 * 4 / 4, clone.AttentionModules[0].Hidden);
    }

    /// <summary>
    /// A training step gives every parameter a finite, non-zero gradient, attention FCs of the last
    /// stage included. Without the cell-input normalisation the activations grow about 4× per cell at
    /// initialisation (each node sums skip and pool paths weighted by σ ≈ 0.5), the last stage's
    /// sigmoids saturate and their FC gradients underflow to exactly zero: the second case pins that
    /// this is what the normalisation prevents.
    /// </summary>
    [Theory]
    [InlineData(1, true, true)]
    [InlineData(5, true, true)]
    [InlineData(5, false, false)]
    public void TrainingStepReachesEveryParameter(int cellsPerStage, bool cellInputNorm, bool expectNonZero)
    {
        using var net = new Nb201Supernet(new Nb201SupernetConfig { InputChannels = 1, CellsPerStage = cellsPerStage, CellInputNorm = cellInputNorm });
        using (TensorScope.Begin())
        {
            var logits = net.Forward(SupernetTestUtil.Images(new Shape(2, 1, 28, 28), Cpu));
            CrossEntropy(logits, SupernetTestUtil.Labels(2, 10, Cpu)).Backward();
        }

        // Convs in search cells feed a training-mode BN without affine, which subtracts the batch mean:
        // their bias gradient is zero in exact arithmetic, so only its presence is checked.
        var biasBeforeBatchNorm = net.SearchCells
            .SelectMany(c => c.NamedParameters())
            .Where(p => p.Name.EndsWith("op.1.bias", StringComparison.Ordinal))
            .Select(p => p.Param)
            .ToHashSet();
        Assert.Equal(3 * cellsPerStage * 6 * 2, biasBeforeBatchNorm.Count);
        foreach (var (name, p) in net.NamedParameters())
        {
            Assert.True(p.Grad is not null, $"{name} got no gradient");
            Assert.False(Cpu.HasNonFinite(p.Grad!), $"{name} has a non-finite gradient");
            if (expectNonZero && !biasBeforeBatchNorm.Contains(p))
                Assert.True(Cpu.SumOfSquares(p.Grad!) > 0, $"{name} has an all-zero gradient");
        }
        var lastAttention = net.AttentionModules[^1].Fc1.Weight.Grad!;
        Assert.Equal(expectNonZero, Cpu.SumOfSquares(lastAttention) > 0);
        net.ZeroGrad();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ZeroAttentionWeightsGiveHalfPerChannelAndDeriveToTheTieBreak(bool allowNone)
    {
        // FC weights all zero: y = sigmoid(W2·ReLU(W1·s)) = sigmoid(0) = 0.5 for every channel and sample,
        // so after one forward of B images each candidate's importance is 0.5·B·C exactly.
        const int batch = 2;
        using var net = new Nb201Supernet(new Nb201SupernetConfig { InputChannels = 1, AllowNone = allowNone });
        foreach (var a in net.AttentionModules)
        {
            Cpu.Fill(a.Fc1.Weight.Data, 0f);
            Cpu.Fill(a.Fc2.Weight.Data, 0f);
            a.StartImportance();
        }
        net.Eval();
        using (TensorScope.Begin())
        using (GradMode.NoGrad())
            net.Forward(SupernetTestUtil.Images(new Shape(batch, 1, 28, 28), Cpu));

        var importance = net.AttentionModules.Select(a => a.Importance!.ToDoubleArray()).ToList();
        for (int m = 0; m < importance.Count; m++)
        {
            double expected = 0.5 * batch * net.AttentionModules[m].Channels;
            Assert.All(importance[m], v => Assert.Equal(expected, v));
        }

        // All candidates tie on every edge: the lower index wins (none only when allowed).
        var d = net.Derive(importance);
        string op = allowNone ? "none" : "skip_connect";
        Assert.Equal($"|{op}~0|+|{op}~0|{op}~1|+|{op}~0|{op}~1|{op}~2|", d.Text);
        Assert.Equal(allowNone ? 0 : 6, d.SkipConnectCount);
        Assert.All(d.Edges, e => Assert.Equal([0.5 * batch, 0.5 * batch, 0.5 * batch, 0.5 * batch, 0.5 * batch], e.Importance));
        foreach (var a in net.AttentionModules) a.StopImportance();
    }

    [Fact]
    public void DeriveReadsImportancesInAttentionModuleOrder()
    {
        // Vectors placed by looking each (cell, edge) module up in AttentionModules: they must come out as the target cell.
        var target = Nb201Arch.Parse("|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|");
        using var net = new Nb201Supernet(new Nb201SupernetConfig { InputChannels = 1, Channels = 4, CellsPerStage = 2 });
        var importance = new double[net.AttentionModules.Count][];
        foreach (var cell in net.SearchCells)
        {
            foreach (var e in Nb201Topology.Edges)
            {
                var v = Enumerable.Repeat(0.2 * cell.Channels, 5).ToArray();
                v[target.OpIndex(e.Index)] = 0.7 * cell.Channels;
                importance[net.AttentionModules.ToList().IndexOf(cell.Edge(e).Attention)] = v;
            }
        }
        var d = net.Derive(importance);
        Assert.Equal(target.ToString(), d.Text);
        Assert.Equal(1, d.SkipConnectCount);
    }

    [Fact]
    public void TrainingStepInsideAScopeLeavesTheLiveCountersAtBaseline()
    {
        using var net = new Nb201Supernet(new Nb201SupernetConfig { InputChannels = 1 });
        void Step()
        {
            using var scope = TensorScope.Begin();
            var logits = net.Forward(SupernetTestUtil.Images(new Shape(2, 1, 28, 28), Cpu));
            CrossEntropy(logits, SupernetTestUtil.Labels(2, 10, Cpu)).Backward();
        }

        Step(); // warm-up: allocates the gradients, which live outside the scope
        var stats = Cpu.Stats;
        long tensors = stats.LiveTensors, bytes = stats.LiveBytes;
        for (int i = 0; i < 2; i++)
        {
            Step();
            Assert.True(stats.LiveTensors == tensors && stats.LiveBytes == bytes,
                $"after step {i + 1}: {stats.LiveTensors} live tensors, {stats.LiveBytes} live bytes; expected the baseline {tensors}, {bytes}");
        }
        net.ZeroGrad();
    }
}

using AgNas.Autograd;
using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Tests.Nb201;

public class Nb201NetworkTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    public static TheoryData<string> Cells => new()
    {
        Nb201Benchmark.Load()[0].Arch.ToString(),
        Nb201Benchmark.Load()[1].Arch.ToString(),
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
        "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|",
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|",
        "|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|",
        Nb201Benchmark.Load().Best(Nb201Dataset.Cifar10)[0].Arch.ToString(),
    };

    /// <summary>
    /// The benchmark's params_M (6 decimals, i.e. exact integers / 1e6) for CIFAR-10 (10 classes),
    /// CIFAR-100 (100) and ImageNet16-120 (120), against this network's count: equal to the parameter.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cells))]
    public void ParameterCountEqualsTheBenchmarks(string cell)
    {
        var arch = Nb201Arch.Parse(cell);
        var entry = Nb201Benchmark.Load().Lookup(arch);
        foreach (var (dataset, classes) in new[] { (Nb201Dataset.Cifar10, 10), (Nb201Dataset.Cifar100, 100), (Nb201Dataset.ImageNet16, 120) })
        {
            using var net = new Nb201Network(new Nb201NetworkConfig(arch) { Classes = classes });
            double published = entry.For(dataset).ParamsM * 1e6;
            Assert.True(Math.Abs(net.ParameterCount() - published) <= 1.0,
                $"{cell} {dataset}: {net.ParameterCount()} parameters; the benchmark says {published}");
        }
    }

    [Fact]
    public void InferCellsUseAffineBatchNormAndNoConvBias()
    {
        var arch = Nb201Benchmark.Load()[1].Arch;
        using var net = new Nb201Network(new Nb201NetworkConfig(arch));
        Assert.Equal(15, net.InferCells.Count);
        Assert.All(net.InferCells, c => Assert.Equal(arch, c.Arch));
        var names = net.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("cells.0.layers.0.op.2.weight", names);   // edge 1<-0: nor_conv_3x3, affine BN
        Assert.DoesNotContain("cells.0.layers.0.op.1.bias", names); // and no conv bias
        Assert.DoesNotContain(names, n => n.StartsWith("cells.0.layers.3.", StringComparison.Ordinal)); // edge 3<-0: skip
    }

    [Theory]
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", 3, 32, 10, true)]
    [InlineData("|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|nor_conv_1x1~1|none~2|", 1, 28, 10, true)]
    [InlineData("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", 3, 32, 100, false)]
    public void ForwardAndBackwardWork(string cell, int inputChannels, int size, int classes, bool inputReachesOutput)
    {
        using var net = new Nb201Network(new Nb201NetworkConfig(Nb201Arch.Parse(cell)) { InputChannels = inputChannels, Classes = classes });
        using var scope = TensorScope.Begin();
        var logits = net.Forward(SupernetTestUtil.Images(new Shape(2, inputChannels, size, size), Cpu));
        Assert.Equal(new Shape(2, classes), logits.Shape);
        CrossEntropy(logits, SupernetTestUtil.Labels(2, classes, Cpu)).Backward();
        // With an all-none cell the last cell's output is a constant: only lastact and the classifier
        // get gradients (PyTorch would give the layers before it zero gradients instead of none).
        foreach (var (name, p) in net.NamedParameters())
        {
            bool expected = inputReachesOutput || name.StartsWith("lastact.", StringComparison.Ordinal) || name.StartsWith("classifier.", StringComparison.Ordinal);
            Assert.True(expected == (p.Grad is not null), $"{name}: gradient {(p.Grad is null ? "missing" : "present")}");
        }
        net.ZeroGrad();
    }

    [Fact]
    public void AllNoneCellOutputsZeros()
    {
        using var net = new Nb201Network(new Nb201NetworkConfig(Nb201Arch.Parse("|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|none~2|")) { Channels = 4, CellsPerStage = 1 });
        using var scope = TensorScope.Begin();
        var x = SupernetTestUtil.Images(new Shape(2, 4, 5, 5), Cpu);
        var y = net.InferCells[0].Forward(x);
        Assert.Equal(x.Shape, y.Shape);
        Assert.All(y.Data.ToArray(), v => Assert.Equal(0f, v));
    }
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Nb201;

public class Nb201OpRegistryTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    [Fact]
    public void RegistryHasOneEntryPerOpInCanonicalOrder()
    {
        Assert.Equal(Nb201Ops.Count, Nb201OpRegistry.All.Count);
        for (int i = 0; i < Nb201Ops.Count; i++)
        {
            Assert.Equal((Nb201Op)i, Nb201OpRegistry.All[i].Op);
            Assert.Equal(Nb201Ops.Names[i], Nb201OpRegistry.All[i].Name);
            Assert.Same(Nb201OpRegistry.All[i], Nb201OpRegistry.Get(Nb201Ops.Names[i]));
        }
        Assert.Throws<FormatException>(() => Nb201OpRegistry.Get("sep_conv_3x3"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Nb201OpRegistry.Get((Nb201Op)5));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void EntryPropertiesDescribeTheBuiltModules(bool affine, bool track)
    {
        foreach (var spec in Nb201OpRegistry.All)
        {
            using var op = Nb201OpRegistry.Create(spec.Op, 4, 1, affine, track, new Generator(3), Cpu);
            var modules = op.NamedModules().Select(m => m.Module).ToList();
            var bns = modules.OfType<BatchNorm2d>().ToList();
            Assert.Equal(spec.HasBatchNorm, bns.Count > 0);
            Assert.Equal(spec.HasParameters, op.ParameterCount() > 0);
            foreach (var bn in bns)
            {
                Assert.Equal(affine, bn.Affine);
                Assert.Equal(track, bn.TrackRunningStats);
            }
            // NB201's ReLUConvBN: the conv has a bias exactly when the BN is not affine.
            foreach (var conv in modules.OfType<Conv2d>())
                Assert.Equal(!affine, conv.Bias is not null);

            using var scope = TensorScope.Begin();
            var x = SupernetTestUtil.Images(new Shape(2, 4, 5, 5), Cpu, seed: 7);
            var y = op.Forward(x);
            Assert.Equal(x.Shape, y.Shape);
            bool allZero = y.Data.ToArray().All(v => v == 0f);
            Assert.Equal(spec.IsZero, allZero);
        }
    }

    [Fact]
    public void OpsComputeTheirDefinitions()
    {
        using var scope = TensorScope.Begin();
        var g = new Generator(5);
        var x = SupernetTestUtil.Images(new Shape(1, 2, 3, 3), Cpu, seed: 11);
        var xs = x.Data.ToArray();

        using var skip = Nb201OpRegistry.Create(Nb201Op.SkipConnect, 2, 1, false, true, g, Cpu);
        Assert.Same(x, skip.Forward(x));

        // avg_pool_3x3, padding not counted: a corner averages its 4 in-image neighbours, the centre all 9.
        using var pool = Nb201OpRegistry.Create(Nb201Op.AvgPool3x3, 2, 1, false, true, g, Cpu);
        var p = pool.Forward(x).Data.ToArray();
        Assert.Equal((xs[0] + xs[1] + xs[3] + xs[4]) / 4f, p[0], 6);
        Assert.Equal(xs.Take(9).Sum() / 9f, p[4], 6);

        // nor_conv_1x1 = ReLU → 1×1 conv (pad 0) → BN; nor_conv_3x3 pads by 1.
        using var c1 = (ReLUConvBN)Nb201OpRegistry.Create(Nb201Op.NorConv1x1, 2, 1, true, true, g, Cpu);
        using var c3 = (ReLUConvBN)Nb201OpRegistry.Create(Nb201Op.NorConv3x3, 2, 1, true, true, g, Cpu);
        Assert.Equal((1, 0, 1), (c1.Conv.KernelSize, c1.Conv.Params.Padding, c1.Conv.Params.Stride));
        Assert.Equal((3, 1, 1), (c3.Conv.KernelSize, c3.Conv.Params.Padding, c3.Conv.Params.Stride));
        var expected = c1.Bn.Forward(c1.Conv.Forward(Functional.Relu(x))).Data.ToArray();
        Assert.Equal(expected, c1.Forward(x).Data.ToArray());

        // The state-dict names are PyTorch's (AutoDL ReLUConvBN.op = Sequential(ReLU, Conv2d, BatchNorm2d)).
        Assert.Equal(["op.1.weight", "op.2.weight", "op.2.bias", "op.2.running_mean", "op.2.running_var", "op.2.num_batches_tracked"],
            c3.StateDict().Select(s => s.Name));
    }

    [Fact]
    public void NoneHonoursTheStrideAndSkipRejectsIt()
    {
        using var scope = TensorScope.Begin();
        var x = SupernetTestUtil.Images(new Shape(2, 3, 5, 5), Cpu);
        using var none = Nb201OpRegistry.Create(Nb201Op.None, 3, 2, false, true, new Generator(), Cpu);
        Assert.Equal(new Shape(2, 3, 3, 3), none.Forward(x).Shape);
        var e = Assert.Throws<ArgumentException>(() => Nb201OpRegistry.Create(Nb201Op.SkipConnect, 3, 2, false, true, new Generator(), Cpu));
        Assert.Contains("stride", e.Message);
        Assert.Throws<ArgumentException>(() => Nb201OpRegistry.Create(Nb201Op.NorConv3x3, 0, 1, false, true, new Generator(), Cpu));
    }
}

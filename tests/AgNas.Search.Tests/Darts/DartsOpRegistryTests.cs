using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Darts;

public class DartsOpRegistryTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    [Fact]
    public void TheOpsAreAgnasOrderAndTheRegistryFollowsIt()
    {
        // agnas-facts §3.1: AGNAS's PRIMITIVES order, which is the attention group and tie-break order.
        Assert.Equal(["sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5", "skip_connect", "avg_pool_3x3", "max_pool_3x3", "none"], DartsOps.Names);
        Assert.Equal(DartsOps.Count, DartsOpRegistry.All.Count);
        for (int i = 0; i < DartsOps.Count; i++)
        {
            Assert.Equal((DartsOp)i, DartsOpRegistry.All[i].Op);
            Assert.Equal(DartsOps.Names[i], DartsOpRegistry.All[i].Name);
            Assert.Same(DartsOpRegistry.All[i], DartsOpRegistry.Get(DartsOps.Names[i]));
        }
        var e = Assert.Throws<FormatException>(() => DartsOpRegistry.Get("sep_conv_7x7"));
        Assert.Contains("sep_conv_7x7", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DartsOpRegistry.Get((DartsOp)8));
    }

    [Fact]
    public void EntryPropertiesAreData()
    {
        Assert.Equal([DartsOp.AvgPool3x3, DartsOp.MaxPool3x3], DartsOpRegistry.All.Where(s => s.SearchAddsBatchNorm).Select(s => s.Op));
        Assert.Equal([DartsOp.SkipConnect], DartsOpRegistry.All.Where(s => s.IsIdentityAtStride1).Select(s => s.Op));
        Assert.Equal([DartsOp.None], DartsOpRegistry.All.Where(s => s.IsZero).Select(s => s.Op));
        Assert.True(DartsOpRegistry.Get(DartsOp.SkipConnect).IsIdentityAt(1));
        Assert.False(DartsOpRegistry.Get(DartsOp.SkipConnect).IsIdentityAt(2));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SearchOpsAddANonAffineBatchNormExactlyWhereTheEntrySays(int stride)
    {
        foreach (var spec in DartsOpRegistry.All)
        {
            using var search = DartsOpRegistry.CreateForSearch(spec.Op, 4, stride, new Generator(1), Cpu);
            using var eval = DartsOpRegistry.Create(spec.Op, 4, stride, affine: true, new Generator(1), Cpu);
            Assert.Equal(spec.SearchAddsBatchNorm, search is Sequential { Count: 2 } s && s[1] is BatchNorm2d { Affine: false });
            Assert.All(search.NamedModules().Select(m => m.Module).OfType<BatchNorm2d>(), bn => Assert.False(bn.Affine));
            Assert.All(eval.NamedModules().Select(m => m.Module).OfType<BatchNorm2d>(), bn => Assert.True(bn.Affine));
            Assert.All(eval.NamedModules().Select(m => m.Module).OfType<Conv2d>(), c => Assert.Null(c.Bias));
        }
    }

    public static TheoryData<int, int, int> Sizes => new()
    {
        { 1, 8, 8 }, { 2, 8, 8 }, { 1, 15, 15 }, { 2, 15, 15 }, { 1, 7, 9 }, { 2, 7, 9 },
    };

    /// <summary>Every op keeps C and maps H × W to ⌈H/s⌉ × ⌈W/s⌉, odd sizes included, in both kinds of cell.</summary>
    [Theory]
    [MemberData(nameof(Sizes))]
    public void EveryOpGivesTheSameOutputShape(int stride, int h, int w)
    {
        const int c = 4;
        var expected = new Shape(2, c, (h + stride - 1) / stride, (w + stride - 1) / stride);
        foreach (var spec in DartsOpRegistry.All)
        {
            using var scope = TensorScope.Begin();
            var x = SupernetTestUtil.Images(new Shape(2, c, h, w), Cpu, seed: 3);
            using var eval = DartsOpRegistry.Create(spec.Op, c, stride, affine: true, new Generator(2), Cpu);
            using var search = DartsOpRegistry.CreateForSearch(spec.Op, c, stride, new Generator(2), Cpu);
            Assert.True(expected == eval.Forward(x).Shape, $"{spec.Name} stride {stride} on {h}x{w}: {eval.Forward(x).Shape}, expected {expected}");
            Assert.True(expected == search.Forward(x).Shape, $"{spec.Name} (search) stride {stride} on {h}x{w}: {search.Forward(x).Shape}, expected {expected}");
        }
    }

    [Fact]
    public void OpsAreBuiltAsDartsDefinesThem()
    {
        const int c = 6;
        var g = new Generator(4);
        using var sep3 = (SepConv)DartsOpRegistry.Create(DartsOp.SepConv3x3, c, 2, true, g, Cpu);
        using var sep5 = (SepConv)DartsOpRegistry.Create(DartsOp.SepConv5x5, c, 1, true, g, Cpu);
        using var dil3 = (DilConv)DartsOpRegistry.Create(DartsOp.DilConv3x3, c, 2, true, g, Cpu);
        using var dil5 = (DilConv)DartsOpRegistry.Create(DartsOp.DilConv5x5, c, 1, true, g, Cpu);
        // SepConv: dw k (stride s, pad (k-1)/2), pw, BN, ReLU, dw k (stride 1), pw, BN.
        var convs = sep3.Op.Children().OfType<Conv2d>().ToList();
        Assert.Equal([(3, 2, 1, 1, c), (1, 1, 0, 1, 1), (3, 1, 1, 1, c), (1, 1, 0, 1, 1)],
            convs.Select(v => (v.KernelSize, v.Params.Stride, v.Params.Padding, v.Params.Dilation, v.Params.Groups)));
        Assert.Equal(2, sep5.Op.Children().OfType<Conv2d>().Count(v => v.KernelSize == 5 && v.Params.Padding == 2));
        // DilConv: dw k, dilation 2, pad 2 / 4, then pw and BN.
        var d3 = dil3.Op.Children().OfType<Conv2d>().ToList();
        Assert.Equal([(3, 2, 2, 2, c), (1, 1, 0, 1, 1)], d3.Select(v => (v.KernelSize, v.Params.Stride, v.Params.Padding, v.Params.Dilation, v.Params.Groups)));
        Assert.Equal((5, 4, 2), (dil5.KernelSize, dil5.Op.Children().OfType<Conv2d>().First().Params.Padding, dil5.Dilation));

        // Parameter counts with affine BN: SepConv 2(Ck² + C² + 2C), DilConv Ck² + C² + 2C, FactorizedReduce C² + 2C.
        Assert.Equal(2 * (c * 9 + c * c + 2 * c), sep3.ParameterCount());
        Assert.Equal(2 * (c * 25 + c * c + 2 * c), sep5.ParameterCount());
        Assert.Equal(c * 9 + c * c + 2 * c, dil3.ParameterCount());
        Assert.Equal(c * 25 + c * c + 2 * c, dil5.ParameterCount());
        using var fr = DartsOpRegistry.Create(DartsOp.SkipConnect, c, 2, true, g, Cpu);
        Assert.IsType<FactorizedReduce>(fr);
        Assert.Equal(c * c + 2 * c, fr.ParameterCount());

        // PyTorch's state-dict names, so that weights load into the reference model.
        Assert.Equal(["op.1.weight", "op.2.weight", "op.3.weight", "op.3.bias", "op.5.weight", "op.6.weight", "op.7.weight", "op.7.bias"],
            sep3.NamedParameters().Select(p => p.Name));
        Assert.Equal(["op.1.weight", "op.2.weight", "op.3.weight", "op.3.bias"], dil3.NamedParameters().Select(p => p.Name));
        Assert.Equal(["conv_1.weight", "conv_2.weight", "bn.weight", "bn.bias"], fr.NamedParameters().Select(p => p.Name));
        Assert.Equal(new Shape(c / 2, c, 1, 1), ((FactorizedReduce)fr).Conv2.Weight.Shape);

        foreach (var op in new[] { DartsOp.AvgPool3x3, DartsOp.MaxPool3x3, DartsOp.None })
        {
            using var m = DartsOpRegistry.Create(op, c, 2, true, g, Cpu);
            Assert.Equal(0, m.ParameterCount());
        }
        using var skip = DartsOpRegistry.Create(DartsOp.SkipConnect, c, 1, true, g, Cpu);
        Assert.IsType<Identity>(skip);
    }

    [Fact]
    public void PoolsAndNoneComputeTheirDefinitions()
    {
        using var scope = TensorScope.Begin();
        var g = new Generator(5);
        var x = SupernetTestUtil.Images(new Shape(1, 1, 3, 3), Cpu, seed: 11);
        var xs = x.Data.ToArray();
        using var avg = DartsOpRegistry.Create(DartsOp.AvgPool3x3, 1, 1, true, g, Cpu);
        using var max = DartsOpRegistry.Create(DartsOp.MaxPool3x3, 1, 1, true, g, Cpu);
        using var none = DartsOpRegistry.Create(DartsOp.None, 1, 2, true, g, Cpu);
        using var skip = DartsOpRegistry.Create(DartsOp.SkipConnect, 1, 1, true, g, Cpu);
        // Padding not counted: a corner averages its 4 in-image neighbours; the max pool's padding never wins.
        Assert.Equal((xs[0] + xs[1] + xs[3] + xs[4]) / 4f, avg.Forward(x).Data.ToArray()[0], 6);
        Assert.Equal(new[] { xs[0], xs[1], xs[3], xs[4] }.Max(), max.Forward(x).Data.ToArray()[0]);
        Assert.Equal(new Shape(1, 1, 2, 2), none.Forward(x).Shape);
        Assert.All(none.Forward(x).Data.ToArray(), v => Assert.Equal(0f, v));
        Assert.Same(x, skip.Forward(x));
    }

    /// <summary>
    /// FactorizedReduce = BN(concat(conv_1(r)[::2, ::2], conv_2(r shifted by (1, 1)))), r = ReLU(x); on odd sizes the
    /// shifted half reads a zero past the bottom and right edges. Checked against a direct host computation in eval
    /// mode, where a fresh BN divides by √(1 + eps).
    /// </summary>
    [Theory]
    [InlineData(8, 8)]
    [InlineData(7, 9)]
    [InlineData(15, 15)]
    public void FactorizedReduceSamplesEvenAndShiftedPixelsAndPadsOddSizes(int h, int w)
    {
        const int cIn = 3, cOut = 4, b = 2;
        using var scope = TensorScope.Begin();
        using var fr = new FactorizedReduce(cIn, cOut, affine: true, new Generator(6), Cpu);
        fr.Eval();
        var x = SupernetTestUtil.Images(new Shape(b, cIn, h, w), Cpu, seed: 12);
        var y = fr.Forward(x);
        int ho = (h + 1) / 2, wo = (w + 1) / 2;
        Assert.Equal(new Shape(b, cOut, ho, wo), y.Shape);
        var xs = x.Data.ToArray();
        var w1 = fr.Conv1.Weight.Data.ToArray();
        var w2 = fr.Conv2.Weight.Data.ToArray();
        var ys = y.Data.ToArray();
        float Relu(int n, int c, int i, int j) => i < h && j < w ? Math.Max(0f, xs[((n * cIn + c) * h + i) * w + j]) : 0f;
        float scale = 1f / MathF.Sqrt(1f + 1e-5f);
        for (int n = 0; n < b; n++)
        for (int o = 0; o < cOut; o++)
        for (int i = 0; i < ho; i++)
        for (int j = 0; j < wo; j++)
        {
            float expected = 0f;
            bool shifted = o >= cOut / 2;
            for (int c = 0; c < cIn; c++)
            {
                expected += shifted
                    ? w2[(o - cOut / 2) * cIn + c] * Relu(n, c, 2 * i + 1, 2 * j + 1)
                    : w1[o * cIn + c] * Relu(n, c, 2 * i, 2 * j);
            }
            float actual = ys[((n * cOut + o) * ho + i) * wo + j];
            Assert.True(Math.Abs(actual - expected * scale) <= 1e-6 + 1e-5 * Math.Abs(expected), $"({n}, {o}, {i}, {j}): {actual}, expected {expected * scale}");
        }
        if (h % 2 == 1)
        {
            // The shifted half's last row reads only padding: zero before the BN, hence zero after this BN.
            for (int o = cOut / 2; o < cOut; o++)
            for (int j = 0; j < wo; j++)
                Assert.Equal(0f, ys[((0 * cOut + o) * ho + ho - 1) * wo + j]);
        }
    }

    [Fact]
    public void SizesAndStridesAreChecked()
    {
        var g = new Generator();
        Assert.Throws<ArgumentException>(() => DartsOpRegistry.Create(DartsOp.SepConv3x3, 0, 1, true, g, Cpu));
        var e = Assert.Throws<ArgumentException>(() => DartsOpRegistry.Create(DartsOp.MaxPool3x3, 4, 3, true, g, Cpu));
        Assert.Contains("max_pool_3x3: stride = 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => DartsOpRegistry.Create(DartsOp.SkipConnect, 5, 2, true, g, Cpu));
        Assert.Contains("FactorizedReduce(5, 5)", e.Message);
        using var fr = new FactorizedReduce(4, 4, true, g, Cpu);
        using var scope = TensorScope.Begin();
        Assert.Throws<ArgumentException>(() => fr.Forward(SupernetTestUtil.Images(new Shape(1, 3, 4, 4), Cpu)));
    }
}

using System.Runtime.InteropServices;
using AgNas.Tensors.Cuda;

namespace AgNas.Tensors.Tests.Cuda;

/// <summary>How kernel parameters become cuLaunchKernel's void**, and the PTX signatures they are checked against (no device needed).</summary>
public class KernelLaunchTests
{
    [Fact]
    public unsafe void EachParameterGetsASlotWithItsCWidthAndValue()
    {
        var args = new KernelArgs();
        args.Ptr(0x1234); args.I64(-5); args.I32(-7); args.F32(1.5f); args.F64(2.25); args.U64(ulong.MaxValue);
        Assert.Equal(6, args.Count);
        Assert.Equal([8, 8, 4, 4, 8, 8], Enumerable.Range(0, args.Count).Select(i => (int)args.Width(i)));
        void** p = stackalloc void*[args.Count];
        var local = args;
        local.Pointers(p);
        Assert.Equal(0x1234, *(nint*)p[0]);
        Assert.Equal(-5L, *(long*)p[1]);
        Assert.Equal(-7, *(int*)p[2]); // a 4-byte parameter is read from the slot's start
        Assert.Equal(1.5f, *(float*)p[3]);
        Assert.Equal(2.25, *(double*)p[4]);
        Assert.Equal(ulong.MaxValue, *(ulong*)p[5]);
    }

    [Fact]
    public void MoreParametersThanSlotsAreRefused()
    {
        var args = new KernelArgs();
        for (int i = 0; i < KernelArgs.MaxCount; i++) args.I32(i);
        Assert.Throws<InvalidOperationException>(() => args.I32(0));
    }

    [Fact]
    public void PtxSignaturesAreReadWithTheirWidths()
    {
        const string ptx = """
            .visible .entry k1(
            	.param .u64 k1_param_0,
            	.param .u32 k1_param_1,
            	.param .f32 k1_param_2,
            	.param .f64 k1_param_3
            )
            {
            }
            .visible .entry k0()
            {
            }
            """;
        var image = PtxImage.Parse("test", ptx);
        Assert.Equal([8, 4, 4, 8], image.Entries["k1"].Select(b => (int)b));
        Assert.Empty(image.Entries["k0"]);
    }

    [Fact]
    public void TheEmbeddedPtxHoldsEveryKernelFamily()
    {
        var families = PtxImage.Embedded.Select(i => i.Family).ToList();
        Assert.Equal(["attention", "batchnorm", "bias", "elementwise", "loss", "memory", "optim", "pool", "reduce"], families);
        Assert.Equal(45, PtxImage.Embedded.Sum(i => i.Entries.Count));
    }

    [Theory]
    [InlineData(1, 256, 1u)]
    [InlineData(256, 256, 1u)]
    [InlineData(257, 256, 2u)]
    [InlineData(1000, 128, 8u)]
    public void ALinearLaunchCoversEveryElement(long n, uint block, uint grid)
    {
        var config = LaunchConfig.Linear(n, block);
        Assert.Equal(new Dim3(grid), config.Grid);
        Assert.Equal(new Dim3(block), config.Block);
        Assert.True((long)config.Grid.Count * block >= n);
        Assert.Equal($"grid {grid}, block {block}, shared 0 B", config.ToString());
    }

    [Fact]
    public void AnEmptyLinearLaunchIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LaunchConfig.Linear(0));
}

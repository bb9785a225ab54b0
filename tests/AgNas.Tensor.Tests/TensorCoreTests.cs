using AgNas.Tests;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Tests;

public class TensorCoreTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    [Fact]
    public void ChannelSliceWritesIntoItsPartOfTheBuffer()
    {
        using var scope = TensorScope.Begin();
        var buffer = Tensor.Zeros(new Shape(2, 6, 2, 2), Cpu);
        var slice = buffer.SliceChannels(2, 2);
        Assert.False(slice.IsContiguous);
        Assert.Equal(24, slice.BatchStride);
        Cpu.Fill(slice, 1f);
        var all = buffer.ToArray();
        for (int n = 0; n < 2; n++)
        for (int c = 0; c < 6; c++)
        for (int i = 0; i < 4; i++)
            Assert.Equal(c is 2 or 3 ? 1f : 0f, all[n * 24 + c * 4 + i]);
    }

    [Fact]
    public void ScopeReleasesIntermediatesAndCountersReturnToBaseline()
    {
        var stats = Cpu.Stats;
        long tensors = stats.LiveTensors, bytes = stats.LiveBytes;
        Tensor kept;
        using (TensorScope.Begin())
        {
            var a = Tensor.Full(new Shape(3, 4), 2f, Cpu);
            var b = Tensor.Full(new Shape(3, 4), 3f, Cpu);
            kept = Tensor.Empty(new Shape(3, 4), Cpu).DetachFromScope();
            Cpu.Add(kept, a, b);
            Assert.Equal(tensors + 3, stats.LiveTensors);
        }
        Assert.Equal(tensors + 1, stats.LiveTensors);
        Assert.All(kept.ToArray(), v => Assert.Equal(5f, v));
        kept.Dispose();
        Assert.Equal(tensors, stats.LiveTensors);
        Assert.Equal(bytes, stats.LiveBytes);
    }

    [Fact]
    public void AllocatorReusesFreedBlocks()
    {
        var t = Tensor.Empty(new Shape(1000), Cpu);
        var p = t.Handle;
        t.Dispose();
        using var u = Tensor.Empty(new Shape(999), Cpu);
        Assert.Equal(p, u.Handle);
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.Zeros(new Shape(2, 3), Cpu);
        var b = Tensor.Zeros(new Shape(3, 2), Cpu);
        var ex = Assert.Throws<ArgumentException>(() => Cpu.Add(Tensor.Empty(new Shape(2, 3), Cpu), a, b));
        Assert.Contains("Add", ex.Message);
        Assert.Contains("(2, 3)", ex.Message);
        Assert.Contains("(3, 2)", ex.Message);
    }

    [Fact]
    public void HasNonFiniteFindsNaNAndInfinity()
    {
        using var scope = TensorScope.Begin();
        Assert.False(Cpu.HasNonFinite(Tensor.FromArray([1f, 2f], new Shape(2), Cpu)));
        Assert.True(Cpu.HasNonFinite(Tensor.FromArray([1f, float.NaN], new Shape(2), Cpu)));
        Assert.True(Cpu.HasNonFinite(Tensor.FromArray([float.NegativeInfinity, 0f], new Shape(2), Cpu)));
    }

    [Theory]
    [InlineData(32, 3, 1, 1, 1, 32)]
    [InlineData(32, 3, 2, 1, 1, 16)]
    [InlineData(31, 3, 2, 1, 1, 16)]
    [InlineData(32, 5, 1, 4, 2, 32)]
    [InlineData(8, 2, 2, 0, 1, 4)]
    [InlineData(7, 1, 2, 0, 1, 4)]
    [InlineData(8, 5, 3, 0, 1, 2)]
    public void OutputSizeFollowsPyTorch(int input, int kernel, int stride, int padding, int dilation, int expected)
    {
        // floor((in + 2p − d(k−1) − 1)/s) + 1, worked by hand: e.g. (31 + 2 − 2 − 1)/2 + 1 = 16.
        Assert.Equal(expected, new Conv2dParams(stride, padding, dilation).OutputSize(input, kernel));
    }
}

using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Tests;

/// <summary>
/// A failed allocation is one typed error naming the request, the live and the peak bytes (issue 10 item 1),
/// and a shape too large to count names itself instead of overflowing.
/// </summary>
public class OutOfMemoryTests
{
    private static CpuBackend Cpu => CpuBackend.Instance;

    [Fact]
    public void AnAllocationBeyondTheAllocatorsLimitIsATypedErrorNamingBytesLiveAndPeak()
    {
        var allocator = Cpu.Allocator;
        using var held = Tensor.Zeros(new Shape(256, 1024), Cpu).DetachFromScope(); // 1 MiB live
        try
        {
            allocator.LimitBytes = Cpu.Stats.LiveBytes + Cpu.Stats.CachedBytes + (2 << 20);
            var e = Assert.Throws<TensorOutOfMemoryException>(() => Tensor.Empty(new Shape(1024, 1024), Cpu).Dispose()); // 4 MiB
            Assert.Equal(4L << 20, e.RequestedBytes);
            Assert.Equal(Device.Cpu, e.Device);
            Assert.Equal(Cpu.Stats.LiveBytes, e.LiveBytes);
            Assert.True(e.LiveBytes >= 1 << 20 && e.PeakBytes >= e.LiveBytes, e.Message);
            Assert.IsAssignableFrom<OutOfMemoryException>(e.InnerException);
            Assert.StartsWith("cpu: out of memory allocating 4.0 MiB (4194304 B) with ", e.Message);
            Assert.Contains(" live and a peak of ", e.Message);
            Assert.Contains("limit of", e.Message);
            Assert.EndsWith("try a smaller --batch-size.", e.Message);
            Assert.DoesNotContain('\n', e.Message);

            // Within the limit, allocation goes on as before.
            using var small = Tensor.Empty(new Shape(256, 256), Cpu).DetachFromScope();
        }
        finally
        {
            allocator.LimitBytes = long.MaxValue;
        }
    }

    [Fact]
    public void AHostAllocationThatCannotSucceedIsTheSameTypedError()
    {
        long live = Cpu.Stats.LiveBytes;
        // 2^60 floats = 4 EiB: the native allocator refuses it on every machine.
        var e = Assert.Throws<TensorOutOfMemoryException>(() => Tensor.Empty(new Shape(1 << 30, 1 << 30), Cpu).Dispose());
        Assert.Equal(1L << 62, e.RequestedBytes);
        Assert.Contains("(4611686018427387904 B)", e.Message);
        Assert.EndsWith("try a smaller --batch-size.", e.Message);
        Assert.Equal(live, Cpu.Stats.LiveBytes);
    }

    [Fact]
    public void AShapeWhoseSizeOverflowsNamesItsDimensions()
    {
        var e = Assert.Throws<ArgumentException>(() => new Shape(1 << 20, 1 << 20, 1 << 20, 1 << 20));
        Assert.Contains("(1048576, 1048576, 1048576, 1048576)", e.Message);
        Assert.Equal(0, new Shape(int.MaxValue, int.MaxValue, int.MaxValue, 0).Size);
    }

    [Fact]
    public void ATensorWhoseBytesOverflowNamesItsShape()
    {
        var shape = new Shape(int.MaxValue, int.MaxValue, 2); // 9.2e18 elements fit in a long, their bytes do not
        var e = Assert.Throws<ArgumentException>(() => Tensor.Empty(shape, Cpu).Dispose());
        Assert.Contains("(2147483647, 2147483647, 2)", e.Message);
    }
}

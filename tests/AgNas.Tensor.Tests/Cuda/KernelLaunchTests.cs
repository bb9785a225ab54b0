using System.Runtime.InteropServices;
using AgNas.Tensors.Cuda;

namespace AgNas.Tensors.Tests.Cuda;

/// <summary>How a kernel-argument struct becomes cuLaunchKernel's void** (no device needed).</summary>
public class KernelLaunchTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct ReluArgs
    {
        public nint Y;
        public nint X;
        public long N;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MixedArgs
    {
        public float* Y;    // 0
        public int C;       // 8
        public long N;      // 16 (aligned)
        public float Alpha; // 24
        public int Groups;  // 28
        public double Eps;  // 32
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct BoolArgs
    {
        public nint Y;
        public bool Nesterov;
    }

    [Fact]
    public void EachFieldIsOneParameterAtItsOffset()
    {
        Assert.Equal([0, 8, 16], KernelArgumentLayout<ReluArgs>.Offsets);
        Assert.Equal([0, 8, 16, 24, 28, 32], KernelArgumentLayout<MixedArgs>.Offsets);
        Assert.Equal([0], KernelArgumentLayout<long>.Offsets);
    }

    [Fact]
    public void FieldsWhoseSizeDiffersFromCAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelArgumentLayout<BoolArgs>.Offsets);
        Assert.Contains("BoolArgs.Nesterov", e.Message);
        Assert.Contains("Boolean", e.Message);
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

using AgNas.Search.Profiling;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Profiling;

public class AttentionBandwidthTests
{
    [Fact]
    public void BytesAreTheCompulsoryTrafficOfEachKernel()
    {
        const int b = 2, k = 5, c = 3, h = 4, w = 6;
        var result = AttentionBandwidth.Measure(CpuBackend.Instance, b, k, c, h, w, repeats: 2);
        long buffer = 4L * b * k * c * h * w, output = 4L * b * c * h * w, weights = 4L * b * k * c;
        Assert.Equal(["AttentionCombine", "AttentionCombineBackward", "Copy"], result.Select(r => r.Kernel));
        Assert.Equal(buffer + weights + output, result[0].BytesPerCall);
        Assert.Equal(output + 2 * buffer + 2 * weights, result[1].BytesPerCall);
        Assert.Equal(2 * buffer, result[2].BytesPerCall);
        Assert.All(result, r => Assert.True(r.MsPerCall > 0 && double.IsFinite(r.GigabytesPerSecond), r.Kernel));
    }

    [Fact]
    public void SizesBelowOneAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => AttentionBandwidth.Measure(CpuBackend.Instance, 0, 5, 3, 4, 4, 1));
        Assert.Contains("B=0", e.Message);
    }
}

using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using AgNas.Tensors.Profiling;

namespace AgNas.Tensors.Tests;

public class ProfilingBackendTests
{
    [Fact]
    public void CountsCallsPerOpAndComputesWhatTheWrappedBackendComputes()
    {
        var profiler = new ProfilingBackend(CpuBackend.Instance);
        using var scope = TensorScope.Begin();
        var a = Tensor.FromArray([1f, -2f, 3f], new Shape(3), profiler);
        var b = Tensor.FromArray([1f, 1f, 1f], new Shape(3), CpuBackend.Instance);
        var y = Tensor.Empty(new Shape(3), profiler);
        profiler.Add(y, a, b);
        profiler.Relu(y, y);
        profiler.Relu(y, y);
        Assert.Equal([2f, 0f, 4f], y.ToArray());

        var timings = profiler.Timings().ToDictionary(t => t.Op);
        Assert.Equal(1, timings["Add"].Calls);
        Assert.Equal(2, timings["Relu"].Calls);
        Assert.True(timings["Relu"].Total >= TimeSpan.Zero);
        profiler.Reset();
        Assert.DoesNotContain(profiler.Timings(), t => t.Op is "Add" or "Relu");
    }
}

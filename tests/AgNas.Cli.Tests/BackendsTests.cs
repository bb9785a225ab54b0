using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Cuda;

namespace AgNas.Cli.Tests;

public class BackendsTests
{
    [Fact]
    public void CpuIsAlwaysAvailable()
    {
        Assert.Same(CpuBackend.Instance, Backends.Get(Device.Cpu));
        Assert.Same(CpuBackend.Instance, Backends.Get("cpu"));
        var cpu = Backends.Describe().Single(b => b.Name == "cpu");
        Assert.True(cpu.Available);
        Assert.Null(cpu.Reason);
        Assert.Contains(cpu.Properties, p => p.Key == "BLAS" && p.Value == CpuBackend.BlasDescription);
    }

    [Fact]
    public void CudaThatIsUnavailableThrowsWithTheReason()
    {
        var cuda = Backends.Describe().Single(b => b.Name == "cuda");
        if (cuda.Available)
        {
            // Once the CUDA backend is built and a GPU (or the emulator) is present, Get must succeed.
            Assert.Equal(new Device(DeviceType.Cuda, 0), Backends.Get("cuda:0").Device);
            return;
        }
        Assert.False(string.IsNullOrWhiteSpace(cuda.Reason));
        var ex = Assert.Throws<BackendUnavailableException>(() => Backends.Get(new Device(DeviceType.Cuda, 0)));
        Assert.Equal(cuda.Reason, ex.Reason);
        Assert.Contains("cuda:0", ex.Message);
        Assert.Contains(cuda.Reason!, ex.Message);
        Assert.False(Backends.TryGet(new Device(DeviceType.Cuda, 0), out var backend, out var reason));
        Assert.Null(backend);
        Assert.Equal(cuda.Reason, reason);
        var probe = CudaRuntime.Probe();
        if (!probe.Driver.Found && !probe.Emulated) Assert.StartsWith("libcuda.so.1 not found (tried ", reason);
    }

    [Fact]
    public void ACpuIndexOtherThanZeroIsUnavailable()
    {
        var ex = Assert.Throws<BackendUnavailableException>(() => Backends.Get(new Device(DeviceType.Cpu, 1)));
        // Device.ToString() prints "cpu" whatever the index, so the reason names the index.
        Assert.Contains("index 1", ex.Message);
        Assert.Contains("one cpu device", ex.Reason);
    }
}

using System.Runtime.InteropServices;
using AgNas.Search.Profiling;
using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cuda;
using AgNas.Tensors.Memory;

namespace AgNas.Cuda.Tests;

/// <summary>Native failures surface as typed exceptions; memory returns to where it started.</summary>
public class DeviceErrorTests
{
    [Fact]
    public unsafe void AKernelGivenAHostPointerFailsWithTheDriversIllegalAddress()
    {
        var backend = EmulatedCuda.Backend;
        using var scope = TensorScope.Begin();
        var y = Tensor.Zeros(new Shape(8), backend);
        var host = new float[8];
        fixed (float* p = host)
        {
            nint hostPointer = (nint)p;
            var e = Assert.Throws<CudaDriverException>(() =>
                backend.Kernels.ReluF32(backend.Kernels.Elementwise(8), y.Handle, 8, hostPointer, 8, 1, 8));
            Assert.Equal(CuResult.IllegalAddress, e.Status);
            Assert.Contains("relu_f32", e.Message);
        }
    }

    [Fact]
    public void AnAllocationLargerThanTheDeviceIsATypedOutOfMemoryError()
    {
        var backend = EmulatedCuda.Backend;
        long total = backend.CudaDevice.MemoryInfo().Total;
        int elements = (int)Math.Min(int.MaxValue, total / sizeof(float) + 1024);
        var e = Assert.Throws<TensorOutOfMemoryException>(() => Tensor.Empty(new Shape(elements, 2), backend).Dispose());
        Assert.Equal(backend.Device, e.Device);
        var cuda = Assert.IsType<CudaOutOfMemoryException>(e.InnerException);
        Assert.Equal(backend.Device, cuda.Device);
        // The same user-facing line as on the CPU, with the driver's free/total appended.
        Assert.StartsWith($"{backend.Device}: out of memory allocating ", e.Message);
        Assert.Contains(" live and a peak of ", e.Message);
        Assert.Contains(cuda.Message, e.Message);
        Assert.EndsWith("try a smaller --batch-size.", e.Message);
    }

    [Fact]
    public void ALaunchWhoseParametersDoNotMatchThePtxIsRefusedBeforeItRuns()
    {
        var kernel = EmulatedCuda.Backend.CudaDevice.LoadModule(PtxImage.Embedded.Single(i => i.Family == "elementwise")).GetKernel("relu_f32");
        var args = new KernelArgs();
        args.Ptr(0); args.I32(1); args.Ptr(0); args.I64(1); args.I64(1); args.I64(1); // yStride passed as int
        var e = Assert.Throws<ArgumentException>(() => kernel.Launch(LaunchConfig.Linear(1), ref args));
        Assert.Contains("relu_f32", e.Message);
        Assert.Contains("(8, 4, 8, 8, 8, 8)", e.Message);
    }

    [Fact]
    public void LiveBytesReturnToTheirStartAfterSupernetSteps()
    {
        var backend = EmulatedCuda.Backend;
        var config = new Nb201SupernetConfig { Classes = 3, Channels = 4, CellsPerStage = 1, Reduction = 2, Seed = 1 };
        SupernetStepCheck.Run(backend, backend, config, batch: 2, size: 8); // warm the caches
        long live = backend.Stats.LiveBytes, tensors = backend.Stats.LiveTensors;
        SupernetStepCheck.Run(backend, backend, config, batch: 2, size: 8, steps: 3);
        Assert.Equal(live, backend.Stats.LiveBytes);
        Assert.Equal(tensors, backend.Stats.LiveTensors);
    }
}

using AgNas.Tensors.Cuda;

namespace AgNas.Tensors.Tests.Cuda;

/// <summary>
/// SafeHandle releases never throw: invalid handles release nothing, a failing release is kept for
/// an explicit dispose to surface, CUDA_ERROR_DEINITIALIZED counts as released, and a context
/// outlives every handle that holds it. Handles with fabricated native values are only released
/// where no CUDA library is loaded (the release then meets a missing library, never a real driver).
/// </summary>
public class CudaHandlesTests
{
    /// <summary>A handle whose release returns what the test says.</summary>
    private sealed class FakeHandle(Func<Exception?> free) : CudaNativeHandle
    {
        public int Frees { get; private set; }

        protected override Exception? Free()
        {
            Frees++;
            return free();
        }
    }

    public static TheoryData<string> HandleTypes => new()
    {
        nameof(CudaContextHandle), nameof(CudaDeviceMemoryHandle), nameof(CudaStreamHandle), nameof(CudaEventHandle),
        nameof(CudaModuleHandle), nameof(CublasHandle), nameof(CudnnHandle), nameof(CudnnTensorDescriptorHandle),
        nameof(CudnnFilterDescriptorHandle), nameof(CudnnConvolutionDescriptorHandle),
    };

    private static CudaNativeHandle Create(string name) => name switch
    {
        nameof(CudaContextHandle) => new CudaContextHandle(),
        nameof(CudaDeviceMemoryHandle) => new CudaDeviceMemoryHandle(),
        nameof(CudaStreamHandle) => new CudaStreamHandle(),
        nameof(CudaEventHandle) => new CudaEventHandle(),
        nameof(CudaModuleHandle) => new CudaModuleHandle(),
        nameof(CublasHandle) => new CublasHandle(),
        nameof(CudnnHandle) => new CudnnHandle(),
        nameof(CudnnTensorDescriptorHandle) => new CudnnTensorDescriptorHandle(),
        nameof(CudnnFilterDescriptorHandle) => new CudnnFilterDescriptorHandle(),
        nameof(CudnnConvolutionDescriptorHandle) => new CudnnConvolutionDescriptorHandle(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(HandleTypes))]
    public void AZeroHandleReleasesNothingAndNeverThrows(string type)
    {
        var handle = Create(type);
        Assert.True(handle.IsInvalid);
        handle.Dispose();
        handle.DisposeAndThrowOnError();
        Assert.True(handle.IsClosed);
        Assert.Null(handle.ReleaseError);
    }

    [Fact]
    public void DeinitializedCountsAsReleased()
    {
        var handle = new FakeHandle(() => CudaCheck.ReleaseError(CuResult.Deinitialized, "cuStreamDestroy_v2(stream)"));
        handle.AdoptForTests(0x1000);
        handle.DisposeAndThrowOnError();
        Assert.Equal(1, handle.Frees);
        Assert.Null(handle.ReleaseError);
    }

    [Fact]
    public void AFailedReleaseIsKeptForAnExplicitDisposeToSurface()
    {
        var handle = new FakeHandle(() => CudaCheck.ReleaseError(CuResult.IllegalAddress, "cuMemFree_v2(0x1000)"));
        handle.AdoptForTests(0x1000);
        handle.Dispose(); // what a finalizer or a using block does: no exception
        var kept = Assert.IsType<CudaDriverException>(handle.ReleaseError);
        Assert.Equal(CuResult.IllegalAddress, kept.Status);

        var thrown = Assert.Throws<CudaDriverException>(handle.DisposeAndThrowOnError);
        Assert.Same(kept, thrown);
        Assert.Equal("cuMemFree_v2(0x1000)", thrown.Call);
        Assert.Equal(1, handle.Frees);
        handle.DisposeAndThrowOnError(); // reported once
    }

    [Fact]
    public void AReleaseThatThrowsIsCaughtNotPropagated()
    {
        var handle = new FakeHandle(() => throw new DllNotFoundException("libcuda.so.1 not found"));
        handle.AdoptForTests(0x2000);
        handle.Dispose();
        Assert.IsType<DllNotFoundException>(handle.ReleaseError);
        Assert.Throws<DllNotFoundException>(handle.DisposeAndThrowOnError);
    }

    [Fact]
    public void FinalizingHandlesWhoseReleaseFailsDoesNotCrashTheProcess()
    {
        static void Abandon()
        {
            for (int i = 0; i < 16; i++)
            {
                var h = new FakeHandle(() => throw new InvalidOperationException("release failed"));
                h.AdoptForTests(0x3000 + i);
                var g = new FakeHandle(() => CudaCheck.ReleaseError(CuResult.LaunchFailed, "cuModuleUnload(module)"));
                g.AdoptForTests(0x4000 + i);
            }
        }
        Abandon();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Theory]
    [MemberData(nameof(HandleTypes))]
    public void ReleasingARealHandleTypeWithoutItsLibraryRecordsTheMissingLibrary(string type)
    {
        if (AnyCudaLibraryLoaded()) return; // never hand a fabricated value to a real driver or the emulator
        var handle = Create(type);
        if (handle is CudaContextHandle context) context.Device = 0;
        handle.AdoptForTests(0x5000);
        handle.Dispose();
        // The release reached the binding, whose call went through the assembly's resolver: the
        // exception is the loader's reason for that library.
        var e = Assert.IsType<DllNotFoundException>(handle.ReleaseError);
        var library = type.StartsWith("Cublas", StringComparison.Ordinal) ? CudaLibrary.Cublas
            : type.StartsWith("Cudnn", StringComparison.Ordinal) ? CudaLibrary.Cudnn
            : CudaLibrary.Driver;
        Assert.Equal(CudaLibraries.Get(library).Error, e.Message);
    }

    [Fact]
    public void TheContextIsReleasedOnlyAfterEveryHandleHoldingIt()
    {
        if (AnyCudaLibraryLoaded()) return;
        var context = new CudaContextHandle { Device = 0 };
        context.AdoptForTests(0x6000);
        var stream = new CudaStreamHandle();
        stream.AdoptForTests(0x6100);
        stream.KeepContextAlive(context);

        context.Dispose(); // the device disposing its root early, or a finalizer running first
        Assert.False(context.IsClosed); // not released: the stream still holds it
        Assert.Null(context.ReleaseError);

        stream.Dispose();
        Assert.True(context.IsClosed);
        // Both releases ran now (each met the missing driver, which is what they record here).
        Assert.IsType<DllNotFoundException>(stream.ReleaseError);
        Assert.IsType<DllNotFoundException>(context.ReleaseError);
    }

    private static bool AnyCudaLibraryLoaded() =>
        CudaLibraries.Get(CudaLibrary.Driver).IsLoaded || CudaLibraries.Get(CudaLibrary.Cublas).IsLoaded ||
        CudaLibraries.Get(CudaLibrary.Cudnn).IsLoaded;
}

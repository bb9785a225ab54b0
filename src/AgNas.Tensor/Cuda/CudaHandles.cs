using System.Runtime.InteropServices;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// Base of every native object of the CUDA stack. <see cref="ReleaseHandle"/> never throws: the
/// native destroy's failure (or a missing library) is kept, returned as false, and surfaced only by
/// an explicit <see cref="DisposeAndThrowOnError"/>; finalisation never surfaces anything.
/// CUDA_ERROR_DEINITIALIZED (the driver is shutting down and took the object with it) counts as
/// released. A handle created inside a context keeps that context alive
/// (<see cref="KeepContextAlive"/>): the context's own release waits until every such handle is
/// gone, and each release makes its context current first, so a release on the finalizer thread
/// or after the device's other children were freed still reaches the right context.
/// </summary>
internal abstract class CudaNativeHandle : SafeHandle
{
    private CudaContextHandle? _context;
    private Exception? _releaseError;

    protected CudaNativeHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The native value (for calls that take the raw pointer, and for messages).</summary>
    public nint Value => handle;

    /// <summary>What the release reported when it failed (cleared by <see cref="DisposeAndThrowOnError"/>).</summary>
    public Exception? ReleaseError => _releaseError;

    /// <summary>Holds a reference on <paramref name="context"/> until this handle is released.</summary>
    public void KeepContextAlive(CudaContextHandle context)
    {
        if (_context is not null) throw new InvalidOperationException("This handle already holds its context.");
        bool added = false;
        context.DangerousAddRef(ref added);
        if (added) _context = context;
    }

    /// <summary>Frees the native object. Returns null when it is gone, else the failure (not thrown).</summary>
    protected abstract Exception? Free();

    protected sealed override bool ReleaseHandle()
    {
        try
        {
            MakeContextCurrent();
            _releaseError = Free();
        }
        catch (Exception e)
        {
            // Typically DllNotFoundException/EntryPointNotFoundException: never let it escape a
            // finalizer. An explicit dispose rethrows it.
            _releaseError = e;
        }
        finally
        {
            var ctx = _context;
            _context = null;
            ctx?.DangerousRelease();
        }
        return _releaseError is null;
    }

    /// <summary>
    /// Best effort: the free that follows reports any real problem (and tolerates a driver that is
    /// shutting down), so a failure here is not one.
    /// </summary>
    private void MakeContextCurrent()
    {
        if (_context is not { } ctx || ctx.IsInvalid) return;
        try
        {
            CudaDriver.cuCtxSetCurrent(ctx.Value);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // The free below meets the same missing library and records it.
        }
    }

    /// <summary>Releases now and throws what the release reported, if anything.</summary>
    public void DisposeAndThrowOnError()
    {
        Dispose();
        if (_releaseError is { } e)
        {
            _releaseError = null;
            throw e;
        }
    }

    /// <summary>For tests: adopts an existing native value.</summary>
    internal void AdoptForTests(nint value) => SetHandle(value);
}

/// <summary>
/// A retained primary context (cuDevicePrimaryCtxRetain); released with
/// cuDevicePrimaryCtxRelease_v2 on its device once every handle created in it is released.
/// </summary>
internal sealed class CudaContextHandle : CudaNativeHandle
{
    /// <summary>The CUdevice whose primary context this is (set right after the retain succeeds).</summary>
    public int Device { get; set; } = -1;

    protected override Exception? Free() =>
        Device < 0 ? null : CudaCheck.ReleaseError(CudaDriver.cuDevicePrimaryCtxRelease_v2(Device), $"cuDevicePrimaryCtxRelease_v2({Device})");
}

/// <summary>A device allocation (cuMemAlloc_v2 / cuMemFree_v2).</summary>
internal sealed class CudaDeviceMemoryHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CudaCheck.ReleaseError(CudaDriver.cuMemFree_v2(handle), $"cuMemFree_v2(0x{handle:x})");
}

/// <summary>A stream (cuStreamCreate / cuStreamDestroy_v2).</summary>
internal sealed class CudaStreamHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CudaCheck.ReleaseError(CudaDriver.cuStreamDestroy_v2(handle), "cuStreamDestroy_v2(stream)");
}

/// <summary>An event (cuEventCreate / cuEventDestroy_v2).</summary>
internal sealed class CudaEventHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CudaCheck.ReleaseError(CudaDriver.cuEventDestroy_v2(handle), "cuEventDestroy_v2(event)");
}

/// <summary>A loaded module (cuModuleLoadData[Ex] / cuModuleUnload). Its functions die with it.</summary>
internal sealed class CudaModuleHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CudaCheck.ReleaseError(CudaDriver.cuModuleUnload(handle), "cuModuleUnload(module)");
}

/// <summary>A cuBLAS handle (cublasCreate_v2 / cublasDestroy_v2).</summary>
internal sealed class CublasHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CublasCheck.ReleaseError(Cublas.cublasDestroy_v2(handle), "cublasDestroy_v2(handle)");
}

/// <summary>A cuDNN handle (cudnnCreate / cudnnDestroy).</summary>
internal sealed class CudnnHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CudnnCheck.ReleaseError(Cudnn.cudnnDestroy(handle), "cudnnDestroy(handle)");
}

/// <summary>A cuDNN tensor descriptor (host object: no context needed).</summary>
internal sealed class CudnnTensorDescriptorHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CudnnCheck.ReleaseError(Cudnn.cudnnDestroyTensorDescriptor(handle), "cudnnDestroyTensorDescriptor(desc)");
}

/// <summary>A cuDNN filter descriptor.</summary>
internal sealed class CudnnFilterDescriptorHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CudnnCheck.ReleaseError(Cudnn.cudnnDestroyFilterDescriptor(handle), "cudnnDestroyFilterDescriptor(desc)");
}

/// <summary>A cuDNN convolution descriptor.</summary>
internal sealed class CudnnConvolutionDescriptorHandle : CudaNativeHandle
{
    protected override Exception? Free() =>
        CudnnCheck.ReleaseError(Cudnn.cudnnDestroyConvolutionDescriptor(handle), "cudnnDestroyConvolutionDescriptor(desc)");
}

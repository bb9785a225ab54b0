using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// One GPU and everything the backend holds on it: the retained primary context (the root), one
/// stream, the caching device allocator, the cuBLAS and cuDNN handles (created on first use and
/// bound to the stream), loaded PTX modules and events. The device owns them all: <see cref="Dispose"/>
/// synchronises the stream, then disposes modules, events, the cuDNN and cuBLAS handles, every device
/// block, the stream, and only then releases the context. Each native handle also holds a reference
/// on the context, so even a finalizer-driven release never outlives it.
/// <para>Every method makes the context current on the calling thread first (cheap), so the device
/// can be used from any thread — but not from two at once: it is not thread-safe beyond the
/// allocator.</para>
/// </summary>
public sealed class CudaDevice : IDisposable
{
    private readonly CudaContextHandle _context;
    private readonly List<IDisposable> _children = new();
    private readonly object _lock = new();
    private CudaBlas? _blas;
    private CudaDnn? _dnn;
    private bool _disposed;

    private CudaDevice(int ordinal, CudaGpuInfo info, CudaContextHandle context, int maxThreadsPerBlock, int maxSharedPerBlock,
        int multiprocessors, int maxThreadsPerMultiprocessor)
    {
        MultiprocessorCount = multiprocessors;
        MaxThreadsPerMultiprocessor = maxThreadsPerMultiprocessor;
        Device = new Device(DeviceType.Cuda, ordinal);
        Info = info;
        _context = context;
        MaxThreadsPerBlock = maxThreadsPerBlock;
        MaxSharedMemoryPerBlock = maxSharedPerBlock;
        try
        {
            Stream = new CudaStream(this);
            Memory = new CudaDeviceAllocator(this);
        }
        catch
        {
            Stream?.Release();
            _context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens GPU <paramref name="ordinal"/>: retains its primary context and creates its stream.
    /// </summary>
    /// <exception cref="BackendUnavailableException">No usable driver, or no such GPU; the reason says which.</exception>
    /// <exception cref="CudaDriverException">A driver call failed.</exception>
    public static CudaDevice Open(int ordinal)
    {
        var device = new Device(DeviceType.Cuda, ordinal);
        var probe = CudaRuntime.Probe();
        if (!probe.Driver.Usable || probe.Gpus.Count == 0)
            throw new BackendUnavailableException(device, probe.Reason ?? "the CUDA driver is not usable");
        if (ordinal < 0 || ordinal >= probe.Gpus.Count)
            throw new BackendUnavailableException(device, $"{device} does not exist: the driver reports {probe.Gpus.Count} GPU(s)");

        CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGet(out int cuDevice, ordinal));
        CudaCheck.ThrowIfFailed(CudaDriver.cuDevicePrimaryCtxRetain(out var context, cuDevice));
        context.Device = cuDevice;
        try
        {
            CudaCheck.ThrowIfFailed(CudaDriver.cuCtxSetCurrent(context.Value));
            CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int maxThreads, CuDeviceAttribute.MaxThreadsPerBlock, cuDevice));
            CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int maxShared, CuDeviceAttribute.MaxSharedMemoryPerBlock, cuDevice));
            CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int sms, CuDeviceAttribute.MultiprocessorCount, cuDevice));
            CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int threadsPerSm, CuDeviceAttribute.MaxThreadsPerMultiprocessor, cuDevice));
            return new CudaDevice(ordinal, probe.Gpus[ordinal], context, maxThreads, maxShared, sms, threadsPerSm);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public Device Device { get; }
    public CudaGpuInfo Info { get; }

    /// <summary>CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK (1024 on every current GPU).</summary>
    public int MaxThreadsPerBlock { get; }

    /// <summary>CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT (132 on an H100 SXM; 1 in the emulator).</summary>
    public int MultiprocessorCount { get; }

    /// <summary>CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR (2048 on current GPUs).</summary>
    public int MaxThreadsPerMultiprocessor { get; }

    /// <summary>CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, without opt-in (48 KiB).</summary>
    public int MaxSharedMemoryPerBlock { get; }

    /// <summary>The device's one stream: every copy, kernel, GEMM and convolution goes on it, in order.</summary>
    public CudaStream Stream { get; }

    /// <summary>Device memory: raw blocks behind a <see cref="CachingAllocator"/>.</summary>
    public CudaDeviceAllocator Memory { get; }

    internal CudaContextHandle Context => _context;

    /// <summary>cuBLAS on this device's stream (created on first use).</summary>
    public CudaBlas Blas
    {
        get
        {
            ThrowIfDisposed();
            lock (_lock) return _blas ??= new CudaBlas(this);
        }
    }

    /// <summary>cuDNN on this device's stream (created on first use).</summary>
    public CudaDnn Dnn
    {
        get
        {
            ThrowIfDisposed();
            lock (_lock) return _dnn ??= new CudaDnn(this);
        }
    }

    /// <summary>Makes this device's context current on the calling thread.</summary>
    public void MakeCurrent()
    {
        ThrowIfDisposed();
        CudaCheck.ThrowIfFailed(CudaDriver.cuCtxSetCurrent(_context.Value));
    }

    /// <summary>Waits until everything queued on the device's stream has finished.</summary>
    public void Synchronize() => Stream.Synchronize();

    /// <summary>Free and total device memory (cuMemGetInfo_v2).</summary>
    public (long Free, long Total) MemoryInfo()
    {
        MakeCurrent();
        CudaCheck.ThrowIfFailed(CudaDriver.cuMemGetInfo_v2(out nuint free, out nuint total));
        return ((long)free, (long)total);
    }

    /// <summary>Loads a PTX module on this device; it is unloaded when the device is disposed.</summary>
    /// <exception cref="CudaModuleLoadException">The driver rejected the PTX; the exception carries the JIT log.</exception>
    public CudaModule LoadModule(string ptx, string name) => Own(CudaModule.Load(this, ptx, name));

    /// <summary>Loads an embedded kernels/ family; its kernels' launches are checked against the PTX signatures.</summary>
    /// <exception cref="CudaModuleLoadException">The driver rejected the PTX; the exception carries the JIT log.</exception>
    public CudaModule LoadModule(PtxImage image) => Own(CudaModule.Load(this, image.Text, image.Family, image.Entries));

    /// <summary>A new event (with timing unless <paramref name="timing"/> is false), owned by this device.</summary>
    public CudaEvent CreateEvent(bool timing = true) => Own(new CudaEvent(this, timing));

    // ---- copies and fills on the device's stream ---------------------------------------------

    /// <summary>device[dst..] ← host bytes; queued on the stream (pageable memory: returns once the bytes are staged).</summary>
    public unsafe void CopyToDevice(nint dst, ReadOnlySpan<byte> src)
    {
        if (src.IsEmpty) return;
        MakeCurrent();
        fixed (byte* p = src)
            CudaCheck.ThrowIfFailed(CudaDriver.cuMemcpyHtoDAsync_v2(dst, p, (nuint)src.Length, Stream.Handle));
    }

    /// <summary>host ← device bytes; waits for the stream, so earlier kernels' results are included.</summary>
    public unsafe void CopyToHost(Span<byte> dst, nint src)
    {
        if (dst.IsEmpty) return;
        MakeCurrent();
        fixed (byte* p = dst)
        {
            CudaCheck.ThrowIfFailed(CudaDriver.cuMemcpyDtoHAsync_v2(p, src, (nuint)dst.Length, Stream.Handle));
            Stream.Synchronize();
        }
    }

    /// <summary>device ← device, <paramref name="bytes"/> bytes, queued on the stream.</summary>
    public void CopyDeviceToDevice(nint dst, nint src, long bytes)
    {
        if (bytes == 0) return;
        MakeCurrent();
        CudaCheck.ThrowIfFailed(CudaDriver.cuMemcpyDtoDAsync_v2(dst, src, (nuint)bytes, Stream.Handle));
    }

    /// <summary>Sets <paramref name="count"/> 32-bit words at dst to <paramref name="value"/> (a float's or an int's bits), queued on the stream.</summary>
    public void Fill32(nint dst, uint value, long count)
    {
        if (count == 0) return;
        MakeCurrent();
        CudaCheck.ThrowIfFailed(CudaDriver.cuMemsetD32Async(dst, value, (nuint)count, Stream.Handle));
    }

    // ---- ownership ----------------------------------------------------------------------------

    internal T Own<T>(T child) where T : class, IDisposable
    {
        lock (_lock)
        {
            if (_disposed)
            {
                child.Dispose();
                throw new ObjectDisposedException(Device.ToString());
            }
            _children.Add(child);
        }
        return child;
    }

    internal void Disown(IDisposable child)
    {
        lock (_lock) _children.Remove(child);
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>
    /// Waits for the stream, then releases every child (newest first), the cuDNN and cuBLAS handles,
    /// the device memory, the stream and finally the context. Every step runs even if an earlier one
    /// failed; the failures are thrown together at the end (one, or an <see cref="AggregateException"/>).
    /// </summary>
    public void Dispose()
    {
        List<IDisposable> children;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            children = new List<IDisposable>(_children);
            children.Reverse();
            _children.Clear();
        }

        var errors = new List<Exception>();
        void Step(Action action)
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is CudaException or DllNotFoundException or EntryPointNotFoundException or AggregateException)
            {
                errors.Add(e);
            }
        }

        // Raw calls from here on: the device already counts as disposed for everyone else.
        Step(() => CudaCheck.ThrowIfFailed(CudaDriver.cuCtxSetCurrent(_context.Value)));
        Step(() => CudaCheck.ThrowIfFailed(CudaDriver.cuStreamSynchronize(Stream.Handle)));
        foreach (var child in children) Step(child.Dispose);
        if (_dnn is { } dnn) Step(dnn.Release);
        if (_blas is { } blas) Step(blas.Release);
        Step(Memory.Release);
        Step(Stream.Release);
        Step(_context.DisposeAndThrowOnError);

        if (errors.Count == 1) throw errors[0];
        if (errors.Count > 1) throw new AggregateException($"Disposing {Device} failed {errors.Count} times.", errors);
    }

    public override string ToString() => $"{Device} ({Info})";
}

/// <summary>A CUDA stream (the device creates one; kernels, copies, GEMMs and convolutions are queued on it).</summary>
public sealed class CudaStream
{
    private readonly CudaDevice _device;

    internal CudaStream(CudaDevice device)
    {
        _device = device;
        // Flags 0 (not CU_STREAM_NON_BLOCKING): ordered with the legacy default stream, so a
        // synchronous cuMemcpy* by anyone still sees this stream's earlier work.
        CudaCheck.ThrowIfFailed(CudaDriver.cuStreamCreate(out var handle, CuStreamFlags.Default));
        handle.KeepContextAlive(device.Context);
        Handle = handle;
    }

    internal CudaStreamHandle Handle { get; }

    /// <summary>Blocks until all work queued on the stream is done; a kernel's failure surfaces here.</summary>
    public void Synchronize()
    {
        _device.MakeCurrent();
        CudaCheck.ThrowIfFailed(CudaDriver.cuStreamSynchronize(Handle));
    }

    /// <summary>Destroys the stream (the device does, after everything queued on it).</summary>
    internal void Release() => Handle.DisposeAndThrowOnError();
}

/// <summary>A CUDA event, for timing spans of work on the stream (<see cref="ElapsedMilliseconds"/>).</summary>
public sealed class CudaEvent : IDisposable
{
    private readonly CudaDevice _device;
    private readonly CudaEventHandle _handle;

    internal CudaEvent(CudaDevice device, bool timing)
    {
        _device = device;
        device.MakeCurrent();
        CudaCheck.ThrowIfFailed(CudaDriver.cuEventCreate(out _handle, timing ? CuEventFlags.Default : CuEventFlags.DisableTiming));
        _handle.KeepContextAlive(device.Context);
    }

    /// <summary>Records the event on the device's stream: it completes when the work queued before it has.</summary>
    public void Record()
    {
        _device.MakeCurrent();
        CudaCheck.ThrowIfFailed(CudaDriver.cuEventRecord(_handle, _device.Stream.Handle));
    }

    /// <summary>Blocks until the recorded work has completed.</summary>
    public void Synchronize()
    {
        _device.MakeCurrent();
        CudaCheck.ThrowIfFailed(CudaDriver.cuEventSynchronize(_handle));
    }

    /// <summary>Milliseconds between two recorded events (waits for <paramref name="end"/>).</summary>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        end.Synchronize();
        CudaCheck.ThrowIfFailed(CudaDriver.cuEventElapsedTime(out float ms, start._handle, end._handle));
        return ms;
    }

    public void Dispose()
    {
        _device.Disown(this);
        _handle.DisposeAndThrowOnError();
    }
}

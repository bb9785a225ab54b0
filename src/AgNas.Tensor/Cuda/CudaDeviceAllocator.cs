using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// Device memory of one <see cref="CudaDevice"/>: the shared <see cref="CachingAllocator"/> (size
/// classes, reuse across steps, live/peak/cached counters in <see cref="Stats"/>) over raw
/// cuMemAlloc_v2 / cuMemFree_v2 blocks. Each raw block is a <see cref="CudaDeviceMemoryHandle"/>
/// kept in a table until it is freed, so the device frees every block it ever handed out before
/// it releases its context. An allocation that fails with CUDA_ERROR_OUT_OF_MEMORY throws
/// <see cref="CudaOutOfMemoryException"/>, on which the caching allocator empties its cache and
/// retries once, then throws a <see cref="TensorOutOfMemoryException"/> wrapping it.
/// </summary>
public sealed class CudaDeviceAllocator
{
    private readonly CudaDevice _device;
    private readonly Dictionary<nint, (CudaDeviceMemoryHandle Handle, long Bytes)> _blocks = new();
    private readonly object _lock = new();
    private bool _disposed;

    internal CudaDeviceAllocator(CudaDevice device)
    {
        _device = device;
        Stats = new MemoryStats();
        Caching = new CachingAllocator(device.Device, RawAlloc, RawFree, Stats);
    }

    /// <summary>The allocator tensors rent from (IBackend.Allocator of the CUDA backend).</summary>
    public CachingAllocator Caching { get; }

    /// <summary>Live tensors, live/peak bytes and cached bytes on this device.</summary>
    public MemoryStats Stats { get; }

    /// <summary>Raw blocks currently allocated from the driver (rented or cached).</summary>
    public int RawBlockCount
    {
        get
        {
            lock (_lock) return _blocks.Count;
        }
    }

    /// <summary>Bytes of the raw blocks currently allocated from the driver.</summary>
    public long RawBytes
    {
        get
        {
            lock (_lock) return _rawBytes;
        }
    }

    private long _rawBytes;

    private nint RawAlloc(long bytes)
    {
        if (_disposed) throw new ObjectDisposedException(_device.Device.ToString(), "The device and its memory were disposed.");
        _device.MakeCurrent();
        var status = CudaDriver.cuMemAlloc_v2(out var block, (nuint)bytes);
        if (status == CuResult.OutOfMemory)
        {
            block.Dispose();
            long? free = null, total = null;
            if (CudaDriver.cuMemGetInfo_v2(out nuint f, out nuint t) == CuResult.Success) (free, total) = ((long)f, (long)t);
            throw new CudaOutOfMemoryException(_device.Device, bytes, free, total,
                CudaCheck.Error(status, $"cuMemAlloc_v2(&block, {bytes})"));
        }
        if (status != CuResult.Success)
        {
            block.Dispose();
            throw CudaCheck.Error(status, $"cuMemAlloc_v2(&block, {bytes})");
        }
        block.KeepContextAlive(_device.Context);
        lock (_lock)
        {
            _blocks.Add(block.Value, (block, bytes));
            _rawBytes += bytes;
        }
        return block.Value;
    }

    private void RawFree(nint pointer)
    {
        (CudaDeviceMemoryHandle Handle, long Bytes) block;
        lock (_lock)
        {
            // Unknown pointers were freed already (the device was disposed while a tensor lived on).
            if (!_blocks.Remove(pointer, out block)) return;
            _rawBytes -= block.Bytes;
        }
        block.Handle.DisposeAndThrowOnError();
    }

    /// <summary>
    /// Frees the cache, then every block still rented (tensors that outlive their device point at
    /// freed memory from here on; their later disposal is harmless). Errors of the individual frees
    /// are thrown together after all were attempted. The device calls it, before releasing its context.
    /// </summary>
    internal void Release()
    {
        if (_disposed) return;
        var errors = new List<Exception>();
        try
        {
            Caching.EmptyCache();
        }
        catch (CudaException e)
        {
            errors.Add(e);
        }
        _disposed = true;
        List<CudaDeviceMemoryHandle> leftovers;
        lock (_lock)
        {
            leftovers = _blocks.Values.Select(b => b.Handle).ToList();
            _blocks.Clear();
            _rawBytes = 0;
        }
        foreach (var block in leftovers)
        {
            try
            {
                block.DisposeAndThrowOnError();
            }
            catch (Exception e) when (e is CudaException or DllNotFoundException or EntryPointNotFoundException)
            {
                errors.Add(e);
            }
        }
        if (errors.Count == 1) throw errors[0];
        if (errors.Count > 1) throw new AggregateException($"Freeing the memory of {_device.Device} failed {errors.Count} times.", errors);
    }
}

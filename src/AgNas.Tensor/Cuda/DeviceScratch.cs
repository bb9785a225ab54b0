using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// Device memory rented from the caching allocator for the length of one call (staging buffers,
/// reduction results, cuDNN workspaces). Returning it before the queued work has run is safe: every
/// later use of the block is queued on the same stream. Zero bytes rent nothing (a NULL pointer).
/// </summary>
internal readonly struct DeviceScratch : IDisposable
{
    private readonly CachingAllocator? _allocator;
    private readonly long _capacity;

    public DeviceScratch(CachingAllocator allocator, long bytes)
    {
        if (bytes == 0) return;
        _allocator = allocator;
        (Pointer, _capacity) = allocator.Rent(bytes);
    }

    public nint Pointer { get; }

    public void Dispose() => _allocator?.Return(Pointer, _capacity);
}

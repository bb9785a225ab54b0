namespace AgNas.Tensors.Memory;

/// <summary>
/// Reuses freed blocks by size class, so a training loop that allocates the same shapes every step
/// stops calling the raw allocator after its first step. Sizes are rounded up to one of four
/// classes per power of two (at most 25 % slack). The raw allocate/free functions are the
/// backend's (host memory for the CPU, device memory for CUDA). A raw allocation that fails (an
/// <see cref="OutOfMemoryException"/> from it, or <see cref="LimitBytes"/> reached) empties the cache
/// and retries once; a second failure is a <see cref="TensorOutOfMemoryException"/>.
/// </summary>
public sealed class CachingAllocator : IDisposable
{
    private readonly Func<long, IntPtr> _rawAlloc;
    private readonly Action<IntPtr> _rawFree;
    private readonly Dictionary<long, Stack<IntPtr>> _free = new();
    private readonly object _lock = new();

    private long _limitBytes = long.MaxValue;

    /// <param name="device">Whose memory this is (named in <see cref="TensorOutOfMemoryException"/>).</param>
    /// <param name="rawAlloc">Allocates a block of the given bytes; throws an <see cref="OutOfMemoryException"/> (or a subclass) when it cannot.</param>
    /// <param name="rawFree">Frees a block of rawAlloc.</param>
    /// <param name="stats">The backend's counters.</param>
    public CachingAllocator(Device device, Func<long, IntPtr> rawAlloc, Action<IntPtr> rawFree, MemoryStats stats)
    {
        Device = device;
        _rawAlloc = rawAlloc;
        _rawFree = rawFree;
        Stats = stats;
    }

    public MemoryStats Stats { get; }

    /// <summary>Whose memory this is.</summary>
    public Device Device { get; }

    /// <summary>
    /// The most bytes the allocator may hold (live plus cached, in size classes); a raw allocation
    /// beyond it fails as if the memory were exhausted. <see cref="long.MaxValue"/> (the default) = no
    /// limit. For tests and for emulating a smaller machine.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long LimitBytes
    {
        get => Interlocked.Read(ref _limitBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(LimitBytes));
            Interlocked.Exchange(ref _limitBytes, value);
        }
    }

    /// <summary>The capacity a request of <paramref name="bytes"/> is served with.</summary>
    public static long SizeClass(long bytes)
    {
        if (bytes <= 256) return 256;
        int log = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(bytes - 1));
        long quarter = 1L << Math.Max(log - 2, 0);
        return (bytes + quarter - 1) / quarter * quarter;
    }

    /// <summary>Returns a block of at least <paramref name="bytes"/> bytes and its capacity.</summary>
    /// <exception cref="TensorOutOfMemoryException">The raw allocator failed even after the cache was emptied (the raw
    /// allocator's exception is the inner one).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    public (IntPtr Pointer, long Capacity) Rent(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var cap = SizeClass(bytes);
        lock (_lock)
        {
            if (_free.TryGetValue(cap, out var stack) && stack.Count > 0)
            {
                Stats.CacheChanged(-cap);
                Stats.BytesAcquired(cap);
                return (stack.Pop(), cap);
            }
        }
        IntPtr p;
        try
        {
            p = RawAllocWithinLimit(cap);
        }
        catch (OutOfMemoryException)
        {
            EmptyCache();
            try
            {
                p = RawAllocWithinLimit(cap);
            }
            catch (OutOfMemoryException e)
            {
                throw new TensorOutOfMemoryException(Device, cap, Stats.LiveBytes, Stats.PeakBytes, e);
            }
        }
        Stats.BytesAcquired(cap);
        return (p, cap);
    }

    private IntPtr RawAllocWithinLimit(long cap)
    {
        long limit = LimitBytes;
        if (limit != long.MaxValue && Stats.LiveBytes + Stats.CachedBytes + cap > limit)
            throw new InsufficientMemoryException($"the allocator's limit of {Cuda.CudaFormat.Bytes(limit)} is reached");
        return _rawAlloc(cap);
    }

    public void Return(IntPtr pointer, long capacity)
    {
        Stats.BytesReleased(capacity);
        lock (_lock)
        {
            if (!_free.TryGetValue(capacity, out var stack)) _free[capacity] = stack = new Stack<IntPtr>();
            stack.Push(pointer);
        }
        Stats.CacheChanged(capacity);
    }

    /// <summary>Hands every cached block back to the raw allocator.</summary>
    public void EmptyCache()
    {
        lock (_lock)
        {
            foreach (var (cap, stack) in _free)
            {
                while (stack.Count > 0)
                {
                    _rawFree(stack.Pop());
                    Stats.CacheChanged(-cap);
                }
            }
            _free.Clear();
        }
    }

    public void Dispose() => EmptyCache();
}

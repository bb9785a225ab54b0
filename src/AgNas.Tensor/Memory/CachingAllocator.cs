namespace AgNas.Tensors.Memory;

/// <summary>
/// Reuses freed blocks by size class, so a training loop that allocates the same shapes every step
/// stops calling the raw allocator after its first step. Sizes are rounded up to one of four
/// classes per power of two (at most 25 % slack). The raw allocate/free functions are the
/// backend's (host memory for the CPU, device memory for CUDA).
/// </summary>
public sealed class CachingAllocator : IDisposable
{
    private readonly Func<long, IntPtr> _rawAlloc;
    private readonly Action<IntPtr> _rawFree;
    private readonly Dictionary<long, Stack<IntPtr>> _free = new();
    private readonly object _lock = new();

    public CachingAllocator(Func<long, IntPtr> rawAlloc, Action<IntPtr> rawFree, MemoryStats stats)
    {
        _rawAlloc = rawAlloc;
        _rawFree = rawFree;
        Stats = stats;
    }

    public MemoryStats Stats { get; }

    /// <summary>The capacity a request of <paramref name="bytes"/> is served with.</summary>
    public static long SizeClass(long bytes)
    {
        if (bytes <= 256) return 256;
        int log = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(bytes - 1));
        long quarter = 1L << Math.Max(log - 2, 0);
        return (bytes + quarter - 1) / quarter * quarter;
    }

    /// <summary>Returns a block of at least <paramref name="bytes"/> bytes and its capacity.</summary>
    /// <exception cref="OutOfMemoryException">The raw allocator failed even after the cache was emptied.</exception>
    public (IntPtr Pointer, long Capacity) Rent(long bytes)
    {
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
            p = _rawAlloc(cap);
        }
        catch (OutOfMemoryException)
        {
            EmptyCache();
            p = _rawAlloc(cap);
        }
        Stats.BytesAcquired(cap);
        return (p, cap);
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

namespace AgNas.Tensors.Memory;

/// <summary>
/// Live counters of one backend's memory: tensors not yet disposed, bytes held by live tensors,
/// the peak of live bytes since the last <see cref="ResetPeak"/>, and bytes parked in the cache.
/// Thread-safe.
/// </summary>
public sealed class MemoryStats
{
    private long _liveTensors, _liveBytes, _peakBytes, _cachedBytes;

    public long LiveTensors => Interlocked.Read(ref _liveTensors);
    public long LiveBytes => Interlocked.Read(ref _liveBytes);
    public long PeakBytes => Interlocked.Read(ref _peakBytes);
    public long CachedBytes => Interlocked.Read(ref _cachedBytes);

    /// <summary>Sets the peak to the current live bytes, so the next reading is the peak of what follows.</summary>
    public void ResetPeak() => Interlocked.Exchange(ref _peakBytes, LiveBytes);

    internal void TensorCreated() => Interlocked.Increment(ref _liveTensors);
    internal void TensorDisposed() => Interlocked.Decrement(ref _liveTensors);

    internal void BytesAcquired(long bytes)
    {
        var live = Interlocked.Add(ref _liveBytes, bytes);
        long peak;
        while (live > (peak = Interlocked.Read(ref _peakBytes)))
        {
            if (Interlocked.CompareExchange(ref _peakBytes, live, peak) == peak) break;
        }
    }

    internal void BytesReleased(long bytes) => Interlocked.Add(ref _liveBytes, -bytes);
    internal void CacheChanged(long delta) => Interlocked.Add(ref _cachedBytes, delta);

    public override string ToString() =>
        $"live tensors {LiveTensors}, live {LiveBytes} B, peak {PeakBytes} B, cached {CachedBytes} B";
}

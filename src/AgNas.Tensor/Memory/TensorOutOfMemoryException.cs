using System.Globalization;
using AgNas.Tensors.Cuda;

namespace AgNas.Tensors.Memory;

/// <summary>
/// A tensor allocation that the backend's memory could not serve, even after the allocator's cache
/// was emptied: host memory (native <c>AlignedAlloc</c> failing, or <see cref="CachingAllocator.LimitBytes"/>
/// reached) or device memory (<see cref="CudaOutOfMemoryException"/>, kept as the inner exception).
/// The one-line message names the request, the backend's live and peak bytes at the failure and suggests
/// a smaller batch. Deliberately not an <see cref="OutOfMemoryException"/>: the runtime and the command
/// line treat those as fatal, while this one leaves the process sound (nothing was allocated) and the
/// run folder as it was after its last completed epoch.
/// </summary>
public sealed class TensorOutOfMemoryException : Exception
{
    /// <param name="device">The backend whose memory is exhausted.</param>
    /// <param name="requestedBytes">The size class asked of the raw allocator, bytes.</param>
    /// <param name="liveBytes">Bytes held by live tensors on that backend when it failed.</param>
    /// <param name="peakBytes">The peak of live bytes since the last reset.</param>
    /// <param name="inner">The raw allocator's exception (an <see cref="OutOfMemoryException"/>).</param>
    public TensorOutOfMemoryException(Device device, long requestedBytes, long liveBytes, long peakBytes, Exception? inner)
        : base(FormatMessage(device, requestedBytes, liveBytes, peakBytes, inner), inner)
    {
        Device = device;
        RequestedBytes = requestedBytes;
        LiveBytes = liveBytes;
        PeakBytes = peakBytes;
    }

    public Device Device { get; }

    /// <summary>Bytes requested, after rounding to the allocator's size class.</summary>
    public long RequestedBytes { get; }

    /// <summary>Bytes of live tensors on the backend at the failure.</summary>
    public long LiveBytes { get; }

    /// <summary>Peak live bytes on the backend (since the last <see cref="MemoryStats.ResetPeak"/>).</summary>
    public long PeakBytes { get; }

    private static string FormatMessage(Device device, long requested, long live, long peak, Exception? inner)
    {
        var detail = inner switch
        {
            CudaOutOfMemoryException cuda => "; " + cuda.Message,
            InsufficientMemoryException limit => "; " + limit.Message,
            _ => "", // the runtime's own OutOfMemoryException says nothing more than the above
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"{device}: out of memory allocating {CudaFormat.Bytes(requested)} ({requested} B) with {CudaFormat.Bytes(live)} live and a peak of {CudaFormat.Bytes(peak)}{detail}; try a smaller --batch-size.");
    }
}

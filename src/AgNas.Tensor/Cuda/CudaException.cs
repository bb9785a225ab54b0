namespace AgNas.Tensors.Cuda;

/// <summary>The native libraries of the CUDA backend.</summary>
public enum CudaLibrary
{
    /// <summary>The CUDA driver API (libcuda.so.1).</summary>
    Driver,

    /// <summary>cuBLAS (libcublas.so.13 or .12).</summary>
    Cublas,

    /// <summary>cuDNN (libcudnn.so.9).</summary>
    Cudnn,
}

/// <summary>
/// A CUDA driver, cuBLAS or cuDNN call returned a status other than success. Names the library,
/// the status as the C headers spell it, the library's own description of it, and the call (its
/// source text, from <c>CallerArgumentExpression</c>). Thrown only by <see cref="CudaCheck"/>,
/// <see cref="CublasCheck"/> and <see cref="CudnnCheck"/>; the subclasses carry the typed status.
/// </summary>
public abstract class CudaException : Exception
{
    private protected CudaException(CudaLibrary library, string statusName, string errorString, string call,
        string? detail = null, Exception? inner = null)
        : base(FormatMessage(library, statusName, errorString, OneLine(call), detail), inner)
    {
        Library = library;
        StatusName = statusName;
        ErrorString = errorString;
        Call = OneLine(call);
    }

    /// <summary>Which library returned the status.</summary>
    public CudaLibrary Library { get; }

    /// <summary>The status's C name, e.g. CUDA_ERROR_OUT_OF_MEMORY, CUBLAS_STATUS_INVALID_VALUE, CUDNN_STATUS_BAD_PARAM.</summary>
    public string StatusName { get; }

    /// <summary>The library's description of the status (cuGetErrorString, cudnnGetErrorString, or ours for cuBLAS).</summary>
    public string ErrorString { get; }

    /// <summary>The failing call as written at the call site (a call spread over lines is joined into one).</summary>
    public string Call { get; }

    /// <summary>The library as users know it: "CUDA driver", "cuBLAS", "cuDNN".</summary>
    public static string DisplayName(CudaLibrary library) => library switch
    {
        CudaLibrary.Driver => "CUDA driver",
        CudaLibrary.Cublas => "cuBLAS",
        CudaLibrary.Cudnn => "cuDNN",
        _ => library.ToString(),
    };

    /// <summary>Collapses the line breaks and indentation of a multi-line call expression.</summary>
    private static string OneLine(string call) =>
        string.Join(' ', call.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string FormatMessage(CudaLibrary library, string statusName, string errorString, string call, string? detail)
    {
        var message = $"{DisplayName(library)}: {statusName} ({errorString}) from {call}";
        return detail is null ? message : message + Environment.NewLine + detail;
    }
}

/// <summary>A CUDA driver API call failed.</summary>
public class CudaDriverException : CudaException
{
    internal CudaDriverException(CuResult status, string statusName, string errorString, string call, string? detail = null)
        : base(CudaLibrary.Driver, statusName, errorString, call, detail)
    {
        Status = status;
    }

    public CuResult Status { get; }
}

/// <summary>
/// cuModuleLoadDataEx rejected a PTX image. <see cref="JitLog"/> is the driver JIT's error log
/// (the line and the PTX problem), also appended to the message.
/// </summary>
public sealed class CudaModuleLoadException : CudaDriverException
{
    internal CudaModuleLoadException(CuResult status, string statusName, string errorString, string call, string jitLog)
        : base(status, statusName, errorString, call,
            jitLog.Length == 0 ? "JIT error log: (empty)" : "JIT error log:" + Environment.NewLine + jitLog)
    {
        JitLog = jitLog;
    }

    public string JitLog { get; }
}

/// <summary>A cuBLAS call failed.</summary>
public sealed class CublasException : CudaException
{
    internal CublasException(CublasStatus status, string statusName, string errorString, string call)
        : base(CudaLibrary.Cublas, statusName, errorString, call)
    {
        Status = status;
    }

    public CublasStatus Status { get; }
}

/// <summary>A cuDNN call failed.</summary>
public sealed class CudnnException : CudaException
{
    internal CudnnException(CudnnStatus status, string statusName, string errorString, string call)
        : base(CudaLibrary.Cudnn, statusName, errorString, call)
    {
        Status = status;
    }

    public CudnnStatus Status { get; }
}

/// <summary>
/// A device allocation failed with CUDA_ERROR_OUT_OF_MEMORY. An <see cref="OutOfMemoryException"/>,
/// so <see cref="Memory.CachingAllocator"/> empties its cache and retries once, then wraps it in a
/// <see cref="Memory.TensorOutOfMemoryException"/> (what callers see); the driver's
/// exception is the inner exception.
/// </summary>
public sealed class CudaOutOfMemoryException : OutOfMemoryException
{
    internal CudaOutOfMemoryException(Device device, long requestedBytes, long? freeBytes, long? totalBytes, CudaDriverException inner)
        : base(FormatMessage(device, requestedBytes, freeBytes, totalBytes), inner)
    {
        Device = device;
        RequestedBytes = requestedBytes;
    }

    public Device Device { get; }
    public long RequestedBytes { get; }

    private static string FormatMessage(Device device, long requested, long? free, long? total)
    {
        var where = free is { } f && total is { } t
            ? $" ({CudaFormat.Bytes(f)} free of {CudaFormat.Bytes(t)})"
            : "";
        return $"{device}: out of device memory allocating {CudaFormat.Bytes(requested)}{where}";
    }
}

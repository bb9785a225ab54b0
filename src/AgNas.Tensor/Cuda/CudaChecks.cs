using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// The one check for CUDA driver statuses: anything but <see cref="CuResult.Success"/> becomes a
/// <see cref="CudaDriverException"/> naming the status (CUDA_ERROR_…), the driver's description of
/// it and the call's source text. Wrap every driver call: <c>CudaCheck.ThrowIfFailed(CudaDriver.cuInit(0));</c>
/// </summary>
public static class CudaCheck
{
    /// <exception cref="CudaDriverException">status is not success.</exception>
    public static void ThrowIfFailed(CuResult status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != CuResult.Success) throw Error(status, call);
    }

    /// <summary>The exception <see cref="ThrowIfFailed"/> would throw (for callers that add context first).</summary>
    public static CudaDriverException Error(CuResult status, string call) =>
        new(status, StatusName(status), ErrorString(status), call);

    /// <summary>
    /// For release paths: null when the object is gone (success, or CUDA_ERROR_DEINITIALIZED: the
    /// driver is shutting down and took it with it), else the exception, not thrown.
    /// </summary>
    internal static CudaDriverException? ReleaseError(CuResult status, string call) =>
        status is CuResult.Success or CuResult.Deinitialized ? null : Error(status, call);

    /// <summary>The C name: CUDA_SUCCESS, CUDA_ERROR_OUT_OF_MEMORY, ...</summary>
    public static string StatusName(CuResult status)
    {
        if (status == CuResult.Success) return "CUDA_SUCCESS";
        if (Enum.IsDefined(status)) return "CUDA_ERROR_" + StatusNames.UpperSnake(status.ToString());
        return DriverString(status, name: true) ?? $"CUresult {(int)status}";
    }

    /// <summary>cuGetErrorString's text when the driver is loaded; a short description of our own otherwise.</summary>
    public static string ErrorString(CuResult status) =>
        DriverString(status, name: false) ?? Describe(status);

    private static unsafe string? DriverString(CuResult status, bool name)
    {
        if (!CudaLibraries.IsLoaded(CudaLibrary.Driver)) return null;
        try
        {
            nint text;
            var rc = name ? CudaDriver.cuGetErrorName(status, out text) : CudaDriver.cuGetErrorString(status, out text);
            return rc == CuResult.Success && text != 0 ? Marshal.PtrToStringUTF8(text) : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // an emulator without these exports: fall back to our descriptions
        }
    }

    private static string Describe(CuResult status) => status switch
    {
        CuResult.Success => "no error",
        CuResult.InvalidValue => "invalid argument",
        CuResult.OutOfMemory => "out of memory",
        CuResult.NotInitialized => "initialization error (cuInit not called or failed)",
        CuResult.Deinitialized => "driver shutting down",
        CuResult.StubLibrary => "CUDA driver is a stub library",
        CuResult.DeviceUnavailable => "CUDA-capable device(s) is/are busy or unavailable",
        CuResult.NoDevice => "no CUDA-capable device is detected",
        CuResult.InvalidDevice => "invalid device ordinal",
        CuResult.InvalidImage => "device kernel image is invalid",
        CuResult.InvalidContext => "invalid device context",
        CuResult.NoBinaryForGpu => "no kernel image is available for execution on the device",
        CuResult.InvalidPtx => "a PTX JIT compilation failed",
        CuResult.UnsupportedPtxVersion => "the provided PTX was compiled with an unsupported toolchain",
        CuResult.JitCompilerNotFound => "PTX JIT compiler library not found",
        CuResult.InvalidHandle => "invalid resource handle",
        CuResult.NotFound => "named symbol not found",
        CuResult.NotReady => "device not ready",
        CuResult.IllegalAddress => "an illegal memory access was encountered",
        CuResult.LaunchOutOfResources => "too many resources requested for launch",
        CuResult.LaunchTimeout => "the launch timed out and was terminated",
        CuResult.Assert => "device-side assert triggered",
        CuResult.MisalignedAddress => "misaligned address",
        CuResult.LaunchFailed => "unspecified launch failure",
        CuResult.NotSupported => "operation not supported",
        CuResult.SystemDriverMismatch => "system has unsupported display driver / cuda driver combination",
        CuResult.Unknown => "unknown error",
        _ => "see the CUDA driver API documentation for this status",
    };
}

/// <summary>
/// The one check for cuBLAS statuses: anything but <see cref="CublasStatus.Success"/> becomes a
/// <see cref="CublasException"/> naming the status (CUBLAS_STATUS_…), its meaning and the call.
/// </summary>
public static class CublasCheck
{
    /// <exception cref="CublasException">status is not success.</exception>
    public static void ThrowIfFailed(CublasStatus status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != CublasStatus.Success) throw Error(status, call);
    }

    public static CublasException Error(CublasStatus status, string call) =>
        new(status, StatusName(status), ErrorString(status), call);

    internal static CublasException? ReleaseError(CublasStatus status, string call) =>
        status == CublasStatus.Success ? null : Error(status, call);

    public static string StatusName(CublasStatus status) =>
        Enum.IsDefined(status) ? "CUBLAS_STATUS_" + StatusNames.UpperSnake(status.ToString()) : $"cublasStatus_t {(int)status}";

    /// <summary>
    /// cuBLAS's own cublasGetStatusString is not bound (one export fewer for the emulator to
    /// provide); these follow the cuBLAS documentation of each status.
    /// </summary>
    public static string ErrorString(CublasStatus status) => status switch
    {
        CublasStatus.Success => "the operation completed successfully",
        CublasStatus.NotInitialized => "the cuBLAS library was not initialized (no handle, or the CUDA runtime could not start)",
        CublasStatus.AllocFailed => "resource allocation failed inside the cuBLAS library",
        CublasStatus.InvalidValue => "an unsupported value or parameter was passed to the function",
        CublasStatus.ArchMismatch => "the function requires a feature absent from the device architecture",
        CublasStatus.MappingError => "an access to GPU memory space failed",
        CublasStatus.ExecutionFailed => "the GPU program failed to execute",
        CublasStatus.InternalError => "an internal cuBLAS operation failed",
        CublasStatus.NotSupported => "the functionality requested is not supported",
        CublasStatus.LicenseError => "the functionality requested requires a license",
        _ => "unknown cuBLAS status",
    };
}

/// <summary>
/// The one check for cuDNN statuses: anything but <see cref="CudnnStatus.Success"/> becomes a
/// <see cref="CudnnException"/> naming the status (CUDNN_STATUS_…), cudnnGetErrorString's text and the call.
/// </summary>
public static class CudnnCheck
{
    /// <exception cref="CudnnException">status is not success.</exception>
    public static void ThrowIfFailed(CudnnStatus status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != CudnnStatus.Success) throw Error(status, call);
    }

    public static CudnnException Error(CudnnStatus status, string call) =>
        new(status, StatusName(status), ErrorString(status), call);

    internal static CudnnException? ReleaseError(CudnnStatus status, string call) =>
        status == CudnnStatus.Success ? null : Error(status, call);

    public static string StatusName(CudnnStatus status) =>
        Enum.IsDefined(status) ? "CUDNN_STATUS_" + StatusNames.UpperSnake(status.ToString()) : $"cudnnStatus_t {(int)status}";

    /// <summary>cudnnGetErrorString's text when cuDNN is loaded; the status's category otherwise.</summary>
    public static string ErrorString(CudnnStatus status)
    {
        if (CudaLibraries.IsLoaded(CudaLibrary.Cudnn))
        {
            try
            {
                var text = Cudnn.cudnnGetErrorString(status);
                if (text != 0 && Marshal.PtrToStringUTF8(text) is { Length: > 0 } s) return s;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // fall through to the category
            }
        }
        return ((int)status / 1000) switch
        {
            0 => "success",
            1 => "cuDNN is not initialized or its sub-libraries do not match",
            2 => "a parameter is invalid",
            3 => "the configuration is not supported",
            4 => "internal cuDNN error",
            5 => "execution on the GPU failed",
            _ => "unknown cuDNN status",
        };
    }
}

/// <summary>PascalCase enum member → the C headers' UPPER_SNAKE spelling.</summary>
internal static class StatusNames
{
    public static string UpperSnake(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]))) sb.Append('_');
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }
}

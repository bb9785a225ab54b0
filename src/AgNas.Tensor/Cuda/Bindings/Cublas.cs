using System.Runtime.InteropServices;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// cuBLAS (libcublas.so.13 or .12), only the functions the backend uses, under their exported
/// names. Column-major, as cuBLAS is; <see cref="CudaBlas"/> turns the backend's row-major GEMMs
/// into these calls. alpha and beta are host pointers (the default CUBLAS_POINTER_MODE_HOST).
/// Every function returns <see cref="CublasStatus"/>; callers pass it to <see cref="CublasCheck"/>.
/// </summary>
internal static unsafe partial class Cublas
{
    public const string LibraryName = "agnas-cublas";

    static Cublas() => NativeLibraries.EnsureRegistered();

    [LibraryImport(LibraryName)]
    public static partial CublasStatus cublasCreate_v2(out CublasHandle handle);

    [LibraryImport(LibraryName)]
    public static partial CublasStatus cublasDestroy_v2(nint handle);

    /// <summary>CUBLAS_VERSION encoding: major·10000 + minor·100 + patch (cuBLAS 11 and later).</summary>
    [LibraryImport(LibraryName)]
    public static partial CublasStatus cublasGetVersion_v2(CublasHandle handle, out int version);

    [LibraryImport(LibraryName)]
    public static partial CublasStatus cublasSetStream_v2(CublasHandle handle, CudaStreamHandle streamId);

    /// <summary>C(m,n) ← alpha·op(A)·op(B) + beta·C, column-major; A, B, C device pointers.</summary>
    [LibraryImport(LibraryName)]
    public static partial CublasStatus cublasSgemm_v2(CublasHandle handle, CublasOperation transa, CublasOperation transb,
        int m, int n, int k, float* alpha, nint a, int lda, nint b, int ldb, float* beta, nint c, int ldc);

    /// <summary>batchCount GEMMs; matrix i of A starts at A + i·strideA elements (likewise B, C).</summary>
    [LibraryImport(LibraryName)]
    public static partial CublasStatus cublasSgemmStridedBatched(CublasHandle handle, CublasOperation transa,
        CublasOperation transb, int m, int n, int k, float* alpha, nint a, int lda, long strideA, nint b, int ldb,
        long strideB, float* beta, nint c, int ldc, long strideC, int batchCount);
}

/// <summary>
/// cublasStatus_t (cublas_api.h, cuBLAS 12.6): every value. Names are the C names in PascalCase
/// without the CUBLAS_STATUS_ prefix.
/// </summary>
public enum CublasStatus
{
    Success = 0,
    NotInitialized = 1,
    AllocFailed = 3,
    InvalidValue = 7,
    ArchMismatch = 8,
    MappingError = 11,
    ExecutionFailed = 13,
    InternalError = 14,
    NotSupported = 15,
    LicenseError = 16,
}

/// <summary>cublasOperation_t (cublas_api.h).</summary>
internal enum CublasOperation
{
    N = 0,
    T = 1,
    C = 2,
}

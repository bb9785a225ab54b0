namespace AgNas.Tensors.Cuda;

/// <summary>
/// cuBLAS on one device's stream. The GEMMs take the row-major arguments of
/// <see cref="Cpu.Cblas.Sgemm"/> (so the CPU and CUDA backends state a GEMM the same way) and
/// call column-major cuBLAS on the transposed problem: row-major C = op(A)·op(B) is column-major
/// Cᵀ = op(B)ᵀ·op(A)ᵀ, i.e. cublasSgemm(opB, opA, n, m, k, B, ldb, A, lda, C, ldc).
/// </summary>
public sealed class CudaBlas
{
    private readonly CudaDevice _device;
    private readonly CublasHandle _handle;

    internal CudaBlas(CudaDevice device)
    {
        _device = device;
        device.MakeCurrent();
        CublasCheck.ThrowIfFailed(Cublas.cublasCreate_v2(out _handle));
        _handle.KeepContextAlive(device.Context);
        try
        {
            CublasCheck.ThrowIfFailed(Cublas.cublasSetStream_v2(_handle, device.Stream.Handle));
            CublasCheck.ThrowIfFailed(Cublas.cublasGetVersion_v2(_handle, out int version));
            Version = CudaFormat.CublasVersion(version);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    /// <summary>The cuBLAS version, e.g. "12.6.4".</summary>
    public string Version { get; }

    /// <summary>
    /// Row-major C(m,n) ← alpha·op(A)·op(B) + beta·C with op(A) (m,k), op(B) (k,n); a, b, c device
    /// pointers; lda, ldb, ldc row strides in elements.
    /// </summary>
    public unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, nint a, int lda,
        nint b, int ldb, float beta, nint c, int ldc)
    {
        if (m == 0 || n == 0) return;
        _device.MakeCurrent();
        CublasCheck.ThrowIfFailed(Cublas.cublasSgemm_v2(_handle, Op(transB), Op(transA), n, m, k,
            &alpha, b, ldb, a, lda, &beta, c, ldc));
    }

    /// <summary>
    /// <paramref name="batch"/> row-major GEMMs as <see cref="Sgemm"/>; matrix i of A starts
    /// <paramref name="strideA"/> elements after matrix i − 1 (likewise B, C).
    /// </summary>
    public unsafe void SgemmStridedBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        nint a, int lda, long strideA, nint b, int ldb, long strideB, float beta, nint c, int ldc, long strideC, int batch)
    {
        if (m == 0 || n == 0 || batch == 0) return;
        _device.MakeCurrent();
        CublasCheck.ThrowIfFailed(Cublas.cublasSgemmStridedBatched(_handle, Op(transB), Op(transA), n, m, k,
            &alpha, b, ldb, strideB, a, lda, strideA, &beta, c, ldc, strideC, batch));
    }

    private static CublasOperation Op(bool transpose) => transpose ? CublasOperation.T : CublasOperation.N;

    /// <summary>Destroys the handle (the device does, when it is disposed).</summary>
    internal void Release() => _handle.DisposeAndThrowOnError();
}

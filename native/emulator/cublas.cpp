// cublas.cpp — the cuBLAS subset AgNas calls, as reference loops (column-major, as the real library;
// float64 accumulation; alpha/beta read from host memory, CUBLAS_POINTER_MODE_HOST). When beta is 0,
// C is not read (NaN in C does not propagate), as in cuBLAS. Matrix extents are checked to lie inside
// device allocations; a violation returns CUBLAS_STATUS_EXECUTION_FAILED (the real library would
// fault on the device). A test instrument, not a fast path.
#define AGNAS_EMU_BUILDING 1
#include "agnas_emu_api.h"
#include "emu_internal.h"

#include <string>

struct cublasContext
{
    cudaStream_t stream = nullptr;
    cublasMath_t mathMode = CUBLAS_DEFAULT_MATH;
};

namespace {
using namespace agnas_emu;

cublasStatus_t fail(cublasStatus_t code, const std::string& detail)
{
    setDetail(LibCublas, code, detail);
    return code;
}

// Bytes spanned by a column-major rows × cols matrix with leading dimension ld.
size_t span(int rows, int cols, int ld)
{
    if (rows == 0 || cols == 0) return 0;
    return (static_cast<size_t>(cols - 1) * ld + rows) * sizeof(float);
}

cublasStatus_t checkGemm(cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* alpha,
                         int lda, int ldb, const float* beta, int ldc)
{
    if (transa < CUBLAS_OP_N || transa > CUBLAS_OP_C || transb < CUBLAS_OP_N || transb > CUBLAS_OP_C)
        return fail(CUBLAS_STATUS_INVALID_VALUE, "unknown cublasOperation_t");
    if (m < 0 || n < 0 || k < 0) return fail(CUBLAS_STATUS_INVALID_VALUE, "m, n and k must be >= 0");
    const int rowsA = transa == CUBLAS_OP_N ? m : k, rowsB = transb == CUBLAS_OP_N ? k : n;
    if (lda < (rowsA > 1 ? rowsA : 1)) return fail(CUBLAS_STATUS_INVALID_VALUE, "lda < max(1, rows of op(A) storage)");
    if (ldb < (rowsB > 1 ? rowsB : 1)) return fail(CUBLAS_STATUS_INVALID_VALUE, "ldb < max(1, rows of op(B) storage)");
    if (ldc < (m > 1 ? m : 1)) return fail(CUBLAS_STATUS_INVALID_VALUE, "ldc < max(1, m)");
    if (!alpha || !beta) return fail(CUBLAS_STATUS_INVALID_VALUE, "alpha and beta must be host pointers, not NULL");
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t checkOperands(cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* A,
                             int lda, const float* B, int ldb, const float* C, int ldc, bool useAB)
{
    const int rowsA = transa == CUBLAS_OP_N ? m : k, colsA = transa == CUBLAS_OP_N ? k : m;
    const int rowsB = transb == CUBLAS_OP_N ? k : n, colsB = transb == CUBLAS_OP_N ? n : k;
    if (useAB && span(rowsA, colsA, lda) && !isDeviceRange(A, span(rowsA, colsA, lda)))
        return fail(CUBLAS_STATUS_EXECUTION_FAILED, "A is not (wholly) inside a device allocation");
    if (useAB && span(rowsB, colsB, ldb) && !isDeviceRange(B, span(rowsB, colsB, ldb)))
        return fail(CUBLAS_STATUS_EXECUTION_FAILED, "B is not (wholly) inside a device allocation");
    if (span(m, n, ldc) && !isDeviceRange(C, span(m, n, ldc)))
        return fail(CUBLAS_STATUS_EXECUTION_FAILED, "C is not (wholly) inside a device allocation");
    return CUBLAS_STATUS_SUCCESS;
}

void gemm(cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc)
{
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i)
        {
            double acc = 0.0;
            if (alpha != 0.0f)
                for (int l = 0; l < k; ++l)
                {
                    const float a = transa == CUBLAS_OP_N ? A[i + static_cast<size_t>(l) * lda] : A[l + static_cast<size_t>(i) * lda];
                    const float b = transb == CUBLAS_OP_N ? B[l + static_cast<size_t>(j) * ldb] : B[j + static_cast<size_t>(l) * ldb];
                    acc += static_cast<double>(a) * b;
                }
            float& c = C[i + static_cast<size_t>(j) * ldc];
            c = beta == 0.0f ? static_cast<float>(alpha * acc) : static_cast<float>(alpha * acc + static_cast<double>(beta) * c);
        }
}

const char* statusName(cublasStatus_t s)
{
    switch (s)
    {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

const char* statusText(cublasStatus_t s)
{
    switch (s)
    {
    case CUBLAS_STATUS_SUCCESS: return "success";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "the library was not initialized";
    case CUBLAS_STATUS_ALLOC_FAILED: return "the resource allocation failed";
    case CUBLAS_STATUS_INVALID_VALUE: return "an invalid numeric value was used as an argument";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "an absent device architectural feature is required";
    case CUBLAS_STATUS_MAPPING_ERROR: return "an access to GPU memory space failed";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "the GPU program failed to execute";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "an internal operation failed";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "the functionality requested is not supported";
    case CUBLAS_STATUS_LICENSE_ERROR: return "the functionality requested requires some license";
    default: return "unknown cuBLAS status";
    }
}
} // namespace

extern "C" {

AGNAS_EMU_EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t* handle)
{
    if (!handle) return fail(CUBLAS_STATUS_INVALID_VALUE, "cublasCreate: null pointer");
    *handle = new cublasContext();
    return CUBLAS_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
{
    if (!handle) return fail(CUBLAS_STATUS_NOT_INITIALIZED, "cublasDestroy: null handle");
    delete handle;
    return CUBLAS_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)
{
    if (!handle) return fail(CUBLAS_STATUS_NOT_INITIALIZED, "cublasSetStream: null handle");
    handle->stream = streamId;
    return CUBLAS_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version)
{
    if (!handle) return fail(CUBLAS_STATUS_NOT_INITIALIZED, "cublasGetVersion: null handle");
    if (!version) return fail(CUBLAS_STATUS_INVALID_VALUE, "cublasGetVersion: null pointer");
    *version = 120800; // reports itself as cuBLAS 12.8's API
    return CUBLAS_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)
{
    if (!handle) return fail(CUBLAS_STATUS_NOT_INITIALIZED, "cublasSetMathMode: null handle");
    handle->mathMode = mode;
    return CUBLAS_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT const char* cublasGetStatusName(cublasStatus_t status) { return statusName(status); }

AGNAS_EMU_EXPORT const char* cublasGetStatusString(cublasStatus_t status)
{
    return withDetail(LibCublas, status, statusText(status));
}

AGNAS_EMU_EXPORT cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                                               int m, int n, int k, const float* alpha, const float* A, int lda,
                                               const float* B, int ldb, const float* beta, float* C, int ldc)
{
    if (!handle) return fail(CUBLAS_STATUS_NOT_INITIALIZED, "cublasSgemm: null handle");
    if (cublasStatus_t s = checkGemm(transa, transb, m, n, k, alpha, lda, ldb, beta, ldc)) return s;
    if (m == 0 || n == 0) return CUBLAS_STATUS_SUCCESS;
    if (cublasStatus_t s = checkOperands(transa, transb, m, n, k, A, lda, B, ldb, C, ldc, k > 0 && *alpha != 0.0f)) return s;
    gemm(transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
    return CUBLAS_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
                                                          cublasOperation_t transb, int m, int n, int k,
                                                          const float* alpha, const float* A, int lda,
                                                          long long int strideA, const float* B, int ldb,
                                                          long long int strideB, const float* beta, float* C, int ldc,
                                                          long long int strideC, int batchCount)
{
    if (!handle) return fail(CUBLAS_STATUS_NOT_INITIALIZED, "cublasSgemmStridedBatched: null handle");
    if (cublasStatus_t s = checkGemm(transa, transb, m, n, k, alpha, lda, ldb, beta, ldc)) return s;
    if (batchCount < 0) return fail(CUBLAS_STATUS_INVALID_VALUE, "batchCount < 0");
    if (m == 0 || n == 0) return CUBLAS_STATUS_SUCCESS;
    const bool useAB = k > 0 && *alpha != 0.0f;
    for (int b = 0; b < batchCount; ++b)
        if (cublasStatus_t s = checkOperands(transa, transb, m, n, k, A + b * strideA, lda, B + b * strideB, ldb,
                                             C + b * strideC, ldc, useAB))
            return s;
    for (int b = 0; b < batchCount; ++b)
        gemm(transa, transb, m, n, k, *alpha, A + b * strideA, lda, B + b * strideB, ldb, *beta, C + b * strideC, ldc);
    return CUBLAS_STATUS_SUCCESS;
}

} // extern "C"

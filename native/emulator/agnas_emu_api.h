// agnas_emu_api.h — the C ABI that libagnas_cuda_emu.so exports: the subset of the CUDA driver API
// (cuda.h), cuBLAS (cublas_v2.h) and cuDNN 9 (cudnn.h) that AgNas's C# bindings call, with the real
// names, signatures and status values (statuses as ints). Written from the public API documentation;
// no NVIDIA header is needed. The native tests include it; the C# bindings declare the same functions.
#pragma once
#include <stddef.h>

#if defined(__cplusplus)
extern "C" {
#endif

#if defined(AGNAS_EMU_BUILDING)
#define AGNAS_EMU_EXPORT __attribute__((visibility("default")))
#else
#define AGNAS_EMU_EXPORT
#endif

// ==== driver API (cuda.h) ==========================================================================
typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st* CUcontext;
typedef struct CUmod_st* CUmodule;
typedef struct CUfunc_st* CUfunction;
typedef struct CUstream_st* CUstream;
typedef struct CUevent_st* CUevent;
typedef int CUdevice_attribute;
typedef int CUjit_option;

enum
{
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_DEINITIALIZED = 4,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    CUDA_ERROR_INVALID_PTX = 218,
    CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
    CUDA_ERROR_INVALID_SOURCE = 300,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_NOT_PERMITTED = 800,
    CUDA_ERROR_NOT_SUPPORTED = 801,
    CUDA_ERROR_UNKNOWN = 999
};

enum
{
    CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
    CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X = 2,
    CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y = 3,
    CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z = 4,
    CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5,
    CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y = 6,
    CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z = 7,
    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
    CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY = 9,
    CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10,
    CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK = 12,
    CU_DEVICE_ATTRIBUTE_CLOCK_RATE = 13,
    CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
    CU_DEVICE_ATTRIBUTE_INTEGRATED = 18,
    CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS = 31,
    CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE = 36,
    CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH = 37,
    CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38,
    CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR = 39,
    CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING = 41,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR = 81,
    CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR = 82,
    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97
};

enum
{
    CU_JIT_MAX_REGISTERS = 0,
    CU_JIT_THREADS_PER_BLOCK = 1,
    CU_JIT_WALL_TIME = 2,
    CU_JIT_INFO_LOG_BUFFER = 3,
    CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
    CU_JIT_ERROR_LOG_BUFFER = 5,
    CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
    CU_JIT_OPTIMIZATION_LEVEL = 7,
    CU_JIT_LOG_VERBOSE = 12
};

enum { CU_STREAM_DEFAULT = 0, CU_STREAM_NON_BLOCKING = 1 };
enum { CU_EVENT_DEFAULT = 0, CU_EVENT_BLOCKING_SYNC = 1, CU_EVENT_DISABLE_TIMING = 2 };
#define CU_STREAM_LEGACY ((CUstream)0x1)
#define CU_STREAM_PER_THREAD ((CUstream)0x2)

AGNAS_EMU_EXPORT CUresult cuInit(unsigned int flags);
AGNAS_EMU_EXPORT CUresult cuDriverGetVersion(int* driverVersion);
AGNAS_EMU_EXPORT CUresult cuDeviceGetCount(int* count);
AGNAS_EMU_EXPORT CUresult cuDeviceGet(CUdevice* device, int ordinal);
AGNAS_EMU_EXPORT CUresult cuDeviceGetName(char* name, int len, CUdevice dev);
AGNAS_EMU_EXPORT CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev);
AGNAS_EMU_EXPORT CUresult cuDeviceGetAttribute(int* pi, CUdevice_attribute attrib, CUdevice dev);
AGNAS_EMU_EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice dev);
AGNAS_EMU_EXPORT CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev);
AGNAS_EMU_EXPORT CUresult cuCtxSetCurrent(CUcontext ctx);
AGNAS_EMU_EXPORT CUresult cuCtxGetCurrent(CUcontext* pctx);
AGNAS_EMU_EXPORT CUresult cuCtxSynchronize(void);
AGNAS_EMU_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytesize);
AGNAS_EMU_EXPORT CUresult cuMemFree_v2(CUdeviceptr dptr);
AGNAS_EMU_EXPORT CUresult cuMemGetInfo_v2(size_t* free, size_t* total);
AGNAS_EMU_EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dstDevice, const void* srcHost, size_t byteCount);
AGNAS_EMU_EXPORT CUresult cuMemcpyDtoH_v2(void* dstHost, CUdeviceptr srcDevice, size_t byteCount);
AGNAS_EMU_EXPORT CUresult cuMemcpyDtoD_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t byteCount);
AGNAS_EMU_EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dstDevice, const void* srcHost, size_t byteCount, CUstream hStream);
AGNAS_EMU_EXPORT CUresult cuMemcpyDtoHAsync_v2(void* dstHost, CUdeviceptr srcDevice, size_t byteCount, CUstream hStream);
AGNAS_EMU_EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t byteCount, CUstream hStream);
AGNAS_EMU_EXPORT CUresult cuMemsetD8_v2(CUdeviceptr dstDevice, unsigned char uc, size_t n);
AGNAS_EMU_EXPORT CUresult cuMemsetD32_v2(CUdeviceptr dstDevice, unsigned int ui, size_t n);
AGNAS_EMU_EXPORT CUresult cuMemsetD8Async(CUdeviceptr dstDevice, unsigned char uc, size_t n, CUstream hStream);
AGNAS_EMU_EXPORT CUresult cuMemsetD32Async(CUdeviceptr dstDevice, unsigned int ui, size_t n, CUstream hStream);
AGNAS_EMU_EXPORT CUresult cuStreamCreate(CUstream* phStream, unsigned int flags);
AGNAS_EMU_EXPORT CUresult cuStreamDestroy_v2(CUstream hStream);
AGNAS_EMU_EXPORT CUresult cuStreamSynchronize(CUstream hStream);
AGNAS_EMU_EXPORT CUresult cuEventCreate(CUevent* phEvent, unsigned int flags);
AGNAS_EMU_EXPORT CUresult cuEventRecord(CUevent hEvent, CUstream hStream);
AGNAS_EMU_EXPORT CUresult cuEventSynchronize(CUevent hEvent);
AGNAS_EMU_EXPORT CUresult cuEventQuery(CUevent hEvent);
AGNAS_EMU_EXPORT CUresult cuEventElapsedTime(float* pMilliseconds, CUevent hStart, CUevent hEnd);
AGNAS_EMU_EXPORT CUresult cuEventDestroy_v2(CUevent hEvent);
AGNAS_EMU_EXPORT CUresult cuModuleLoadData(CUmodule* module, const void* image);
AGNAS_EMU_EXPORT CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int numOptions,
                                             CUjit_option* options, void** optionValues);
AGNAS_EMU_EXPORT CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name);
AGNAS_EMU_EXPORT CUresult cuModuleUnload(CUmodule hmod);
AGNAS_EMU_EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                         unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
                                         unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream,
                                         void** kernelParams, void** extra);
AGNAS_EMU_EXPORT CUresult cuGetErrorName(CUresult error, const char** pStr);
AGNAS_EMU_EXPORT CUresult cuGetErrorString(CUresult error, const char** pStr);

// ==== cuBLAS (cublas_v2.h) =========================================================================
typedef int cublasStatus_t;
typedef struct cublasContext* cublasHandle_t;
typedef int cublasOperation_t;
typedef int cublasMath_t;
typedef CUstream cudaStream_t;

enum
{
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_ALLOC_FAILED = 3,
    CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_ARCH_MISMATCH = 8,
    CUBLAS_STATUS_MAPPING_ERROR = 11,
    CUBLAS_STATUS_EXECUTION_FAILED = 13,
    CUBLAS_STATUS_INTERNAL_ERROR = 14,
    CUBLAS_STATUS_NOT_SUPPORTED = 15,
    CUBLAS_STATUS_LICENSE_ERROR = 16
};
enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2 };
enum { CUBLAS_DEFAULT_MATH = 0, CUBLAS_TENSOR_OP_MATH = 1, CUBLAS_PEDANTIC_MATH = 2, CUBLAS_TF32_TENSOR_OP_MATH = 3 };

AGNAS_EMU_EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t* handle);
AGNAS_EMU_EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);
AGNAS_EMU_EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId);
AGNAS_EMU_EXPORT cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version);
AGNAS_EMU_EXPORT cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode);
AGNAS_EMU_EXPORT const char* cublasGetStatusName(cublasStatus_t status);
AGNAS_EMU_EXPORT const char* cublasGetStatusString(cublasStatus_t status);
AGNAS_EMU_EXPORT cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                                               int m, int n, int k, const float* alpha, const float* A, int lda,
                                               const float* B, int ldb, const float* beta, float* C, int ldc);
AGNAS_EMU_EXPORT cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
                                                          cublasOperation_t transb, int m, int n, int k,
                                                          const float* alpha, const float* A, int lda,
                                                          long long int strideA, const float* B, int ldb,
                                                          long long int strideB, const float* beta, float* C, int ldc,
                                                          long long int strideC, int batchCount);

// ==== cuDNN 9 (cudnn.h) ============================================================================
typedef int cudnnStatus_t;
typedef struct cudnnContext* cudnnHandle_t;
typedef struct cudnnTensorStruct* cudnnTensorDescriptor_t;
typedef struct cudnnFilterStruct* cudnnFilterDescriptor_t;
typedef struct cudnnConvolutionStruct* cudnnConvolutionDescriptor_t;
typedef int cudnnDataType_t;
typedef int cudnnTensorFormat_t;
typedef int cudnnConvolutionMode_t;
typedef int cudnnMathType_t;
typedef int cudnnConvolutionFwdAlgo_t;
typedef int cudnnConvolutionBwdDataAlgo_t;
typedef int cudnnConvolutionBwdFilterAlgo_t;
typedef int cudnnDeterminism_t;

enum
{
    CUDNN_STATUS_SUCCESS = 0,
    CUDNN_STATUS_NOT_INITIALIZED = 1001,
    CUDNN_STATUS_BAD_PARAM = 2000,
    CUDNN_STATUS_INVALID_VALUE = 2001,
    CUDNN_STATUS_BAD_PARAM_NULL_POINTER = 2002,
    CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH = 2008,
    CUDNN_STATUS_NOT_SUPPORTED = 3000,
    CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE = 3003,
    CUDNN_STATUS_NOT_SUPPORTED_LAYOUT = 3004,
    CUDNN_STATUS_INTERNAL_ERROR = 4000,
    CUDNN_STATUS_EXECUTION_FAILED = 5000
};
enum { CUDNN_DATA_FLOAT = 0, CUDNN_DATA_DOUBLE = 1, CUDNN_DATA_HALF = 2 };
enum { CUDNN_TENSOR_NCHW = 0, CUDNN_TENSOR_NHWC = 1 };
enum { CUDNN_CONVOLUTION = 0, CUDNN_CROSS_CORRELATION = 1 };
enum { CUDNN_DEFAULT_MATH = 0, CUDNN_TENSOR_OP_MATH = 1, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2, CUDNN_FMA_MATH = 3 };
enum { CUDNN_NON_DETERMINISTIC = 0, CUDNN_DETERMINISTIC = 1 };
enum { CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0 };
enum { CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1 };
enum { CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1 };

// The three *AlgoPerf_t structs share this layout (48 bytes on x86-64).
typedef struct
{
    int algo;
    cudnnStatus_t status;
    float time;
    size_t memory;
    cudnnDeterminism_t determinism;
    cudnnMathType_t mathType;
    int reserved[3];
} cudnnConvolutionFwdAlgoPerf_t;
typedef cudnnConvolutionFwdAlgoPerf_t cudnnConvolutionBwdDataAlgoPerf_t;
typedef cudnnConvolutionFwdAlgoPerf_t cudnnConvolutionBwdFilterAlgoPerf_t;

AGNAS_EMU_EXPORT size_t cudnnGetVersion(void);
AGNAS_EMU_EXPORT const char* cudnnGetErrorString(cudnnStatus_t status);
AGNAS_EMU_EXPORT void cudnnGetLastErrorString(char* message, size_t max_size);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnCreate(cudnnHandle_t* handle);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnDestroy(cudnnHandle_t handle);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t streamId);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* tensorDesc);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t tensorDesc);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnTensorFormat_t format,
                                                          cudnnDataType_t dataType, int n, int c, int h, int w);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor_t tensorDesc, cudnnDataType_t dataType,
                                                            int n, int c, int h, int w, int nStride, int cStride,
                                                            int hStride, int wStride);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* filterDesc);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t filterDesc);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t filterDesc, cudnnDataType_t dataType,
                                                          cudnnTensorFormat_t format, int k, int c, int h, int w);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* convDesc);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t convDesc);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t convDesc, int pad_h,
                                                               int pad_w, int u, int v, int dilation_h, int dilation_w,
                                                               cudnnConvolutionMode_t mode, cudnnDataType_t computeType);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t convDesc, int groupCount);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t convDesc, cudnnMathType_t mathType);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(const cudnnConvolutionDescriptor_t convDesc,
                                                                     const cudnnTensorDescriptor_t inputTensorDesc,
                                                                     const cudnnFilterDescriptor_t filterDesc, int* n,
                                                                     int* c, int* h, int* w);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(cudnnHandle_t handle,
                                                                    const cudnnTensorDescriptor_t xDesc,
                                                                    const cudnnFilterDescriptor_t wDesc,
                                                                    const cudnnConvolutionDescriptor_t convDesc,
                                                                    const cudnnTensorDescriptor_t yDesc,
                                                                    const int requestedAlgoCount, int* returnedAlgoCount,
                                                                    cudnnConvolutionFwdAlgoPerf_t* perfResults);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t handle,
                                                                      const cudnnTensorDescriptor_t srcDesc,
                                                                      const cudnnFilterDescriptor_t filterDesc,
                                                                      const cudnnConvolutionDescriptor_t convDesc,
                                                                      const cudnnTensorDescriptor_t destDesc,
                                                                      const int requestedAlgoCount,
                                                                      int* returnedAlgoCount,
                                                                      cudnnConvolutionFwdAlgoPerf_t* perfResults);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(cudnnHandle_t handle,
                                                                         const cudnnFilterDescriptor_t wDesc,
                                                                         const cudnnTensorDescriptor_t dyDesc,
                                                                         const cudnnConvolutionDescriptor_t convDesc,
                                                                         const cudnnTensorDescriptor_t dxDesc,
                                                                         const int requestedAlgoCount,
                                                                         int* returnedAlgoCount,
                                                                         cudnnConvolutionBwdDataAlgoPerf_t* perfResults);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t filterDesc, const cudnnTensorDescriptor_t diffDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t gradDesc, const int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, const int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc, const cudnnTensorDescriptor_t diffDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, const int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t handle,
                                                                       const cudnnTensorDescriptor_t xDesc,
                                                                       const cudnnFilterDescriptor_t wDesc,
                                                                       const cudnnConvolutionDescriptor_t convDesc,
                                                                       const cudnnTensorDescriptor_t yDesc,
                                                                       cudnnConvolutionFwdAlgo_t algo,
                                                                       size_t* sizeInBytes);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, cudnnConvolutionBwdDataAlgo_t algo,
    size_t* sizeInBytes);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc,
    cudnnConvolutionBwdFilterAlgo_t algo, size_t* sizeInBytes);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void* alpha,
                                                       const cudnnTensorDescriptor_t xDesc, const void* x,
                                                       const cudnnFilterDescriptor_t wDesc, const void* w,
                                                       const cudnnConvolutionDescriptor_t convDesc,
                                                       cudnnConvolutionFwdAlgo_t algo, void* workSpace,
                                                       size_t workSpaceSizeInBytes, const void* beta,
                                                       const cudnnTensorDescriptor_t yDesc, void* y);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void* alpha,
                                                            const cudnnFilterDescriptor_t wDesc, const void* w,
                                                            const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                            const cudnnConvolutionDescriptor_t convDesc,
                                                            cudnnConvolutionBwdDataAlgo_t algo, void* workSpace,
                                                            size_t workSpaceSizeInBytes, const void* beta,
                                                            const cudnnTensorDescriptor_t dxDesc, void* dx);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void* alpha,
                                                              const cudnnTensorDescriptor_t xDesc, const void* x,
                                                              const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                              const cudnnConvolutionDescriptor_t convDesc,
                                                              cudnnConvolutionBwdFilterAlgo_t algo, void* workSpace,
                                                              size_t workSpaceSizeInBytes, const void* beta,
                                                              const cudnnFilterDescriptor_t dwDesc, void* dw);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardBias(cudnnHandle_t handle, const void* alpha,
                                                            const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                            const void* beta, const cudnnTensorDescriptor_t dbDesc,
                                                            void* db);
AGNAS_EMU_EXPORT cudnnStatus_t cudnnAddTensor(cudnnHandle_t handle, const void* alpha,
                                              const cudnnTensorDescriptor_t aDesc, const void* A, const void* beta,
                                              const cudnnTensorDescriptor_t cDesc, void* C);

// ==== emulator extras (not in any NVIDIA library) ===================================================
// Kernels the emulator was built with (host-compiled kernels/*.cu), for diagnostics and tests.
AGNAS_EMU_EXPORT int agnasEmuKernelCount(void);
AGNAS_EMU_EXPORT const char* agnasEmuKernelName(int index);
// Bytes currently allocated with cuMemAlloc_v2 (live-byte checks in tests).
AGNAS_EMU_EXPORT size_t agnasEmuBytesInUse(void);

#if defined(__cplusplus)
}
#endif

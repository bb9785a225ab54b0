// cudnn.cpp — the cuDNN 9 subset AgNas calls: handles, 4-D tensor/filter/convolution descriptors
// (strided tensors for channel views, groups, dilation, both convolution modes), one "algorithm" per
// direction with a zero workspace, and convolution forward / backward-data / backward-filter /
// backward-bias plus cudnnAddTensor as reference loops with float64 accumulation and the real
// alpha/beta semantics (out = alpha·result + beta·out; out is not read when beta is 0). Operand extents
// are checked to lie inside device allocations (CUDNN_STATUS_EXECUTION_FAILED otherwise). Details of
// the last failure: cudnnGetLastErrorString. A test instrument, not a fast path.
#define AGNAS_EMU_BUILDING 1
#include "agnas_emu_api.h"
#include "emu_internal.h"

#include <cstring>
#include <string>
#include <vector>

struct cudnnContext
{
    cudaStream_t stream = nullptr;
};
struct cudnnTensorStruct
{
    bool set = false;
    int n = 0, c = 0, h = 0, w = 0;
    long long ns = 0, cs = 0, hs = 0, ws = 0;
};
struct cudnnFilterStruct
{
    bool set = false;
    int k = 0, c = 0, h = 0, w = 0;
};
struct cudnnConvolutionStruct
{
    bool set = false;
    int padH = 0, padW = 0, strideH = 1, strideW = 1, dilH = 1, dilW = 1;
    int mode = CUDNN_CROSS_CORRELATION;
    int groups = 1;
    int mathType = CUDNN_DEFAULT_MATH;
};

namespace {
using namespace agnas_emu;

thread_local std::string t_last;

cudnnStatus_t fail(cudnnStatus_t code, const std::string& detail)
{
    t_last = detail;
    setDetail(LibCudnn, code, detail);
    return code;
}

size_t extentBytes(const cudnnTensorStruct& t)
{
    return static_cast<size_t>((t.n - 1) * t.ns + (t.c - 1) * t.cs + (t.h - 1) * t.hs + (t.w - 1) * t.ws + 1) * sizeof(float);
}

size_t extentBytes(const cudnnFilterStruct& f) { return static_cast<size_t>(f.k) * f.c * f.h * f.w * sizeof(float); }

std::string dims(const cudnnTensorStruct& t)
{
    return "(" + std::to_string(t.n) + "," + std::to_string(t.c) + "," + std::to_string(t.h) + "," + std::to_string(t.w) + ")";
}

int outSize(int in, int pad, int kernel, int dil, int stride) { return (in + 2 * pad - (dil * (kernel - 1) + 1)) / stride + 1; }

// Validates x, w, conv and that y has the forward output shape.
cudnnStatus_t checkConv(const char* op, const cudnnTensorStruct* x, const cudnnFilterStruct* w,
                        const cudnnConvolutionStruct* conv, const cudnnTensorStruct* y)
{
    const std::string where = std::string(op) + ": ";
    if (!x || !w || !conv || !y) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, where + "null descriptor");
    if (!x->set || !w->set || !conv->set || !y->set) return fail(CUDNN_STATUS_BAD_PARAM, where + "descriptor not set");
    if (x->c != w->c * conv->groups)
        return fail(CUDNN_STATUS_BAD_PARAM, where + "input channels " + std::to_string(x->c) + " != filter channels " +
                                                std::to_string(w->c) + " x groups " + std::to_string(conv->groups));
    if (w->k % conv->groups != 0) return fail(CUDNN_STATUS_BAD_PARAM, where + "output channels not divisible by groups");
    const int ho = outSize(x->h, conv->padH, w->h, conv->dilH, conv->strideH);
    const int wo = outSize(x->w, conv->padW, w->w, conv->dilW, conv->strideW);
    if (ho < 1 || wo < 1) return fail(CUDNN_STATUS_BAD_PARAM, where + "the filter does not fit the padded input");
    if (y->n != x->n || y->c != w->k || y->h != ho || y->w != wo)
        return fail(CUDNN_STATUS_BAD_PARAM, where + "output descriptor " + dims(*y) + " != expected (" + std::to_string(x->n) +
                                                "," + std::to_string(w->k) + "," + std::to_string(ho) + "," +
                                                std::to_string(wo) + ")");
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t checkMemory(const char* op, const char* name, const void* p, size_t bytes)
{
    if (!p) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, std::string(op) + ": " + name + " is NULL");
    if (!isDeviceRange(p, bytes))
        return fail(CUDNN_STATUS_EXECUTION_FAILED, std::string(op) + ": " + name + " (" + std::to_string(bytes) +
                                                       " bytes) is not inside a device allocation");
    return CUDNN_STATUS_SUCCESS;
}

inline long long at(const cudnnTensorStruct& t, long long n, long long c, long long h, long long w)
{
    return n * t.ns + c * t.cs + h * t.hs + w * t.ws;
}

inline long long filterAt(const cudnnFilterStruct& f, long long k, long long c, long long r, long long s)
{
    return ((k * f.c + c) * f.h + r) * f.w + s;
}

inline void store(float* out, double value, float alpha, float beta)
{
    *out = beta == 0.0f ? static_cast<float>(alpha * value) : static_cast<float>(alpha * value + static_cast<double>(beta) * *out);
}

template <typename Perf>
cudnnStatus_t oneAlgorithm(int requested, int* returned, Perf* perf, const char* op)
{
    if (requested < 1 || !returned || !perf) return fail(CUDNN_STATUS_BAD_PARAM, std::string(op) + ": requestedAlgoCount < 1 or null output");
    std::memset(perf, 0, sizeof(Perf));
    perf->algo = 0;
    perf->status = CUDNN_STATUS_SUCCESS;
    perf->time = 0.0f;
    perf->memory = 0;
    perf->determinism = CUDNN_DETERMINISTIC;
    perf->mathType = CUDNN_DEFAULT_MATH;
    *returned = 1;
    return CUDNN_STATUS_SUCCESS;
}

const char* statusName(cudnnStatus_t s)
{
    switch (s)
    {
    case CUDNN_STATUS_SUCCESS: return "CUDNN_STATUS_SUCCESS";
    case CUDNN_STATUS_NOT_INITIALIZED: return "CUDNN_STATUS_NOT_INITIALIZED";
    case CUDNN_STATUS_BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
    case CUDNN_STATUS_INVALID_VALUE: return "CUDNN_STATUS_INVALID_VALUE";
    case CUDNN_STATUS_BAD_PARAM_NULL_POINTER: return "CUDNN_STATUS_BAD_PARAM_NULL_POINTER";
    case CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH: return "CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH";
    case CUDNN_STATUS_NOT_SUPPORTED: return "CUDNN_STATUS_NOT_SUPPORTED";
    case CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE: return "CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE";
    case CUDNN_STATUS_NOT_SUPPORTED_LAYOUT: return "CUDNN_STATUS_NOT_SUPPORTED_LAYOUT";
    case CUDNN_STATUS_INTERNAL_ERROR: return "CUDNN_STATUS_INTERNAL_ERROR";
    case CUDNN_STATUS_EXECUTION_FAILED: return "CUDNN_STATUS_EXECUTION_FAILED";
    default: return "CUDNN_STATUS_UNKNOWN";
    }
}
} // namespace

namespace
{
/// One (output position, filter tap) pair whose input position lies inside the image: the element
/// offsets of y, x and w in their memory (descriptor strides applied) and the dense (NCHW) index
/// of y and x, under which the three reference convolutions accumulate.
struct Tap
{
    long long yAt, xAt, wAt;
    size_t yDense, xDense;
};

/// Visits every tap of the convolution once, in (n, k, oh, ow, c, r, s) order: the loop nest the
/// forward pass and both backward passes share (they differ only in what each tap accumulates).
template <class Visit>
void forEachTap(const cudnnTensorStruct& X, const cudnnTensorStruct& Y, const cudnnFilterStruct& F,
                const cudnnConvolutionStruct& cv, Visit&& visit)
{
    const int kPerGroup = F.k / cv.groups, cPerGroup = F.c;
    const bool flip = cv.mode == CUDNN_CONVOLUTION;
    for (int n = 0; n < Y.n; ++n)
        for (int k = 0; k < Y.c; ++k)
        {
            const int g = k / kPerGroup;
            for (int oh = 0; oh < Y.h; ++oh)
                for (int ow = 0; ow < Y.w; ++ow)
                {
                    const size_t yDense = ((static_cast<size_t>(n) * Y.c + k) * Y.h + oh) * Y.w + ow;
                    for (int c = 0; c < cPerGroup; ++c)
                        for (int r = 0; r < F.h; ++r)
                        {
                            const int ih = oh * cv.strideH - cv.padH + r * cv.dilH;
                            if (ih < 0 || ih >= X.h) continue;
                            for (int s = 0; s < F.w; ++s)
                            {
                                const int iw = ow * cv.strideW - cv.padW + s * cv.dilW;
                                if (iw < 0 || iw >= X.w) continue;
                                const int ch = g * cPerGroup + c;
                                visit(Tap{at(Y, n, k, oh, ow), at(X, n, ch, ih, iw),
                                          filterAt(F, k, c, flip ? F.h - 1 - r : r, flip ? F.w - 1 - s : s), yDense,
                                          ((static_cast<size_t>(n) * X.c + ch) * X.h + ih) * X.w + iw});
                            }
                        }
                }
        }
}

/// p[at(T, ...)] = alpha·acc + beta·p for every element of T, acc in dense NCHW order.
void storeDense(const cudnnTensorStruct& T, float* p, const std::vector<double>& acc, float a, float b)
{
    size_t i = 0;
    for (int n = 0; n < T.n; ++n)
        for (int c = 0; c < T.c; ++c)
            for (int h = 0; h < T.h; ++h)
                for (int w = 0; w < T.w; ++w) store(p + at(T, n, c, h, w), acc[i++], a, b);
}

size_t denseSize(const cudnnTensorStruct& T) { return static_cast<size_t>(T.n) * T.c * T.h * T.w; }
} // namespace

extern "C" {

AGNAS_EMU_EXPORT size_t cudnnGetVersion(void) { return 90500; } // reports itself as cuDNN 9.5's API

AGNAS_EMU_EXPORT const char* cudnnGetErrorString(cudnnStatus_t status) { return statusName(status); }

AGNAS_EMU_EXPORT void cudnnGetLastErrorString(char* message, size_t max_size)
{
    if (!message || max_size == 0) return;
    const size_t n = t_last.size() < max_size - 1 ? t_last.size() : max_size - 1;
    std::memcpy(message, t_last.data(), n);
    message[n] = 0;
    t_last.clear();
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnCreate(cudnnHandle_t* handle)
{
    if (!handle) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnCreate: null pointer");
    *handle = new cudnnContext();
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnDestroy(cudnnHandle_t handle)
{
    if (!handle) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnDestroy: null handle");
    delete handle;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t streamId)
{
    if (!handle) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnSetStream: null handle");
    handle->stream = streamId;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* tensorDesc)
{
    if (!tensorDesc) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnCreateTensorDescriptor: null pointer");
    *tensorDesc = new cudnnTensorStruct();
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t tensorDesc)
{
    delete tensorDesc; // NULL is allowed, as in cuDNN
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor_t d, cudnnDataType_t dataType, int n,
                                                            int c, int h, int w, int nStride, int cStride, int hStride,
                                                            int wStride)
{
    if (!d) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnSetTensor4dDescriptorEx: null descriptor");
    if (dataType != CUDNN_DATA_FLOAT)
        return fail(CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE, "cudnnSetTensor4dDescriptorEx: the emulator supports CUDNN_DATA_FLOAT only");
    if (n <= 0 || c <= 0 || h <= 0 || w <= 0 || nStride <= 0 || cStride <= 0 || hStride <= 0 || wStride <= 0)
        return fail(CUDNN_STATUS_BAD_PARAM, "cudnnSetTensor4dDescriptorEx: dimensions and strides must be > 0");
    *d = cudnnTensorStruct{true, n, c, h, w, nStride, cStride, hStride, wStride};
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t d, cudnnTensorFormat_t format,
                                                          cudnnDataType_t dataType, int n, int c, int h, int w)
{
    if (format == CUDNN_TENSOR_NCHW) return cudnnSetTensor4dDescriptorEx(d, dataType, n, c, h, w, c * h * w, h * w, w, 1);
    if (format == CUDNN_TENSOR_NHWC) return cudnnSetTensor4dDescriptorEx(d, dataType, n, c, h, w, h * w * c, 1, w * c, c);
    return fail(CUDNN_STATUS_NOT_SUPPORTED_LAYOUT, "cudnnSetTensor4dDescriptor: unknown format");
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* filterDesc)
{
    if (!filterDesc) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnCreateFilterDescriptor: null pointer");
    *filterDesc = new cudnnFilterStruct();
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t filterDesc)
{
    delete filterDesc;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t d, cudnnDataType_t dataType,
                                                          cudnnTensorFormat_t format, int k, int c, int h, int w)
{
    if (!d) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnSetFilter4dDescriptor: null descriptor");
    if (dataType != CUDNN_DATA_FLOAT)
        return fail(CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE, "cudnnSetFilter4dDescriptor: the emulator supports CUDNN_DATA_FLOAT only");
    if (format != CUDNN_TENSOR_NCHW)
        return fail(CUDNN_STATUS_NOT_SUPPORTED_LAYOUT, "cudnnSetFilter4dDescriptor: the emulator supports CUDNN_TENSOR_NCHW only");
    if (k <= 0 || c <= 0 || h <= 0 || w <= 0) return fail(CUDNN_STATUS_BAD_PARAM, "cudnnSetFilter4dDescriptor: dimensions must be > 0");
    *d = cudnnFilterStruct{true, k, c, h, w};
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* convDesc)
{
    if (!convDesc) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnCreateConvolutionDescriptor: null pointer");
    *convDesc = new cudnnConvolutionStruct();
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t convDesc)
{
    delete convDesc;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t d, int pad_h, int pad_w, int u,
                                                               int v, int dilation_h, int dilation_w,
                                                               cudnnConvolutionMode_t mode, cudnnDataType_t computeType)
{
    if (!d) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnSetConvolution2dDescriptor: null descriptor");
    if (pad_h < 0 || pad_w < 0 || u <= 0 || v <= 0 || dilation_h <= 0 || dilation_w <= 0)
        return fail(CUDNN_STATUS_BAD_PARAM, "cudnnSetConvolution2dDescriptor: padding must be >= 0, strides and dilations > 0");
    if (mode != CUDNN_CONVOLUTION && mode != CUDNN_CROSS_CORRELATION)
        return fail(CUDNN_STATUS_BAD_PARAM, "cudnnSetConvolution2dDescriptor: unknown mode");
    if (computeType != CUDNN_DATA_FLOAT)
        return fail(CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE, "cudnnSetConvolution2dDescriptor: the emulator computes in CUDNN_DATA_FLOAT only");
    d->set = true;
    d->padH = pad_h;
    d->padW = pad_w;
    d->strideH = u;
    d->strideW = v;
    d->dilH = dilation_h;
    d->dilW = dilation_w;
    d->mode = mode;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t d, int groupCount)
{
    if (!d) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnSetConvolutionGroupCount: null descriptor");
    if (groupCount < 1) return fail(CUDNN_STATUS_BAD_PARAM, "cudnnSetConvolutionGroupCount: groupCount < 1");
    d->groups = groupCount;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t d, cudnnMathType_t mathType)
{
    if (!d) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnSetConvolutionMathType: null descriptor");
    if (mathType < CUDNN_DEFAULT_MATH || mathType > CUDNN_FMA_MATH)
        return fail(CUDNN_STATUS_BAD_PARAM, "cudnnSetConvolutionMathType: unknown math type");
    d->mathType = mathType;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(const cudnnConvolutionDescriptor_t conv,
                                                                     const cudnnTensorDescriptor_t x,
                                                                     const cudnnFilterDescriptor_t w, int* n, int* c,
                                                                     int* h, int* wo)
{
    if (!conv || !x || !w || !n || !c || !h || !wo)
        return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnGetConvolution2dForwardOutputDim: null argument");
    if (!conv->set || !x->set || !w->set) return fail(CUDNN_STATUS_BAD_PARAM, "cudnnGetConvolution2dForwardOutputDim: descriptor not set");
    if (x->c != w->c * conv->groups)
        return fail(CUDNN_STATUS_BAD_PARAM, "cudnnGetConvolution2dForwardOutputDim: input channels != filter channels x groups");
    const int ho = outSize(x->h, conv->padH, w->h, conv->dilH, conv->strideH);
    const int wout = outSize(x->w, conv->padW, w->w, conv->dilW, conv->strideW);
    if (ho < 1 || wout < 1) return fail(CUDNN_STATUS_BAD_PARAM, "cudnnGetConvolution2dForwardOutputDim: the filter does not fit the padded input");
    *n = x->n;
    *c = w->k;
    *h = ho;
    *wo = wout;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc,
                                                                    const cudnnFilterDescriptor_t wDesc,
                                                                    const cudnnConvolutionDescriptor_t convDesc,
                                                                    const cudnnTensorDescriptor_t yDesc,
                                                                    const int requestedAlgoCount, int* returnedAlgoCount,
                                                                    cudnnConvolutionFwdAlgoPerf_t* perfResults)
{
    if (!handle) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnFindConvolutionForwardAlgorithm: null handle");
    if (cudnnStatus_t s = checkConv("cudnnFindConvolutionForwardAlgorithm", xDesc, wDesc, convDesc, yDesc)) return s;
    return oneAlgorithm(requestedAlgoCount, returnedAlgoCount, perfResults, "cudnnFindConvolutionForwardAlgorithm");
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc,
                                                                      const cudnnFilterDescriptor_t filterDesc,
                                                                      const cudnnConvolutionDescriptor_t convDesc,
                                                                      const cudnnTensorDescriptor_t destDesc,
                                                                      const int requestedAlgoCount, int* returnedAlgoCount,
                                                                      cudnnConvolutionFwdAlgoPerf_t* perfResults)
{
    return cudnnFindConvolutionForwardAlgorithm(handle, srcDesc, filterDesc, convDesc, destDesc, requestedAlgoCount,
                                                returnedAlgoCount, perfResults);
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc,
                                                                         const cudnnTensorDescriptor_t dyDesc,
                                                                         const cudnnConvolutionDescriptor_t convDesc,
                                                                         const cudnnTensorDescriptor_t dxDesc,
                                                                         const int requestedAlgoCount, int* returnedAlgoCount,
                                                                         cudnnConvolutionBwdDataAlgoPerf_t* perfResults)
{
    if (!handle) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnFindConvolutionBackwardDataAlgorithm: null handle");
    if (cudnnStatus_t s = checkConv("cudnnFindConvolutionBackwardDataAlgorithm", dxDesc, wDesc, convDesc, dyDesc)) return s;
    return oneAlgorithm(requestedAlgoCount, returnedAlgoCount, perfResults, "cudnnFindConvolutionBackwardDataAlgorithm");
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t filterDesc, const cudnnTensorDescriptor_t diffDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t gradDesc, const int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults)
{
    return cudnnFindConvolutionBackwardDataAlgorithm(handle, filterDesc, diffDesc, convDesc, gradDesc, requestedAlgoCount,
                                                     returnedAlgoCount, perfResults);
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, const int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults)
{
    if (!handle) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnFindConvolutionBackwardFilterAlgorithm: null handle");
    if (cudnnStatus_t s = checkConv("cudnnFindConvolutionBackwardFilterAlgorithm", xDesc, dwDesc, convDesc, dyDesc)) return s;
    return oneAlgorithm(requestedAlgoCount, returnedAlgoCount, perfResults, "cudnnFindConvolutionBackwardFilterAlgorithm");
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc, const cudnnTensorDescriptor_t diffDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, const int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults)
{
    return cudnnFindConvolutionBackwardFilterAlgorithm(handle, srcDesc, diffDesc, convDesc, gradDesc, requestedAlgoCount,
                                                       returnedAlgoCount, perfResults);
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc,
                                                                       const cudnnFilterDescriptor_t wDesc,
                                                                       const cudnnConvolutionDescriptor_t convDesc,
                                                                       const cudnnTensorDescriptor_t yDesc,
                                                                       cudnnConvolutionFwdAlgo_t, size_t* sizeInBytes)
{
    if (!handle || !sizeInBytes) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnGetConvolutionForwardWorkspaceSize: null argument");
    if (cudnnStatus_t s = checkConv("cudnnGetConvolutionForwardWorkspaceSize", xDesc, wDesc, convDesc, yDesc)) return s;
    *sizeInBytes = 0;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, cudnnConvolutionBwdDataAlgo_t,
    size_t* sizeInBytes)
{
    if (!handle || !sizeInBytes) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnGetConvolutionBackwardDataWorkspaceSize: null argument");
    if (cudnnStatus_t s = checkConv("cudnnGetConvolutionBackwardDataWorkspaceSize", dxDesc, wDesc, convDesc, dyDesc)) return s;
    *sizeInBytes = 0;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, cudnnConvolutionBwdFilterAlgo_t,
    size_t* sizeInBytes)
{
    if (!handle || !sizeInBytes) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, "cudnnGetConvolutionBackwardFilterWorkspaceSize: null argument");
    if (cudnnStatus_t s = checkConv("cudnnGetConvolutionBackwardFilterWorkspaceSize", xDesc, gradDesc, convDesc, dyDesc)) return s;
    *sizeInBytes = 0;
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void* alpha,
                                                       const cudnnTensorDescriptor_t xDesc, const void* x,
                                                       const cudnnFilterDescriptor_t wDesc, const void* w,
                                                       const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionFwdAlgo_t,
                                                       void*, size_t, const void* beta, const cudnnTensorDescriptor_t yDesc,
                                                       void* y)
{
    const char* op = "cudnnConvolutionForward";
    if (!handle || !alpha || !beta) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, std::string(op) + ": null handle, alpha or beta");
    if (cudnnStatus_t s = checkConv(op, xDesc, wDesc, convDesc, yDesc)) return s;
    if (cudnnStatus_t s = checkMemory(op, "x", x, extentBytes(*xDesc))) return s;
    if (cudnnStatus_t s = checkMemory(op, "w", w, extentBytes(*wDesc))) return s;
    if (cudnnStatus_t s = checkMemory(op, "y", y, extentBytes(*yDesc))) return s;
    const cudnnTensorStruct &X = *xDesc, &Y = *yDesc;
    const float a = *static_cast<const float*>(alpha), b = *static_cast<const float*>(beta);
    const float* px = static_cast<const float*>(x);
    const float* pw = static_cast<const float*>(w);
    std::vector<double> acc(denseSize(Y), 0.0);
    forEachTap(X, Y, *wDesc, *convDesc, [&](const Tap& t) { acc[t.yDense] += static_cast<double>(px[t.xAt]) * pw[t.wAt]; });
    storeDense(Y, static_cast<float*>(y), acc, a, b);
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void* alpha,
                                                            const cudnnFilterDescriptor_t wDesc, const void* w,
                                                            const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                            const cudnnConvolutionDescriptor_t convDesc,
                                                            cudnnConvolutionBwdDataAlgo_t, void*, size_t, const void* beta,
                                                            const cudnnTensorDescriptor_t dxDesc, void* dx)
{
    const char* op = "cudnnConvolutionBackwardData";
    if (!handle || !alpha || !beta) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, std::string(op) + ": null handle, alpha or beta");
    if (cudnnStatus_t s = checkConv(op, dxDesc, wDesc, convDesc, dyDesc)) return s;
    if (cudnnStatus_t s = checkMemory(op, "w", w, extentBytes(*wDesc))) return s;
    if (cudnnStatus_t s = checkMemory(op, "dy", dy, extentBytes(*dyDesc))) return s;
    if (cudnnStatus_t s = checkMemory(op, "dx", dx, extentBytes(*dxDesc))) return s;
    const cudnnTensorStruct &X = *dxDesc, &Y = *dyDesc;
    const float a = *static_cast<const float*>(alpha), b = *static_cast<const float*>(beta);
    const float* pw = static_cast<const float*>(w);
    const float* pdy = static_cast<const float*>(dy);
    std::vector<double> acc(denseSize(X), 0.0);
    forEachTap(X, Y, *wDesc, *convDesc, [&](const Tap& t) { acc[t.xDense] += static_cast<double>(pdy[t.yAt]) * pw[t.wAt]; });
    storeDense(X, static_cast<float*>(dx), acc, a, b);
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void* alpha,
                                                              const cudnnTensorDescriptor_t xDesc, const void* x,
                                                              const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                              const cudnnConvolutionDescriptor_t convDesc,
                                                              cudnnConvolutionBwdFilterAlgo_t, void*, size_t, const void* beta,
                                                              const cudnnFilterDescriptor_t dwDesc, void* dw)
{
    const char* op = "cudnnConvolutionBackwardFilter";
    if (!handle || !alpha || !beta) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, std::string(op) + ": null handle, alpha or beta");
    if (cudnnStatus_t s = checkConv(op, xDesc, dwDesc, convDesc, dyDesc)) return s;
    if (cudnnStatus_t s = checkMemory(op, "x", x, extentBytes(*xDesc))) return s;
    if (cudnnStatus_t s = checkMemory(op, "dy", dy, extentBytes(*dyDesc))) return s;
    if (cudnnStatus_t s = checkMemory(op, "dw", dw, extentBytes(*dwDesc))) return s;
    const cudnnTensorStruct &X = *xDesc, &Y = *dyDesc;
    const cudnnFilterStruct& F = *dwDesc;
    const float a = *static_cast<const float*>(alpha), b = *static_cast<const float*>(beta);
    const float* px = static_cast<const float*>(x);
    const float* pdy = static_cast<const float*>(dy);
    float* pdw = static_cast<float*>(dw);
    // Filters are dense, so a tap's filter offset is also its index into the accumulator.
    std::vector<double> acc(static_cast<size_t>(F.k) * F.c * F.h * F.w, 0.0);
    forEachTap(X, Y, F, *convDesc, [&](const Tap& t) { acc[t.wAt] += static_cast<double>(pdy[t.yAt]) * px[t.xAt]; });
    for (size_t i = 0; i < acc.size(); ++i) store(pdw + i, acc[i], a, b);
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardBias(cudnnHandle_t handle, const void* alpha,
                                                            const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                            const void* beta, const cudnnTensorDescriptor_t dbDesc, void* db)
{
    const char* op = "cudnnConvolutionBackwardBias";
    if (!handle || !alpha || !beta || !dyDesc || !dbDesc)
        return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, std::string(op) + ": null argument");
    if (!dyDesc->set || !dbDesc->set) return fail(CUDNN_STATUS_BAD_PARAM, std::string(op) + ": descriptor not set");
    const cudnnTensorStruct &Y = *dyDesc, &B = *dbDesc;
    if (B.n != 1 || B.c != Y.c || B.h != 1 || B.w != 1)
        return fail(CUDNN_STATUS_BAD_PARAM, std::string(op) + ": dbDesc " + dims(B) + " is not (1," + std::to_string(Y.c) + ",1,1)");
    if (cudnnStatus_t s = checkMemory(op, "dy", dy, extentBytes(Y))) return s;
    if (cudnnStatus_t s = checkMemory(op, "db", db, extentBytes(B))) return s;
    const float a = *static_cast<const float*>(alpha), b = *static_cast<const float*>(beta);
    const float* pdy = static_cast<const float*>(dy);
    float* pdb = static_cast<float*>(db);
    for (int k = 0; k < Y.c; ++k)
    {
        double acc = 0.0;
        for (int n = 0; n < Y.n; ++n)
            for (int h = 0; h < Y.h; ++h)
                for (int w = 0; w < Y.w; ++w) acc += pdy[at(Y, n, k, h, w)];
        store(pdb + at(B, 0, k, 0, 0), acc, a, b);
    }
    return CUDNN_STATUS_SUCCESS;
}

AGNAS_EMU_EXPORT cudnnStatus_t cudnnAddTensor(cudnnHandle_t handle, const void* alpha, const cudnnTensorDescriptor_t aDesc,
                                              const void* A, const void* beta, const cudnnTensorDescriptor_t cDesc, void* C)
{
    const char* op = "cudnnAddTensor";
    if (!handle || !alpha || !beta || !aDesc || !cDesc) return fail(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, std::string(op) + ": null argument");
    if (!aDesc->set || !cDesc->set) return fail(CUDNN_STATUS_BAD_PARAM, std::string(op) + ": descriptor not set");
    const cudnnTensorStruct &TA = *aDesc, &TC = *cDesc;
    auto fits = [](int a, int c) { return a == c || a == 1; };
    if (!fits(TA.n, TC.n) || !fits(TA.c, TC.c) || !fits(TA.h, TC.h) || !fits(TA.w, TC.w))
        return fail(CUDNN_STATUS_BAD_PARAM, std::string(op) + ": A " + dims(TA) + " does not broadcast to C " + dims(TC));
    if (cudnnStatus_t s = checkMemory(op, "A", A, extentBytes(TA))) return s;
    if (cudnnStatus_t s = checkMemory(op, "C", C, extentBytes(TC))) return s;
    const float a = *static_cast<const float*>(alpha), b = *static_cast<const float*>(beta);
    const float* pa = static_cast<const float*>(A);
    float* pc = static_cast<float*>(C);
    for (int n = 0; n < TC.n; ++n)
        for (int c = 0; c < TC.c; ++c)
            for (int h = 0; h < TC.h; ++h)
                for (int w = 0; w < TC.w; ++w)
                {
                    const float v = pa[at(TA, TA.n == 1 ? 0 : n, TA.c == 1 ? 0 : c, TA.h == 1 ? 0 : h, TA.w == 1 ? 0 : w)];
                    store(pc + at(TC, n, c, h, w), v, a, b);
                }
    return CUDNN_STATUS_SUCCESS;
}

} // extern "C"

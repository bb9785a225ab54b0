// pool.cu — max / average / global average pooling, PyTorch semantics (ceil_mode off, dilation 1),
// as the CPU backend (src/AgNas.Tensor/Cpu/CpuBackend.Pool.cs). Every image operand is
// (pointer, stride): sample n starts at pointer + n·stride and holds C planes of H·W (or Ho·Wo)
// contiguous elements; argmax is int32 with the flat h·W + w of the max inside x's plane.
//
//   maxpool2d_forward_f32      y, argmax ← window max; padding is −∞ and never selected; an element
//                              wins if it is greater than the running max or is NaN (so a NaN window
//                              gives NaN and the last NaN's index); ties keep the first in scan order;
//                              an all −∞ window gives its first in-image element
//                              one thread per output element (grid-stride)  IBackend.MaxPool2dForward   overwrites
//   maxpool2d_backward_f32     dx ← dy routed to argmax, overlaps summed (float atomicAdd: the order of
//                              the additions, so the last bits, may vary); an index outside [0, H·W)
//                              is skipped and sets *badIndex = 1 when badIndex is not NULL
//                              ONE BLOCK PER (n, c) PLANE (grid-stride over the B·C planes): the block
//                              zeroes its dx plane, __syncthreads, scatters; no shared memory
//                                                                          IBackend.MaxPool2dBackward  overwrites
//   avgpool2d_forward_f32      y ← window sum (scan order) / (row divisor · column divisor), divisors
//                              from countIncludePad (0: in-image elements; 1: PyTorch's pool_size)
//                              one thread per output element (grid-stride)  IBackend.AvgPool2dForward   overwrites
//   avgpool2d_backward_f32     dx(h,w) ← Σ over the windows holding (h,w), in (oh, ow) order, of
//                              dy/divisor (a gather: deterministic, no atomics)
//                              one thread per input element (grid-stride)   IBackend.AvgPool2dBackward  overwrites
//   global_avgpool_forward_f32 y(B,C) ← mean over H·W (float64 sum), y row n at y + n·yStride
//                              (this is also the attention module's GAP over the K·C channels)
//                              ONE BLOCK PER (n, c) PLANE (grid-stride), static shared memory
//                              AGNAS_REDUCE_SHARED doubles, block ≤ 1024  IBackend.GlobalAvgPoolForward overwrites
//   global_avgpool_backward_f32 dx(B,C,H,W) ← dy(B,C) / (H·W)
//                              one thread per element (grid-stride)        IBackend.GlobalAvgPoolBackward overwrites
// All: 1-D grid of any size ≥ 1, 1-D block (256 recommended). Output must not overlap input.
#include "agnas_cuda.h"

extern "C" __global__ void maxpool2d_forward_f32(float* y, agnas_i64 yStride, int* argmax, agnas_i64 argmaxStride,
                                                 const float* x, agnas_i64 xStride, agnas_i64 batch, int channels,
                                                 int height, int width, int outHeight, int outWidth, int kernel,
                                                 int stride, int padding)
{
    const agnas_i64 outPlane = (agnas_i64)outHeight * outWidth, inPlane = (agnas_i64)height * width;
    const agnas_i64 sample = outPlane * channels;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample)
    {
        const agnas_i64 n = agnas_div(i, sample), j = i - n * sample;
        const agnas_i64 c = agnas_div(j, outPlane), o = j - c * outPlane;
        const int oh = (int)agnas_div(o, outWidth), ow = (int)(o - (agnas_i64)oh * outWidth);
        const float* src = x + n * xStride + c * inPlane;
        const int hs = oh * stride - padding, ws = ow * stride - padding;
        float best = -agnas_inf();
        int idx = -1;
        for (int kh = 0; kh < kernel; ++kh)
        {
            const int h = hs + kh;
            if (h < 0 || h >= height) continue;
            for (int kw = 0; kw < kernel; ++kw)
            {
                const int w = ws + kw;
                if (w < 0 || w >= width) continue;
                const float v = src[h * width + w];
                if (v > best || v != v)
                {
                    best = v;
                    idx = h * width + w;
                }
            }
        }
        if (idx < 0) idx = (hs > 0 ? hs : 0) * width + (ws > 0 ? ws : 0);
        y[n * yStride + j] = best;
        argmax[n * argmaxStride + j] = idx;
    }
}

extern "C" __global__ void maxpool2d_backward_f32(float* dx, agnas_i64 dxStride, const float* dy, agnas_i64 dyStride,
                                                  const int* argmax, agnas_i64 argmaxStride, int* badIndex,
                                                  agnas_i64 batch, int channels, agnas_i64 inPlane, agnas_i64 outPlane)
{
    const agnas_i64 planes = batch * channels;
    for (agnas_i64 bc = blockIdx.x; bc < planes; bc += gridDim.x)
    {
        const agnas_i64 n = bc / channels, c = bc - n * channels;
        float* d = dx + n * dxStride + c * inPlane;
        const float* g = dy + n * dyStride + c * outPlane;
        const int* a = argmax + n * argmaxStride + c * outPlane;
        for (agnas_i64 p = threadIdx.x; p < inPlane; p += blockDim.x) d[p] = 0.0f;
        __syncthreads();
        for (agnas_i64 o = threadIdx.x; o < outPlane; o += blockDim.x)
        {
            const int idx = a[o];
            if (idx < 0 || (agnas_i64)idx >= inPlane)
            {
                if (badIndex) agnas_set_flag(badIndex);
                continue;
            }
            atomicAdd(d + idx, g[o]);
        }
    }
}

// In-image range [start, end) of output position o along one axis, and the divisor's factor:
// the in-image count (countIncludePad = 0) or the window clipped to the padded bounds (1).
static __device__ __forceinline__ int avg_window(int o, int kernel, int stride, int padding, int size,
                                                 int countIncludePad, int* start, int* end)
{
    int s = o * stride - padding;
    int e = s + kernel < size + padding ? s + kernel : size + padding;
    const int padded = e - s;
    s = s > 0 ? s : 0;
    e = e < size ? e : size;
    *start = s;
    *end = e;
    return countIncludePad ? padded : e - s;
}

extern "C" __global__ void avgpool2d_forward_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride,
                                                 agnas_i64 batch, int channels, int height, int width, int outHeight,
                                                 int outWidth, int kernel, int stride, int padding, int countIncludePad)
{
    const agnas_i64 outPlane = (agnas_i64)outHeight * outWidth, inPlane = (agnas_i64)height * width;
    const agnas_i64 sample = outPlane * channels;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample)
    {
        const agnas_i64 n = agnas_div(i, sample), j = i - n * sample;
        const agnas_i64 c = agnas_div(j, outPlane), o = j - c * outPlane;
        const int oh = (int)agnas_div(o, outWidth), ow = (int)(o - (agnas_i64)oh * outWidth);
        int h0, h1, w0, w1;
        const int rowDivisor = avg_window(oh, kernel, stride, padding, height, countIncludePad, &h0, &h1);
        const int colDivisor = avg_window(ow, kernel, stride, padding, width, countIncludePad, &w0, &w1);
        const float* src = x + n * xStride + c * inPlane;
        float sum = 0.0f;
        for (int h = h0; h < h1; ++h)
            for (int w = w0; w < w1; ++w) sum += src[h * width + w];
        y[n * yStride + j] = sum / ((float)colDivisor * (float)rowDivisor);
    }
}

extern "C" __global__ void avgpool2d_backward_f32(float* dx, agnas_i64 dxStride, const float* dy, agnas_i64 dyStride,
                                                  agnas_i64 batch, int channels, int height, int width, int outHeight,
                                                  int outWidth, int kernel, int stride, int padding, int countIncludePad)
{
    const agnas_i64 outPlane = (agnas_i64)outHeight * outWidth, inPlane = (agnas_i64)height * width;
    const agnas_i64 sample = inPlane * channels;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample)
    {
        const agnas_i64 n = agnas_div(i, sample), j = i - n * sample;
        const agnas_i64 c = agnas_div(j, inPlane), q = j - c * inPlane;
        const int h = (int)agnas_div(q, width), w = (int)(q - (agnas_i64)h * width);
        // Windows holding h: oh·stride − padding ≤ h < oh·stride − padding + kernel.
        const int hp = h + padding, wp = w + padding;
        int ohLo = hp - kernel + 1 > 0 ? (hp - kernel + 1 + stride - 1) / stride : 0;
        int ohHi = hp / stride;
        if (ohHi > outHeight - 1) ohHi = outHeight - 1;
        int owLo = wp - kernel + 1 > 0 ? (wp - kernel + 1 + stride - 1) / stride : 0;
        int owHi = wp / stride;
        if (owHi > outWidth - 1) owHi = outWidth - 1;
        const float* g = dy + n * dyStride + c * outPlane;
        float sum = 0.0f;
        int a, b;
        for (int oh = ohLo; oh <= ohHi; ++oh)
        {
            const float rowDivisor = (float)avg_window(oh, kernel, stride, padding, height, countIncludePad, &a, &b);
            for (int ow = owLo; ow <= owHi; ++ow)
            {
                const float colDivisor = (float)avg_window(ow, kernel, stride, padding, width, countIncludePad, &a, &b);
                sum += g[(agnas_i64)oh * outWidth + ow] / (colDivisor * rowDivisor);
            }
        }
        dx[n * dxStride + j] = sum;
    }
}

extern "C" __global__ void global_avgpool_forward_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride,
                                                      agnas_i64 batch, int channels, agnas_i64 plane)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    const agnas_i64 planes = batch * channels;
    for (agnas_i64 bc = blockIdx.x; bc < planes; bc += gridDim.x)
    {
        const agnas_i64 n = bc / channels, c = bc - n * channels;
        const float* src = x + n * xStride + c * plane;
        double acc = 0.0;
        for (agnas_i64 p = threadIdx.x; p < plane; p += blockDim.x) acc += src[p];
        const double total = agnas_block_sum(acc, sh);
        if (threadIdx.x == 0) y[n * yStride + c] = (float)(total / (double)plane);
    }
}

extern "C" __global__ void global_avgpool_backward_f32(float* dx, agnas_i64 dxStride, const float* dy,
                                                       agnas_i64 dyStride, agnas_i64 batch, int channels,
                                                       agnas_i64 plane)
{
    const agnas_i64 sample = (agnas_i64)channels * plane;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample)
    {
        const agnas_i64 n = agnas_div(i, sample), j = i - n * sample, c = agnas_div(j, plane);
        dx[n * dxStride + j] = dy[n * dyStride + c] / (float)plane;
    }
}

AGNAS_KERNEL(maxpool2d_forward_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(maxpool2d_backward_f32, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(avgpool2d_forward_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(avgpool2d_backward_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(global_avgpool_forward_f32, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(global_avgpool_backward_f32, AGNAS_BLOCK_INDEPENDENT)

// elementwise.cu — pointwise ops, per-channel and per-sample scaling, group sums, Bernoulli masks.
//
// Unless noted: 1-D grid of any size ≥ 1 (grid-stride loops), 1-D block (256 recommended), no
// shared memory, and the kernel overwrites its outputs. Every image operand is (pointer, stride):
// sample n starts at pointer + n·stride and holds `sample` contiguous elements, so channel views work.
//
//   add_f32                     y ← a + b                                   IBackend.Add
//   axpy_f32                    y ← y + alpha·x            ACCUMULATES      IBackend.Axpy
//   scale_f32                   y ← alpha·x                                 IBackend.Scale
//   mul_f32                     y ← a ⊙ b                                   IBackend.Mul
//   relu_f32                    y ← max(x, 0) (NaN stays NaN)               IBackend.Relu
//   relu_backward_f32           dx ← dy where x > 0 else 0                  IBackend.ReluBackward
//   relu6_f32                   y ← min(max(x, 0), 6) (NaN stays NaN)       IBackend.Relu6
//   relu6_backward_f32          dx ← dy where 0 < x < 6 else 0              IBackend.Relu6Backward
//   sigmoid_f32                 y ← 1 / (1 + exp(−x))                       IBackend.Sigmoid
//   sigmoid_backward_f32        dx ← dy·y·(1 − y)                           IBackend.SigmoidBackward
//   channel_mul_f32             y(B,C,P) ← x · s(B,C)                       IBackend.ChannelMul
//   channel_mul_backward_f32    dx ← dy·s; ds(B,C) ← Σ_P dy·x (either may be NULL)
//                               ONE BLOCK PER (n, c) PLANE (grid-stride over the B·C planes),
//                               static shared memory AGNAS_REDUCE_SHARED floats, block ≤ 1024
//                                                                           IBackend.ChannelMulBackward
//   sample_mul_f32              y(B,…) ← x · m(B)                           IBackend.SampleMul
//   group_sum_f32               y(B,part) ← Σ_k x(B, k·part + j), part = C·H·W of y
//                                                                           IBackend.GroupSum
//   group_sum_backward_f32      dx(B, k·part + j) ← dy(B, j)                IBackend.GroupSumBackward
//   bernoulli_mask_f32          mask(n) ← scale if u(seed, i) < keep else 0, u = CounterRandom.Uniform
//                               (SplitMix64 finaliser, 24-bit uniform): the CPU's masks bit for bit
//                                                                           IBackend.BernoulliMask
// y may be the same memory as an input for every kernel here (each element is read, then written,
// by one thread), except group_sum_f32 / group_sum_backward_f32 (y/dx and x/dy have different sizes).
#include "agnas_cuda.h"

#define EW_N (batch * sample)

extern "C" __global__ void add_f32(float* y, agnas_i64 yStride, const float* a, agnas_i64 aStride, const float* b,
                                   agnas_i64 bStride, agnas_i64 batch, agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    y[agnas_at(i, sample, yStride)] = a[agnas_at(i, sample, aStride)] + b[agnas_at(i, sample, bStride)];
}

extern "C" __global__ void axpy_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride, agnas_i64 batch,
                                    agnas_i64 sample, float alpha)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    {
        const agnas_i64 o = agnas_at(i, sample, yStride);
        y[o] = x[agnas_at(i, sample, xStride)] * alpha + y[o];
    }
}

extern "C" __global__ void scale_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride, agnas_i64 batch,
                                     agnas_i64 sample, float alpha)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N) y[agnas_at(i, sample, yStride)] = x[agnas_at(i, sample, xStride)] * alpha;
}

extern "C" __global__ void mul_f32(float* y, agnas_i64 yStride, const float* a, agnas_i64 aStride, const float* b,
                                   agnas_i64 bStride, agnas_i64 batch, agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    y[agnas_at(i, sample, yStride)] = a[agnas_at(i, sample, aStride)] * b[agnas_at(i, sample, bStride)];
}

extern "C" __global__ void relu_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride, agnas_i64 batch,
                                    agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    {
        const float v = x[agnas_at(i, sample, xStride)];
        y[agnas_at(i, sample, yStride)] = (v > 0.0f || v != v) ? v : 0.0f;
    }
}

extern "C" __global__ void relu_backward_f32(float* dx, agnas_i64 dxStride, const float* dy, agnas_i64 dyStride,
                                             const float* x, agnas_i64 xStride, agnas_i64 batch, agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    {
        const float v = x[agnas_at(i, sample, xStride)];
        dx[agnas_at(i, sample, dxStride)] = v > 0.0f ? dy[agnas_at(i, sample, dyStride)] : 0.0f;
    }
}

extern "C" __global__ void relu6_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride, agnas_i64 batch,
                                     agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    {
        const float v = x[agnas_at(i, sample, xStride)];
        y[agnas_at(i, sample, yStride)] = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
    }
}

extern "C" __global__ void relu6_backward_f32(float* dx, agnas_i64 dxStride, const float* dy, agnas_i64 dyStride,
                                              const float* x, agnas_i64 xStride, agnas_i64 batch, agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    {
        const float v = x[agnas_at(i, sample, xStride)];
        dx[agnas_at(i, sample, dxStride)] = (v > 0.0f && v < 6.0f) ? dy[agnas_at(i, sample, dyStride)] : 0.0f;
    }
}

extern "C" __global__ void sigmoid_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride, agnas_i64 batch,
                                       agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    {
        const float v = x[agnas_at(i, sample, xStride)];
        y[agnas_at(i, sample, yStride)] = 1.0f / (1.0f + agnas_expf(-v));
    }
}

extern "C" __global__ void sigmoid_backward_f32(float* dx, agnas_i64 dxStride, const float* dy, agnas_i64 dyStride,
                                                const float* y, agnas_i64 yStride, agnas_i64 batch, agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    {
        const float v = y[agnas_at(i, sample, yStride)];
        dx[agnas_at(i, sample, dxStride)] = dy[agnas_at(i, sample, dyStride)] * v * (1.0f - v);
    }
}

// s is (B, C) contiguous; plane = H·W (1 for (B, C) inputs).
extern "C" __global__ void channel_mul_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride,
                                           const float* s, agnas_i64 batch, int channels, agnas_i64 plane)
{
    const agnas_i64 sample = (agnas_i64)channels * plane;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample)
    {
        const agnas_i64 n = agnas_div(i, sample), j = i - n * sample, c = agnas_div(j, plane);
        y[n * yStride + j] = x[n * xStride + j] * s[n * channels + c];
    }
}

extern "C" __global__ void channel_mul_backward_f32(float* dx, agnas_i64 dxStride, float* ds, const float* dy,
                                                    agnas_i64 dyStride, const float* x, agnas_i64 xStride,
                                                    const float* s, agnas_i64 batch, int channels, agnas_i64 plane)
{
    __shared__ float sh[AGNAS_REDUCE_SHARED];
    const agnas_i64 planes = batch * channels;
    for (agnas_i64 bc = blockIdx.x; bc < planes; bc += gridDim.x)
    {
        const agnas_i64 n = bc / channels, c = bc - n * channels;
        const float* g = dy + n * dyStride + c * plane;
        const float scale = s[bc];
        float acc = 0.0f;
        for (agnas_i64 p = threadIdx.x; p < plane; p += blockDim.x)
        {
            const float gv = g[p];
            if (ds) acc += gv * x[n * xStride + c * plane + p];
            if (dx) dx[n * dxStride + c * plane + p] = gv * scale;
        }
        if (ds)
        {
            const float total = agnas_block_sum(acc, sh);
            if (threadIdx.x == 0) ds[bc] = total;
        }
    }
}

extern "C" __global__ void sample_mul_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride,
                                          const float* m, agnas_i64 batch, agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, EW_N)
    {
        const agnas_i64 n = agnas_div(i, sample), j = i - n * sample;
        y[n * yStride + j] = x[n * xStride + j] * m[n];
    }
}

extern "C" __global__ void group_sum_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride,
                                         agnas_i64 batch, agnas_i64 part, int groups)
{
    AGNAS_GRID_STRIDE_LOOP(i, batch * part)
    {
        const agnas_i64 n = agnas_div(i, part), j = i - n * part;
        const float* src = x + n * xStride + j;
        float acc = src[0];
        for (int k = 1; k < groups; ++k) acc += src[k * part];
        y[n * yStride + j] = acc;
    }
}

extern "C" __global__ void group_sum_backward_f32(float* dx, agnas_i64 dxStride, const float* dy, agnas_i64 dyStride,
                                                  agnas_i64 batch, agnas_i64 part, int groups)
{
    const agnas_i64 wide = part * groups;
    AGNAS_GRID_STRIDE_LOOP(i, batch * wide)
    {
        const agnas_i64 n = agnas_div(i, wide), j = i - n * wide, k = agnas_div(j, part);
        dx[n * dxStride + j] = dy[n * dyStride + (j - k * part)];
    }
}

// CounterRandom.Hash / Uniform of src/AgNas.Tensor/CounterRandom.cs.
static __device__ __forceinline__ float agnas_counter_uniform(unsigned long long seed, unsigned long long index)
{
    unsigned long long z = seed * 0x9E3779B97F4A7C15ULL + index + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z = z ^ (z >> 31);
    return (float)(unsigned)(z >> 40) * (1.0f / 16777216.0f);
}

extern "C" __global__ void bernoulli_mask_f32(float* mask, agnas_i64 n, float keep, float scale,
                                              unsigned long long seed)
{
    AGNAS_GRID_STRIDE_LOOP(i, n) mask[i] = agnas_counter_uniform(seed, (unsigned long long)i) < keep ? scale : 0.0f;
}

AGNAS_KERNEL(add_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(axpy_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(scale_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(mul_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(relu_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(relu_backward_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(relu6_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(relu6_backward_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(sigmoid_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(sigmoid_backward_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(channel_mul_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(channel_mul_backward_f32, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(sample_mul_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(group_sum_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(group_sum_backward_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(bernoulli_mask_f32, AGNAS_BLOCK_INDEPENDENT)

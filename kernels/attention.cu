// attention.cu — the AGNAS attention module's combine step (Sec. 3.2) and the importance statistic
// (Eq. 6), as the CPU backend (src/AgNas.Tensor/Cpu/CpuBackend.Attention.cs). x is the (B, K·C, H, W)
// concatenation of the K candidate outputs, s the sigmoid attention weights (B, K·C) contiguous,
// y/dy (B, C, H, W); x, y, dx, dy are (pointer, stride) operands and may be channel views.
// The attention's GAP over the K·C channels is global_avgpool_forward_f32 (pool.cu).
//
//   attention_combine_f32           y(B,c,p) ← Σ_k s(B, kC + c) · x(B, kC + c, p): the re-weighting fused
//                                   with the K-group sum, reading x once and writing y once
//                                   one thread per y element (grid-stride), 1-D block, no shared memory
//                                                                    IBackend.AttentionCombine          overwrites
//   attention_combine_backward_f32  dx(B, kC+c, p) ← s(B, kC+c)·dy(B, c, p); ds(B, kC+c) ← Σ_p x·dy, in
//                                   one pass over x (each of dx, ds may be NULL)
//                                   ONE BLOCK PER (n, c) PLANE (grid-stride over the B·C planes): for each k
//                                   the block streams x's plane k (dy's plane stays in L1/L2), writes dx and
//                                   reduces ds; 1-D block ≤ 1024 (256 recommended), static shared memory
//                                   AGNAS_REDUCE_SHARED floats       IBackend.AttentionCombineBackward  overwrites
//   accumulate_importance_f64       importance(K) += Σ_b Σ_{c<C} s(b, kC + c) in float64, on the device
//                                   ONE BLOCK PER CANDIDATE k (grid-stride over K), 1-D block ≤ 1024,
//                                   static shared memory AGNAS_REDUCE_SHARED doubles
//                                                                    IBackend.AccumulateImportance    ACCUMULATES
#include "agnas_cuda.h"

extern "C" __global__ void attention_combine_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride,
                                                 const float* s, agnas_i64 batch, int channels, agnas_i64 plane,
                                                 int groups)
{
    const agnas_i64 sample = (agnas_i64)channels * plane, wide = (agnas_i64)channels * groups;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample)
    {
        const agnas_i64 n = agnas_div(i, sample), j = i - n * sample, c = agnas_div(j, plane);
        const float* src = x + n * xStride + j;
        const float* w = s + n * wide + c;
        float acc = src[0] * w[0];
        for (int k = 1; k < groups; ++k) acc = src[k * sample] * w[(agnas_i64)k * channels] + acc;
        y[n * yStride + j] = acc;
    }
}

extern "C" __global__ void attention_combine_backward_f32(float* dx, agnas_i64 dxStride, float* ds, const float* dy,
                                                          agnas_i64 dyStride, const float* x, agnas_i64 xStride,
                                                          const float* s, agnas_i64 batch, int channels,
                                                          agnas_i64 plane, int groups)
{
    __shared__ float sh[AGNAS_REDUCE_SHARED];
    const agnas_i64 planes = batch * channels, wide = (agnas_i64)channels * groups;
    for (agnas_i64 bc = blockIdx.x; bc < planes; bc += gridDim.x)
    {
        const agnas_i64 n = bc / channels, c = bc - n * channels;
        const float* g = dy + n * dyStride + c * plane;
        for (int k = 0; k < groups; ++k)
        {
            const agnas_i64 ch = (agnas_i64)k * channels + c;
            const float w = s[n * wide + ch];
            const float* src = x + n * xStride + ch * plane;
            float* dst = dx ? dx + n * dxStride + ch * plane : nullptr;
            float acc = 0.0f;
            for (agnas_i64 p = threadIdx.x; p < plane; p += blockDim.x)
            {
                const float gv = g[p];
                if (dst) dst[p] = w * gv;
                if (ds) acc += gv * src[p];
            }
            if (ds)
            {
                const float total = agnas_block_sum(acc, sh);
                if (threadIdx.x == 0) ds[n * wide + ch] = total;
            }
        }
    }
}

extern "C" __global__ void accumulate_importance_f64(double* importance, const float* s, agnas_i64 batch, int channels,
                                                     int groups)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    const agnas_i64 wide = (agnas_i64)channels * groups, count = batch * channels;
    for (int k = blockIdx.x; k < groups; k += gridDim.x)
    {
        double acc = 0.0;
        for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x)
        {
            const agnas_i64 b = agnas_div(i, channels), c = i - b * channels;
            acc += s[b * wide + (agnas_i64)k * channels + c];
        }
        const double total = agnas_block_sum(acc, sh);
        if (threadIdx.x == 0) importance[k] += total;
    }
}

AGNAS_KERNEL(attention_combine_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(attention_combine_backward_f32, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(accumulate_importance_f64, AGNAS_BLOCK_SYNC)

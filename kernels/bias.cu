// bias.cu — the small kernels around cuBLAS (Linear) and cuDNN (Conv2d): bias adds and bias gradients.
//
//   add_row_bias_f32     y(R,C) += bias(C) per row                     ACCUMULATES
//                        1-D grid of any size ≥ 1 (grid-stride), 1-D block, no shared memory
//                        IBackend.LinearForward (after cublasSgemm with beta = 0)
//   column_sum_f32       out(C) ← Σ_r x(R,C), float64 accumulation     overwrites
//                        one thread per column (grid-stride over columns), no shared memory
//                        IBackend.LinearBackwardWeight (dBias)
//   add_channel_bias_f32 y(B,C,P) += bias(C), y may be a channel view  ACCUMULATES
//                        1-D grid of any size ≥ 1 (grid-stride), 1-D block, no shared memory
//                        IBackend.Conv2dForward (after cudnnConvolutionForward)
//   channel_sum_f32      out(C) ← Σ_{b,p} dy(B,C,P), float64 accumulation, dy may be a view
//                        ONE BLOCK PER CHANNEL (grid-stride over channels), static shared memory
//                        AGNAS_REDUCE_SHARED doubles, block ≤ 1024     overwrites
//                        IBackend.Conv2dBackwardFilter (dBias)
#include "agnas_cuda.h"

extern "C" __global__ void add_row_bias_f32(float* y, const float* bias, agnas_i64 rows, agnas_i64 cols)
{
    AGNAS_GRID_STRIDE_LOOP(i, rows * cols) y[i] += bias[i - agnas_div(i, cols) * cols];
}

extern "C" __global__ void column_sum_f32(float* out, const float* x, agnas_i64 rows, agnas_i64 cols)
{
    AGNAS_GRID_STRIDE_LOOP(c, cols)
    {
        double acc = 0.0;
        for (agnas_i64 r = 0; r < rows; ++r) acc += x[r * cols + c];
        out[c] = (float)acc;
    }
}

extern "C" __global__ void add_channel_bias_f32(float* y, agnas_i64 yStride, const float* bias, agnas_i64 batch,
                                                int channels, agnas_i64 plane)
{
    const agnas_i64 sample = (agnas_i64)channels * plane;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample)
    {
        const agnas_i64 n = agnas_div(i, sample), j = i - n * sample;
        y[n * yStride + j] += bias[agnas_div(j, plane)];
    }
}

extern "C" __global__ void channel_sum_f32(float* out, const float* dy, agnas_i64 dyStride, agnas_i64 batch,
                                           int channels, agnas_i64 plane)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    const agnas_i64 count = batch * plane;
    for (agnas_i64 c = blockIdx.x; c < channels; c += gridDim.x)
    {
        double acc = 0.0;
        for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x)
        {
            const agnas_i64 n = agnas_div(i, plane), p = i - n * plane;
            acc += dy[n * dyStride + c * plane + p];
        }
        const double total = agnas_block_sum(acc, sh);
        if (threadIdx.x == 0) out[c] = (float)total;
    }
}

AGNAS_KERNEL(add_row_bias_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(column_sum_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(add_channel_bias_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(channel_sum_f32, AGNAS_BLOCK_SYNC)

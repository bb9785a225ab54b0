// reduce.cu — whole-tensor reductions read back by the host (gradient norms, loss checks).
//
//   sum_f64              *out += Σ x, float64 accumulation             ACCUMULATES (zero *out first,
//                        e.g. cuMemsetD32 of its 8 bytes)              IBackend.Sum
//   sum_squares_f64      *out += Σ x², float64 accumulation            ACCUMULATES (zero first)
//                                                                      IBackend.SumOfSquares
//   nonfinite_flag_f32   *flag ← 1 when any x is NaN or ±inf; never cleared (zero *flag first)
//                                                                      IBackend.HasNonFinite
// sum_f64 / sum_squares_f64: 1-D grid of any size ≥ 1 (grid-stride), 1-D block ≤ 1024, static shared
// memory AGNAS_REDUCE_SHARED doubles; each block reduces its share and adds it with one float64
// atomicAdd (so the order of the block sums, and the last bits, vary between runs).
// nonfinite_flag_f32: 1-D grid of any size ≥ 1, 1-D block, no shared memory.
// x may be a channel view: (pointer, stride, batch, sample).
#include "agnas_cuda.h"

extern "C" __global__ void sum_f64(double* out, const float* x, agnas_i64 xStride, agnas_i64 batch, agnas_i64 sample)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    double acc = 0.0;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample) acc += x[agnas_at(i, sample, xStride)];
    const double total = agnas_block_sum(acc, sh);
    if (threadIdx.x == 0) atomicAdd(out, total);
}

extern "C" __global__ void sum_squares_f64(double* out, const float* x, agnas_i64 xStride, agnas_i64 batch,
                                           agnas_i64 sample)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    double acc = 0.0;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample)
    {
        const double v = x[agnas_at(i, sample, xStride)];
        acc += v * v;
    }
    const double total = agnas_block_sum(acc, sh);
    if (threadIdx.x == 0) atomicAdd(out, total);
}

extern "C" __global__ void nonfinite_flag_f32(int* flag, const float* x, agnas_i64 xStride, agnas_i64 batch,
                                              agnas_i64 sample)
{
    bool bad = false;
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample) bad |= !agnas_isfinite(x[agnas_at(i, sample, xStride)]);
    if (bad) agnas_set_flag(flag);
}

AGNAS_KERNEL(sum_f64, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(sum_squares_f64, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(nonfinite_flag_f32, AGNAS_BLOCK_INDEPENDENT)

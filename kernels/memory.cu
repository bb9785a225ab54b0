// memory.cu — fills and strided copies.
//
// Kernels (1-D grid of any size ≥ 1, grid-stride loops; 1-D block, 256 threads recommended):
//   fill_f32   IBackend.Fill (float32 tensors, channel views included)             overwrites
//   fill_i32   IBackend.Fill (int32 tensors: (int)value)                           overwrites
//   fill_f64   IBackend.Fill (float64 tensors, contiguous: importance accumulators) overwrites
//   copy_b32   IBackend.Copy of float32/int32 tensors between channel views (also the
//              view side of CopyFromHost/CopyToHost through a dense staging buffer) overwrites
//   copy_b64   IBackend.Copy of float64 tensors                                     overwrites
//
// Layout: a tensor operand is (pointer, stride): sample n of `batch` starts at pointer + n·stride
// and holds `sample` contiguous elements (stride == sample for a dense tensor).
#include "agnas_cuda.h"

extern "C" __global__ void fill_f32(float* y, agnas_i64 yStride, agnas_i64 batch, agnas_i64 sample, float value)
{
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample) y[agnas_at(i, sample, yStride)] = value;
}

extern "C" __global__ void fill_i32(int* y, agnas_i64 yStride, agnas_i64 batch, agnas_i64 sample, int value)
{
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample) y[agnas_at(i, sample, yStride)] = value;
}

extern "C" __global__ void fill_f64(double* y, agnas_i64 n, double value)
{
    AGNAS_GRID_STRIDE_LOOP(i, n) y[i] = value;
}

extern "C" __global__ void copy_b32(unsigned int* dst, agnas_i64 dstStride, const unsigned int* src, agnas_i64 srcStride,
                                    agnas_i64 batch, agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample) dst[agnas_at(i, sample, dstStride)] = src[agnas_at(i, sample, srcStride)];
}

extern "C" __global__ void copy_b64(unsigned long long* dst, agnas_i64 dstStride, const unsigned long long* src,
                                    agnas_i64 srcStride, agnas_i64 batch, agnas_i64 sample)
{
    AGNAS_GRID_STRIDE_LOOP(i, batch * sample) dst[agnas_at(i, sample, dstStride)] = src[agnas_at(i, sample, srcStride)];
}

AGNAS_KERNEL(fill_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(fill_i32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(fill_f64, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(copy_b32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(copy_b64, AGNAS_BLOCK_INDEPENDENT)

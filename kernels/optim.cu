// optim.cu — optimiser updates, in place, with torch.optim's formulas as the CPU backend
// (src/AgNas.Tensor/Cpu/CpuBackend.Optim.cs).
//
//   sgd_step_multi_f32  one torch.optim.SGD step over ALL `count` parameter tensors in one launch:
//                       params/grads/buffers are DEVICE arrays of `count` device pointers, sizes a device
//                       array of `count` element counts, firstStep a device array of `count` ints (1 = this
//                       tensor's first step: buf ← d) or NULL (no tensor is on its first step); buffers (or
//                       any entry) may be NULL only when momentum == 0.
//                       d = g + wd·w; if momentum ≠ 0: buf = first ? d : momentum·buf + (1 − dampening)·d,
//                       d = nesterov ? d + momentum·buf : buf; w −= lr·d.
//                       1-D grid of any size ≥ 1, 1-D block (256 recommended): every thread walks the
//                       tensors in order and grid-strides inside each; no shared memory
//                       IBackend.SgdStep (count = 1) and the fused all-parameter step        in place
//   adam_step_f32       one torch.optim.Adam step on one tensor: g = grad + wd·w; m = β1·m + (1−β1)·g;
//                       v = β2·v + (1−β2)·g²; w −= stepSize·m / (sqrt(v)/sqrtBiasCorrection2 + eps), with
//                       stepSize = lr/(1 − β1^t) and sqrtBiasCorrection2 = sqrt(1 − β2^t) computed on the
//                       host in float64 and rounded to float (as the CPU backend does)
//                       1-D grid of any size ≥ 1 (grid-stride), 1-D block, no shared memory
//                       IBackend.AdamStep                                                    in place
#include "agnas_cuda.h"

extern "C" __global__ void sgd_step_multi_f32(float* const* params, const float* const* grads, float* const* buffers,
                                              const agnas_i64* sizes, const int* firstStep, int count, float lr,
                                              float momentum, float dampening, float weightDecay, int nesterov)
{
    const agnas_i64 start = (agnas_i64)blockIdx.x * blockDim.x + threadIdx.x;
    const agnas_i64 step = (agnas_i64)blockDim.x * gridDim.x;
    for (int t = 0; t < count; ++t)
    {
        float* w = params[t];
        const float* g = grads[t];
        float* buf = (momentum != 0.0f && buffers) ? buffers[t] : nullptr;
        const bool first = firstStep && firstStep[t] != 0;
        const agnas_i64 n = sizes[t];
        for (agnas_i64 i = start; i < n; i += step)
        {
            float d = g[i] + weightDecay * w[i];
            if (buf)
            {
                const float b = first ? d : momentum * buf[i] + (1.0f - dampening) * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            w[i] -= lr * d;
        }
    }
}

extern "C" __global__ void adam_step_f32(float* param, const float* grad, float* m, float* v, agnas_i64 n, float beta1,
                                         float beta2, float eps, float weightDecay, float stepSize,
                                         float sqrtBiasCorrection2)
{
    AGNAS_GRID_STRIDE_LOOP(i, n)
    {
        const float d = grad[i] + weightDecay * param[i];
        const float mi = beta1 * m[i] + (1.0f - beta1) * d;
        const float vi = beta2 * v[i] + (1.0f - beta2) * d * d;
        m[i] = mi;
        v[i] = vi;
        param[i] -= stepSize * mi / (agnas_sqrtf(vi) / sqrtBiasCorrection2 + eps);
    }
}

AGNAS_KERNEL(sgd_step_multi_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(adam_step_f32, AGNAS_BLOCK_INDEPENDENT)

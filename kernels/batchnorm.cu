// batchnorm.cu — batch norm over (B, H·W) per channel, PyTorch semantics, as the CPU backend
// (src/AgNas.Tensor/Cpu/CpuBackend.BatchNorm.cs): statistics in float64, two passes (mean, then
// squared deviations), biased variance for normalisation, unbiased n/(n−1) for the running variance.
// x, y, dy, dx may be channel views ((pointer, stride) per operand); the per-channel vectors (C) are
// contiguous; gamma/beta NULL means affine off; runningMean/runningVar NULL means no update;
// dGamma/dBeta NULL means not wanted. y may be x, and dx may be dy (each element is read before the
// same thread writes it, after the statistics are complete).
//
//   batchnorm_train_forward_f32   y, saveMean(C), saveInvStd(C) ← …; running stats updated in place:
//                                 r ← (1 − momentum)·r + momentum·stat   (B·H·W ≥ 2 is the caller's check)
//                                 IBackend.BatchNormTrainForward                          overwrites
//   batchnorm_train_backward_f32  dx, dGamma(C), dBeta(C) through the batch statistics
//                                 IBackend.BatchNormTrainBackward                         overwrites
//   batchnorm_eval_backward_f32   dx ← dy·gamma/sqrt(var + eps); dGamma, dBeta when wanted
//                                 IBackend.BatchNormEvalBackward                          overwrites
//     these three: ONE BLOCK PER CHANNEL (grid-stride over channels; grid = min(C, a few per SM)),
//     1-D block ≤ 1024 (256 recommended), static shared memory AGNAS_REDUCE_SHARED doubles.
//   batchnorm_eval_forward_f32    y ← (x − mean)/sqrt(var + eps)·gamma + beta
//                                 ONE BLOCK PER (n, c) PLANE (grid-stride over the B·C planes), 1-D block,
//                                 no shared memory        IBackend.BatchNormEvalForward   overwrites
#include "agnas_cuda.h"

// Element i of channel c, i < B·plane, in a (pointer, stride) operand.
static __device__ __forceinline__ agnas_i64 bn_at(agnas_i64 i, agnas_i64 c, agnas_i64 plane, agnas_i64 stride)
{
    const agnas_i64 n = agnas_div(i, plane);
    return n * stride + c * plane + (i - n * plane);
}

extern "C" __global__ void batchnorm_train_forward_f32(float* y, agnas_i64 yStride, float* saveMean, float* saveInvStd,
                                                       float* runningMean, float* runningVar, const float* x,
                                                       agnas_i64 xStride, const float* gamma, const float* beta,
                                                       agnas_i64 batch, int channels, agnas_i64 plane, float momentum,
                                                       float eps)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    const agnas_i64 count = batch * plane;
    for (agnas_i64 c = blockIdx.x; c < channels; c += gridDim.x)
    {
        double acc = 0.0;
        for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x) acc += x[bn_at(i, c, plane, xStride)];
        const double mean = agnas_block_sum(acc, sh) / (double)count;

        acc = 0.0;
        for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x)
        {
            const double d = (double)x[bn_at(i, c, plane, xStride)] - mean;
            acc += d * d;
        }
        const double varBiased = agnas_block_sum(acc, sh) / (double)count;
        const double invStd = 1.0 / agnas_sqrt(varBiased + (double)eps);

        if (threadIdx.x == 0)
        {
            saveMean[c] = (float)mean;
            saveInvStd[c] = (float)invStd;
            const double m = (double)momentum;
            if (runningMean) runningMean[c] = (float)((1.0 - m) * runningMean[c] + m * mean);
            if (runningVar)
                runningVar[c] = (float)((1.0 - m) * runningVar[c] + m * (varBiased * (double)count / (double)(count - 1)));
        }

        const float scale = (float)(invStd * (gamma ? (double)gamma[c] : 1.0));
        const float shift = beta ? beta[c] : 0.0f;
        const float meanF = (float)mean;
        for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x)
            y[bn_at(i, c, plane, yStride)] = (x[bn_at(i, c, plane, xStride)] - meanF) * scale + shift;
    }
}

extern "C" __global__ void batchnorm_eval_forward_f32(float* y, agnas_i64 yStride, const float* x, agnas_i64 xStride,
                                                      const float* gamma, const float* beta, const float* mean,
                                                      const float* var, agnas_i64 batch, int channels, agnas_i64 plane,
                                                      float eps)
{
    const agnas_i64 planes = batch * channels;
    for (agnas_i64 bc = blockIdx.x; bc < planes; bc += gridDim.x)
    {
        const agnas_i64 n = bc / channels, c = bc - n * channels;
        const double invStd = 1.0 / agnas_sqrt((double)var[c] + (double)eps);
        const float scale = (float)(invStd * (gamma ? (double)gamma[c] : 1.0));
        const float shift = beta ? beta[c] : 0.0f;
        const float m = mean[c];
        const float* src = x + n * xStride + c * plane;
        float* dst = y + n * yStride + c * plane;
        for (agnas_i64 p = threadIdx.x; p < plane; p += blockDim.x) dst[p] = (src[p] - m) * scale + shift;
    }
}

extern "C" __global__ void batchnorm_train_backward_f32(float* dx, agnas_i64 dxStride, float* dGamma, float* dBeta,
                                                        const float* dy, agnas_i64 dyStride, const float* x,
                                                        agnas_i64 xStride, const float* gamma, const float* saveMean,
                                                        const float* saveInvStd, agnas_i64 batch, int channels,
                                                        agnas_i64 plane)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    const agnas_i64 count = batch * plane;
    for (agnas_i64 c = blockIdx.x; c < channels; c += gridDim.x)
    {
        const double mean = saveMean[c], invStd = saveInvStd[c];
        // sumDy = Σ dy, sumDyXmu = Σ dy·(x − mean), so Σ dy·x̂ = invStd·sumDyXmu.
        double accDy = 0.0, accDot = 0.0;
        for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x)
        {
            const double g = dy[bn_at(i, c, plane, dyStride)];
            accDy += g;
            accDot += g * ((double)x[bn_at(i, c, plane, xStride)] - mean);
        }
        double sumDy, sumDyXmu;
        agnas_block_sum2(accDy, accDot, sh, &sumDy, &sumDyXmu);
        if (threadIdx.x == 0)
        {
            if (dGamma) dGamma[c] = (float)(sumDyXmu * invStd);
            if (dBeta) dBeta[c] = (float)sumDy;
        }
        // dx = γ·invStd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n) = k·dy + q·(x − mean) + r.
        const double k = invStd * (gamma ? (double)gamma[c] : 1.0);
        const float kf = (float)k;
        const float qf = (float)(-k * invStd * invStd * sumDyXmu / (double)count);
        const float rf = (float)(-k * sumDy / (double)count);
        const float meanF = (float)mean;
        for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x)
        {
            const float g = dy[bn_at(i, c, plane, dyStride)];
            const float v = x[bn_at(i, c, plane, xStride)];
            dx[bn_at(i, c, plane, dxStride)] = kf * g + qf * (v - meanF) + rf;
        }
    }
}

extern "C" __global__ void batchnorm_eval_backward_f32(float* dx, agnas_i64 dxStride, float* dGamma, float* dBeta,
                                                       const float* dy, agnas_i64 dyStride, const float* x,
                                                       agnas_i64 xStride, const float* gamma, const float* mean,
                                                       const float* var, agnas_i64 batch, int channels, agnas_i64 plane,
                                                       float eps)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    const agnas_i64 count = batch * plane;
    for (agnas_i64 c = blockIdx.x; c < channels; c += gridDim.x)
    {
        const double invStd = 1.0 / agnas_sqrt((double)var[c] + (double)eps);
        if (dGamma || dBeta)
        {
            const double m = mean[c];
            double accDy = 0.0, accDot = 0.0;
            for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x)
            {
                const double g = dy[bn_at(i, c, plane, dyStride)];
                accDy += g;
                accDot += g * ((double)x[bn_at(i, c, plane, xStride)] - m);
            }
            double sumDy, sumDyXmu;
            agnas_block_sum2(accDy, accDot, sh, &sumDy, &sumDyXmu);
            if (threadIdx.x == 0)
            {
                if (dGamma) dGamma[c] = (float)(sumDyXmu * invStd);
                if (dBeta) dBeta[c] = (float)sumDy;
            }
        }
        const float k = (float)(invStd * (gamma ? (double)gamma[c] : 1.0));
        for (agnas_i64 i = threadIdx.x; i < count; i += blockDim.x)
            dx[bn_at(i, c, plane, dxStride)] = dy[bn_at(i, c, plane, dyStride)] * k;
    }
}

AGNAS_KERNEL(batchnorm_train_forward_f32, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(batchnorm_eval_forward_f32, AGNAS_BLOCK_INDEPENDENT)
AGNAS_KERNEL(batchnorm_train_backward_f32, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(batchnorm_eval_backward_f32, AGNAS_BLOCK_SYNC)

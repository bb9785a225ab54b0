// loss.cu — softmax cross-entropy with label smoothing (PyTorch's label_smoothing), as the CPU
// backend (src/AgNas.Tensor/Cpu/CpuBackend.Loss.cs). logits/probs/dLogits (B, N) contiguous,
// labels (B) int32, the loss a device scalar (one float).
//
//   softmax_xent_forward_f32   loss[0] ← mean over rows of −Σ_j q_j log softmax(logits)_j,
//                              q = (1 − ε)·onehot(label) + ε/N; probs ← softmax(logits)
//                              A SINGLE BLOCK: grid (1,1,1), 1-D block ≤ 1024 (256 recommended), one
//                              thread per row (row-stride loop), float64 row sums, static shared memory
//                              AGNAS_REDUCE_SHARED doubles. A label outside [0, N) makes its row's loss,
//                              and so loss[0], NaN (the CPU backend throws; check labels on the host if
//                              that matters).                   IBackend.SoftmaxCrossEntropyForward  overwrites
//   softmax_xent_backward_f32  dLogits ← (dLoss[0] / B)·(probs − q)
//                              1-D grid of any size ≥ 1 (grid-stride), 1-D block, no shared memory
//                                                               IBackend.SoftmaxCrossEntropyBackward overwrites
#include "agnas_cuda.h"

extern "C" __global__ void softmax_xent_forward_f32(float* loss, float* probs, const float* logits, const int* labels,
                                                    agnas_i64 batch, int classes, float labelSmoothing)
{
    __shared__ double sh[AGNAS_REDUCE_SHARED];
    double acc = 0.0;
    for (agnas_i64 r = threadIdx.x; r < batch; r += blockDim.x)
    {
        const float* row = logits + r * classes;
        float* pr = probs + r * classes;
        float mx = row[0];
        for (int j = 1; j < classes; ++j) mx = (row[j] > mx || row[j] != row[j]) ? row[j] : mx;
        double sumExp = 0.0, sumLogits = 0.0;
        for (int j = 0; j < classes; ++j)
        {
            sumExp += (double)agnas_expf(row[j] - mx);
            sumLogits += (double)row[j];
        }
        const double logSum = (double)mx + (double)agnas_logf((float)sumExp);
        const int label = labels[r];
        // −Σ q_j log p_j = (1 − ε)·(logSum − x_label) + ε·mean_j(logSum − x_j).
        const double nll = (label >= 0 && label < classes) ? logSum - (double)row[label] : (double)agnas_nan();
        const double meanNll = logSum - sumLogits / (double)classes;
        for (int j = 0; j < classes; ++j) pr[j] = agnas_expf((float)((double)row[j] - logSum));
        acc += (1.0 - (double)labelSmoothing) * nll + (double)labelSmoothing * meanNll;
    }
    const double total = agnas_block_sum(acc, sh);
    if (threadIdx.x == 0) loss[0] = (float)(total / (double)batch);
}

extern "C" __global__ void softmax_xent_backward_f32(float* dLogits, const float* dLoss, const float* probs,
                                                     const int* labels, agnas_i64 batch, int classes,
                                                     float labelSmoothing)
{
    const float g = dLoss[0] / (float)batch;
    const float off = labelSmoothing / (float)classes;
    AGNAS_GRID_STRIDE_LOOP(i, batch * classes)
    {
        const agnas_i64 r = agnas_div(i, classes), j = i - r * classes;
        const float q = (j == labels[r] ? 1.0f - labelSmoothing : 0.0f) + off;
        dLogits[i] = g * (probs[i] - q);
    }
}

AGNAS_KERNEL(softmax_xent_forward_f32, AGNAS_BLOCK_SYNC)
AGNAS_KERNEL(softmax_xent_backward_f32, AGNAS_BLOCK_INDEPENDENT)

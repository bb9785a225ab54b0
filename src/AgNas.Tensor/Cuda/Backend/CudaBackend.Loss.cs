namespace AgNas.Tensors.Cuda;

/// <summary>Softmax cross-entropy with label smoothing (kernels/loss.cu); the loss stays on the device.</summary>
public sealed unsafe partial class CudaBackend
{
    public void SoftmaxCrossEntropyForward(Tensor loss, Tensor probs, Tensor logits, Tensor labels, float labelSmoothing)
    {
        OpChecks.CrossEntropy(nameof(SoftmaxCrossEntropyForward), this, logits, labels, loss, probs, "logits", "loss", "probs");
        _k.SoftmaxXentForwardF32(CudaKernels.Single, P(loss), P(probs), P(logits), P(labels), logits.Shape[0], logits.Shape[1], labelSmoothing);
    }

    public void SoftmaxCrossEntropyBackward(Tensor dLogits, Tensor dLoss, Tensor probs, Tensor labels, float labelSmoothing)
    {
        OpChecks.CrossEntropy(nameof(SoftmaxCrossEntropyBackward), this, probs, labels, dLoss, dLogits, "probs", "dLoss", "dLogits");
        if (probs.Size == 0) return;
        _k.SoftmaxXentBackwardF32(_k.Elementwise(probs.Size), P(dLogits), P(dLoss), P(probs), P(labels), probs.Shape[0], probs.Shape[1], labelSmoothing);
    }
}

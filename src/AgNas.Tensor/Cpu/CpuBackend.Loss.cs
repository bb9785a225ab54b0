using System.Numerics.Tensors;

namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    /// <summary>The label range needs the labels' values, which only the host can read without a copy.</summary>
    private static void CheckLabels(string op, Tensor rows, Tensor labels)
    {
        int classes = rows.Shape[1];
        for (int r = 0; r < labels.Size; r++)
        {
            int l = PI(labels)[r];
            if (l < 0 || l >= classes)
                throw new ArgumentException($"{op}: label {l} is outside [0, {classes}) for logits of shape {rows.Shape}.");
        }
    }

    public void SoftmaxCrossEntropyForward(Tensor loss, Tensor probs, Tensor logits, Tensor labels, float labelSmoothing)
    {
        const string op = nameof(SoftmaxCrossEntropyForward);
        OpChecks.CrossEntropy(op, this, logits, labels, loss, probs, "logits", "loss", "probs");
        CheckLabels(op, logits, labels);
        int b = logits.Shape[0], n = logits.Shape[1];
        double total = 0;
        for (int r = 0; r < b; r++)
        {
            var row = new ReadOnlySpan<float>(P(logits) + (long)r * n, n);
            var pr = new Span<float>(P(probs) + (long)r * n, n);
            float max = TensorPrimitives.Max(row);
            double sumExp = 0;
            for (int j = 0; j < n; j++) sumExp += Math.Exp(row[j] - max);
            double logSum = max + Math.Log(sumExp);
            int label = PI(labels)[r];
            // −Σ q_j log p_j with q = (1 − ε)·onehot + ε/N.
            double nll = logSum - row[label];
            double meanNll = 0;
            for (int j = 0; j < n; j++)
            {
                meanNll += logSum - row[j];
                pr[j] = (float)Math.Exp(row[j] - logSum);
            }
            meanNll /= n;
            total += (1 - labelSmoothing) * nll + labelSmoothing * meanNll;
        }
        P(loss)[0] = (float)(total / b);
    }

    public void SoftmaxCrossEntropyBackward(Tensor dLogits, Tensor dLoss, Tensor probs, Tensor labels, float labelSmoothing)
    {
        const string op = nameof(SoftmaxCrossEntropyBackward);
        OpChecks.CrossEntropy(op, this, probs, labels, dLoss, dLogits, "probs", "dLoss", "dLogits");
        CheckLabels(op, probs, labels);
        int b = probs.Shape[0], n = probs.Shape[1];
        float g = P(dLoss)[0] / b;
        float off = labelSmoothing / n;
        for (int r = 0; r < b; r++)
        {
            int label = PI(labels)[r];
            for (int j = 0; j < n; j++)
            {
                float q = (j == label ? 1f - labelSmoothing : 0f) + off;
                P(dLogits)[(long)r * n + j] = g * (P(probs)[(long)r * n + j] - q);
            }
        }
    }
}

using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// loss () = mean over the batch of −Σ_j q_j log softmax(logits)_j, logits (B, N), labels (B) int32,
/// q = (1 − ε)·onehot(label) + ε/N (PyTorch's cross_entropy with label_smoothing ε). Saves the
/// softmax probs; backward: dLogits = dLoss · (probs − q) / B.
/// </summary>
internal sealed class CrossEntropyFunction : Function
{
    private const string Op = "CrossEntropy";

    private readonly Tensor _probs;
    private readonly Tensor _labels;
    private readonly float _labelSmoothing;

    private CrossEntropyFunction(Tensor probs, Tensor labels, float labelSmoothing)
    {
        _probs = probs;
        _labels = labels;
        _labelSmoothing = labelSmoothing;
    }

    public static Var Apply(Var logits, Tensor labels, float labelSmoothing)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Check.Rank(Op, logits.Data, 2, "logits");
        Check.DType(Op, labels, DType.Int32, "labels");
        Check.Shape(Op, labels, new Shape(logits.Shape[0]), "labels");
        if (logits.Shape[0] < 1 || logits.Shape[1] < 1)
            throw new ArgumentException($"{Op}: logits have shape {logits.Shape}; expected at least one sample and one class.");
        if (labelSmoothing is < 0f or > 1f || float.IsNaN(labelSmoothing))
            throw new ArgumentException($"{Op}: logits {logits.Shape}: labelSmoothing = {labelSmoothing}; expected a value in [0, 1].");
        var x = logits.Data.IsContiguous ? logits.Data : logits.Data.Clone();
        var loss = Tensor.Empty(Shape.Scalar, x.Backend);
        var probs = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.SoftmaxCrossEntropyForward(loss, probs, x, labels, labelSmoothing);
        return Record(loss, () => new CrossEntropyFunction(probs, labels, labelSmoothing), logits);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dLogits = Tensor.Empty(_probs.Shape, _probs.Backend);
        _probs.Backend.SoftmaxCrossEntropyBackward(dLogits, dy, _probs, _labels, _labelSmoothing);
        return [dLogits];
    }
}

using AgNas.Autograd.Functions;
using AgNas.Tensors;

namespace AgNas.Autograd;

/// <summary>
/// The differentiable operations, one entry point each (the forward of a function in Functions/).
/// Image tensors are NCHW. Every op creates its output on its inputs' backend; mismatched shapes,
/// dtypes or backends throw <see cref="ArgumentException"/> naming the op and the shapes.
/// </summary>
public static class Functional
{
    /// <summary>max(x, 0), any shape.</summary>
    public static Var Relu(Var x) => ReluFunction.Apply(x);

    /// <summary>a + b, same shapes.</summary>
    public static Var Add(Var a, Var b) => AddFunction.Apply(a, b);

    /// <summary>min(max(x, 0), 6), any shape.</summary>
    public static Var Relu6(Var x) => throw new NotImplementedException();

    /// <summary>1 / (1 + e^−x), any shape.</summary>
    public static Var Sigmoid(Var x) => throw new NotImplementedException();

    /// <summary>a ⊙ b elementwise, same shapes.</summary>
    public static Var Mul(Var a, Var b) => throw new NotImplementedException();

    /// <summary>alpha · x.</summary>
    public static Var Scale(Var x, float alpha) => throw new NotImplementedException();

    /// <summary>
    /// conv2d: x (B, I, H, W), w (O, I/groups, kH, kW), bias (O) or null → (B, O, Ho, Wo),
    /// Ho = floor((H + 2p − d(kH − 1) − 1)/s) + 1 (PyTorch's Conv2d).
    /// </summary>
    public static Var Conv2d(Var x, Var w, Var? bias, Conv2dParams p) => throw new NotImplementedException();

    /// <summary>
    /// Batch norm over (B, H, W) per channel of x (B, C, H, W) or (B, C). In training the batch
    /// mean and biased variance normalise and, when given, runningMean/runningVar are updated with
    /// momentum and the unbiased variance. In eval the running statistics normalise (or the batch
    /// statistics when there are none: track_running_stats off). gamma/beta null: affine off.
    /// </summary>
    public static Var BatchNorm2d(Var x, Var? gamma, Var? beta, Tensor? runningMean, Tensor? runningVar,
        bool training, float momentum = 0.1f, float eps = 1e-5f) => throw new NotImplementedException();

    /// <summary>Max pooling (padding acts as −∞) of x (B, C, H, W).</summary>
    public static Var MaxPool2d(Var x, Pool2dParams p) => throw new NotImplementedException();

    /// <summary>Average pooling; countIncludePad false divides by the in-image elements only (DARTS, NAS-Bench-201).</summary>
    public static Var AvgPool2d(Var x, Pool2dParams p, bool countIncludePad = false) => throw new NotImplementedException();

    /// <summary>Global average pooling (B, C, H, W) → (B, C).</summary>
    public static Var GlobalAvgPool(Var x) => throw new NotImplementedException();

    /// <summary>x (B, I) · wᵀ (I, O) + bias (O) → (B, O).</summary>
    public static Var Linear(Var x, Var w, Var? bias) => throw new NotImplementedException();

    /// <summary>x (B, C, H, W) · s (B, C) broadcast over H, W.</summary>
    public static Var ChannelMul(Var x, Var s) => throw new NotImplementedException();

    /// <summary>Sum of K channel groups: x (B, K·C, H, W) → (B, C, H, W).</summary>
    public static Var GroupSum(Var x, int groups) => throw new NotImplementedException();

    /// <summary>Channel concatenation of NCHW (or (B, C)) parts with equal other dims.</summary>
    public static Var Concat(IReadOnlyList<Var> parts) => throw new NotImplementedException();

    /// <summary>Channels [start, start + count) of x, as a dense copy.</summary>
    public static Var SliceChannels(Var x, int start, int count) => throw new NotImplementedException();

    /// <summary>Same data, another shape of the same size (x contiguous).</summary>
    public static Var Reshape(Var x, Shape shape) => throw new NotImplementedException();

    /// <summary>(B, ...) → (B, rest).</summary>
    public static Var Flatten(Var x) => throw new NotImplementedException();

    /// <summary>
    /// Mean over the batch of the softmax cross-entropy of logits (B, N) against int32 labels (B),
    /// with PyTorch's label smoothing ε: target (1 − ε)·onehot + ε/N. Returns a scalar.
    /// </summary>
    public static Var CrossEntropy(Var logits, Tensor labels, float labelSmoothing = 0f) => throw new NotImplementedException();

    /// <summary>Training: zero each element with probability p and scale the rest by 1/(1 − p); eval: identity.</summary>
    public static Var Dropout(Var x, float p, bool training, ulong seed) => throw new NotImplementedException();

    /// <summary>Training: zero each sample with probability dropProb and scale the kept ones by 1/(1 − dropProb); eval: identity (DARTS drop_path).</summary>
    public static Var DropPath(Var x, float dropProb, bool training, ulong seed) => throw new NotImplementedException();

    /// <summary>A constant zero tensor (the `none` op's output).</summary>
    public static Var Zeros(Shape shape, IBackend backend) => throw new NotImplementedException();
}

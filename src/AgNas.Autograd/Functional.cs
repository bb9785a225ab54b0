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
    public static Var Relu6(Var x) => Relu6Function.Apply(x);

    /// <summary>1 / (1 + e^−x), any shape.</summary>
    public static Var Sigmoid(Var x) => SigmoidFunction.Apply(x);

    /// <summary>a ⊙ b elementwise, same shapes.</summary>
    public static Var Mul(Var a, Var b) => MulFunction.Apply(a, b);

    /// <summary>alpha · x.</summary>
    public static Var Scale(Var x, float alpha) => ScaleFunction.Apply(x, alpha);

    /// <summary>
    /// conv2d: x (B, I, H, W), w (O, I/groups, kH, kW), bias (O) or null → (B, O, Ho, Wo),
    /// Ho = floor((H + 2p − d(kH − 1) − 1)/s) + 1 (PyTorch's Conv2d).
    /// </summary>
    public static Var Conv2d(Var x, Var w, Var? bias, Conv2dParams p) => Conv2dFunction.Apply(x, w, bias, p);

    /// <summary>
    /// Batch norm over (B, H, W) per channel of x (B, C, H, W) or (B, C). In training the batch
    /// mean and biased variance normalise and, when given, runningMean/runningVar are updated with
    /// momentum and the unbiased variance. In eval the running statistics normalise (or the batch
    /// statistics when there are none: track_running_stats off). gamma/beta null: affine off.
    /// </summary>
    public static Var BatchNorm2d(Var x, Var? gamma, Var? beta, Tensor? runningMean, Tensor? runningVar,
        bool training, float momentum = 0.1f, float eps = 1e-5f) =>
        BatchNorm2dFunction.Apply(x, gamma, beta, runningMean, runningVar, training, momentum, eps);

    /// <summary>Max pooling (padding acts as −∞) of x (B, C, H, W).</summary>
    public static Var MaxPool2d(Var x, Pool2dParams p) => MaxPool2dFunction.Apply(x, p);

    /// <summary>Average pooling; countIncludePad false divides by the in-image elements only (DARTS, NAS-Bench-201).</summary>
    public static Var AvgPool2d(Var x, Pool2dParams p, bool countIncludePad = false) => AvgPool2dFunction.Apply(x, p, countIncludePad);

    /// <summary>Global average pooling (B, C, H, W) → (B, C).</summary>
    public static Var GlobalAvgPool(Var x) => GlobalAvgPoolFunction.Apply(x);

    /// <summary>x (B, I) · wᵀ (I, O) + bias (O) → (B, O).</summary>
    public static Var Linear(Var x, Var w, Var? bias) => LinearFunction.Apply(x, w, bias);

    /// <summary>x (B, C, H, W) · s (B, C) broadcast over H, W.</summary>
    public static Var ChannelMul(Var x, Var s) => ChannelMulFunction.Apply(x, s);

    /// <summary>
    /// The attention module's combine step, fused: Σ_k s(B, kC + c) · z(B, kC + c, H, W) for the K
    /// candidate outputs concatenated in z (B, K·C, H, W) and weights s (B, K·C) → (B, C, H, W).
    /// Equal to GroupSum(ChannelMul(z, s), K).
    /// </summary>
    public static Var AttentionCombine(Var z, Var s, int groups) => AttentionCombineFunction.Apply(z, s, groups);

    /// <summary>Softmax of each row of x (R, N) → (R, N): DARTS' mixing weights softmax(α) (Liu et al. 2019, Eq. 2).</summary>
    /// <exception cref="ArgumentException">x is not (R, N) with R, N ≥ 1.</exception>
    public static Var Softmax(Var x) => SoftmaxFunction.Apply(x);

    /// <summary>
    /// One weight per candidate spread over that candidate's channel group: w (1, K) or (B, K) →
    /// (B, K·C) with y[b, kC + c] = w[0 or b, k], the per-channel weights <see cref="AttentionCombine"/>
    /// takes, so a softmax(α)-weighted sum of candidates reuses the attention module's fused combine.
    /// A composite (no backward of its own): a (1, K) row is broadcast over the batch by a Linear
    /// against a column of ones, each weight over its C channels by a second one; the gradient
    /// therefore sums over the batch and the group's channels.
    /// </summary>
    /// <param name="w">(1, K) weights shared by every sample, or (B, K) per sample.</param>
    /// <param name="batch">B.</param>
    /// <param name="channels">C, the channels of each candidate.</param>
    /// <exception cref="ArgumentException">w is not (1, K) or (B, K), or B or C is below 1.</exception>
    public static Var ExpandGroups(Var w, int batch, int channels)
    {
        if (w.Data.Rank != 2 || batch < 1 || channels < 1 || (w.Shape[0] != 1 && w.Shape[0] != batch))
            throw new ArgumentException($"ExpandGroups: w has shape {w.Shape}, B = {batch}, C = {channels}; expected w (1, K) or ({batch}, K) and B, C >= 1.");
        int k = w.Shape[1];
        var backend = w.Backend;
        var rows = w;
        if (w.Shape[0] != batch)
            rows = Linear(new Var(Tensor.Full(new Shape(batch, 1), 1f, backend)), Reshape(w, new Shape(k, 1)), null);
        var column = Reshape(rows, new Shape(batch * k, 1));
        var spread = Linear(column, new Var(Tensor.Full(new Shape(channels, 1), 1f, backend)), null);
        return Reshape(spread, new Shape(batch, k * channels));
    }

    /// <summary>Sum of K channel groups: x (B, K·C, H, W) → (B, C, H, W).</summary>
    public static Var GroupSum(Var x, int groups) => GroupSumFunction.Apply(x, groups);

    /// <summary>Channel concatenation of NCHW (or (B, C)) parts with equal other dims.</summary>
    public static Var Concat(IReadOnlyList<Var> parts) => ConcatFunction.Apply(parts);

    /// <summary>Channels [start, start + count) of x, as a dense copy.</summary>
    public static Var SliceChannels(Var x, int start, int count) => SliceChannelsFunction.Apply(x, start, count);

    /// <summary>Same data, another shape of the same size: a view sharing x's memory (a strided channel view is copied first).</summary>
    public static Var Reshape(Var x, Shape shape) => ReshapeFunction.Apply(x, shape);

    /// <summary>(B, ...) → (B, rest): <see cref="Reshape"/>, no backward of its own.</summary>
    public static Var Flatten(Var x)
    {
        if (x.Data.Rank < 1) throw new ArgumentException($"Flatten: x has shape {x.Shape}; expected (B, ...) with a batch dimension.");
        return Reshape(x, new Shape(x.Shape[0], checked((int)x.Data.Shape.SampleSize)));
    }

    /// <summary>
    /// Mean over the batch of the softmax cross-entropy of logits (B, N) against int32 labels (B),
    /// with PyTorch's label smoothing ε: target (1 − ε)·onehot + ε/N. Returns a scalar.
    /// </summary>
    public static Var CrossEntropy(Var logits, Tensor labels, float labelSmoothing = 0f) => CrossEntropyFunction.Apply(logits, labels, labelSmoothing);

    /// <summary>
    /// Training: zero each element with probability p and scale the rest by 1/(1 − p), the mask drawn
    /// from <paramref name="seed"/> (same seed, same mask); p = 1 gives zeros; eval or p = 0: x itself.
    /// </summary>
    public static Var Dropout(Var x, float p, bool training, ulong seed)
    {
        CheckProbability("Dropout", x, p, nameof(p));
        return !training || p == 0f ? x : DropoutFunction.Apply(x, p, seed);
    }

    /// <summary>
    /// Training: zero each sample with probability dropProb and scale the kept ones by 1/(1 − dropProb),
    /// the mask drawn from <paramref name="seed"/>; dropProb = 1 gives zeros; eval or dropProb = 0: x itself (DARTS drop_path).
    /// </summary>
    public static Var DropPath(Var x, float dropProb, bool training, ulong seed)
    {
        CheckProbability("DropPath", x, dropProb, nameof(dropProb));
        return !training || dropProb == 0f ? x : DropPathFunction.Apply(x, dropProb, seed);
    }

    /// <summary>A constant zero tensor (the `none` op's output): no gradient, no graph.</summary>
    public static Var Zeros(Shape shape, IBackend backend) => new(Tensor.Zeros(shape, backend));

    private static void CheckProbability(string op, Var x, float p, string name)
    {
        if (!(p >= 0f && p <= 1f))
            throw new ArgumentException($"{op}: x {x.Shape}: {name} = {p}; expected a probability in [0, 1].");
    }
}

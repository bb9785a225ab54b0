using AgNas.Tensors.Memory;

namespace AgNas.Tensors;

/// <summary>
/// The kernels the autograd functions need. Every backend implements all of it; the CPU backend is
/// the reference the others are tested against.
/// <para>Conventions: outputs first, then inputs, then sizes and hyper-parameters; gradient
/// arguments start with <c>d</c>. Every method <b>overwrites</b> its outputs unless its summary
/// says "accumulates". Image tensors are NCHW with the letters B, C, H, W (K = candidates per
/// edge); inputs and outputs may be channel views (<see cref="Tensor.SliceChannels"/>) unless a
/// method says "contiguous". Mismatched shapes, dtypes or backends throw <see cref="ArgumentException"/>
/// naming the op and the operands' shapes.</para>
/// </summary>
public interface IBackend
{
    Device Device { get; }

    /// <summary>Human-readable description (e.g. which BLAS library is loaded).</summary>
    string Description { get; }

    CachingAllocator Allocator { get; }
    MemoryStats Stats { get; }

    /// <summary>
    /// Waits until every call made so far has finished. A no-op for synchronous backends (the CPU);
    /// a GPU backend waits for its stream, and a kernel's failure surfaces here. Timings need it.
    /// </summary>
    void Synchronize();

    // ---- memory -------------------------------------------------------------------------------

    /// <summary>dst ← host bytes (row-major, dst's size × element size).</summary>
    void CopyFromHost(Tensor dst, ReadOnlySpan<byte> src);

    /// <summary>host bytes ← src (row-major; a view's gaps are skipped).</summary>
    void CopyToHost(Span<byte> dst, Tensor src);

    /// <summary>dst ← src, same shape; either may be a channel view. This is channel concat and slice.</summary>
    void Copy(Tensor dst, Tensor src);

    /// <summary>dst ← value everywhere (float32 tensors; int32 tensors get (int)value).</summary>
    void Fill(Tensor dst, float value);

    // ---- elementwise --------------------------------------------------------------------------

    /// <summary>y ← a + b, all the same shape.</summary>
    void Add(Tensor y, Tensor a, Tensor b);

    /// <summary>y ← y + alpha·x (accumulates), same shape. Used for gradient accumulation.</summary>
    void Axpy(Tensor y, float alpha, Tensor x);

    /// <summary>y ← alpha·x.</summary>
    void Scale(Tensor y, Tensor x, float alpha);

    /// <summary>y ← a ⊙ b elementwise, all the same shape.</summary>
    void Mul(Tensor y, Tensor a, Tensor b);

    /// <summary>y ← max(x, 0).</summary>
    void Relu(Tensor y, Tensor x);

    /// <summary>dx ← dy where x &gt; 0, else 0 (0 at x = 0, as PyTorch).</summary>
    void ReluBackward(Tensor dx, Tensor dy, Tensor x);

    /// <summary>y ← min(max(x, 0), 6).</summary>
    void Relu6(Tensor y, Tensor x);

    /// <summary>dx ← dy where 0 &lt; x &lt; 6, else 0.</summary>
    void Relu6Backward(Tensor dx, Tensor dy, Tensor x);

    /// <summary>y ← 1 / (1 + exp(−x)).</summary>
    void Sigmoid(Tensor y, Tensor x);

    /// <summary>dx ← dy · y · (1 − y), from the forward output y.</summary>
    void SigmoidBackward(Tensor dx, Tensor dy, Tensor y);

    /// <summary>y(B,C,H,W) ← x(B,C,H,W) · s(B,C) broadcast over H, W. Also (B,C) inputs with H = W = 1.</summary>
    void ChannelMul(Tensor y, Tensor x, Tensor s);

    /// <summary>dx(B,C,H,W) ← dy · s; ds(B,C) ← Σ_hw dy · x. Either output may be null.</summary>
    void ChannelMulBackward(Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s);

    /// <summary>y(B,...) ← x(B,...) · m(B): each sample scaled by its own factor (drop-path).</summary>
    void SampleMul(Tensor y, Tensor x, Tensor m);

    /// <summary>y(B,C,H,W) ← Σ_k x(B, kC:(k+1)C, H, W), k &lt; K.</summary>
    void GroupSum(Tensor y, Tensor x, int groups);

    /// <summary>dx(B,KC,H,W) ← dy(B,C,H,W) copied into each of the K groups.</summary>
    void GroupSumBackward(Tensor dx, Tensor dy, int groups);

    /// <summary>
    /// mask ← scale where u &lt; keep else 0, u uniform in [0, 1) from a counter-based generator
    /// keyed by (seed, flat index), so every backend draws the same mask for the same seed.
    /// </summary>
    void BernoulliMask(Tensor mask, float keep, float scale, ulong seed);

    // ---- reductions and checks ------------------------------------------------------------------

    /// <summary>Σ x² over all elements, accumulated in float64 and returned to the host.</summary>
    double SumOfSquares(Tensor x);

    /// <summary>
    /// Σ x² over every element of every tensor, accumulated in float64 with one host read for all of
    /// them (the global gradient norm of clip_grad_norm_; a GPU backend does not synchronise per tensor).
    /// </summary>
    double SumOfSquaresMany(IReadOnlyList<Tensor> xs);

    /// <summary>Σ x over all elements, accumulated in float64 and returned to the host.</summary>
    double Sum(Tensor x);

    /// <summary>True if any element is NaN or ±∞.</summary>
    bool HasNonFinite(Tensor x);

    // ---- dense layers -------------------------------------------------------------------------

    /// <summary>y(B,O) ← x(B,I) · wᵀ(I,O) + bias(O). bias may be null. x, w contiguous.</summary>
    void LinearForward(Tensor y, Tensor x, Tensor w, Tensor? bias);

    /// <summary>dx(B,I) ← dy(B,O) · w(O,I).</summary>
    void LinearBackwardData(Tensor dx, Tensor dy, Tensor w);

    /// <summary>dw(O,I) ← dyᵀ · x; dBias(O) ← Σ_b dy. dBias may be null.</summary>
    void LinearBackwardWeight(Tensor dw, Tensor? dBias, Tensor dy, Tensor x);

    // ---- convolution --------------------------------------------------------------------------

    /// <summary>
    /// y(B,O,Ho,Wo) ← conv2d(x(B,I,H,W), w(O,I/groups,kH,kW)) + bias(O) (cross-correlation, zero
    /// padding, PyTorch's output size). bias may be null.
    /// </summary>
    void Conv2dForward(Tensor y, Tensor x, Tensor w, Tensor? bias, Conv2dParams p);

    /// <summary>dx(B,I,H,W) ← ∂L/∂x from dy(B,O,Ho,Wo).</summary>
    void Conv2dBackwardData(Tensor dx, Tensor dy, Tensor w, Conv2dParams p);

    /// <summary>dw(O,I/groups,kH,kW) ← ∂L/∂w; dBias(O) ← Σ_{b,h,w} dy. dBias may be null.</summary>
    void Conv2dBackwardFilter(Tensor dw, Tensor? dBias, Tensor dy, Tensor x, Conv2dParams p);

    // ---- normalisation ------------------------------------------------------------------------

    /// <summary>
    /// Training-mode batch norm over (B,H,W) per channel: y ← (x − mean)/sqrt(var_b + eps)·gamma + beta
    /// with the biased batch variance var_b. Saves mean(C) and invStd(C) = 1/sqrt(var_b + eps) for the
    /// backward. When runningMean/runningVar are given they are updated in place:
    /// r ← (1 − momentum)·r + momentum·stat, with the unbiased variance var_b·n/(n−1), n = B·H·W.
    /// gamma/beta null means affine off.
    /// </summary>
    void BatchNormTrainForward(Tensor y, Tensor saveMean, Tensor saveInvStd, Tensor? runningMean, Tensor? runningVar,
        Tensor x, Tensor? gamma, Tensor? beta, float momentum, float eps);

    /// <summary>Eval-mode batch norm with the given statistics: y ← (x − mean)/sqrt(var + eps)·gamma + beta.</summary>
    void BatchNormEvalForward(Tensor y, Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor var, float eps);

    /// <summary>
    /// Backward of <see cref="BatchNormTrainForward"/> (gradient through the batch statistics):
    /// dx, and dGamma(C) ← Σ dy·x̂, dBeta(C) ← Σ dy when not null.
    /// </summary>
    void BatchNormTrainBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma,
        Tensor saveMean, Tensor saveInvStd);

    /// <summary>Backward of <see cref="BatchNormEvalForward"/> (statistics are constants): dx ← dy·gamma/sqrt(var+eps).</summary>
    void BatchNormEvalBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma,
        Tensor mean, Tensor var, float eps);

    // ---- pooling ------------------------------------------------------------------------------

    /// <summary>y(B,C,Ho,Wo) ← window max (padding is −∞); argmax(B,C,Ho,Wo) int32 ← flat h·W+w of the max in x's plane (first max wins).</summary>
    void MaxPool2dForward(Tensor y, Tensor argmax, Tensor x, Pool2dParams p);

    /// <summary>dx ← dy routed to each window's argmax (accumulating overlaps).</summary>
    void MaxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax);

    /// <summary>
    /// y ← window mean. countIncludePad = false divides by the in-image elements of the window (the
    /// DARTS / NAS-Bench-201 convention); true divides by kernel².
    /// </summary>
    void AvgPool2dForward(Tensor y, Tensor x, Pool2dParams p, bool countIncludePad);

    void AvgPool2dBackward(Tensor dx, Tensor dy, Pool2dParams p, bool countIncludePad);

    /// <summary>y(B,C) ← mean over H·W of x(B,C,H,W).</summary>
    void GlobalAvgPoolForward(Tensor y, Tensor x);

    /// <summary>dx(B,C,H,W) ← dy(B,C) / (H·W).</summary>
    void GlobalAvgPoolBackward(Tensor dx, Tensor dy);

    // ---- loss ---------------------------------------------------------------------------------

    /// <summary>
    /// loss() ← mean over the batch of −Σ_j q_j log softmax(logits)_j with q = (1 − ε)·onehot(label)
    /// + ε/N (ε = labelSmoothing, N classes; PyTorch's label_smoothing). probs(B,N) ← softmax(logits),
    /// saved for the backward. logits (B,N) contiguous, labels (B) int32 in [0, N).
    /// </summary>
    void SoftmaxCrossEntropyForward(Tensor loss, Tensor probs, Tensor logits, Tensor labels, float labelSmoothing);

    /// <summary>dLogits(B,N) ← dLoss() · (probs − q) / B.</summary>
    void SoftmaxCrossEntropyBackward(Tensor dLogits, Tensor dLoss, Tensor probs, Tensor labels, float labelSmoothing);

    // ---- attention (AGNAS, Sec. 3.2) -----------------------------------------------------------

    /// <summary>
    /// The attention module's combine step, fused: y(B,C,H,W) ← Σ_k s(B, kC + c) · x(B, kC + c, H, W),
    /// k &lt; K = groups. x is the concatenation of the K candidate outputs, s the sigmoid attention weights (B, K·C).
    /// </summary>
    void AttentionCombine(Tensor y, Tensor x, Tensor s, int groups);

    /// <summary>
    /// Backward of <see cref="AttentionCombine"/>: dx(B,K·C,H,W) ← s(B,kC+c)·dy(B,c,H,W);
    /// ds(B,K·C) ← Σ_hw x(B,kC+c)·dy(B,c). Either output may be null.
    /// </summary>
    void AttentionCombineBackward(Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s, int groups);

    /// <summary>
    /// Importance (AGNAS Eq. 6), accumulates: importance(K) float64 += Σ_b Σ_{c &lt; C} s(B, kC + c)
    /// for each candidate k &lt; K = groups. Stays on the device: no host read per edge.
    /// </summary>
    void AccumulateImportance(Tensor importance, Tensor s, int groups);

    // ---- optimisers ---------------------------------------------------------------------------

    /// <summary>
    /// One torch.optim.SGD step on one parameter, in place: d = grad + wd·param; buf = d on the first
    /// step (isFirstStep), else momentum·buf + (1 − dampening)·d; d = d + momentum·buf if Nesterov else buf;
    /// param −= lr·d. momentumBuffer may be null when momentum is 0.
    /// </summary>
    void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p, bool isFirstStep);

    /// <summary>
    /// <see cref="SgdStep"/> on many parameters with the same hyper-parameters, in order; a GPU backend
    /// updates them all in one launch. Each entry's buffer follows <see cref="SgdStep"/>'s rules.
    /// </summary>
    void SgdStepMany(IReadOnlyList<SgdTensor> tensors, SgdParams p);

    /// <summary>
    /// One torch.optim.Adam step, in place: g = grad + wd·param; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
    /// param −= lr·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + eps), t = step (1-based).
    /// </summary>
    void AdamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamParams p, int step);
}

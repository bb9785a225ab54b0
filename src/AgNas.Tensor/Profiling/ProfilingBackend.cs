using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Profiling;

/// <summary>Time spent in one backend method: calls and total wall time.</summary>
public sealed record OpTiming(string Op, long Calls, TimeSpan Total);

/// <summary>
/// Wraps a backend and times every call by method name (<c>agnas bench --profile</c>). It shares the
/// wrapped backend's allocator, so tensors made through either are interchangeable. The clock is the
/// backend's own when it has one (<see cref="IOpClockSource"/>: CUDA events, device time) and the
/// wall clock otherwise (exact for the CPU backend, whose kernels are synchronous).
/// Delegation only: each method below forwards to the same method of the wrapped backend.
/// </summary>
public sealed class ProfilingBackend : IBackend, IDisposable
{
    private readonly IBackend _inner;
    private readonly OpClock _clock;

    public ProfilingBackend(IBackend inner)
    {
        _inner = inner;
        _clock = inner is IOpClockSource source ? source.CreateOpClock() : new WallClock();
    }

    public Device Device => _inner.Device;
    public string Description => _inner.Description + " (profiled)";
    public CachingAllocator Allocator => _inner.Allocator;
    public MemoryStats Stats => _inner.Stats;

    /// <summary>What the timings measure ("wall clock" or "CUDA events").</summary>
    public string ClockSource => _clock.Source;

    /// <summary>The timings so far, largest total first.</summary>
    public IReadOnlyList<OpTiming> Timings() =>
        _clock.Totals().Select(kv => new OpTiming(kv.Key, kv.Value.Calls, TimeSpan.FromMilliseconds(kv.Value.Milliseconds)))
            .OrderByDescending(t => t.Total).ToList();

    public void Reset() => _clock.Reset();

    public void Synchronize() => _inner.Synchronize();

    public void Dispose() => _clock.Dispose();

    private long Start() => _clock.Start();

    private void Stop(string op, long start) => _clock.Stop(op, start);

    public void CopyFromHost(Tensor dst, ReadOnlySpan<byte> src) { var t = Start(); _inner.CopyFromHost(dst, src); Stop(nameof(CopyFromHost), t); }
    public void CopyToHost(Span<byte> dst, Tensor src) { var t = Start(); _inner.CopyToHost(dst, src); Stop(nameof(CopyToHost), t); }
    public void Copy(Tensor dst, Tensor src) { var t = Start(); _inner.Copy(dst, src); Stop(nameof(Copy), t); }
    public void Fill(Tensor dst, float value) { var t = Start(); _inner.Fill(dst, value); Stop(nameof(Fill), t); }
    public void Add(Tensor y, Tensor a, Tensor b) { var t = Start(); _inner.Add(y, a, b); Stop(nameof(Add), t); }
    public void Axpy(Tensor y, float alpha, Tensor x) { var t = Start(); _inner.Axpy(y, alpha, x); Stop(nameof(Axpy), t); }
    public void Scale(Tensor y, Tensor x, float alpha) { var t = Start(); _inner.Scale(y, x, alpha); Stop(nameof(Scale), t); }
    public void Mul(Tensor y, Tensor a, Tensor b) { var t = Start(); _inner.Mul(y, a, b); Stop(nameof(Mul), t); }
    public void Relu(Tensor y, Tensor x) { var t = Start(); _inner.Relu(y, x); Stop(nameof(Relu), t); }
    public void ReluBackward(Tensor dx, Tensor dy, Tensor x) { var t = Start(); _inner.ReluBackward(dx, dy, x); Stop(nameof(ReluBackward), t); }
    public void Relu6(Tensor y, Tensor x) { var t = Start(); _inner.Relu6(y, x); Stop(nameof(Relu6), t); }
    public void Relu6Backward(Tensor dx, Tensor dy, Tensor x) { var t = Start(); _inner.Relu6Backward(dx, dy, x); Stop(nameof(Relu6Backward), t); }
    public void Sigmoid(Tensor y, Tensor x) { var t = Start(); _inner.Sigmoid(y, x); Stop(nameof(Sigmoid), t); }
    public void SigmoidBackward(Tensor dx, Tensor dy, Tensor y) { var t = Start(); _inner.SigmoidBackward(dx, dy, y); Stop(nameof(SigmoidBackward), t); }
    public void ChannelMul(Tensor y, Tensor x, Tensor s) { var t = Start(); _inner.ChannelMul(y, x, s); Stop(nameof(ChannelMul), t); }
    public void ChannelMulBackward(Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s) { var t = Start(); _inner.ChannelMulBackward(dx, ds, dy, x, s); Stop(nameof(ChannelMulBackward), t); }
    public void SampleMul(Tensor y, Tensor x, Tensor m) { var t = Start(); _inner.SampleMul(y, x, m); Stop(nameof(SampleMul), t); }
    public void GroupSum(Tensor y, Tensor x, int groups) { var t = Start(); _inner.GroupSum(y, x, groups); Stop(nameof(GroupSum), t); }
    public void GroupSumBackward(Tensor dx, Tensor dy, int groups) { var t = Start(); _inner.GroupSumBackward(dx, dy, groups); Stop(nameof(GroupSumBackward), t); }
    public void BernoulliMask(Tensor mask, float keep, float scale, ulong seed) { var t = Start(); _inner.BernoulliMask(mask, keep, scale, seed); Stop(nameof(BernoulliMask), t); }
    public double SumOfSquares(Tensor x) { var t = Start(); var r = _inner.SumOfSquares(x); Stop(nameof(SumOfSquares), t); return r; }
    public double SumOfSquaresMany(IReadOnlyList<Tensor> xs) { var t = Start(); var r = _inner.SumOfSquaresMany(xs); Stop(nameof(SumOfSquaresMany), t); return r; }
    public double Sum(Tensor x) { var t = Start(); var r = _inner.Sum(x); Stop(nameof(Sum), t); return r; }
    public bool HasNonFinite(Tensor x) { var t = Start(); var r = _inner.HasNonFinite(x); Stop(nameof(HasNonFinite), t); return r; }
    public void LinearForward(Tensor y, Tensor x, Tensor w, Tensor? bias) { var t = Start(); _inner.LinearForward(y, x, w, bias); Stop(nameof(LinearForward), t); }
    public void LinearBackwardData(Tensor dx, Tensor dy, Tensor w) { var t = Start(); _inner.LinearBackwardData(dx, dy, w); Stop(nameof(LinearBackwardData), t); }
    public void LinearBackwardWeight(Tensor dw, Tensor? dBias, Tensor dy, Tensor x) { var t = Start(); _inner.LinearBackwardWeight(dw, dBias, dy, x); Stop(nameof(LinearBackwardWeight), t); }
    public void Conv2dForward(Tensor y, Tensor x, Tensor w, Tensor? bias, Conv2dParams p) { var t = Start(); _inner.Conv2dForward(y, x, w, bias, p); Stop(ConvName(nameof(Conv2dForward), w, p), t); }
    public void Conv2dBackwardData(Tensor dx, Tensor dy, Tensor w, Conv2dParams p) { var t = Start(); _inner.Conv2dBackwardData(dx, dy, w, p); Stop(ConvName(nameof(Conv2dBackwardData), w, p), t); }
    public void Conv2dBackwardFilter(Tensor dw, Tensor? dBias, Tensor dy, Tensor x, Conv2dParams p) { var t = Start(); _inner.Conv2dBackwardFilter(dw, dBias, dy, x, p); Stop(ConvName(nameof(Conv2dBackwardFilter), dw, p), t); }

    /// <summary>A convolution's row name with its kind, since the kinds run different code: "Conv2dForward (1x1)", "(depthwise 7x7)", "(3x3)".</summary>
    private static string ConvName(string op, Tensor w, Conv2dParams p)
    {
        int k = w.Shape[2];
        string kind = p.Groups > 1 && w.Shape[1] == 1 ? $"depthwise {k}x{k}" : p.Groups > 1 ? $"grouped {k}x{k}" : $"{k}x{k}";
        return $"{op} ({kind})";
    }
    public void BatchNormTrainForward(Tensor y, Tensor saveMean, Tensor saveInvStd, Tensor? runningMean, Tensor? runningVar, Tensor x, Tensor? gamma, Tensor? beta, float momentum, float eps) { var t = Start(); _inner.BatchNormTrainForward(y, saveMean, saveInvStd, runningMean, runningVar, x, gamma, beta, momentum, eps); Stop(nameof(BatchNormTrainForward), t); }
    public void BatchNormEvalForward(Tensor y, Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor var, float eps) { var t = Start(); _inner.BatchNormEvalForward(y, x, gamma, beta, mean, var, eps); Stop(nameof(BatchNormEvalForward), t); }
    public void BatchNormTrainBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma, Tensor saveMean, Tensor saveInvStd) { var t = Start(); _inner.BatchNormTrainBackward(dx, dGamma, dBeta, dy, x, gamma, saveMean, saveInvStd); Stop(nameof(BatchNormTrainBackward), t); }
    public void BatchNormEvalBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma, Tensor mean, Tensor var, float eps) { var t = Start(); _inner.BatchNormEvalBackward(dx, dGamma, dBeta, dy, x, gamma, mean, var, eps); Stop(nameof(BatchNormEvalBackward), t); }
    public void MaxPool2dForward(Tensor y, Tensor argmax, Tensor x, Pool2dParams p) { var t = Start(); _inner.MaxPool2dForward(y, argmax, x, p); Stop(nameof(MaxPool2dForward), t); }
    public void MaxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax) { var t = Start(); _inner.MaxPool2dBackward(dx, dy, argmax); Stop(nameof(MaxPool2dBackward), t); }
    public void AvgPool2dForward(Tensor y, Tensor x, Pool2dParams p, bool countIncludePad) { var t = Start(); _inner.AvgPool2dForward(y, x, p, countIncludePad); Stop(nameof(AvgPool2dForward), t); }
    public void AvgPool2dBackward(Tensor dx, Tensor dy, Pool2dParams p, bool countIncludePad) { var t = Start(); _inner.AvgPool2dBackward(dx, dy, p, countIncludePad); Stop(nameof(AvgPool2dBackward), t); }
    public void GlobalAvgPoolForward(Tensor y, Tensor x) { var t = Start(); _inner.GlobalAvgPoolForward(y, x); Stop(nameof(GlobalAvgPoolForward), t); }
    public void GlobalAvgPoolBackward(Tensor dx, Tensor dy) { var t = Start(); _inner.GlobalAvgPoolBackward(dx, dy); Stop(nameof(GlobalAvgPoolBackward), t); }
    public void SoftmaxCrossEntropyForward(Tensor loss, Tensor probs, Tensor logits, Tensor labels, float labelSmoothing) { var t = Start(); _inner.SoftmaxCrossEntropyForward(loss, probs, logits, labels, labelSmoothing); Stop(nameof(SoftmaxCrossEntropyForward), t); }
    public void SoftmaxCrossEntropyBackward(Tensor dLogits, Tensor dLoss, Tensor probs, Tensor labels, float labelSmoothing) { var t = Start(); _inner.SoftmaxCrossEntropyBackward(dLogits, dLoss, probs, labels, labelSmoothing); Stop(nameof(SoftmaxCrossEntropyBackward), t); }
    public void AttentionCombine(Tensor y, Tensor x, Tensor s, int groups) { var t = Start(); _inner.AttentionCombine(y, x, s, groups); Stop(nameof(AttentionCombine), t); }
    public void AttentionCombineBackward(Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s, int groups) { var t = Start(); _inner.AttentionCombineBackward(dx, ds, dy, x, s, groups); Stop(nameof(AttentionCombineBackward), t); }
    public void AccumulateImportance(Tensor importance, Tensor s, int groups) { var t = Start(); _inner.AccumulateImportance(importance, s, groups); Stop(nameof(AccumulateImportance), t); }
    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p, bool isFirstStep) { var t = Start(); _inner.SgdStep(param, grad, momentumBuffer, p, isFirstStep); Stop(nameof(SgdStep), t); }
    public void SgdStepMany(IReadOnlyList<SgdTensor> tensors, SgdParams p) { var t = Start(); _inner.SgdStepMany(tensors, p); Stop(nameof(SgdStepMany), t); }
    public void AdamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamParams p, int step) { var t = Start(); _inner.AdamStep(param, grad, m, v, p, step); Stop(nameof(AdamStep), t); }
}

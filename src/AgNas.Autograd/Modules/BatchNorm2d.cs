using System.Runtime.InteropServices;
using AgNas.Autograd.Init;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Autograd.Modules;

/// <summary>
/// Batch normalisation over (B, H, W) per channel, as torch.nn.BatchNorm2d. Parameters weight (C)
/// = 1 and bias (C) = 0 when affine; buffers running_mean (C) = 0, running_var (C) = 1 and
/// num_batches_tracked (an int32 scalar; PyTorch stores int64) when tracking running statistics.
/// <para>Training forward: normalise with the batch statistics, count the batch in
/// num_batches_tracked and update the running statistics with factor momentum (or, with momentum
/// null, the cumulative average 1/num_batches_tracked). Eval forward: normalise with the running
/// statistics, or with the batch statistics when they are not tracked.</para>
/// </summary>
public sealed class BatchNorm2d : Module
{
    private const string RunningMeanName = "running_mean";
    private const string RunningVarName = "running_var";
    private const string NumBatchesName = "num_batches_tracked";

    /// <summary>Host mirror of num_batches_tracked, so counting a batch needs no device read.</summary>
    private long _numBatchesTracked;

    /// <summary>num_batches_tracked before <see cref="BeginRecalibration"/>, or null when not recalibrating.</summary>
    private long? _countBeforeRecalibration;

    /// <remarks>momentum: the running statistics' update factor; null for a cumulative average
    /// (PyTorch's momentum=None). backend: where the tensors live; null is the CPU backend.</remarks>
    /// <exception cref="ArgumentException">channels &lt;= 0, eps &lt; 0, or momentum outside [0, 1].</exception>
    public BatchNorm2d(int channels, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true,
        IBackend? backend = null)
    {
        if (channels <= 0) throw new ArgumentException($"BatchNorm2d({channels}): channels must be positive.");
        if (!(eps >= 0)) throw new ArgumentException($"BatchNorm2d({channels}): eps = {eps}; expected >= 0.");
        if (momentum is { } m && !(m is >= 0f and <= 1f)) throw new ArgumentException($"BatchNorm2d({channels}): momentum = {m}; expected a factor in [0, 1] or null.");
        Channels = channels;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        backend ??= CpuBackend.Instance;
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Full(new Shape(channels), 1f, backend)));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(new Shape(channels), backend)));
        }
        if (trackRunningStats)
        {
            RegisterBuffer(RunningMeanName, Tensor.Zeros(new Shape(channels), backend));
            RegisterBuffer(RunningVarName, Tensor.Full(new Shape(channels), 1f, backend));
            RegisterBuffer(NumBatchesName, Tensor.Zeros(Shape.Scalar, backend, DType.Int32));
        }
    }

    public int Channels { get; }
    public float Eps { get; }

    /// <summary>The running statistics' update factor; null means a cumulative average.</summary>
    public float? Momentum { get; }

    public bool Affine { get; }
    public bool TrackRunningStats { get; }

    /// <summary>gamma (C), or null when not affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>beta (C), or null when not affine.</summary>
    public Parameter? Bias { get; }

    /// <summary>(C), or null when running statistics are not tracked.</summary>
    public Tensor? RunningMean => TrackRunningStats ? GetBuffer(RunningMeanName) : null;

    /// <summary>(C), or null when running statistics are not tracked.</summary>
    public Tensor? RunningVar => TrackRunningStats ? GetBuffer(RunningVarName) : null;

    /// <summary>Training batches seen (0 when running statistics are not tracked).</summary>
    public long NumBatchesTracked => _numBatchesTracked;

    /// <summary>x (B, C, H, W) → same shape.</summary>
    /// <exception cref="ArgumentException">x is not (B, C, ...) with C = <see cref="Channels"/>.</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank < 2 || x.Shape[1] != Channels)
            throw new ArgumentException($"BatchNorm2d({Channels}): input has shape {x.Shape}; expected (B, {Channels}, H, W).");
        float? momentum = _countBeforeRecalibration is null ? Momentum : null;
        float factor = momentum ?? 0f;
        if (IsTraining && TrackRunningStats)
        {
            CountBatch();
            factor = momentum ?? (float)(1.0 / _numBatchesTracked);
        }
        return Functional.BatchNorm2d(x, Weight, Bias, RunningMean, RunningVar, IsTraining, factor, Eps);
    }

    private void CountBatch()
    {
        _numBatchesTracked++;
        var t = GetBuffer(NumBatchesName);
        if (_numBatchesTracked <= 1 << 24)
        {
            t.Backend.Fill(t, _numBatchesTracked); // exact in float32 up to 2^24; a fill launches asynchronously
            return;
        }
        int value = checked((int)_numBatchesTracked);
        t.Backend.CopyFromHost(t, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in value)));
    }

    /// <summary>
    /// Starts re-estimating the running statistics from scratch: they are reset (mean 0, variance 1) and the training-mode forwards
    /// that follow average into them cumulatively (PyTorch's <c>reset_running_stats()</c> with momentum None), as one-shot NAS does
    /// before it evaluates a supernet whose running statistics lag its weights. <see cref="EndRecalibration"/> returns to the momentum.
    /// Nothing happens to a BN without running statistics.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already recalibrating.</exception>
    public void BeginRecalibration()
    {
        if (!TrackRunningStats) return;
        if (_countBeforeRecalibration is not null) throw new InvalidOperationException($"BatchNorm2d({Channels}) is already recalibrating.");
        _countBeforeRecalibration = _numBatchesTracked;
        var mean = GetBuffer(RunningMeanName);
        var variance = GetBuffer(RunningVarName);
        mean.Backend.Fill(mean, 0f);
        variance.Backend.Fill(variance, 1f);
        SetCount(0);
    }

    /// <summary>Keeps the recalibrated statistics and returns to the momentum; num_batches_tracked counts on from where training left it.</summary>
    public void EndRecalibration()
    {
        if (_countBeforeRecalibration is not long before) return;
        _countBeforeRecalibration = null;
        SetCount(before);
    }

    private void SetCount(long count)
    {
        _numBatchesTracked = count;
        var t = GetBuffer(NumBatchesName);
        int value = checked((int)count);
        t.Backend.CopyFromHost(t, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in value)));
    }

    /// <summary>Re-reads num_batches_tracked after a state dict was loaded into the buffer.</summary>
    protected override void OnStateLoaded()
    {
        if (TrackRunningStats) _numBatchesTracked = GetBuffer(NumBatchesName).ToInt32Array()[0];
    }

    protected override string ExtraRepr =>
        $"{Channels}, eps {Eps.ToString(System.Globalization.CultureInfo.InvariantCulture)}, momentum {(Momentum is { } m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "cumulative")}" +
        (Affine ? "" : ", no affine") + (TrackRunningStats ? "" : ", no running stats");
}

using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// Batch norm per channel of x (B, C, H, W) or (B, C), over (B, H, W). Two modes:
/// <list type="bullet">
/// <item>batch statistics (training, or eval without running statistics = track_running_stats off):
/// mean and biased variance of the batch normalise; the kernel saves mean (C) and invStd (C) and, in
/// training only, updates the running statistics. Backward goes through the statistics
/// (<see cref="IBackend.BatchNormTrainBackward"/>).</item>
/// <item>running statistics (eval with runningMean/runningVar): they normalise and are constants
/// for the backward (<see cref="IBackend.BatchNormEvalBackward"/>); a copy is saved so a later
/// training step that updates them cannot change this backward.</item>
/// </list>
/// (B, C) inputs run through the kernels as (B, C, 1, 1) views.
/// </summary>
internal sealed class BatchNorm2dFunction : Function
{
    private const string Op = "BatchNorm2d";

    private readonly Tensor _x;
    private readonly Tensor? _gamma;
    private readonly bool _hasBeta;
    /// <summary>Batch-statistics mode: the batch mean; running mode: a copy of the running mean.</summary>
    private readonly Tensor _mean;
    /// <summary>Batch-statistics mode: 1/sqrt(var_b + eps); running mode: a copy of the running variance.</summary>
    private readonly Tensor _invStdOrVar;
    private readonly bool _batchStats;
    private readonly float _eps;

    private BatchNorm2dFunction(Tensor x, Tensor? gamma, bool hasBeta, Tensor mean, Tensor invStdOrVar, bool batchStats, float eps)
    {
        _x = x;
        _gamma = gamma;
        _hasBeta = hasBeta;
        _mean = mean;
        _invStdOrVar = invStdOrVar;
        _batchStats = batchStats;
        _eps = eps;
    }

    public static Var Apply(Var x, Var? gamma, Var? beta, Tensor? runningMean, Tensor? runningVar,
        bool training, float momentum, float eps)
    {
        var xs = x.Data;
        if (xs.Rank != 2 && xs.Rank != 4)
            throw new ArgumentException($"{Op}: x has shape {xs.Shape}; expected (B, C, H, W) or (B, C).");
        int c = xs.Shape[1];
        var perChannel = new Shape(c);
        foreach (var (t, name) in new[] { (gamma?.Data, "gamma"), (beta?.Data, "beta"), (runningMean, "runningMean"), (runningVar, "runningVar") })
        {
            if (t is not null && t.Shape != perChannel)
                throw new ArgumentException($"{Op}: {name} has shape {t.Shape}; expected ({c}) for x {xs.Shape}.");
        }
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException($"{Op}: x {xs.Shape}: runningMean is {(runningMean is null ? "null" : runningMean.Shape.ToString())} but runningVar is {(runningVar is null ? "null" : runningVar.Shape.ToString())}; expected both or neither.");
        if (!(eps >= 0f))
            throw new ArgumentException($"{Op}: x {xs.Shape}: eps = {eps}; expected >= 0.");

        bool batchStats = training || runningMean is null;
        long n = xs.Size / Math.Max(c, 1);
        if (batchStats && n <= 1)
            throw new ArgumentException($"{Op}: x {xs.Shape} has {n} value per channel; batch statistics need more than 1 (B·H·W > 1).");

        if (training && runningMean is not null && momentum is < 0f or > 1f)
            throw new ArgumentException($"{Op}: x {xs.Shape}: momentum = {momentum}; expected a value in [0, 1].");

        var backend = x.Backend;
        if (xs.Rank == 2 && !xs.IsContiguous) xs = xs.Clone();
        var y = Tensor.Empty(xs.Shape, backend);
        using var x4 = new View4d(xs);
        using var y4 = new View4d(y);
        if (batchStats)
        {
            var mean = Tensor.Empty(perChannel, backend);
            var invStd = Tensor.Empty(perChannel, backend);
            // Eval without running statistics normalises by the batch and updates nothing.
            backend.BatchNormTrainForward(y4.T, mean, invStd, training ? runningMean : null, training ? runningVar : null,
                x4.T, gamma?.Data, beta?.Data, momentum, eps);
            return Record(y, () => new BatchNorm2dFunction(xs, gamma?.Data, beta is not null, mean, invStd, true, eps),
                InputList(x, gamma, beta));
        }
        backend.BatchNormEvalForward(y4.T, x4.T, gamma?.Data, beta?.Data, runningMean!, runningVar!, eps);
        return Record(y, () => new BatchNorm2dFunction(xs, gamma?.Data, beta is not null, runningMean!.Clone(), runningVar!.Clone(), false, eps),
            InputList(x, gamma, beta));
    }

    private static Var[] InputList(Var x, Var? gamma, Var? beta)
    {
        var inputs = new List<Var>(3) { x };
        if (gamma is not null) inputs.Add(gamma);
        if (beta is not null) inputs.Add(beta);
        return inputs.ToArray();
    }

    /// <summary>
    /// The tensor as the kernels take it: a 4-D tensor itself, a contiguous (B, C) tensor as a
    /// (B, C, 1, 1) view that <see cref="Dispose"/> releases.
    /// </summary>
    private readonly ref struct View4d
    {
        private readonly bool _owned;

        public View4d(Tensor t)
        {
            _owned = t.Rank == 2;
            T = _owned ? t.Reshape(new Shape(t.Shape[0], t.Shape[1], 1, 1)) : t;
        }

        public Tensor T { get; }

        public void Dispose()
        {
            if (_owned) T.Dispose();
        }
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var backend = _x.Backend;
        int c = _x.Shape[1];
        var dx = Tensor.Empty(_x.Shape, backend);
        int gammaIndex = 1, betaIndex = _gamma is null ? 1 : 2;
        var dGamma = _gamma is not null && NeedsGrad(gammaIndex) ? Tensor.Empty(new Shape(c), backend) : null;
        var dBeta = _hasBeta && NeedsGrad(betaIndex) ? Tensor.Empty(new Shape(c), backend) : null;
        using (var x4 = new View4d(_x))
        using (var dx4 = new View4d(dx))
        using (var dy4 = new View4d(dy.Rank == 2 && !dy.IsContiguous ? dy.Clone() : dy))
        {
            if (_batchStats)
                backend.BatchNormTrainBackward(dx4.T, dGamma, dBeta, dy4.T, x4.T, _gamma, _mean, _invStdOrVar);
            else
                backend.BatchNormEvalBackward(dx4.T, dGamma, dBeta, dy4.T, x4.T, _gamma, _mean, _invStdOrVar, _eps);
        }
        var grads = new List<Tensor?>(3) { NeedsGrad(0) ? dx : null };
        if (_gamma is not null) grads.Add(dGamma);
        if (_hasBeta) grads.Add(dBeta);
        return grads.ToArray();
    }
}

namespace AgNas.Autograd.Optim;

/// <summary>
/// ProxylessNAS's per-iteration linear decay with a floor, in closed form: with base the group's
/// <see cref="ParamGroup.InitialLearningRate"/>, T the total steps and lr_min the floor,
/// Δ = T / (1 − lr_min/base) and lr_t = max(lr_min, base·(1 − t/Δ)). The rate reaches lr_min at
/// t = T and stays there, as the reference steps it only while lr &gt; lr_min (agnas-facts §4.3,
/// <c>PS/utils.py:62-64</c>); with lr_min = 0 it is base·(1 − t/T) clamped at 0, which also keeps a
/// step count above T from going negative (agnas-facts §4.4, §6 item 12). Call <see cref="Step"/>
/// once per training step, or set <see cref="LastStep"/> (t is 0-based: the first step runs at base).
/// </summary>
public sealed class LinearDecayLR
{
    private readonly Optimizer _optimizer;
    private long _lastStep;

    /// <param name="optimizer">Whose groups' learning rates are set.</param>
    /// <param name="totalSteps">T: the steps from the base rate to the floor.</param>
    /// <param name="minLearningRate">lr_min, the floor.</param>
    /// <param name="lastStep">−1 (default) starts fresh: the groups' current rates become their initial rates and the schedule is at
    /// t = 0. Anything else resumes at t = lastStep + 1 from the groups' <see cref="ParamGroup.InitialLearningRate"/> (as
    /// <see cref="CosineAnnealingLR"/>'s lastEpoch).</param>
    /// <exception cref="ArgumentException">totalSteps &lt;= 0, a negative or non-finite floor, or lastStep &lt; −1.</exception>
    public LinearDecayLR(Optimizer optimizer, long totalSteps, double minLearningRate = 0, long lastStep = -1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (totalSteps <= 0) throw new ArgumentException($"LinearDecayLR: total steps = {totalSteps}; expected > 0.");
        if (!(minLearningRate >= 0) || double.IsInfinity(minLearningRate))
            throw new ArgumentException($"LinearDecayLR: minimum learning rate = {minLearningRate}; expected a finite value >= 0.");
        if (lastStep < -1) throw new ArgumentException($"LinearDecayLR: last step = {lastStep}; expected >= -1.");
        _optimizer = optimizer;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
        if (lastStep == -1)
        {
            foreach (var g in optimizer.Groups) g.InitialLearningRate = g.LearningRate;
        }
        BaseLearningRates = optimizer.Groups.Select(g => (double)g.InitialLearningRate).ToList();
        LastStep = lastStep + 1;
    }

    /// <summary>T.</summary>
    public long TotalSteps { get; }

    /// <summary>lr_min.</summary>
    public double MinLearningRate { get; }

    /// <summary>Each group's base rate (its initial learning rate when the schedule was created).</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>The current t (0-based). Setting it sets every group's learning rate to lr_t.</summary>
    /// <exception cref="ArgumentException">Set below 0.</exception>
    public long LastStep
    {
        get => _lastStep;
        set
        {
            if (value < 0) throw new ArgumentException($"LinearDecayLR: last step = {value}; expected >= 0.");
            _lastStep = value;
            var groups = _optimizer.Groups;
            for (int i = 0; i < groups.Count; i++) groups[i].LearningRate = (float)LearningRateAt(BaseLearningRates[i], MinLearningRate, TotalSteps, value);
        }
    }

    /// <summary>Advances t by one and sets the groups' learning rates.</summary>
    public void Step() => LastStep = _lastStep + 1;

    /// <summary>
    /// max(lr_min, base·(1 − t/Δ)) with Δ = T/(1 − lr_min/base); a floor at or above the base keeps the base rate (Δ would be
    /// infinite or negative).
    /// </summary>
    /// <exception cref="ArgumentException">totalSteps &lt;= 0 or t &lt; 0.</exception>
    public static double LearningRateAt(double baseLearningRate, double minLearningRate, long totalSteps, long t)
    {
        if (totalSteps <= 0) throw new ArgumentException($"LinearDecayLR: total steps = {totalSteps}; expected > 0.");
        if (t < 0) throw new ArgumentException($"LinearDecayLR: step = {t}; expected >= 0.");
        if (!(minLearningRate < baseLearningRate)) return baseLearningRate;
        double delta = totalSteps / (1 - minLearningRate / baseLearningRate);
        return Math.Max(minLearningRate, baseLearningRate * (1 - t / delta));
    }
}

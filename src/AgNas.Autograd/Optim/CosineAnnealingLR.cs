namespace AgNas.Autograd.Optim;

/// <summary>
/// Cosine annealing as torch.optim.lr_scheduler.CosineAnnealingLR, in its closed form:
/// lr_t = eta_min + (base − eta_min)·(1 + cos(π·t/T_max))/2 for every group, where base is the
/// group's <see cref="ParamGroup.InitialLearningRate"/> and t = <see cref="LastEpoch"/>. Call
/// <see cref="Step"/> once per epoch.
/// <para>Indexing: as in PyTorch, a new schedule is at t = 0 (the base rate). Stepping after each
/// epoch runs epoch e at lr_e. The DARTS scripts step at the start of each epoch instead, so their
/// epoch e runs at lr_(e+1) and the last epoch at eta_min (agnas-facts §6.10); the training loop
/// chooses which by when it calls <see cref="Step"/>.</para>
/// <para>Past T_max the closed form continues the cosine (the rate rises again), as PyTorch's
/// closed form does.</para>
/// </summary>
public sealed class CosineAnnealingLR
{
    private readonly Optimizer _optimizer;
    private int _lastEpoch;

    /// <param name="optimizer">Whose groups' learning rates are set.</param>
    /// <param name="tMax">Epochs from the base rate to eta_min.</param>
    /// <param name="etaMin">The final rate.</param>
    /// <param name="lastEpoch">−1 (default) starts fresh: the groups' current rates become their
    /// initial rates and the schedule is at t = 0. To resume after epoch k, pass k − 1 (PyTorch's
    /// convention: the constructor steps once) or, simpler, set <see cref="LastEpoch"/> = k afterwards;
    /// the groups' <see cref="ParamGroup.InitialLearningRate"/> (restored by
    /// <see cref="Optimizer.ImportState"/>) is then the base.</param>
    /// <exception cref="ArgumentException">tMax &lt;= 0, etaMin &lt; 0, or lastEpoch &lt; −1.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (tMax <= 0) throw new ArgumentException($"CosineAnnealingLR: T_max = {tMax}; expected > 0.");
        if (!(etaMin >= 0) || double.IsInfinity(etaMin)) throw new ArgumentException($"CosineAnnealingLR: eta_min = {etaMin}; expected a finite value >= 0.");
        if (lastEpoch < -1) throw new ArgumentException($"CosineAnnealingLR: last epoch = {lastEpoch}; expected >= -1.");
        _optimizer = optimizer;
        TMax = tMax;
        EtaMin = etaMin;
        if (lastEpoch == -1)
        {
            foreach (var g in optimizer.Groups) g.InitialLearningRate = g.LearningRate;
        }
        BaseLearningRates = optimizer.Groups.Select(g => (double)g.InitialLearningRate).ToList();
        LastEpoch = lastEpoch + 1;
    }

    public int TMax { get; }
    public double EtaMin { get; }

    /// <summary>Each group's base rate (its initial learning rate when the schedule was created).</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>The current t. Setting it (e.g. when resuming) sets every group's learning rate to lr_t.</summary>
    /// <exception cref="ArgumentException">Set below 0.</exception>
    public int LastEpoch
    {
        get => _lastEpoch;
        set
        {
            if (value < 0) throw new ArgumentException($"CosineAnnealingLR: last epoch = {value}; expected >= 0.");
            _lastEpoch = value;
            var groups = _optimizer.Groups;
            for (int i = 0; i < groups.Count; i++) groups[i].LearningRate = (float)LearningRateAt(BaseLearningRates[i], EtaMin, TMax, value);
        }
    }

    /// <summary>Advances t by one and sets the groups' learning rates.</summary>
    public void Step() => LastEpoch = _lastEpoch + 1;

    /// <summary>The rates lr_t of every group at the current t.</summary>
    public IReadOnlyList<double> CurrentLearningRates() => BaseLearningRates.Select(b => LearningRateAt(b, EtaMin, TMax, _lastEpoch)).ToList();

    /// <summary>eta_min + (base − eta_min)·(1 + cos(π·t/T_max))/2.</summary>
    public static double LearningRateAt(double baseLearningRate, double etaMin, int tMax, int t) =>
        etaMin + (baseLearningRate - etaMin) * (1 + Math.Cos(Math.PI * t / tMax)) / 2;
}

namespace AgNas.Autograd.Optim;

/// <summary>
/// A set of named parameters that share a learning rate and a weight decay (PyTorch's param_groups),
/// e.g. conv weights with weight decay and BatchNorm/attention parameters without. A value not given
/// here is the optimiser's default, filled in when the group joins an optimiser.
/// </summary>
public sealed class ParamGroup
{
    private readonly float? _learningRate;
    private readonly float? _weightDecay;
    private float _lr;
    private float _wd;

    /// <exception cref="ArgumentException">A hyper-parameter is negative or not finite.</exception>
    public ParamGroup(IEnumerable<(string Name, Parameter Param)> parameters, float? learningRate = null, float? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        if (learningRate is { } lr) CheckNonNegative(lr, "learning rate");
        if (weightDecay is { } wd) CheckNonNegative(wd, "weight decay");
        _learningRate = learningRate;
        _weightDecay = weightDecay;
        _lr = learningRate ?? float.NaN;
        _wd = weightDecay ?? float.NaN;
    }

    /// <summary>The group's parameters with their names (the names key the optimiser's exported state).</summary>
    public IReadOnlyList<(string Name, Parameter Param)> Parameters { get; }

    /// <summary>The current learning rate (set by a schedule). NaN until the group joins an optimiser unless given.</summary>
    /// <exception cref="ArgumentException">Set to a negative or non-finite value.</exception>
    public float LearningRate
    {
        get => _lr;
        set => _lr = CheckNonNegative(value, "learning rate");
    }

    /// <summary>
    /// The learning rate a schedule starts from (PyTorch's initial_lr): the learning rate when the
    /// group joined its optimiser, or when a schedule was created fresh on it.
    /// </summary>
    public float InitialLearningRate { get; internal set; } = float.NaN;

    /// <summary>Sets the rate a schedule starts from: a resumed run continuing its schedule from another base (e.g. a lower one after a divergence).</summary>
    /// <exception cref="ArgumentException">A negative or non-finite rate.</exception>
    public void RebaseInitialLearningRate(float initial) => InitialLearningRate = CheckNonNegative(initial, "initial learning rate");

    /// <summary>L2 weight decay added to the gradient (0 turns it off for this group).</summary>
    /// <exception cref="ArgumentException">Set to a negative or non-finite value.</exception>
    public float WeightDecay
    {
        get => _wd;
        set => _wd = CheckNonNegative(value, "weight decay");
    }

    internal Optimizer? Owner { get; private set; }

    internal void Attach(Optimizer owner, float defaultLearningRate, float defaultWeightDecay)
    {
        if (Owner is not null && !ReferenceEquals(Owner, owner))
            throw new ArgumentException("ParamGroup: this group already belongs to another optimiser; create a new group.");
        Owner = owner;
        LearningRate = _learningRate ?? defaultLearningRate;
        WeightDecay = _weightDecay ?? defaultWeightDecay;
        InitialLearningRate = LearningRate;
    }

    private static float CheckNonNegative(float value, string what)
    {
        if (!(value >= 0f) || float.IsInfinity(value))
            throw new ArgumentException($"ParamGroup: {what} = {value}; expected a finite value >= 0.");
        return value;
    }

    public override string ToString() => $"ParamGroup({Parameters.Count} parameters, lr {LearningRate}, weight decay {WeightDecay})";
}

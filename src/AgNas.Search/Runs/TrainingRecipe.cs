using AgNas.Autograd;
using AgNas.Autograd.Optim;

namespace AgNas.Search.Runs;

/// <summary>
/// How the weights of a run are optimised: the SGD settings, the learning-rate schedule, the training loss's label smoothing and
/// the gradient clip, as <see cref="SearchConfig.Recipe"/> and <see cref="TrainConfig.Recipe"/> give them. This is the one
/// implementation of these settings that every run (<see cref="SearchRun"/>, <see cref="TrainRun"/>) and every space use:
/// <see cref="CreateOptimizer"/> builds the SGD (one group, or two for <see cref="WeightDecayScopes.ConvAndClassifier"/>),
/// <see cref="CreateSchedule"/> the per-step learning rate, <see cref="TrainingEpoch"/> applies the loss and the clip.
/// The initial values are those of every run before <see cref="LrSchedule"/>, <see cref="LabelSmoothing"/>,
/// <see cref="GradClipMode"/> and <see cref="WeightDecayScope"/> existed (cosine, 0, norm, all).
/// </summary>
public sealed record TrainingRecipe
{
    /// <summary>Initial SGD learning rate (the schedule's base).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>The rate the schedule ends at (cosine: eta_min; linear: the floor).</summary>
    public double LearningRateMin { get; init; }

    /// <summary><see cref="LrSchedules.Cosine"/> (per epoch) or <see cref="LrSchedules.Linear"/> (per step).</summary>
    public string LrSchedule { get; init; } = LrSchedules.Cosine;

    public double Momentum { get; init; }

    public bool Nesterov { get; init; }

    /// <summary>L2 weight decay of the parameters <see cref="WeightDecayScope"/> selects.</summary>
    public double WeightDecay { get; init; }

    /// <summary><see cref="WeightDecayScopes.All"/> or <see cref="WeightDecayScopes.ConvAndClassifier"/>.</summary>
    public string WeightDecayScope { get; init; } = WeightDecayScopes.All;

    /// <summary>ε of the label-smoothed cross-entropy that training minimises (PyTorch's label_smoothing), in [0, 1); evaluation always uses plain cross-entropy.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>The gradient clip; null = no clipping.</summary>
    public double? GradClip { get; init; }

    /// <summary><see cref="GradClipModes.Norm"/> (global L2 norm) or <see cref="GradClipModes.Value"/> (each element).</summary>
    public string GradClipMode { get; init; } = GradClipModes.Norm;

    /// <summary>
    /// Adds the problems of the recipe settings that every run shares beyond <see cref="RunSettings.AddSgdProblems"/>: a known
    /// schedule, clip mode and weight-decay scope, and label smoothing in [0, 1). Each problem names the setting and its value.
    /// </summary>
    public static void AddProblems(List<SettingProblem> problems, string lrSchedule, double labelSmoothing, string gradClipMode, string weightDecayScope)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (LrSchedules.Problem(lrSchedule) is { } schedule) problems.Add(schedule);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            problems.Add(new(nameof(LabelSmoothing), $"{RunSettings.Fmt(labelSmoothing)} must lie in [0, 1) (0: plain cross-entropy)"));
        if (GradClipModes.Problem(gradClipMode) is { } mode) problems.Add(mode);
        if (WeightDecayScopes.Problem(weightDecayScope) is { } scope) problems.Add(scope);
    }

    /// <summary>
    /// The SGD of these settings over <paramref name="parameters"/>: with <see cref="WeightDecayScopes.All"/> one group (as every
    /// earlier run), with <see cref="WeightDecayScopes.ConvAndClassifier"/> two, the decayed parameters first and then the others
    /// at weight decay 0, each in the given order (the optimiser state file keys its tensors by name, so it saves and restores
    /// either exactly).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown scope, or a hyper-parameter <see cref="Sgd"/> refuses.</exception>
    public Sgd CreateOptimizer(IEnumerable<(string Name, Parameter Param)> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var (decay, noDecay) = WeightDecayScopes.Split(parameters, WeightDecayScope);
        IEnumerable<ParamGroup> groups = WeightDecayScope == WeightDecayScopes.All
            ? [new ParamGroup(decay)]
            : [new ParamGroup(decay), new ParamGroup(noDecay, weightDecay: 0f)];
        return new Sgd(groups, (float)LearningRate, (float)Momentum, weightDecay: (float)WeightDecay, nesterov: Nesterov);
    }

    /// <summary>The learning rate of every step of a run of <paramref name="epochs"/> epochs of <paramref name="stepsPerEpoch"/> steps (<see cref="RunSchedule"/>).</summary>
    /// <param name="optimizer">The optimiser of <see cref="CreateOptimizer"/>, its state restored when resuming.</param>
    /// <param name="epochs">The run's epoch count (the schedule spans them; raised on resume, it stretches from the next epoch on).</param>
    /// <param name="stepsPerEpoch">The training steps of one epoch of this run.</param>
    /// <param name="completed">Epochs already completed (0 for a new run: the groups' current rates become the base).</param>
    /// <remarks>
    /// A resumed run whose <see cref="LearningRate"/> is lower than the one its optimiser state was started with (<c>--resume DIR --lr X</c>,
    /// to recover from a divergence) rebases every group's initial rate by the same factor: the schedule continues from the lower base.
    /// At the same rate nothing changes, so a plain resume stays bit-identical.
    /// </remarks>
    public RunSchedule CreateSchedule(Optimizer optimizer, int epochs, int stepsPerEpoch, int completed)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (completed > 0 && optimizer.Groups.Count > 0)
        {
            float base0 = optimizer.Groups[0].InitialLearningRate;
            if (base0 > 0 && base0 != (float)LearningRate)
            {
                double factor = LearningRate / base0;
                foreach (var g in optimizer.Groups) g.RebaseInitialLearningRate((float)(g.InitialLearningRate * factor));
            }
        }
        return new(optimizer, LrSchedule, LearningRateMin, epochs, stepsPerEpoch, completed);
    }

    /// <summary>
    /// Clips the gradients of <paramref name="parameters"/> as <see cref="GradClip"/> and <see cref="GradClipMode"/> say; nothing when
    /// there is no clip. Returns the global L2 norm of the gradients before clipping when the clip computed it (norm mode), else null.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown mode.</exception>
    public double? ClipGradients(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (GradClip is not double clip) return null;
        switch (GradClipMode)
        {
            case GradClipModes.Norm:
                return global::AgNas.Autograd.Optim.GradClip.ClipGradNorm(parameters, clip);
            case GradClipModes.Value:
                global::AgNas.Autograd.Optim.GradClip.ClipGradValue(parameters, (float)clip);
                return null;
            default:
                throw new ArgumentException(GradClipModes.Problem(GradClipMode)!.ToString());
        }
    }
}

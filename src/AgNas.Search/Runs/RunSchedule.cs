using AgNas.Autograd.Optim;

namespace AgNas.Search.Runs;

/// <summary>
/// The learning rate of a run as a pure function of (epoch, step), set on the optimiser before every training step
/// (<see cref="TrainingEpoch.Train"/>), so that a run interrupted and resumed from a saved epoch takes the same rates as one
/// that never stopped.
/// <list type="bullet">
/// <item><see cref="LrSchedules.Cosine"/>: one value per epoch, epoch e (1-based) at t = e − 1 of a cosine over the epochs to
/// the minimum (<see cref="CosineAnnealingLR"/>, exactly as every run before the setting existed; agnas-facts §6 item 10).</item>
/// <item><see cref="LrSchedules.Linear"/>: step s (1-based) of epoch e at t = (e − 1)·S + s − 1 of <see cref="LinearDecayLR"/>
/// over T = epochs × S steps, S the run's real steps per epoch (agnas-facts §4.3, §4.4: the reference hard-codes T from an image
/// count; here it follows the data the run has).</item>
/// </list>
/// An epoch's record holds the rate of its first step.
/// </summary>
public sealed class RunSchedule
{
    private readonly CosineAnnealingLR? _cosine;
    private readonly LinearDecayLR? _linear;

    /// <param name="optimizer">Whose groups' rates are set; when resuming, its state (the groups' initial rates) already restored.</param>
    /// <param name="schedule">A name of <see cref="LrSchedules"/>.</param>
    /// <param name="learningRateMin">The rate the schedule ends at.</param>
    /// <param name="epochs">The run's epochs.</param>
    /// <param name="stepsPerEpoch">Training steps per epoch (≥ 1).</param>
    /// <param name="completed">Epochs completed; 0: a new run, whose groups' current rates become the base.</param>
    /// <exception cref="ArgumentException">An unknown schedule, or sizes out of range.</exception>
    public RunSchedule(Optimizer optimizer, string schedule, double learningRateMin, int epochs, int stepsPerEpoch, int completed)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (stepsPerEpoch < 1) throw new ArgumentException($"RunSchedule: {stepsPerEpoch} steps per epoch; expected at least 1.");
        if (completed < 0) throw new ArgumentException($"RunSchedule: {completed} epochs completed; expected >= 0.");
        Optimizer = optimizer;
        Name = schedule;
        StepsPerEpoch = stepsPerEpoch;
        switch (schedule)
        {
            case LrSchedules.Cosine:
                _cosine = new CosineAnnealingLR(optimizer, epochs, learningRateMin, lastEpoch: completed - 1);
                break;
            case LrSchedules.Linear:
                _linear = new LinearDecayLR(optimizer, (long)epochs * stepsPerEpoch, learningRateMin,
                    lastStep: completed == 0 ? -1 : (long)completed * stepsPerEpoch - 1);
                break;
            default:
                throw new ArgumentException(LrSchedules.Problem(schedule)!.ToString());
        }
    }

    /// <summary>The optimiser whose rates are set.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The schedule's name (<see cref="LrSchedules"/>).</summary>
    public string Name { get; }

    /// <summary>S, the training steps of an epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>Sets every group's rate to that of step <paramref name="step"/> (1-based) of epoch <paramref name="epoch"/> (1-based).</summary>
    /// <exception cref="ArgumentException">Epoch or step below 1.</exception>
    public void Set(int epoch, int step)
    {
        if (epoch < 1 || step < 1) throw new ArgumentException($"RunSchedule: epoch {epoch}, step {step}; both are 1-based.");
        if (_cosine is not null) _cosine.LastEpoch = epoch - 1;
        else _linear!.LastStep = (long)(epoch - 1) * StepsPerEpoch + step - 1;
    }
}

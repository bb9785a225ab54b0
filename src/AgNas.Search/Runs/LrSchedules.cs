namespace AgNas.Search.Runs;

/// <summary>
/// The learning-rate schedules of a run's <c>lr_schedule</c> setting (<see cref="TrainingRecipe.LrSchedule"/>), by name;
/// <see cref="RunSchedule"/> computes them.
/// </summary>
public static class LrSchedules
{
    /// <summary>
    /// Cosine from the initial rate to the minimum over the epochs, one value per epoch: epoch e (1-based) at t = e − 1
    /// (<see cref="AgNas.Autograd.Optim.CosineAnnealingLR"/>; DARTS, NAS-Bench-201). Every run before this setting existed used it.
    /// </summary>
    public const string Cosine = "cosine";

    /// <summary>
    /// ProxylessNAS's per-step linear decay to the minimum, reached at the last step (<see cref="AgNas.Autograd.Optim.LinearDecayLR"/>;
    /// agnas-facts §4.3, §4.4).
    /// </summary>
    public const string Linear = "linear";

    /// <summary>Every name, for messages and --help.</summary>
    public static IReadOnlyList<string> Names { get; } = [Cosine, Linear];

    /// <summary>The problem of a schedule name, or null when it is one of <see cref="Names"/> (exact spelling).</summary>
    public static SettingProblem? Problem(string schedule) => Names.Contains(schedule)
        ? null
        : new SettingProblem(nameof(TrainingRecipe.LrSchedule), $"'{schedule}' is not known; expected {string.Join(" or ", Names)}");
}

namespace AgNas.Search.Runs;

/// <summary>How a run's gradient clip (<see cref="TrainingRecipe.GradClip"/>) is applied: the <c>grad_clip_mode</c> setting, by name.</summary>
public static class GradClipModes
{
    /// <summary>torch.nn.utils.clip_grad_norm_: every gradient scaled so that their global L2 norm is at most the clip. Every run before this setting existed used it.</summary>
    public const string Norm = "norm";

    /// <summary>torch.nn.utils.clip_grad_value_: every gradient element clamped to [−clip, clip] (ProxylessNAS's supernet training, agnas-facts §4.3).</summary>
    public const string Value = "value";

    /// <summary>Every name, for messages and --help.</summary>
    public static IReadOnlyList<string> Names { get; } = [Norm, Value];

    /// <summary>The problem of a mode name, or null when it is one of <see cref="Names"/> (exact spelling).</summary>
    public static SettingProblem? Problem(string mode) => Names.Contains(mode)
        ? null
        : new SettingProblem(nameof(TrainingRecipe.GradClipMode), $"'{mode}' is not known; expected {string.Join(" or ", Names)}");
}

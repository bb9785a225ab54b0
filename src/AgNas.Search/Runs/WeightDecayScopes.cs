using AgNas.Autograd;

namespace AgNas.Search.Runs;

/// <summary>Which parameters a run's weight decay applies to: the <c>weight_decay_scope</c> setting, by name, and the rule that splits a network's parameters by it.</summary>
public static class WeightDecayScopes
{
    /// <summary>Every parameter (BN, attention FCs and biases included), as DARTS and NAS-Bench-201 do. Every run before this setting existed used it.</summary>
    public const string All = "all";

    /// <summary>
    /// ProxylessNAS's rule (agnas-facts §4.3, <c>PS/utils.py:47-60</c>): the 4-D convolution weights and the classifier's
    /// weight and bias (the parameters named <see cref="ClassifierPrefix"/>…); nothing else (BN, attention FCs, other biases).
    /// </summary>
    public const string ConvAndClassifier = "conv-and-classifier";

    /// <summary>The name every network gives its final Linear (nb201, darts and proxyless networks alike), so its parameters start with this.</summary>
    public const string ClassifierPrefix = "classifier.";

    /// <summary>Every name, for messages and --help.</summary>
    public static IReadOnlyList<string> Names { get; } = [All, ConvAndClassifier];

    /// <summary>The problem of a scope name, or null when it is one of <see cref="Names"/> (exact spelling).</summary>
    public static SettingProblem? Problem(string scope) => Names.Contains(scope)
        ? null
        : new SettingProblem(nameof(TrainingRecipe.WeightDecayScope), $"'{scope}' is not known; expected {string.Join(" or ", Names)}");

    /// <summary>Whether <see cref="ConvAndClassifier"/> decays a parameter: rank 4 (a convolution weight) or a name starting with <see cref="ClassifierPrefix"/>.</summary>
    public static bool DecaysInConvAndClassifier(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Shape.Rank == 4 || name.StartsWith(ClassifierPrefix, StringComparison.Ordinal);
    }

    /// <summary>
    /// The parameters split into those that take weight decay and those that do not, each in the given order: under
    /// <see cref="All"/> every parameter decays; under <see cref="ConvAndClassifier"/> those of <see cref="DecaysInConvAndClassifier"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown scope.</exception>
    public static (IReadOnlyList<(string Name, Parameter Param)> Decay, IReadOnlyList<(string Name, Parameter Param)> NoDecay) Split(
        IEnumerable<(string Name, Parameter Param)> parameters, string scope)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (Problem(scope) is { } problem) throw new ArgumentException(problem.ToString());
        var list = parameters.ToList();
        if (scope == All) return (list, []);
        var decay = list.Where(p => DecaysInConvAndClassifier(p.Name, p.Param)).ToList();
        var noDecay = list.Where(p => !DecaysInConvAndClassifier(p.Name, p.Param)).ToList();
        return (decay, noDecay);
    }
}

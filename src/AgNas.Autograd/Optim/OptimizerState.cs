using AgNas.Tensors;

namespace AgNas.Autograd.Optim;

/// <summary>
/// What an optimiser needs to resume: its per-parameter tensors named "&lt;parameter name&gt;.&lt;slot&gt;"
/// (SGD: "features.0.weight.momentum_buffer"; Adam: ".exp_avg", ".exp_avg_sq") for a safetensors
/// file, the number of steps each parameter has taken, and each group's learning rates, for the
/// run's JSON state. A parameter that has never been stepped has no entries.
/// </summary>
/// <param name="Tensors">In group and parameter order. On export these are the optimiser's own tensors: read them, do not dispose them.</param>
/// <param name="Steps">Steps taken per parameter name.</param>
/// <param name="Groups">Per group, in order.</param>
public sealed record OptimizerState(
    IReadOnlyList<(string Name, Tensor Value)> Tensors,
    IReadOnlyDictionary<string, int> Steps,
    IReadOnlyList<GroupState> Groups);

/// <summary>A group's current and initial learning rate.</summary>
public sealed record GroupState(float LearningRate, float InitialLearningRate);

using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Profiling;

/// <summary>One compared quantity of <see cref="SupernetStepCheck"/>: the worst element error against the reference.</summary>
public sealed record StepComparison(string Name, long Elements, double MaxAbsError, double Bound, bool Passed);

/// <summary>
/// A supernet training step (forward, cross-entropy, backward, gradient clipping, SGD with momentum and weight decay: the runs'
/// step, <see cref="TrainingEpoch.Forward"/> with a <see cref="TrainingRecipe"/>) run from the same seed and data on a reference
/// backend (the CPU) and a target, comparing the loss, the logits and every parameter after the step, element by element:
/// |target − reference| ≤ atol + rtol·|reference|. The two backends sum in different orders (cuDNN, cuBLAS, block reductions), so
/// the bound is a float32 one: atol 1e-4, rtol 1e-3 after one step. Used by the emulated-CUDA tests and <c>agnas selftest</c>.
/// </summary>
public static class SupernetStepCheck
{
    public const double Atol = 1e-4, Rtol = 1e-3;

    /// <summary>The check on a NAS-Bench-201 supernet of <paramref name="config"/> with H = W = <paramref name="size"/> images (the micro spaces' search recipe).</summary>
    /// <param name="reference">The backend taken as correct (the CPU).</param>
    /// <param name="target">The backend under test.</param>
    /// <param name="config">The supernet (small in the emulator: a launch there costs about a millisecond).</param>
    /// <param name="batch">Images per step (≥ 2, batch norm in training).</param>
    /// <param name="size">Image height and width.</param>
    /// <param name="steps">Training steps (the loss and logits of each are compared).</param>
    /// <param name="targetConfig">The target's supernet when it should differ (to show the check fails); null = <paramref name="config"/>.</param>
    /// <exception cref="ArgumentException">batch &lt; 2 or a size the supernet cannot take.</exception>
    public static IReadOnlyList<StepComparison> Run(IBackend reference, IBackend target, Nb201SupernetConfig config, int batch, int size, int steps = 1,
        Nb201SupernetConfig? targetConfig = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var other = targetConfig ?? config;
        return Run(reference, target, b => new Nb201Supernet(config, b), new Shape(config.InputChannels, size, size), config.Classes, batch, steps,
            b => new Nb201Supernet(other, b));
    }

    /// <summary>The check on any network: <paramref name="build"/> makes it, from its own seed, on a backend.</summary>
    /// <param name="reference">The backend taken as correct (the CPU).</param>
    /// <param name="target">The backend under test.</param>
    /// <param name="build">Builds the network (images (B, C, H, W) → logits) on a backend; called once per backend.</param>
    /// <param name="input">(C, H, W) of one image.</param>
    /// <param name="classes">Logits per image; labels cycle through them.</param>
    /// <param name="batch">Images per step (≥ 2, batch norm in training).</param>
    /// <param name="steps">Training steps (the loss and logits of each are compared).</param>
    /// <param name="buildTarget">Builds the target's network when it should differ; null = <paramref name="build"/>.</param>
    /// <param name="recipe">The step's optimiser, clip and label smoothing; null = <see cref="SearchConfig"/>'s default (the micro spaces' search recipe).</param>
    /// <exception cref="ArgumentException">batch &lt; 2 or a size the network cannot take.</exception>
    public static IReadOnlyList<StepComparison> Run(IBackend reference, IBackend target, Func<IBackend, Module> build, Shape input, int classes, int batch,
        int steps = 1, Func<IBackend, Module>? buildTarget = null, TrainingRecipe? recipe = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (batch < 2) throw new ArgumentException($"SupernetStepCheck: batch = {batch}; batch norm in training needs at least 2.");
        recipe ??= new SearchConfig().Recipe();
        var want = Step(reference, build, input, classes, batch, steps, recipe);
        var got = Step(target, buildTarget ?? build, input, classes, batch, steps, recipe);
        return want.Keys.Select(name => Compare(name, want[name], got[name])).ToList();
    }

    private static StepComparison Compare(string name, float[] want, float[] got)
    {
        double worst = 0;
        bool passed = want.Length == got.Length;
        for (int i = 0; passed && i < want.Length; i++)
        {
            double err = Math.Abs((double)got[i] - want[i]);
            if (!(err <= Atol + Rtol * Math.Abs(want[i]))) passed = false;
            worst = Math.Max(worst, double.IsNaN(err) ? double.PositiveInfinity : err);
        }
        return new StepComparison(name, want.Length, worst, Atol, passed);
    }

    /// <summary>The loss, logits and parameters after <paramref name="steps"/> steps, copied to the host by name.</summary>
    private static Dictionary<string, float[]> Step(IBackend backend, Func<IBackend, Module> build, Shape input, int classes, int batch, int steps,
        TrainingRecipe recipe)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using var model = build(backend);
        var shape = new Shape(new[] { batch }.Concat(input).ToArray());
        var data = new float[shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = CounterRandom.Uniform(11, (ulong)i) * 2 - 1;
        var labelData = Enumerable.Range(0, batch).Select(i => i % classes).ToArray();
        using var scope = TensorScope.Begin();
        var images = Tensor.FromArray(data, shape, backend);
        var labels = Tensor.FromArray(labelData, new Shape(batch), backend);
        model.Train();
        using var optimizer = recipe.CreateOptimizer(model.NamedParameters());
        var parameters = model.Parameters().ToList();
        for (int s = 0; s < steps; s++)
        {
            using var stepScope = TensorScope.Begin();
            optimizer.ZeroGrad();
            var (logits, loss, objective) = TrainingEpoch.Forward(model, new Var(images), labels, 1, s + 1, (float)recipe.LabelSmoothing);
            result[$"logits (step {s + 1})"] = logits.Data.ToArray();
            result[$"loss (step {s + 1})"] = loss.Data.ToArray();
            objective.Backward();
            recipe.ClipGradients(parameters);
            optimizer.Step();
        }
        foreach (var (name, p) in model.NamedParameters()) result[name] = p.Data.ToArray();
        return result;
    }
}

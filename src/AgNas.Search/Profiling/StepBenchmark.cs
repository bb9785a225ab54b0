using System.Diagnostics;
using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Runs;
using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Profiling;

/// <summary>Timings of training steps: the median and spread of ms/step, images/s and the peak memory of one step.</summary>
public sealed record StepTimings(int Batch, int Steps, double MedianMs, double MinMs, double MaxMs, long PeakBytes)
{
    public double ImagesPerSecond => Batch * 1000.0 / MedianMs;

    /// <summary>
    /// Runs <paramref name="step"/> <paramref name="warmup"/> times untimed, calls
    /// <paramref name="afterWarmup"/>, resets the backend's peak, then times <paramref name="steps"/> runs.
    /// </summary>
    public static StepTimings Measure(Action step, int batch, int steps, int warmup, IBackend backend, Action? afterWarmup)
    {
        for (int i = 0; i < warmup; i++) step();
        backend.Synchronize();
        afterWarmup?.Invoke();
        backend.Stats.ResetPeak();
        var times = new List<double>(steps);
        for (int i = 0; i < steps; i++)
        {
            var sw = Stopwatch.StartNew();
            step();
            backend.Synchronize(); // a GPU backend returns before its queued work is done
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return From(batch, times, backend.Stats.PeakBytes);
    }

    /// <summary>Summarises step times in milliseconds (at least one).</summary>
    public static StepTimings From(int batch, IReadOnlyList<double> stepMs, long peakBytes)
    {
        var t = stepMs.Order().ToList();
        int n = t.Count;
        double median = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
        return new StepTimings(batch, n, median, t[0], t[^1], peakBytes);
    }
}

/// <summary>
/// Times full training steps of a model on random data, each inside its own <see cref="TensorScope"/>: zero the gradients,
/// the runs' training forward and objective (<see cref="TrainingEpoch.Forward"/>: an <see cref="ITrainingStepNetwork"/> such as
/// the DARTS target network steps as training does, with its auxiliary head's weighted cross-entropy), backward, the recipe's
/// gradient clip and its SGD step (<see cref="TrainingRecipe"/>; by default the micro spaces' search recipe: SGD lr 0.025,
/// momentum 0.9, weight decay 3e-4 on every parameter, gradient norm clipped at 5). Warm-up steps run first and are not timed;
/// the peak is the backend's peak live bytes over the timed steps (parameters, gradients and optimiser state included).
/// </summary>
public static class StepBenchmark
{
    /// <param name="model">A classifier: images (B, C, H, W) → logits (B, classes).</param>
    /// <param name="inputPerSample">(C, H, W) of one image.</param>
    /// <param name="classes">Number of logits; labels cycle through them.</param>
    /// <param name="batch">Images per step.</param>
    /// <param name="steps">Timed steps.</param>
    /// <param name="warmup">Untimed steps first.</param>
    /// <param name="backend">Where the images live (the model's backend).</param>
    /// <param name="afterWarmup">Called once between the warm-up and the timed steps (e.g. to reset a profiler).</param>
    /// <param name="recipe">The optimiser, clip and label smoothing of the step; null = <see cref="SearchConfig"/>'s default recipe.</param>
    /// <exception cref="ArgumentException">batch, steps or warm-up out of range, or an input batch too large for a host array (the message names its shape).</exception>
    public static StepTimings Run(Module model, Shape inputPerSample, int classes, int batch, int steps, int warmup, IBackend backend,
        Action? afterWarmup = null, TrainingRecipe? recipe = null)
    {
        if (batch < 2) throw new ArgumentException($"StepBenchmark: batch = {batch}; batch norm in training needs at least 2.");
        if (steps < 1 || warmup < 0) throw new ArgumentException($"StepBenchmark: steps = {steps}, warm-up = {warmup}; expected steps >= 1, warm-up >= 0.");
        recipe ??= new SearchConfig().Recipe();
        var dims = new[] { batch }.Concat(inputPerSample).ToArray();
        var shape = new Shape(dims);
        if (shape.Size > Array.MaxLength)
            throw new ArgumentException($"StepBenchmark: the input batch of shape {shape} holds {shape.Size} values, more than one host array can ({Array.MaxLength}); use a smaller input or batch.");
        var data = new float[shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = CounterRandom.Uniform(7, (ulong)i) * 2 - 1;
        var labelData = Enumerable.Range(0, batch).Select(i => i % classes).ToArray();
        using var images = Tensor.FromArray(data, shape, backend).DetachFromScope();
        using var labels = Tensor.FromArray(labelData, new Shape(batch), backend).DetachFromScope();

        model.Train();
        using var optimizer = recipe.CreateOptimizer(model.NamedParameters());
        var parameters = model.Parameters().ToList();
        float smoothing = (float)recipe.LabelSmoothing;
        int stepNumber = 0;
        void Step()
        {
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            var (_, _, objective) = TrainingEpoch.Forward(model, new Var(images), labels, 1, ++stepNumber, smoothing);
            objective.Backward();
            recipe.ClipGradients(parameters);
            optimizer.Step();
        }

        return StepTimings.Measure(Step, batch, steps, warmup, backend, afterWarmup);
    }
}

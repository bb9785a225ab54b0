using System.Diagnostics;
using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Autograd.Optim;
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
/// Times full training steps of a model on random data: forward, softmax cross-entropy, backward,
/// global gradient-norm clipping at 5, and an SGD step (momentum 0.9, weight decay 3e-4), each step
/// inside its own <see cref="TensorScope"/>. Warm-up steps run first and are not timed; the peak is
/// the backend's peak live bytes over the timed steps (parameters, gradients and optimiser state included).
/// A model that is an <see cref="ITrainingStepNetwork"/> (the DARTS target network) steps as training does
/// (<see cref="Runs.TrainingEpoch"/>): its per-step hook, its training forward, and the auxiliary head's weighted
/// cross-entropy added to the loss.
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
    /// <exception cref="ArgumentException">batch, steps or warm-up out of range.</exception>
    public static StepTimings Run(Module model, Shape inputPerSample, int classes, int batch, int steps, int warmup, IBackend backend,
        Action? afterWarmup = null)
    {
        if (batch < 2) throw new ArgumentException($"StepBenchmark: batch = {batch}; batch norm in training needs at least 2.");
        if (steps < 1 || warmup < 0) throw new ArgumentException($"StepBenchmark: steps = {steps}, warm-up = {warmup}; expected steps >= 1, warm-up >= 0.");
        var dims = new[] { batch }.Concat(inputPerSample).ToArray();
        var shape = new Shape(dims);
        var data = new float[shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = CounterRandom.Uniform(7, (ulong)i) * 2 - 1;
        var labelData = Enumerable.Range(0, batch).Select(i => i % classes).ToArray();
        using var images = Tensor.FromArray(data, shape, backend).DetachFromScope();
        using var labels = Tensor.FromArray(labelData, new Shape(batch), backend).DetachFromScope();

        model.Train();
        using var optimizer = new Sgd(model.NamedParameters(), 0.025f, momentum: 0.9f, weightDecay: 3e-4f);
        var parameters = model.Parameters().ToList();
        int stepNumber = 0;
        void Step()
        {
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            var loss = Loss(model, new Var(images), labels, ++stepNumber);
            loss.Backward();
            GradClip.ClipGradNorm(parameters, 5.0);
            optimizer.Step();
        }

        return StepTimings.Measure(Step, batch, steps, warmup, backend, afterWarmup);
    }

    /// <summary>The training objective of one step: CE(logits), plus weight · CE(auxiliary logits) where the network has an auxiliary head.</summary>
    private static Var Loss(Module model, Var images, Tensor labels, int step)
    {
        if (model is not ITrainingStepNetwork special) return Functional.CrossEntropy(model.Forward(images), labels);
        special.BeforeTrainingStep(1, step);
        var output = special.ForwardTraining(images);
        var main = Functional.CrossEntropy(output.Logits, labels);
        return output.AuxiliaryLogits is { } auxiliary
            ? Functional.Add(main, Functional.Scale(Functional.CrossEntropy(auxiliary, labels), output.AuxiliaryWeight))
            : main;
    }
}

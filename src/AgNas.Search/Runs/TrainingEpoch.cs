using System.Diagnostics;
using System.Globalization;
using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Autograd.Optim;
using AgNas.Search.Data;
using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Runs;

/// <summary>What one training epoch did: summed batch-mean losses weighted by batch size, correct predictions, images, wall time.</summary>
public readonly record struct TrainTotals(double LossSum, long Correct, int Images, double Seconds)
{
    /// <summary>Mean training loss over the epoch's images: the cross-entropy minimised (label-smoothed when the recipe smooths).</summary>
    public double MeanLoss => LossSum / Images;

    /// <summary>Top-1 accuracy in percent.</summary>
    public double Accuracy => 100.0 * Correct / Images;

    /// <summary>Training images per second of training time.</summary>
    public double ImagesPerSecond => Images / Math.Max(Seconds, 1e-9);
}

/// <summary>What one evaluation pass found: summed losses, correct predictions, images, wall time.</summary>
public readonly record struct EvalTotals(double LossSum, long Correct, int Images, double Seconds)
{
    /// <summary>Mean cross-entropy over the images.</summary>
    public double MeanLoss => LossSum / Images;

    /// <summary>Top-1 accuracy in percent.</summary>
    public double Accuracy => 100.0 * Correct / Images;
}

/// <summary>
/// The epoch loops that every SGD run shares (<see cref="SearchRun"/> and <see cref="TrainRun"/>).
/// <para><b>Training step</b> (each inside its own <see cref="TensorScope"/>): set the step's learning rate
/// (<see cref="RunSchedule"/>, when given), zero the gradients, forward, mean cross-entropy (label-smoothed by
/// <see cref="TrainingRecipe.LabelSmoothing"/>), stop if the loss is not finite (<see cref="NonFiniteLossException"/>,
/// before anything is updated), backward, clip the gradients when a clip is set (<see cref="TrainingRecipe.ClipGradients"/>:
/// global L2 norm or each element), SGD step. A network that is an <see cref="ITrainingStepNetwork"/> is told the step first and
/// forwarded with <see cref="ITrainingStepNetwork.ForwardTraining"/>; when it returns auxiliary logits,
/// the loss minimised is CE(logits) + weight·CE(auxiliary) (DARTS <c>train.py</c>), while the loss and
/// accuracy reported are the classifier's. The training loss reported is the one minimised (label-smoothed when smoothing is on). A search with DARTS' α runs its architecture step
/// (<see cref="AlphaStep"/>) just before each of these, through the <c>beforeStep</c> hook of <see cref="Train"/>.</para>
/// <para><b>Evaluation pass</b>: eval mode, <see cref="GradMode.NoGrad"/>, every batch of the loader
/// forwarded once, plain cross-entropy whatever the training loss's smoothing (agnas-facts §4.4); the network is back in training mode afterwards.</para>
/// <para>Cancellation is checked before every training step and evaluation batch; a cancelled loop
/// returns null and the caller saves nothing of the epoch.</para>
/// </summary>
public sealed class TrainingEpoch
{
    private readonly Module _net;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly IBackend _backend;
    private readonly TrainingRecipe _recipe;
    private readonly CancellationToken _cancellation;
    private readonly string _kind;
    private readonly RunFolder _folder;
    private readonly Dictionary<Parameter, string> _names;

    /// <param name="net">The network (images → logits).</param>
    /// <param name="backend">Where its tensors live (the non-finite check runs there).</param>
    /// <param name="recipe">The label smoothing of the training loss and the gradient clip (<see cref="TrainingRecipe.ClipGradients"/>); the
    /// optimiser and the schedule are the caller's.</param>
    /// <param name="cancellation">Checked before every step and batch.</param>
    /// <param name="kind">The run's noun for messages ("search", "training").</param>
    /// <param name="folder">The run folder, named in the non-finite-loss message.</param>
    /// <param name="weights">
    /// The parameters the optimiser of <see cref="Train"/> trains, whose gradient norm is clipped; null =
    /// all of <paramref name="net"/>'s. A DARTS search leaves α out: DARTS clips the weights' gradients
    /// only (its α is not among model.parameters()).
    /// </param>
    public TrainingEpoch(Module net, IBackend backend, TrainingRecipe recipe, CancellationToken cancellation, string kind, RunFolder folder,
        IEnumerable<Parameter>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(folder);
        _net = net;
        _parameters = (weights ?? net.Parameters()).ToList();
        _backend = backend;
        _recipe = recipe;
        _cancellation = cancellation;
        _kind = kind;
        _folder = folder;
        _names = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in net.NamedParameters()) _names.TryAdd(p, name);
    }

    /// <summary>
    /// Stops a step whose gradients are not all finite, before the optimiser uses them: clips them as the recipe says and tests the
    /// global norm it computed (norm mode), or one sum of squares taken before clipping (value mode, which would turn ∞ into the
    /// clip, and no clip). Only on failure is each gradient tested, to name the first one at fault.
    /// </summary>
    private void CheckGradients(int batches, int epoch, int step, float lr, int completed)
    {
        double n;
        if (_recipe.GradClip is not null && _recipe.GradClipMode == GradClipModes.Norm)
        {
            n = _recipe.ClipGradients(_parameters) ?? 0;
        }
        else
        {
            n = Math.Sqrt(NonFiniteScan.SumOfSquares(Gradients().Select(g => g.Grad).ToList()));
            if (double.IsFinite(n)) _recipe.ClipGradients(_parameters);
        }
        if (double.IsFinite(n)) return;
        string which = NonFiniteScan.FirstNonFinite(Gradients().Select(g => (Name(g.Param), g.Grad))) is { } name
            ? $"the gradient of {name}" : "a gradient";
        throw Diverged(batches, epoch, $"step {step} of {batches}",
            $"{which} is not finite (global gradient norm {Fmt(n)}, learning rate {Fmt(lr)})", "stopped before updating the weights", lr, completed);
    }

    /// <summary>
    /// After an epoch's last step: one sum of squares over every weight and float buffer (BatchNorm's running statistics, which a
    /// training-mode forward updates without using them, so a finite loss can hide them), named on failure.
    /// </summary>
    private void CheckState(int batches, int epoch, int steps, float lr, int completed)
    {
        var tensors = _net.Parameters().Select(p => p.Data).Concat(NonFiniteScan.FloatBuffers(_net).Select(b => b.Tensor)).ToList();
        if (NonFiniteScan.AllFinite(tensors)) return;
        string which = NonFiniteScan.FirstNonFiniteState(_net) ?? "a weight or running statistic";
        throw Diverged(batches, epoch, $"after step {steps} of {batches}", $"{which} is not finite (learning rate {Fmt(lr)})", "stopped", lr, completed);
    }

    private IEnumerable<(Parameter Param, Tensor Grad)> Gradients() =>
        _parameters.Where(p => p.Grad is not null).Select(p => (p, p.Grad!));

    private string Name(Parameter p) => _names.TryGetValue(p, out var name) ? name : "an unnamed parameter";

    private static string Fmt(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>One epoch of weight training on <paramref name="loader"/>'s epoch <paramref name="epoch"/> − 1; null when cancelled.</summary>
    /// <param name="loader">The training batches.</param>
    /// <param name="epoch">1-based epoch (the loader's epoch index is one less).</param>
    /// <param name="sgd">The optimiser (at the epoch's learning rate unless <paramref name="schedule"/> sets it).</param>
    /// <param name="completed">Epochs the run folder holds (for the non-finite-loss message).</param>
    /// <param name="stepCompleted">Called after each step with its 1-based number and the batch's mean loss.</param>
    /// <param name="beforeStep">
    /// Called before each step with its 1-based number, after the cancellation check and before the
    /// step's gradients are cleared (the DARTS α step); null for none.
    /// </param>
    /// <param name="schedule">Sets <paramref name="sgd"/>'s learning rate before each step from (epoch, step); null leaves it as it is.</param>
    /// <exception cref="NonFiniteLossException">
    /// The run diverged: the loss or a gradient of a step was NaN or infinite (nothing of that step was applied), or after the last step a weight
    /// or BatchNorm running statistic was; the message names the epoch, the step and the first tensor at fault.
    /// </exception>
    public TrainTotals? Train(DataLoader loader, int epoch, Optimizer sgd, int completed, Action<int, double>? stepCompleted = null,
        Action<int>? beforeStep = null, RunSchedule? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(sgd);
        _net.Train();
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        long correct = 0;
        int images = 0, step = 0;
        foreach (var batch in loader.Epoch(epoch - 1))
        {
            double loss;
            using (batch)
            {
                if (_cancellation.IsCancellationRequested) return null;
                step++;
                beforeStep?.Invoke(step);
                schedule?.Set(epoch, step);
                using var scope = TensorScope.Begin();
                sgd.ZeroGrad();
                var (logits, lossVar, objective) = Forward(_net, new Var(batch.Images), batch.Labels, epoch, step, (float)_recipe.LabelSmoothing);
                if (_backend.HasNonFinite(objective.Data))
                    throw NonFinite(loader.BatchesPerEpoch, epoch, step, objective.Data.Item(), sgd.LearningRate, completed, "training loss", "the weights",
                        NonFiniteScan.FirstNonFiniteState(_net) is { } state ? $"{state} was already not finite (set by the previous step)" : null);
                objective.Backward();
                CheckGradients(loader.BatchesPerEpoch, epoch, step, sgd.LearningRate, completed);
                sgd.Step();
                loss = lossVar.Data.Item();
                lossSum += loss * batch.Count;
                correct += CountCorrect(logits.Data, batch.Labels);
                images += batch.Count;
            }
            stepCompleted?.Invoke(step, loss);
        }
        CheckState(loader.BatchesPerEpoch, epoch, step, sgd.LearningRate, completed);
        return new TrainTotals(lossSum, correct, images, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The training forward of one step of <paramref name="net"/> (every run's, and what <c>agnas bench</c> times): the logits, their
    /// cross-entropy with label smoothing <paramref name="smoothing"/>, and the loss to minimise (the same Var unless an auxiliary head
    /// adds its weighted term). An <see cref="ITrainingStepNetwork"/> is told (<paramref name="epoch"/>, <paramref name="step"/>) first.
    /// </summary>
    public static (Var Logits, Var Loss, Var Objective) Forward(Module net, Var images, Tensor labels, int epoch, int step, float smoothing)
    {
        ArgumentNullException.ThrowIfNull(net);
        if (net is not ITrainingStepNetwork special)
        {
            var plain = net.Forward(images);
            var loss = Functional.CrossEntropy(plain, labels, smoothing);
            return (plain, loss, loss);
        }
        special.BeforeTrainingStep(epoch, step);
        var output = special.ForwardTraining(images);
        var main = Functional.CrossEntropy(output.Logits, labels, smoothing);
        if (output.AuxiliaryLogits is not { } auxiliary) return (output.Logits, main, main);
        var objective = Functional.Add(main, Functional.Scale(Functional.CrossEntropy(auxiliary, labels, smoothing), output.AuxiliaryWeight));
        return (output.Logits, main, objective);
    }

    /// <summary>Forwards every batch of <paramref name="loader"/>'s epoch <paramref name="epoch"/> − 1 in eval mode without gradients; null when cancelled.</summary>
    /// <param name="loader">The evaluation batches.</param>
    /// <param name="epoch">1-based epoch (only the loader's augmentation draws depend on it).</param>
    /// <param name="batchCompleted">Called after each batch with its 1-based number.</param>
    public EvalTotals? Evaluate(DataLoader loader, int epoch, Action<int>? batchCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(loader);
        _net.Eval();
        try
        {
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0;
            int images = 0, number = 0;
            using (GradMode.NoGrad())
            {
                foreach (var batch in loader.Epoch(epoch - 1))
                {
                    using (batch)
                    {
                        if (_cancellation.IsCancellationRequested) return null;
                        using var scope = TensorScope.Begin();
                        var logits = _net.Forward(new Var(batch.Images));
                        lossSum += Functional.CrossEntropy(logits, batch.Labels).Data.Item() * batch.Count;
                        correct += CountCorrect(logits.Data, batch.Labels);
                        images += batch.Count;
                    }
                    batchCompleted?.Invoke(++number);
                }
            }
            return new EvalTotals(lossSum, correct, images, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            _net.Train();
        }
    }

    /// <summary>The optimiser's (float) learning rate as its shortest decimal (0.021485, not 0.021485000848770142), as metrics record it.</summary>
    public static double LearningRateOf(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return double.Parse(optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Images whose largest logit (first on ties) is at their label.</summary>
    public static long CountCorrect(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        var scores = logits.ToArray();
        var truth = labels.ToInt32Array();
        int classes = (int)(scores.Length / Math.Max(truth.Length, 1));
        long correct = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (scores[i * classes + c] > scores[i * classes + best]) best = c;
            }
            if (best == truth[i]) correct++;
        }
        return correct;
    }

    /// <summary>
    /// The exception for a non-finite <paramref name="what"/> ("training loss", "architecture loss") at a
    /// step, before <paramref name="updated"/> ("the weights", "α") changed; nothing of the epoch is saved. <paramref name="cause"/>:
    /// what was already non-finite before the loss ("the weight stem.weight was already not finite ..."), or null.
    /// </summary>
    public NonFiniteLossException NonFinite(int batches, int epoch, int step, float loss, float lr, int completed, string what, string updated,
        string? cause = null)
    {
        string because = cause is null ? "" : $"; {cause}";
        return Diverged(batches, epoch, $"step {step} of {batches}",
            $"the {what} is {loss.ToString(CultureInfo.InvariantCulture)} (learning rate {lr.ToString(CultureInfo.InvariantCulture)}){because}",
            $"stopped before updating {updated}", lr, completed, step);
    }

    /// <summary>
    /// The divergence exception: "Epoch E, <paramref name="where"/>: <paramref name="what"/>. The run diverged and
    /// <paramref name="stopped"/>; it saved nothing of epoch E." followed by what the folder holds and the
    /// learning rate to try next.
    /// </summary>
    public NonFiniteLossException Diverged(int batches, int epoch, string where, string what, string stopped, float lr, int completed, int? step = null)
    {
        string saved = completed > 0
            ? $"{_folder.Path} still holds epoch {completed} (checkpoint, optimizer state and metrics); continue it at a lower learning rate with " +
              $"--resume {_folder.Path} --lr {Fmt(lr / 10)} (say)."
            : $"No epoch had completed, so the run folder holds no checkpoint; start again with a lower learning rate (--lr {Fmt(lr / 10)}, say).";
        return new NonFiniteLossException(
            $"Epoch {epoch}, {where}: {what}. The {_kind} diverged and {stopped}; it saved nothing of epoch {epoch}. {saved}",
            epoch, step ?? batches, completed);
    }
}

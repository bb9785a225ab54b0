using AgNas.Search.Data;
using AgNas.Search.Spaces.Nb201;

namespace AgNas.Search.Runs;

/// <summary>One epoch of a training run: a line of its metrics.jsonl. Accuracies are percentages.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="LearningRate">The SGD learning rate of every step of the epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy of the classifier over the epoch's training images (train mode, augmented); an auxiliary head's term is not included.</param>
/// <param name="TrainAccuracy">Top-1 accuracy (%) of the training forwards of the epoch, as the weights changed.</param>
/// <param name="TestLoss">Mean cross-entropy on the test set after the epoch (eval mode, no augmentation).</param>
/// <param name="TestAccuracy">Top-1 accuracy (%) on the test set after the epoch.</param>
/// <param name="BestTestAccuracy">The highest <paramref name="TestAccuracy"/> of epochs 1..<paramref name="Epoch"/>.</param>
/// <param name="BestEpoch">The first epoch that reached <paramref name="BestTestAccuracy"/>.</param>
/// <param name="Seconds">Wall time of the epoch: training plus the test pass (file writes excluded).</param>
/// <param name="ImagesPerSecond">Training images per second of training time (the test pass excluded).</param>
/// <param name="TrainImages">Images trained on in the epoch.</param>
/// <param name="TestImages">Images of the test pass.</param>
public sealed record TrainEpochRecord(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double BestTestAccuracy,
    int BestEpoch,
    double Seconds,
    double ImagesPerSecond,
    int TrainImages,
    int TestImages);

/// <summary>
/// state.json of a training run: what resuming needs besides the two safetensors files. It is
/// written last at the end of every epoch, so it names the epoch whose files are complete.
/// </summary>
/// <param name="Format">Always <see cref="CurrentFormat"/>.</param>
/// <param name="CompletedEpochs">Epochs whose checkpoint, optimizer state and metrics are saved.</param>
/// <param name="Finished">True once <paramref name="CompletedEpochs"/> reached the configured epochs.</param>
/// <param name="Config">The settings the epochs ran with (config.json may since have raised the epoch count).</param>
/// <param name="Backend">Description of the backend that ran the last epoch.</param>
/// <param name="OptimizerSteps">Steps taken per parameter name (the tensors are in optimizer.safetensors).</param>
/// <param name="OptimizerGroups">Learning rates per parameter group.</param>
/// <param name="Metrics">Every completed epoch's record, as in metrics.jsonl.</param>
public sealed record TrainState(
    string Format,
    int CompletedEpochs,
    bool Finished,
    TrainConfig Config,
    string Backend,
    IReadOnlyDictionary<string, int> OptimizerSteps,
    IReadOnlyList<OptimizerGroupRecord> OptimizerGroups,
    IReadOnlyList<TrainEpochRecord> Metrics) : IRunState
{
    public const string CurrentFormat = "agnas-train-state/1";

    int IRunState.MetricCount => Metrics.Count;
}

/// <summary>How a training run ended (an exception is the third way).</summary>
public enum TrainOutcome
{
    /// <summary>Every configured epoch is saved.</summary>
    Completed,

    /// <summary>Cancelled between two steps; the run folder holds the last completed epoch and can be resumed.</summary>
    Interrupted,
}

/// <summary>The end of a training run.</summary>
/// <param name="Outcome">Completed or interrupted.</param>
/// <param name="RunDirectory">The run folder (absolute).</param>
/// <param name="CompletedEpochs">Epochs saved in the run folder.</param>
/// <param name="Epochs">Epochs configured.</param>
/// <param name="Last">The record of the last completed epoch (its test accuracy is the final one); null when none completed.</param>
/// <param name="Best">The record of the first epoch with the highest test accuracy; null when none completed.</param>
public sealed record TrainResult(TrainOutcome Outcome, string RunDirectory, int CompletedEpochs, int Epochs, TrainEpochRecord? Last, TrainEpochRecord? Best);

/// <summary>What a training run reports as it starts.</summary>
/// <param name="Config">The resolved settings.</param>
/// <param name="RunDirectory">The run folder (absolute).</param>
/// <param name="Backend">Description of the backend.</param>
/// <param name="Arch">The architecture in its canonical form (nb201: the cell string; darts: the genotype or five-cell text).</param>
/// <param name="ParameterCount">Trainable elements of the network, an auxiliary head excluded (as published counts are).</param>
/// <param name="AuxiliaryParameterCount">Trainable elements of the auxiliary head (0 without one).</param>
/// <param name="BenchmarkCheck">The count against NAS-Bench-201's published one; null when no benchmark dataset has the class count.</param>
/// <param name="TrainImages">Images trained on per epoch.</param>
/// <param name="TestImages">Images of the test pass.</param>
/// <param name="TrainBatches">Training steps per epoch.</param>
/// <param name="TestBatches">Test batches per epoch.</param>
/// <param name="TrainAugmentation">The training images' pipeline (<see cref="Augmentation.ToString"/>).</param>
/// <param name="TestAugmentation">The test images' pipeline.</param>
/// <param name="FirstEpoch">The epoch the run starts at (1 for a new run, completed + 1 when resuming).</param>
public sealed record TrainStart(
    TrainConfig Config,
    string RunDirectory,
    string Backend,
    string Arch,
    long ParameterCount,
    long AuxiliaryParameterCount,
    Nb201ParameterCheck? BenchmarkCheck,
    int TrainImages,
    int TestImages,
    int TrainBatches,
    int TestBatches,
    string TrainAugmentation,
    string TestAugmentation,
    int FirstEpoch);

/// <summary>
/// Receives a training run's progress on the run's own thread (so a slow observer slows the run).
/// Override what you need; the base does nothing.
/// </summary>
public class TrainObserver
{
    public static TrainObserver None { get; } = new();

    public virtual void Started(TrainStart start) { }

    /// <summary>Before the first step of a 1-based epoch.</summary>
    public virtual void EpochStarted(int epoch, double learningRate) { }

    /// <summary>After training step <paramref name="step"/> (1-based) of the epoch; <paramref name="loss"/> is the batch's mean loss.</summary>
    public virtual void TrainStepCompleted(int epoch, int step, double loss) { }

    /// <summary>After test batch <paramref name="batch"/> (1-based) of the epoch's test pass.</summary>
    public virtual void TestBatchCompleted(int epoch, int batch) { }

    /// <summary>After the epoch's files are saved (state.json included).</summary>
    public virtual void EpochCompleted(TrainEpochRecord record) { }

    /// <summary>Something the user should know that does not stop the run (e.g. plots could not be drawn).</summary>
    public virtual void Warning(string message) { }
}

/// <summary>The training and test sets of a training run, with the dataset's facts (normalisation, crop padding, flip).</summary>
/// <param name="Train">The training set, whole: <see cref="TrainConfig.Subset"/> is applied by the run.</param>
/// <param name="Test">The test set.</param>
/// <param name="Info">Their catalog entry (or an equivalent record for in-memory data).</param>
public sealed record TrainData(ImageDataset Train, ImageDataset Test, DatasetInfo Info)
{
    /// <summary>Both sets of <see cref="TrainConfig.Dataset"/> from <see cref="TrainConfig.DataDir"/> (or the dataset's default folder).</summary>
    /// <exception cref="DatasetNotFoundException">Files missing; the message says where it looked and how to get them.</exception>
    /// <exception cref="DatasetFormatException">A file is malformed.</exception>
    public static TrainData Load(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new TrainData(
            DatasetCatalog.Load(config.Dataset, config.DataDir, train: true),
            DatasetCatalog.Load(config.Dataset, config.DataDir, train: false),
            DatasetCatalog.Get(config.Dataset));
    }
}

namespace AgNas.Search.Runs;

/// <summary>What a search run reports as it starts.</summary>
/// <param name="Config">The resolved settings.</param>
/// <param name="RunDirectory">The run folder (absolute).</param>
/// <param name="Backend">Description of the backend.</param>
/// <param name="ParameterCount">Trainable elements of the supernet (attention FCs or α included).</param>
/// <param name="AttentionModules">Number of attention modules (edges or layers over all cells).</param>
/// <param name="TrainImages">Images of the weight-training part.</param>
/// <param name="ValidImages">Images of the validation part.</param>
/// <param name="TrainBatches">Training steps per epoch.</param>
/// <param name="ValidBatches">Validation batches per epoch.</param>
/// <param name="FirstEpoch">The epoch the run starts at (1 for a new run, completed + 1 when resuming).</param>
/// <param name="AlphaParameters">Elements of α (darts; 0 for agnas), trained by Adam on validation batches.</param>
public sealed record SearchStart(
    SearchConfig Config,
    string RunDirectory,
    string Backend,
    long ParameterCount,
    int AttentionModules,
    int TrainImages,
    int ValidImages,
    int TrainBatches,
    int ValidBatches,
    int FirstEpoch,
    long AlphaParameters = 0);

/// <summary>
/// Receives a search run's progress on the run's own thread (so a slow observer slows the run).
/// Override what you need; the base does nothing. The CLI draws its progress bar and epoch table
/// from it; tests cancel runs from it.
/// </summary>
public class SearchObserver
{
    public static SearchObserver None { get; } = new();

    public virtual void Started(SearchStart start) { }

    /// <summary>Before the first step of a 1-based epoch.</summary>
    public virtual void EpochStarted(int epoch, double learningRate) { }

    /// <summary>After training step <paramref name="step"/> (1-based) of the epoch; <paramref name="loss"/> is the batch's mean loss.</summary>
    public virtual void TrainStepCompleted(int epoch, int step, double loss) { }

    /// <summary>darts: after the α step that precedes training step <paramref name="step"/>; <paramref name="loss"/> is its validation batch's mean loss.</summary>
    public virtual void AlphaStepCompleted(int epoch, int step, double loss) { }

    /// <summary>After validation batch <paramref name="batch"/> (1-based) of the epoch's importance pass.</summary>
    public virtual void ValidationBatchCompleted(int epoch, int batch) { }

    /// <summary>After the epoch's files are saved (state.json included).</summary>
    public virtual void EpochCompleted(EpochRecord record, DerivedArchitecture arch) { }

    /// <summary>Something the user should know that does not stop the run (e.g. plots could not be drawn).</summary>
    public virtual void Warning(string message) { }
}

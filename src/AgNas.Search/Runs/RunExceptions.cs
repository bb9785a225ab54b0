namespace AgNas.Search.Runs;

/// <summary>
/// The training loss of a search or training run became NaN or infinite. The run stopped before the step's backward pass and
/// saved nothing of the failing epoch: the run folder still holds the last completed epoch.
/// </summary>
public sealed class NonFiniteLossException : Exception
{
    public NonFiniteLossException(string message, int epoch, int step, int completedEpochs)
        : base(message)
    {
        Epoch = epoch;
        Step = step;
        CompletedEpochs = completedEpochs;
    }

    /// <summary>The 1-based epoch in which the loss was not finite.</summary>
    public int Epoch { get; }

    /// <summary>The 1-based training step of that epoch.</summary>
    public int Step { get; }

    /// <summary>Epochs whose files the run folder still holds.</summary>
    public int CompletedEpochs { get; }
}

/// <summary>
/// A run folder cannot be resumed with the given settings, or does not hold a consistent run (for
/// example a checkpoint of another epoch than state.json records).
/// </summary>
public sealed class SearchResumeException(string message) : Exception(message);

/// <summary>
/// A training run's folder cannot be resumed with the given settings, or does not hold a consistent
/// run (for example a checkpoint of another epoch than state.json records).
/// </summary>
public sealed class TrainResumeException(string message) : Exception(message);

using System.Text.Json.Serialization;

namespace AgNas.Search.Runs;

/// <summary>
/// One epoch of a search: a line of metrics.jsonl. Accuracies are percentages.
/// </summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="LearningRate">The SGD learning rate of every step of the epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training images (train mode, augmented).</param>
/// <param name="TrainAccuracy">Top-1 accuracy (%) of the training forwards of the epoch, as the weights changed.</param>
/// <param name="ValidAccuracy">Top-1 accuracy (%) of the supernet on the validation part, from the same eval-mode pass that collected the importance.</param>
/// <param name="Arch">The architecture derived after the epoch (the space's text format).</param>
/// <param name="SkipConnectCount">skip_connect ops in <paramref name="Arch"/>.</param>
/// <param name="Seconds">Wall time of the epoch: training plus the validation pass (file writes excluded).</param>
/// <param name="ImagesPerSecond">Training images per second of training time (the validation pass excluded).</param>
/// <param name="TrainImages">Images trained on in the epoch.</param>
/// <param name="ValidImages">Images of the validation pass.</param>
/// <param name="Cells">
/// Every searched cell's derived genotype and skip_connect count, where the space derives one per cell (darts:
/// Cell_0..Cell_{L−1}; <paramref name="Arch"/> then holds the five-cell set); absent otherwise.
/// </param>
/// <param name="AtChance">
/// Informational: the supernet was at chance level after the epoch (<see cref="ChanceLevel.IsAtChance"/>: validation accuracy within
/// <see cref="ChanceLevel.MarginPoints"/> points of 100/classes, or training loss above ln(classes)). Early epochs of a short search
/// may legitimately be; only the run's summary judges (<see cref="ChanceLevel.Verdict"/>). Absent in metrics written before it existed.
/// </param>
public sealed record EpochRecord(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    double TrainAccuracy,
    double ValidAccuracy,
    string Arch,
    int SkipConnectCount,
    double Seconds,
    double ImagesPerSecond,
    int TrainImages,
    int ValidImages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DerivedCell>? Cells = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? AtChance = null);

/// <summary>
/// The contents of attention/epoch-NNN.json: the importances collected after one epoch and the
/// decision they made. For a darts search the importance of a candidate is its softmax(α) weight.
/// </summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Arch">The derived architecture.</param>
/// <param name="SkipConnectCount">skip_connect ops in it.</param>
/// <param name="ValidImages">Images forwarded to collect the importances (darts: to measure the validation accuracy).</param>
/// <param name="Candidates">The space's candidate names (<see cref="DerivedArchitecture.CandidateNames"/>).</param>
/// <param name="Edges">
/// Per edge or layer, the importances the decision used (as <see cref="ISearchSupernet.Derive"/>
/// normalised them; darts: softmax(α) of the edge's row, <see cref="IAlphaSupernet.DeriveFromAlphas"/>) and the choice.
/// </param>
/// <param name="Modules">Per attention module, in <see cref="ISearchSupernet.AttentionModules"/> order, the raw sums Σ_images Σ_channels y (Eq. 6); empty for darts.</param>
/// <param name="Alphas">darts: every α set's logits after the epoch (<see cref="IAlphaSupernet.AlphaSets"/> order); absent for agnas.</param>
public sealed record AttentionSnapshot(
    int Epoch,
    string Arch,
    int SkipConnectCount,
    int ValidImages,
    IReadOnlyList<string> Candidates,
    IReadOnlyList<AttentionEdgeRecord> Edges,
    IReadOnlyList<AttentionModuleRecord> Modules,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<AlphaSetRecord>? Alphas = null);

/// <summary>One edge or layer of an <see cref="AttentionSnapshot"/>.</summary>
/// <param name="Name">The edge or layer, as the space names it.</param>
/// <param name="Candidates">Its candidates, in importance order (the first K of the space's candidate names).</param>
/// <param name="Importance">One value per candidate.</param>
/// <param name="Chosen">Index of the chosen candidate; <see cref="EdgeImportance.Dropped"/> (−1) where the architecture drops the edge.</param>
/// <param name="ChosenName">Its name, or <see cref="DroppedName"/>.</param>
/// <param name="Group">The cell the edge belongs to (<see cref="EdgeImportance.Group"/>); absent where the space gives none.</param>
public sealed record AttentionEdgeRecord(string Name, IReadOnlyList<string> Candidates, IReadOnlyList<double> Importance, int Chosen, string ChosenName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Group = null)
{
    /// <summary>The <see cref="ChosenName"/> of a dropped edge.</summary>
    public const string DroppedName = "(dropped)";
}

/// <summary>One attention module's raw importance sums.</summary>
/// <param name="Name">The module's dotted name in the network ("cells.3.edges.2.attention").</param>
/// <param name="Importance">Σ over validation images and the candidate's channels of the attention weights, per candidate.</param>
public sealed record AttentionModuleRecord(string Name, IReadOnlyList<double> Importance);

/// <summary>One α set of a darts search after an epoch.</summary>
/// <param name="Name">Its parameter name in the network ("arch_parameters").</param>
/// <param name="Logits">α: one row of K logits per edge, in the set's edge order.</param>
public sealed record AlphaSetRecord(string Name, IReadOnlyList<IReadOnlyList<double>> Logits);

/// <summary>An optimiser parameter group's learning rates, as saved in state.json.</summary>
public sealed record OptimizerGroupRecord(float LearningRate, float InitialLearningRate);

/// <summary>What state.json keeps of an optimiser (its tensors are in optimizer.safetensors): see <see cref="RunFolder.SaveTraining"/>.</summary>
/// <param name="Steps">Steps taken per parameter name.</param>
/// <param name="Groups">Learning rates per parameter group.</param>
public sealed record SavedOptimizer(IReadOnlyDictionary<string, int> Steps, IReadOnlyList<OptimizerGroupRecord> Groups);

/// <summary>What <see cref="RunFolder.ReadState{TState}"/> checks of every kind of state.json.</summary>
public interface IRunState
{
    /// <summary>The state's format name and version ("agnas-search-state/1").</summary>
    string Format { get; }

    /// <summary>Epochs whose files are complete.</summary>
    int CompletedEpochs { get; }

    /// <summary>Metric records held (one per completed epoch).</summary>
    int MetricCount { get; }
}

/// <summary>
/// state.json: what resuming needs besides the two safetensors files. It is written last at the end
/// of every epoch, so it names the epoch whose files are complete.
/// </summary>
/// <param name="Format">Always <see cref="CurrentFormat"/>.</param>
/// <param name="CompletedEpochs">Epochs whose checkpoint, optimizer state, attention file and metrics are saved.</param>
/// <param name="Finished">True once <paramref name="CompletedEpochs"/> reached the configured epochs.</param>
/// <param name="Config">The settings the epochs ran with (config.json may since have raised the epoch count).</param>
/// <param name="Backend">Description of the backend that ran the last epoch.</param>
/// <param name="OptimizerSteps">Steps taken per parameter name (the tensors are in optimizer.safetensors).</param>
/// <param name="OptimizerGroups">Learning rates per parameter group.</param>
/// <param name="Metrics">Every completed epoch's record, as in metrics.jsonl.</param>
/// <param name="ArchOptimizer">darts: the α optimiser's step counts and learning rate (its tensors are in arch_optimizer.safetensors); absent for agnas.</param>
public sealed record RunState(
    string Format,
    int CompletedEpochs,
    bool Finished,
    SearchConfig Config,
    string Backend,
    IReadOnlyDictionary<string, int> OptimizerSteps,
    IReadOnlyList<OptimizerGroupRecord> OptimizerGroups,
    IReadOnlyList<EpochRecord> Metrics,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SavedOptimizer? ArchOptimizer = null) : IRunState
{
    public const string CurrentFormat = "agnas-search-state/1";

    int IRunState.MetricCount => Metrics.Count;
}

using System.Diagnostics;
using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Autograd.Optim;
using AgNas.Search.Attention;
using AgNas.Search.Data;
using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Runs;

/// <summary>How a search run ended (an exception is the third way).</summary>
public enum SearchOutcome
{
    /// <summary>Every configured epoch is saved.</summary>
    Completed,

    /// <summary>Cancelled between two steps; the run folder holds the last completed epoch and can be resumed.</summary>
    Interrupted,
}

/// <summary>The end of a search run.</summary>
/// <param name="Outcome">Completed or interrupted.</param>
/// <param name="RunDirectory">The run folder (absolute).</param>
/// <param name="CompletedEpochs">Epochs saved in the run folder.</param>
/// <param name="Epochs">Epochs configured.</param>
/// <param name="Last">The record of the last completed epoch (its arch is the run's result); null when none completed.</param>
/// <param name="Records">Every completed epoch's record (resumed ones included), for <see cref="ChanceLevel.Verdict"/>; null: only <paramref name="Last"/> is known.</param>
public sealed record SearchResult(SearchOutcome Outcome, string RunDirectory, int CompletedEpochs, int Epochs, EpochRecord? Last,
    IReadOnlyList<EpochRecord>? Records = null);

/// <summary>
/// AGNAS Algorithm 1 on any <see cref="ISearchSupernet"/>: the supernet's weights and attention
/// modules are trained together by SGD on the weight-training part of the data; after every epoch
/// the validation part is forwarded once in eval mode without gradients while every attention
/// module accumulates its importance, the space derives an architecture from them, and the epoch
/// is saved to the run folder (<see cref="RunFolder"/>).
/// <para><b>Training step</b> (<see cref="TrainingEpoch.Train"/>, shared with <see cref="TrainRun"/>; each inside its own <see cref="TensorScope"/>): zero the gradients,
/// forward, mean cross-entropy (label-smoothed by <see cref="SearchConfig.LabelSmoothing"/>), stop if the loss is not finite
/// (<see cref="NonFiniteLossException"/>, before anything is updated), backward, clip the gradients at
/// <see cref="SearchConfig.GradClip"/> (global L2 norm or each element, <see cref="SearchConfig.GradClipMode"/>), SGD step
/// (momentum, optional Nesterov, weight decay on every parameter or on conv weights and the classifier only,
/// <see cref="SearchConfig.WeightDecayScope"/>). The optimiser, schedule, loss and clip are <see cref="TrainingRecipe"/>'s,
/// shared with <see cref="TrainRun"/>.</para>
/// <para><b>Learning rate</b> (<see cref="RunSchedule"/>): with <see cref="SearchConfig.LrSchedule"/> = linear, ProxylessNAS's
/// per-step linear decay to <see cref="SearchConfig.LearningRateMin"/> over every step of the run. With cosine (the default), cosine from <see cref="SearchConfig.LearningRate"/> to
/// <see cref="SearchConfig.LearningRateMin"/> over <see cref="SearchConfig.Epochs"/>, one value
/// per epoch. Epoch e (1-based) runs at lr_t with t = e − 1, i.e. PyTorch's documented use of
/// CosineAnnealingLR (step after each epoch): the first epoch runs at the initial rate and the last
/// at lr_(E−1), just above the minimum. The DARTS/AGNAS scripts call scheduler.step() at the start
/// of each epoch, which under PyTorch ≥ 1.1 shifts their schedule by one (epoch e at lr_e, the
/// last at the minimum; agnas-facts §6 item 10). Raising the epoch count on resume stretches the
/// cosine over the new total from the next epoch on.</para>
/// <para><b>Importance pass</b>: <see cref="AttentionModule.StartImportance"/> on every module,
/// forward every validation batch (<see cref="TrainingEpoch.Evaluate"/>) under <see cref="GradMode.NoGrad"/> in eval mode (the same pass
/// measures the supernet's validation accuracy), read each module's float64 accumulator once,
/// <see cref="AttentionModule.StopImportance"/>. With <see cref="SearchConfig.CleanValidation"/>
/// off the validation images get the training augmentation, as in the reference code.</para>
/// <para><b>DARTS</b> (<see cref="SearchConfig.Method"/> = darts, <see cref="SearchMethod.Darts"/>): the
/// supernet is built with α instead of attention modules (<see cref="IAlphaSupernet"/>). Before
/// every training step, an <see cref="AlphaStep"/> updates α alone by Adam on the next validation
/// batch (<see cref="AlphaBatches"/>: the validation part shuffled, with <see cref="SearchConfig.CleanValidation"/>'s
/// augmentation); the training step then clears every gradient and updates the weights alone (α is
/// in neither the SGD groups nor the clipped norm), so α is first-order DARTS' and the weights' step
/// is the one above. The α order comes first as in DARTS' train_search.py (NAS-Bench-201's DARTS-V1
/// steps the weights first). The epoch's validation pass then only measures the accuracy; the
/// architecture is the space's rule on softmax(α) (<see cref="IAlphaSupernet.DeriveFromAlphas"/>),
/// and the attention file holds softmax(α) per edge in place of the importances, plus α itself.
/// The Adam state is saved beside the SGD state (<see cref="RunFolder.ArchOptimizerFile"/>).</para>
/// <para><b>Determinism and resume</b>: the data order and augmentation of epoch e depend only on
/// (seed, e) (<see cref="DataLoader"/>), the initial weights only on the seed, and the run folder
/// holds everything else that changes (weights, BN statistics, momentum buffers, step counts,
/// learning rates). On the CPU, a run interrupted after any step and resumed from its last saved
/// epoch therefore ends with the same bytes as an uninterrupted one. Cancellation is checked
/// before every training step and validation batch; an interrupted epoch saves nothing.</para>
/// </summary>
public static class SearchRun
{
    /// <summary>
    /// Runs (or, with <paramref name="resume"/>, continues) the search described by
    /// <paramref name="config"/> in <see cref="SearchConfig.OutDir"/>.
    /// </summary>
    /// <param name="config">The settings; resolved (<see cref="SearchConfig.Resolved"/>) and validated here.</param>
    /// <param name="data">The training set to split; <see cref="SearchConfig.Subset"/> is applied here.</param>
    /// <param name="factory">Builds the supernet (<see cref="SearchSpaces.Create"/>, or a test's own).</param>
    /// <param name="observer">Progress callbacks; null for none.</param>
    /// <param name="resume">Continue the run saved in the out dir instead of starting one.</param>
    /// <param name="cancellation">Checked between steps; when set, the run returns <see cref="SearchOutcome.Interrupted"/>.</param>
    /// <param name="runLock">The run folder, already held by the caller (<see cref="RunLock"/>, e.g. a generated name taken with
    /// <see cref="RunLock.TakeNew"/>); null: the run takes the lock of its out dir itself.</param>
    /// <exception cref="ArgumentException">Invalid settings (all problems listed), data too small to train, or (darts) a supernet without α.</exception>
    /// <exception cref="IOException">A new run was asked for in a folder that already holds one, or another process holds the folder.</exception>
    /// <exception cref="SearchResumeException">The folder cannot be resumed with these settings, or its files disagree.</exception>
    /// <exception cref="NonFiniteLossException">The training loss was NaN or infinite.</exception>
    /// <exception cref="BackendUnavailableException">The device cannot be used here.</exception>
    public static SearchResult Run(SearchConfig config, SearchData data, SupernetFactory factory, SearchObserver? observer = null,
        bool resume = false, CancellationToken cancellation = default, RunLock? runLock = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(factory);
        observer ??= SearchObserver.None;
        config = config.Resolved();
        config.Validate();

        var method = config.ParsedMethod();
        var folder = new RunFolder(config.OutDir);
        if (runLock is not null && runLock.Folder.Path != folder.Path)
            throw new ArgumentException($"The lock held is of {runLock.Folder.Path}, but the run folder is {folder.Path}.", nameof(runLock));
        using var ownLock = runLock is null ? folder.Lock() : null;
        RunState? saved = null;
        if (resume) saved = CheckResumable(folder, config);
        else if (folder.HasState)
            throw new IOException($"{folder.Path} already holds a search run ({RunFolder.StateFile}). Resume it with --resume {folder.Path}, or choose another --out.");

        var backend = Backends.Get(config.Device);
        var images = config.Subset is int subset ? data.Images.Take(subset) : data.Images;
        var split = SearchSplit.Create(images.Count, config.TrainPortion);
        var preset = AugmentationPresets.Get(config.Augment);
        var trainAugmentation = preset.Training(data.Info);
        var validAugmentation = config.CleanValidation ? preset.Evaluation(data.Info) : trainAugmentation;
        ulong seed = (ulong)config.Seed;
        using var trainLoader = new DataLoader(images, split.Train, backend, new DataLoaderOptions
        {
            BatchSize = config.BatchSize, Shuffle = true, Training = true, Seed = seed,
            Augmentation = trainAugmentation, Prefetch = config.Prefetch,
        });
        using var validLoader = new DataLoader(images, split.Valid, backend, new DataLoaderOptions
        {
            BatchSize = config.BatchSize, Shuffle = false, Training = false, Seed = seed,
            Augmentation = validAugmentation, Prefetch = config.Prefetch,
        });
        // The α steps draw the validation part in their own shuffled order: the seed is derived, so
        // that order is independent of the training part's.
        using var alphaLoader = method == SearchMethod.Darts
            ? new DataLoader(images, split.Valid, backend, new DataLoaderOptions
            {
                BatchSize = config.BatchSize, Shuffle = true, Training = true, Seed = CounterRandom.Hash(seed, RandomStreams.AlphaBatches),
                Augmentation = validAugmentation, Prefetch = config.Prefetch,
            })
            : null;
        if (trainLoader.BatchesPerEpoch == 0)
            throw new ArgumentException($"Search: the weight-training part has {split.Train.Count} image(s) ({split}); a training step needs at least 2. Use more data or a larger --train-portion.");
        if (alphaLoader is { BatchesPerEpoch: 0 })
            throw new ArgumentException($"Search: the validation part has {split.Valid.Count} image(s) ({split}); a darts α step needs at least 2. Use more data or a smaller --train-portion.");

        var spec = new SupernetSpec(images.Channels, images.ClassCount, config.Reduction, config.AllowNone, config.Seed, method,
            config.Channels, config.Layers, config.StemStride, config.MaxMacs, config.MaxParameters, images.Height);
        var supernet = factory(config.Space, spec, backend);
        var net = supernet.Network;
        try
        {
            var session = new Session(config, supernet, folder, backend, trainLoader, validLoader, alphaLoader, observer, cancellation, images.ClassCount,
                Identity(config.Space, spec));
            return session.Run(saved);
        }
        finally
        {
            net.Dispose();
        }
    }

    /// <summary>The saved state, after checking that <paramref name="config"/> may continue it.</summary>
    private static RunState CheckResumable(RunFolder folder, SearchConfig config)
    {
        RunState state;
        try
        {
            state = folder.ReadState();
        }
        catch (FileNotFoundException e)
        {
            throw new SearchResumeException(e.Message);
        }
        if (state.Config.Method != config.Method)
            throw new SearchResumeException(
                $"{folder.Path} holds a search with method {state.Config.Method} and cannot be resumed with method {config.Method}: its checkpoint holds " +
                (state.Config.Method == SearchMethods.Darts ? "α and the α optimiser's state, not attention modules" : "attention modules, not α") +
                $". Resume it with method {state.Config.Method}, or start a new run in another folder.");
        if (RunSettings<SearchConfig>.ResumeProblem(folder.Path, config, state.Config, state.CompletedEpochs) is { } problem)
            throw new SearchResumeException(problem);
        if (config.Method == SearchMethods.Darts && state.ArchOptimizer is null)
            throw new SearchResumeException($"{folder.File(RunFolder.StateFile)} holds no α optimiser state (arch_optimizer), which a darts search saves every epoch; the folder cannot be resumed exactly.");
        return state;
    }

    /// <summary>One run's objects and its epoch loop.</summary>
    private sealed class Session
    {
        private readonly SearchConfig _config;
        private readonly ISearchSupernet _supernet;
        private readonly Module _net;
        private readonly IReadOnlyList<AttentionModule> _modules;
        private readonly IReadOnlyList<string> _moduleNames;
        private readonly RunFolder _folder;
        private readonly IBackend _backend;
        private readonly DataLoader _trainLoader, _validLoader;
        private readonly DataLoader? _alphaLoader;
        private readonly SearchObserver _observer;
        private readonly List<(string Name, Parameter Param)> _parameters;
        private readonly TrainingRecipe _recipe;
        private readonly TrainingEpoch _epochs;
        private readonly CancellationToken _cancellation;
        private readonly int _classes;
        private readonly CheckpointIdentity _identity;

        // darts only: the supernet's α view and α's names in the network.
        private readonly IAlphaSupernet? _alphaNet;
        private readonly List<(string Name, Parameter Param)> _alphas = [];

        public Session(SearchConfig config, ISearchSupernet supernet, RunFolder folder, IBackend backend, DataLoader trainLoader,
            DataLoader validLoader, DataLoader? alphaLoader, SearchObserver observer, CancellationToken cancellation, int classes, CheckpointIdentity identity)
        {
            _classes = classes;
            _identity = identity;
            _config = config;
            _supernet = supernet;
            _net = supernet.Network;
            _modules = supernet.AttentionModules;
            _moduleNames = NameModules(_net, _modules);
            _folder = folder;
            _backend = backend;
            _trainLoader = trainLoader;
            _validLoader = validLoader;
            _alphaLoader = alphaLoader;
            _observer = observer;
            _cancellation = cancellation;
            if (alphaLoader is not null)
            {
                _alphaNet = supernet as IAlphaSupernet;
                if (_alphaNet is null || _alphaNet.AlphaSets.Count == 0)
                    throw new ArgumentException(
                        $"Search: the {config.Space} supernet has no architecture parameters α, so it cannot be searched with method {SearchMethods.Darts}; " +
                        $"search it with {SearchMethods.Agnas}, or give the space an {nameof(IAlphaSupernet)} build.");
                _alphas = NameAlphas(_net, _alphaNet.AlphaSets);
            }
            var alphaParams = _alphas.Select(a => a.Param).ToHashSet(ReferenceEqualityComparer.Instance);
            _parameters = _net.NamedParameters().Where(p => !alphaParams.Contains(p.Param)).ToList();
            // --grad-clip 0 switches clipping off, as in a training run.
            _recipe = config.Recipe();
            _epochs = new TrainingEpoch(_net, backend, _recipe, cancellation, "search", folder, _parameters.Select(p => p.Param));
        }

        public SearchResult Run(RunState? saved)
        {
            using var sgd = _recipe.CreateOptimizer(_parameters);
            using var alphaStep = _alphas.Count > 0 ? new AlphaStep(_net, _alphas) : null;
            var metrics = new List<EpochRecord>();
            var history = new List<AttentionSnapshot>();
            int completed = 0;
            if (saved is not null)
            {
                Restore(saved, sgd, alphaStep);
                completed = saved.CompletedEpochs;
                metrics.AddRange(saved.Metrics);
                for (int e = 1; e <= completed; e++) history.Add(_folder.ReadAttention(e));
            }
            var schedule = _recipe.CreateSchedule(sgd, _config.Epochs, _trainLoader.BatchesPerEpoch, completed);

            _folder.Create();
            _folder.WriteConfig(_config);
            _observer.Started(new SearchStart(_config, _folder.Path, _backend.Description, _net.ParameterCount(), _modules.Count,
                _trainLoader.ImagesPerEpoch, _validLoader.ImagesPerEpoch, _trainLoader.BatchesPerEpoch, _validLoader.BatchesPerEpoch, completed + 1,
                _alphas.Sum(a => a.Param.Data.Size)));

            for (int epoch = completed + 1; epoch <= _config.Epochs; epoch++)
            {
                schedule.Set(epoch, 1);
                double lr = TrainingEpoch.LearningRateOf(sgd);
                _observer.EpochStarted(epoch, lr);
                var total = Stopwatch.StartNew();
                var train = Train(epoch, sgd, schedule, alphaStep, completed);
                if (train is null) return Interrupted(completed, metrics);
                var valid = CollectImportance(epoch);
                if (valid is null) return Interrupted(completed, metrics);
                CheckDerivationInputs(epoch, valid.Value.Importance, sgd.LearningRate, completed);
                var arch = _alphaNet is null ? _supernet.Derive(valid.Value.Importance) : _alphaNet.DeriveFromAlphas();
                double seconds = total.Elapsed.TotalSeconds;

                var t = train.Value;
                var record = new EpochRecord(epoch, lr, t.MeanLoss, t.Accuracy, valid.Value.Totals.Accuracy, arch.Text, arch.SkipConnectCount, seconds,
                    t.ImagesPerSecond, t.Images, valid.Value.Totals.Images, arch.Cells,
                    ChanceLevel.IsAtChance(valid.Value.Totals.Accuracy, t.MeanLoss, _classes));
                var snapshot = Snapshot(epoch, arch, valid.Value.Importance, valid.Value.Totals.Images);
                metrics.Add(record);
                history.Add(snapshot);
                Save(epoch, sgd, alphaStep, metrics, snapshot, arch);
                completed = epoch;
                if (_config.Plots && RunPlots.Write(_folder, metrics, history) is { } warning) _observer.Warning(warning);
                _observer.EpochCompleted(record, arch);
            }
            return new SearchResult(SearchOutcome.Completed, _folder.Path, completed, _config.Epochs, metrics.LastOrDefault(), metrics);
        }

        /// <summary>The epoch's weight training; with darts, each step preceded by an α step on the next validation batch. Null when cancelled.</summary>
        private TrainTotals? Train(int epoch, Sgd sgd, RunSchedule schedule, AlphaStep? alphaStep, int completed)
        {
            Action<int, double> stepCompleted = (step, loss) => _observer.TrainStepCompleted(epoch, step, loss);
            if (alphaStep is null) return _epochs.Train(_trainLoader, epoch, sgd, completed, stepCompleted, schedule: schedule);
            using var batches = new AlphaBatches(_alphaLoader!, epoch, _trainLoader.BatchesPerEpoch);
            return _epochs.Train(_trainLoader, epoch, sgd, completed, stepCompleted, step =>
            {
                float loss;
                using (var batch = batches.Next())
                {
                    if (!alphaStep.TryStep(batch.Images, batch.Labels, out loss))
                        throw _epochs.NonFinite(_trainLoader.BatchesPerEpoch, epoch, step, loss, AlphaStep.LearningRate, completed, "architecture (α) loss", "α");
                }
                _observer.AlphaStepCompleted(epoch, step, loss);
            }, schedule);
        }

        /// <summary>
        /// Stops a search whose importances (agnas) or α (darts) hold a NaN or ±∞ before the space derives from them, naming the
        /// module or α set and the candidate (a diverged supernet's eval-mode pass, e.g. through non-finite running statistics).
        /// </summary>
        private void CheckDerivationInputs(int epoch, IReadOnlyList<double[]> importance, float lr, int completed)
        {
            string? what = null;
            if (_alphaNet is null)
            {
                if (NonFiniteScan.FirstNonFiniteValue(importance) is var (v, i))
                    what = $"the importance of candidate {i} of attention module {_moduleNames[v]} is {importance[v][i].ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            }
            else if (NonFiniteScan.FirstNonFinite(_alphas.Select(a => (a.Name, a.Param.Data))) is { } alpha)
            {
                what = $"the architecture parameter {alpha} (α) is not finite";
            }
            if (what is not null)
                throw _epochs.Diverged(_trainLoader.BatchesPerEpoch, epoch, "validation pass", what, "stopped before deriving the architecture", lr, completed);
        }

        private SearchResult Interrupted(int completed, List<EpochRecord> metrics) =>
            new(SearchOutcome.Interrupted, _folder.Path, completed, _config.Epochs, metrics.LastOrDefault());

        private readonly record struct ValidTotals(IReadOnlyList<double[]> Importance, EvalTotals Totals);

        /// <summary>The validation pass of an epoch: importance of every module and the supernet's accuracy; null when cancelled.</summary>
        private ValidTotals? CollectImportance(int epoch)
        {
            if (!BatchNormRecalibration.Run(_net, _trainLoader, epoch, _config.BnRecalibrate, _cancellation)) return null;
            foreach (var m in _modules) m.StartImportance();
            try
            {
                var totals = _epochs.Evaluate(_validLoader, epoch, number => _observer.ValidationBatchCompleted(epoch, number));
                if (totals is null) return null;
                var importance = new List<double[]>(_modules.Count);
                for (int i = 0; i < _modules.Count; i++)
                {
                    var acc = _modules[i].Importance
                        ?? throw new InvalidOperationException($"Attention module '{_moduleNames[i]}' stopped collecting importance during the validation pass.");
                    importance.Add(acc.ToDoubleArray());
                }
                return new ValidTotals(importance, totals.Value);
            }
            finally
            {
                foreach (var m in _modules) m.StopImportance();
            }
        }

        private AttentionSnapshot Snapshot(int epoch, DerivedArchitecture arch, IReadOnlyList<double[]> importance, int validImages)
        {
            var names = arch.CandidateNames;
            var edges = arch.Edges.Select(e => new AttentionEdgeRecord(e.Edge, names.Take(e.Importance.Count).ToList(), e.Importance.ToList(),
                e.Chosen, ChosenName(e.Chosen, names), e.Group)).ToList();
            var modules = importance.Select((v, i) => new AttentionModuleRecord(_moduleNames[i], v)).ToList();
            var alphas = _alphaNet?.AlphaSets.Select((set, i) => new AlphaSetRecord(_alphas[i].Name,
                set.Logits().Select(row => (IReadOnlyList<double>)row.Select(v => (double)v).ToList()).ToList())).ToList();
            return new AttentionSnapshot(epoch, arch.Text, arch.SkipConnectCount, validImages, names.ToList(), edges, modules, alphas);
        }

        private static string ChosenName(int chosen, IReadOnlyList<string> names) =>
            chosen == EdgeImportance.Dropped ? AttentionEdgeRecord.DroppedName
            : chosen >= 0 && chosen < names.Count ? names[chosen] : $"#{chosen}";

        /// <summary>Writes the epoch's files, state.json last.</summary>
        private void Save(int epoch, Sgd sgd, AlphaStep? alphaStep, List<EpochRecord> metrics, AttentionSnapshot snapshot, DerivedArchitecture arch)
        {
            _folder.WriteAttention(snapshot);
            _folder.WriteMetrics(metrics);
            _folder.WriteArch(arch.Text);
            if (arch.Files is not null) _folder.WriteArchFiles(arch.Files);
            var optimizer = _folder.SaveTraining(_net, sgd, epoch, _identity);
            var archOptimizer = alphaStep is null ? null : _folder.SaveOptimizer(RunFolder.ArchOptimizerFile, alphaStep.Optimizer, epoch);
            _folder.WriteState(new RunState(RunState.CurrentFormat, epoch, epoch == _config.Epochs, _config, _backend.Description,
                optimizer.Steps, optimizer.Groups, metrics.ToList(), archOptimizer));
        }

        /// <summary>Loads the weights (α included) and the optimisers' state of the last completed epoch.</summary>
        private void Restore(RunState saved, Sgd sgd, AlphaStep? alphaStep)
        {
            Func<string, Exception> error = message => new SearchResumeException(message);
            _folder.RestoreTraining(_net, sgd, _backend, saved.CompletedEpochs, new SavedOptimizer(saved.OptimizerSteps, saved.OptimizerGroups),
                "supernet", error, _identity);
            if (alphaStep is not null)
                _folder.RestoreOptimizer(RunFolder.ArchOptimizerFile, alphaStep.Optimizer, _backend, saved.CompletedEpochs, saved.ArchOptimizer!, error);
        }
    }

    /// <summary>What a search checkpoint records it holds: the space and the supernet's shape-deciding settings (null = the space's default).</summary>
    private static CheckpointIdentity Identity(string space, SupernetSpec spec) => new(space, "supernet",
    [
        ("method", spec.Method), ("classes", spec.Classes), ("input_channels", spec.InputChannels), ("reduction", spec.Reduction),
        ("channels", spec.Channels), ("layers", spec.Layers), ("stem_stride", spec.StemStride),
    ]);

    /// <summary>Each α set's parameter with its dotted name in the network.</summary>
    /// <exception cref="InvalidOperationException">An α is not a parameter of the network (it would be neither trained in the graph nor saved).</exception>
    private static List<(string Name, Parameter Param)> NameAlphas(Module net, IReadOnlyList<Alpha.AlphaSet> sets)
    {
        var names = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in net.NamedParameters()) names.TryAdd(p, name);
        return sets.Select(set => names.TryGetValue(set.Alpha, out var name)
            ? (name, set.Alpha)
            : throw new InvalidOperationException($"The supernet's α set '{set.Name}' is not a parameter of its Network: it would be neither saved nor restored.")).ToList();
    }

    /// <summary>Each attention module's dotted name in the network.</summary>
    /// <exception cref="InvalidOperationException">A module is not part of the network (it would be neither trained nor saved).</exception>
    private static IReadOnlyList<string> NameModules(Module net, IReadOnlyList<AttentionModule> modules)
    {
        var names = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, m) in net.NamedModules()) names.TryAdd(m, name);
        var result = new string[modules.Count];
        for (int i = 0; i < modules.Count; i++)
        {
            if (!names.TryGetValue(modules[i], out var name))
                throw new InvalidOperationException(
                    $"The supernet's attention module {i} is not a submodule of its Network: its weights would be neither trained nor saved.");
            result[i] = name;
        }
        return result;
    }
}

using System.Diagnostics;
using AgNas.Autograd.Modules;
using AgNas.Autograd.Optim;
using AgNas.Search.Data;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors;

namespace AgNas.Search.Runs;

/// <summary>
/// Trains one architecture's evaluation network from scratch (<c>agnas train</c>): for the nb201
/// space, NAS-Bench-201's <see cref="Nb201Network"/> (C = 16, N = 5, affine BN, the benchmark's
/// residual reduction blocks); for the darts space, the <see cref="DartsNetwork"/> of the genotype or
/// five-cell architecture (C, L, drop-path and auxiliary head from the config; agnas-facts §3.4) — each with
/// the input channels, image size and classes of the dataset, on the whole
/// training set (or its first <see cref="TrainConfig.Subset"/> images), tested on the whole test set
/// after every epoch (eval mode, no gradients: no drop-path, no auxiliary head). Every epoch is saved to the run folder
/// (<see cref="RunFolder"/>: config.json, metrics.jsonl, checkpoint.safetensors, optimizer.safetensors,
/// state.json, curves.png).
/// <para>The steps and the test pass are <see cref="TrainingEpoch"/>'s, the optimiser, learning rate, loss and clip
/// <see cref="TrainingRecipe"/>'s (shared with <see cref="SearchRun"/>): by default the cosine from
/// <see cref="TrainConfig.LearningRate"/> to <see cref="TrainConfig.LearningRateMin"/> with epoch e at t = e − 1 (as
/// NAS-Bench-201's own loop: <c>scheduler.update(epoch, 0.0)</c> before each 0-based epoch), with
/// <see cref="TrainConfig.LrSchedule"/> = linear ProxylessNAS's per-step linear decay (<see cref="RunSchedule"/>); and the run folder, resume and cancellation work as in <see cref="SearchRun"/>:
/// on the CPU, a run interrupted after any step and resumed from its last saved epoch ends with the
/// same bytes as an uninterrupted one.</para>
/// <para>darts: epoch e (1-based) of E trains with drop-path probability DropPath·(e − 1)/E (DARTS sets
/// <c>drop_path_prob · epoch / epochs</c> with a 0-based epoch), and every step minimises the classifier's
/// cross-entropy plus AuxiliaryWeight times the auxiliary head's (<see cref="ITrainingStepNetwork"/>).</para>
/// <para>The test set chooses nothing: the weights saved are the last epoch's, and the best test
/// accuracy is reported beside the final one as the optimistic figure it is (it is picked on the
/// test set, as the AGNAS retraining code does; agnas-facts §6.11).</para>
/// </summary>
public static class TrainRun
{
    /// <summary>The spaces whose evaluation network <see cref="Run"/> can build.</summary>
    public static IReadOnlyList<string> Spaces { get; } = [SearchSpaces.Nb201, TrainConfig.DartsSpace, TrainConfig.ProxylessSpace];

    /// <summary>
    /// Runs (or, with <paramref name="resume"/>, continues) the training described by
    /// <paramref name="config"/> in <see cref="TrainConfig.OutDir"/>.
    /// </summary>
    /// <param name="config">The settings; resolved (<see cref="TrainConfig.Resolved"/>) and validated here.</param>
    /// <param name="data">The training and test sets; <see cref="TrainConfig.Subset"/> is applied here.</param>
    /// <param name="observer">Progress callbacks; null for none.</param>
    /// <param name="resume">Continue the run saved in the out dir instead of starting one.</param>
    /// <param name="cancellation">Checked between steps; when set, the run returns <see cref="TrainOutcome.Interrupted"/>.</param>
    /// <param name="runLock">The run folder, already held by the caller (<see cref="RunLock"/>, e.g. a generated name taken with
    /// <see cref="RunLock.TakeNew"/>); null: the run takes the lock of its out dir itself.</param>
    /// <exception cref="ArgumentException">Invalid settings (all problems listed), an unknown space, or data that does not fit.</exception>
    /// <exception cref="Nb201ArchFormatException">The arch is not a valid NB201 string (a one-line message).</exception>
    /// <exception cref="DartsGenotypeFormatException">The genotype is not a valid DARTS architecture (a one-line message).</exception>
    /// <exception cref="IOException">A new run was asked for in a folder that already holds one, or another process holds the folder.</exception>
    /// <exception cref="TrainResumeException">The folder cannot be resumed with these settings, or its files disagree.</exception>
    /// <exception cref="NonFiniteLossException">The training loss was NaN or infinite.</exception>
    /// <exception cref="BackendUnavailableException">The device cannot be used here.</exception>
    /// <exception cref="NotSupportedException">The proxyless space, whose network this build does not construct yet.</exception>
    public static TrainResult Run(TrainConfig config, TrainData data, TrainObserver? observer = null, bool resume = false,
        CancellationToken cancellation = default, RunLock? runLock = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        observer ??= TrainObserver.None;
        config = config.Resolved();
        config.Validate();
        CheckArchitecture(config);
        if (data.Train.Channels != data.Test.Channels || data.Train.ClassCount != data.Test.ClassCount
            || data.Train.Height != data.Test.Height || data.Train.Width != data.Test.Width)
            throw new ArgumentException($"Training: the training set ({data.Train}) and the test set ({data.Test}) differ in image size or classes.");

        var folder = new RunFolder(config.OutDir);
        if (runLock is not null && runLock.Folder.Path != folder.Path)
            throw new ArgumentException($"The lock held is of {runLock.Folder.Path}, but the run folder is {folder.Path}.", nameof(runLock));
        using var ownLock = runLock is null ? folder.Lock() : null;
        TrainState? saved = null;
        if (resume) saved = CheckResumable(folder, config);
        else if (folder.HasState)
            throw new IOException($"{folder.Path} already holds a run ({RunFolder.StateFile}). Resume it with --resume {folder.Path}, or choose another --out.");

        var backend = Backends.Get(config.Device);
        var images = config.Subset is int subset ? data.Train.Take(subset) : data.Train;
        // Cutout is DARTS' addition to the standard pipeline (config.Problems refuses it with another preset).
        var preset = AugmentationPresets.Get(config.Augment);
        var trainAugmentation = preset == AugmentationPresets.Standard ? Augmentation.Training(data.Info, cutout: config.Cutout) : preset.Training(data.Info);
        var testAugmentation = preset.Evaluation(data.Info);
        ulong seed = (ulong)config.Seed;
        using var trainLoader = new DataLoader(images, Enumerable.Range(0, images.Count).ToArray(), backend, new DataLoaderOptions
        {
            BatchSize = config.BatchSize, Shuffle = true, Training = true, Seed = seed,
            Augmentation = trainAugmentation, Prefetch = config.Prefetch,
        });
        using var testLoader = new DataLoader(data.Test, Enumerable.Range(0, data.Test.Count).ToArray(), backend, new DataLoaderOptions
        {
            BatchSize = config.BatchSize, Shuffle = false, Training = false, Seed = seed,
            Augmentation = testAugmentation, Prefetch = config.Prefetch,
        });
        if (trainLoader.BatchesPerEpoch == 0)
            throw new ArgumentException($"Training: the training set has {images.Count} image(s); a training step needs at least 2.");
        if (testLoader.BatchesPerEpoch == 0)
            throw new ArgumentException($"Training: the test set ({data.Test}) is empty.");

        using var built = Build(config, images, backend);
        var start = new TrainStart(config, folder.Path, backend.Description, built.Arch, built.ParameterCount, built.AuxiliaryParameterCount, built.BenchmarkCheck,
            trainLoader.ImagesPerEpoch, testLoader.ImagesPerEpoch, trainLoader.BatchesPerEpoch, testLoader.BatchesPerEpoch,
            trainAugmentation.ToString(), testAugmentation.ToString(), (saved?.CompletedEpochs ?? 0) + 1);
        return new Session(config, built, folder, backend, trainLoader, testLoader, observer, cancellation).Run(saved, start);
    }

    /// <summary>Parses the config's architecture in its space, for its errors only.</summary>
    /// <param name="config">The settings.</param>
    /// <param name="genotypeSource">How the DARTS genotype was given, for messages (the CLI passes "--genotype").</param>
    /// <exception cref="ArgumentException">Unknown space.</exception>
    /// <exception cref="Nb201ArchFormatException">Malformed NB201 string.</exception>
    /// <exception cref="DartsGenotypeFormatException">Malformed DARTS genotype, unreadable genotype file, or an op outside the searched set.</exception>
    public static void CheckArchitecture(TrainConfig config, string genotypeSource = "genotype")
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsDartsSpace()) ParseGenotype(config, genotypeSource);
        else if (config.IsProxylessSpace()) ParseProxylessArch(config);
        else ParseArch(config);
    }

    /// <summary>The config's NB201 cell.</summary>
    /// <exception cref="ArgumentException">The space is not nb201 (or not known).</exception>
    /// <exception cref="Nb201ArchFormatException">Malformed NB201 string.</exception>
    public static Nb201Arch ParseArch(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.IsNb201Space()) throw UnknownSpace(config);
        return Nb201Arch.Parse(config.Arch);
    }

    /// <summary>The config's ProxylessNAS architecture (<see cref="ProxylessArch.Resolve"/>: AGNAS, a model_id string, or a file or run folder).</summary>
    /// <exception cref="ArgumentException">The space is not proxyless.</exception>
    /// <exception cref="ProxylessArchFormatException">Malformed, unreadable, or a block not allowed in its layer (one line naming the layer).</exception>
    public static ProxylessArch ParseProxylessArch(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.IsProxylessSpace()) throw UnknownSpace(config);
        return ProxylessArch.Resolve(config.Arch, "--arch");
    }

    /// <summary>The config's DARTS architecture (<see cref="DartsArchitecture.Resolve"/>: a name, a file or text).</summary>
    /// <param name="config">The settings.</param>
    /// <param name="source">How the genotype was given, for messages.</param>
    /// <exception cref="ArgumentException">The space is not darts.</exception>
    /// <exception cref="DartsGenotypeFormatException">Malformed, unreadable, or an op outside the searched set.</exception>
    public static DartsArchitecture ParseGenotype(TrainConfig config, string source = "genotype")
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.IsDartsSpace()) throw UnknownSpace(config);
        return DartsArchitecture.Resolve(config.Genotype, source);
    }

    private static ArgumentException UnknownSpace(TrainConfig config) =>
        Spaces.Contains(config.Space, StringComparer.OrdinalIgnoreCase)
            ? new ArgumentException($"Training: the {config.Space} space has no {(config.IsDartsSpace() ? "NB201 arch" : "DARTS genotype")}.")
            : new ArgumentException($"Training: unknown space '{config.Space}'; expected one of: {string.Join(", ", Spaces)}.");

    /// <summary>The evaluation network of the config's space for these images, with what the run reports about it.</summary>
    private static BuiltNetwork Build(TrainConfig config, ImageDataset images, IBackend backend)
    {
        ulong seed = (ulong)config.Seed;
        if (config.IsProxylessSpace())
        {
            var proxyless = new ProxylessNetwork(new ProxylessNetworkConfig(ParseProxylessArch(config))
            {
                InputChannels = images.Channels,
                Classes = images.ClassCount,
                StemStride = config.StemStride!.Value,
                Dropout = config.Dropout!.Value,
                Seed = seed,
            }, backend);
            var proxylessIdentity = new CheckpointIdentity(config.Space, "network",
                [("arch", proxyless.Config.Arch.ToString()), ("classes", images.ClassCount), ("input_channels", images.Channels), ("stem_stride", config.StemStride)]);
            return new BuiltNetwork(proxyless, proxyless.Config.Arch.ToString(), proxyless.ParameterCount(), 0, null, null, proxylessIdentity);
        }
        if (config.IsDartsSpace())
        {
            var architecture = ParseGenotype(config);
            var darts = new DartsNetwork(new DartsNetworkConfig(architecture)
            {
                InputChannels = images.Channels,
                ImageHeight = images.Height,
                ImageWidth = images.Width,
                Classes = images.ClassCount,
                Channels = config.Channels!.Value,
                Layers = config.Layers!.Value,
                AuxiliaryWeight = config.AuxiliaryWeight!.Value,
                Seed = seed,
            }, backend);
            double maxDropPath = config.DropPath!.Value;
            var dartsIdentity = new CheckpointIdentity(config.Space, "network",
                [("genotype", architecture.ToString()), ("classes", images.ClassCount), ("input_channels", images.Channels), ("channels", config.Channels),
                    ("layers", config.Layers), ("auxiliary_head", darts.AuxiliaryHead is not null)]);
            return new BuiltNetwork(darts, architecture.ToString(), darts.ParameterCountWithoutAuxiliary(), darts.AuxiliaryParameterCount(), null,
                (epoch, epochs) => darts.DropPathProbability = DropPathAt(maxDropPath, epoch, epochs), dartsIdentity);
        }
        var arch = ParseArch(config);
        var net = new Nb201Network(new Nb201NetworkConfig(arch)
        {
            InputChannels = images.Channels,
            Classes = images.ClassCount,
            Seed = seed,
        }, backend);
        var identity = new CheckpointIdentity(config.Space, "network",
            [("arch", arch.ToString()), ("classes", images.ClassCount), ("input_channels", images.Channels)]);
        return new BuiltNetwork(net, arch.ToString(), net.ParameterCount(), 0, Nb201ParameterCheck.For(net), null, identity);
    }

    /// <summary>DARTS' linear drop-path ramp: epoch e (1-based) of E trains at <paramref name="max"/>·(e − 1)/E, so the first epoch drops nothing.</summary>
    public static float DropPathAt(double max, int epoch, int epochs) => (float)(max * (epoch - 1) / epochs);

    /// <summary>A run's network and what the run reports about it.</summary>
    /// <param name="Net">The network (disposed with this).</param>
    /// <param name="Arch">The architecture's canonical text.</param>
    /// <param name="ParameterCount">Parameters without an auxiliary head.</param>
    /// <param name="AuxiliaryParameterCount">The auxiliary head's parameters.</param>
    /// <param name="BenchmarkCheck">NB201's published count check, or null.</param>
    /// <param name="EpochStarting">Called with (epoch, epochs) before each epoch's training; null for nothing.</param>
    /// <param name="Identity">What the checkpoint records it holds (compared on resume).</param>
    private sealed record BuiltNetwork(Module Net, string Arch, long ParameterCount, long AuxiliaryParameterCount, Nb201ParameterCheck? BenchmarkCheck,
        Action<int, int>? EpochStarting, CheckpointIdentity Identity) : IDisposable
    {
        public void Dispose() => Net.Dispose();
    }

    /// <summary>The saved state, after checking that <paramref name="config"/> may continue it.</summary>
    private static TrainState CheckResumable(RunFolder folder, TrainConfig config)
    {
        TrainState state;
        try
        {
            state = folder.ReadState<TrainState>(TrainState.CurrentFormat);
        }
        catch (FileNotFoundException e)
        {
            throw new TrainResumeException(e.Message);
        }
        if (RunSettings<TrainConfig>.ResumeProblem(folder.Path, config, state.Config, state.CompletedEpochs) is { } problem)
            throw new TrainResumeException(problem);
        return state;
    }

    /// <summary>The curves of a training run: training and test loss; training and test accuracy.</summary>
    public static Curves TrainingCurves(IReadOnlyList<TrainEpochRecord> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return new Curves(
            "Training: loss",
            metrics.Select(m => m.Epoch).ToList(),
            [
                new CurveSeries("train_loss", "train (augmented, train mode)", metrics.Select(m => m.TrainLoss).ToList()),
                new CurveSeries("test_loss", "test (eval mode)", metrics.Select(m => m.TestLoss).ToList()),
            ],
            [
                new CurveSeries("train_accuracy", "train (augmented, train mode)", metrics.Select(m => m.TrainAccuracy).ToList()),
                new CurveSeries("test_accuracy", "test (eval mode)", metrics.Select(m => m.TestAccuracy).ToList()),
            ]);
    }

    /// <summary>One run's objects and its epoch loop.</summary>
    private sealed class Session(TrainConfig config, BuiltNetwork built, RunFolder folder, IBackend backend, DataLoader trainLoader,
        DataLoader testLoader, TrainObserver observer, CancellationToken cancellation)
    {
        private readonly Module _net = built.Net;
        private readonly TrainingRecipe _recipe = config.Recipe();
        private readonly TrainingEpoch _epochs = new(built.Net, backend, config.Recipe(), cancellation, "training", folder);

        public TrainResult Run(TrainState? saved, TrainStart start)
        {
            using var sgd = _recipe.CreateOptimizer(_net.NamedParameters());
            var metrics = new List<TrainEpochRecord>();
            int completed = 0;
            if (saved is not null)
            {
                folder.RestoreTraining(_net, sgd, backend, saved.CompletedEpochs, new SavedOptimizer(saved.OptimizerSteps, saved.OptimizerGroups),
                    "network", message => new TrainResumeException(message), built.Identity);
                completed = saved.CompletedEpochs;
                metrics.AddRange(saved.Metrics);
            }
            var schedule = _recipe.CreateSchedule(sgd, config.Epochs, trainLoader.BatchesPerEpoch, completed);

            folder.Create(attention: false);
            folder.WriteConfig(config);
            observer.Started(start);

            for (int epoch = completed + 1; epoch <= config.Epochs; epoch++)
            {
                schedule.Set(epoch, 1);
                double lr = TrainingEpoch.LearningRateOf(sgd);
                observer.EpochStarted(epoch, lr);
                built.EpochStarting?.Invoke(epoch, config.Epochs);
                var total = Stopwatch.StartNew();
                var train = _epochs.Train(trainLoader, epoch, sgd, completed, (step, loss) => observer.TrainStepCompleted(epoch, step, loss), schedule: schedule);
                if (train is null) return Result(TrainOutcome.Interrupted, completed, metrics);
                var test = _epochs.Evaluate(testLoader, epoch, batch => observer.TestBatchCompleted(epoch, batch));
                if (test is null) return Result(TrainOutcome.Interrupted, completed, metrics);
                double seconds = total.Elapsed.TotalSeconds;

                var t = train.Value;
                var e = test.Value;
                var previous = metrics.LastOrDefault();
                bool better = previous is null || e.Accuracy > previous.BestTestAccuracy;
                var record = new TrainEpochRecord(epoch, lr, t.MeanLoss, t.Accuracy, e.MeanLoss, e.Accuracy,
                    better ? e.Accuracy : previous!.BestTestAccuracy, better ? epoch : previous!.BestEpoch,
                    seconds, t.ImagesPerSecond, t.Images, e.Images);
                metrics.Add(record);
                Save(epoch, sgd, metrics);
                completed = epoch;
                if (config.Plots && RunPlots.WriteCurves(folder, TrainingCurves(metrics)) is { } warning) observer.Warning(warning);
                observer.EpochCompleted(record);
            }
            return Result(TrainOutcome.Completed, completed, metrics);
        }

        private TrainResult Result(TrainOutcome outcome, int completed, List<TrainEpochRecord> metrics)
        {
            var last = metrics.LastOrDefault();
            var best = last is null ? null : metrics[last.BestEpoch - 1];
            return new TrainResult(outcome, folder.Path, completed, config.Epochs, last, best);
        }

        /// <summary>Writes the epoch's files, state.json last.</summary>
        private void Save(int epoch, Sgd sgd, List<TrainEpochRecord> metrics)
        {
            folder.WriteMetrics(metrics);
            var optimizer = folder.SaveTraining(_net, sgd, epoch, built.Identity);
            folder.WriteState(new TrainState(TrainState.CurrentFormat, epoch, epoch == config.Epochs, config, backend.Description,
                optimizer.Steps, optimizer.Groups, metrics.ToList()));
        }
    }
}

using System.Globalization;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary>
/// <c>agnas train</c>: builds the <see cref="TrainConfig"/> (or reads it back for <c>--resume</c>),
/// prints it, runs <see cref="TrainRun"/> with a progress bar and one row per epoch, and ends with the
/// final-epoch and best-epoch test accuracy and the run folder. The parameter count is printed at the
/// start (nb201: compared with NAS-Bench-201's published count for the cell; darts: without the auxiliary
/// head, as DARTS and AGNAS count). Options not given take the recipe of --space
/// (<see cref="TrainConfig.ForSpace"/>). Every check that needs no data runs before the data is loaded, and the
/// run folder is created only after the data is. Ctrl-C or SIGTERM stops after the current step; the last
/// completed epoch stays resumable.
/// </summary>
public static class TrainRunner
{
    public static int Run(TrainOptions options, CliContext context) => Run(options, context, null, null);

    /// <param name="options">The parsed command line.</param>
    /// <param name="context">Where to write.</param>
    /// <param name="observer">Also receives the run's progress (tests cancel from it); null for none.</param>
    /// <param name="cancellation">Cancels the run like Ctrl-C does; null for none besides Ctrl-C and SIGTERM.</param>
    internal static int Run(TrainOptions options, CliContext context, TrainObserver? observer, CancellationTokenSource? cancellation)
    {
        var given = GivenOptions.Of(options, context);
        given.ApplySwitchValues(options);
        bool resume = options.Resume.Length > 0;
        bool generated = !resume && options.OutDir.Length == 0;
        TrainConfig config;
        try
        {
            // Everything that can be checked without the data is, before it is loaded and before the run folder exists.
            config = resume ? ResumeConfig(options, given) : NewConfig(options, given, DateTime.Now, generated);
        }
        catch (Exception e) when (e is Nb201ArchFormatException or DartsGenotypeFormatException or ProxylessArchFormatException)
        {
            // One line, unwrapped (the message holds the string or file and where it goes wrong), as agnas lookup.
            context.ErrorWriter.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        RunVerb.CheckDeviceAvailable(config.Device, resume);

        context.Error.MarkupLine($"[grey]loading the {Markup.Escape(config.Dataset)} training and test sets from {Markup.Escape(config.DataDir ?? "its default location")}...[/]");
        var data = TrainData.Load(config);
        CheckData(context, config, data.Train.Count);

        using var runLock = RunFolders.Take(config.OutDir, generated);
        config = config with { OutDir = runLock.Folder.Path };
        RunVerb.WriteSettings(context, resume ? "agnas train --resume: settings from config.json" : "agnas train: settings (config.json)", config.Rows());
        var table = new EpochTable(context, observer);
        TrainResult result;
        try
        {
            result = RunVerb.Interruptible(cancellation, token =>
                RunVerb.WithProgress(context, table.Progress, () => TrainRun.Run(config, data, table, resume, token, runLock)));
        }
        catch
        {
            runLock.ReleaseAndRemoveUnstarted();
            throw;
        }
        return Report(context, config, result);
    }

    /// <summary>What the data decides: a --subset above the training set's size is reported (the run uses every image); two images are needed to train.</summary>
    private static void CheckData(CliContext context, TrainConfig config, int available)
    {
        if (config.Subset is int subset && subset > available)
            RunVerb.Warn(context, $"--subset {subset} is more than the {available} images of the {config.Dataset} training set; the training uses all {available}.");
        if (Math.Min(config.Subset ?? available, available) < 2)
            throw new UsageException($"the {config.Dataset} training set in {config.DataDir ?? "its default location"} has {RunVerb.Count(available, "image")}; a training step needs at least 2.");
    }

    /// <summary>The one mapping from the command line to the settings (<paramref name="now"/> names the default run folder); options not given take the recipe of --space.</summary>
    /// <exception cref="UsageException">--stem-stride is not 1, 2 or auto.</exception>
    /// <remarks>Which options were given is read from <paramref name="o"/>'s values (<see cref="GivenOptions.FromValues"/>): --nesterov counts when on.</remarks>
    internal static TrainConfig ToConfig(TrainOptions o, DateTime now) => ToConfig(o, GivenOptions.FromValues(o), now, o.Space);

    /// <summary>
    /// As <see cref="ToConfig(TrainOptions, DateTime)"/> in the space <paramref name="space"/> (--space's, or a resumed run's when
    /// --space is not given), whose recipe gives the options not given (<paramref name="given"/> tells --nesterov's, a switch, apart).
    /// </summary>
    internal static TrainConfig ToConfig(TrainOptions o, GivenOptions given, DateTime now, string space)
    {
        var recipe = TrainConfig.ForSpace(space);
        string dataset = DatasetCatalog.Names.FirstOrDefault(n => string.Equals(n, o.Dataset, StringComparison.OrdinalIgnoreCase)) ?? o.Dataset;
        return new()
        {
            Space = space,
            Arch = o.Arch,
            Genotype = o.Genotype,
            Channels = o.Channels ?? recipe.Channels,
            Layers = o.Layers ?? recipe.Layers,
            Dataset = dataset,
            DataDir = o.DataDir.Length == 0 ? null : o.DataDir,
            Epochs = o.Epochs ?? recipe.Epochs,
            BatchSize = o.BatchSize ?? recipe.BatchSize,
            LearningRate = o.LearningRate ?? recipe.LearningRate,
            LearningRateMin = o.LearningRateMin,
            Momentum = o.Momentum,
            LrSchedule = o.LrSchedule ?? recipe.LrSchedule,
            Nesterov = given.Contains("nesterov") ? o.Nesterov : recipe.Nesterov,
            WeightDecay = o.WeightDecay ?? recipe.WeightDecay,
            WeightDecayScope = o.WeightDecayScope ?? recipe.WeightDecayScope,
            // --grad-clip 0 switches clipping off whatever the recipe says.
            GradClip = o.GradClip is double clip ? (clip == 0 ? null : clip) : recipe.GradClip,
            GradClipMode = o.GradClipMode ?? recipe.GradClipMode,
            Augment = o.Augment ?? recipe.Augment,
            LabelSmoothing = o.LabelSmoothing ?? recipe.LabelSmoothing,
            Cutout = o.Cutout ?? recipe.Cutout,
            DropPath = o.DropPath ?? recipe.DropPath,
            AuxiliaryWeight = o.AuxiliaryWeight ?? recipe.AuxiliaryWeight,
            Dropout = o.Dropout ?? recipe.Dropout,
            StemStride = StemStrides.Resolve(space, SearchRunner.ParseStemStride(o.StemStride), dataset, o.Arch),
            Subset = o.Subset == 0 ? null : o.Subset,
            Seed = o.Seed,
            Device = o.Device,
            OutDir = o.OutDir.Length == 0 ? TrainConfig.DefaultOutDir(space, dataset, now) : o.OutDir,
            Prefetch = o.Prefetch,
            Plots = !o.NoPlots,
        };
    }

    private static TrainConfig NewConfig(TrainOptions options, GivenOptions given, DateTime now, bool generated)
    {
        var config = ToConfig(options, given, now, options.Space);
        CheckSpace(config);
        if (config.IsDartsSpace())
        {
            if (string.IsNullOrWhiteSpace(config.Genotype))
                throw new UsageException($"--genotype is required with --space darts: {string.Join(" or ", DartsGenotypes.Names)}, a DARTS genotype \"Genotype(normal=[...], ...)\", or a file (or --resume DIR to continue a run).");
            if (config.Arch.Length > 0)
                throw new UsageException("--arch is the nb201 cell; --space darts takes --genotype.");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(config.Arch) && config.IsProxylessSpace())
                throw new UsageException("--arch is required with --space proxyless: the architecture's model_id (one block id per layer, e.g. '1 1 -1 2 1 -1 5 1 1 -1 5 1 1 -1 1 4 3 -1 5 5 5'), a name, or a file (or --resume DIR to continue a run).");
            if (string.IsNullOrWhiteSpace(config.Arch))
                throw new UsageException("--arch is required: the cell to train, e.g. --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|' (or --resume DIR to continue a run).");
            if (config.Genotype.Length > 0)
                throw new UsageException($"--genotype is for --space darts; --space {config.Space} takes --arch.");
        }
        TrainRun.CheckArchitecture(config, GenotypeOption);
        config = Checked(config);
        RunFolders.CheckNew(config.OutDir, "train", generated);
        return config;
    }

    /// <summary>The run's config.json, with the options the command line may change applied (see <see cref="ResumeRules"/>).</summary>
    private static TrainConfig ResumeConfig(TrainOptions options, GivenOptions given)
    {
        // A malformed --arch or --genotype is reported as such, not as a conflict with the run.
        if (options.Genotype.Length > 0) DartsArchitecture.Resolve(options.Genotype, GenotypeOption);
        var (folder, saved) = RunFolders.OpenResume<TrainConfig>(options.Resume, "train");
        if (options.Arch.Length > 0)
        {
            if (SearchConfig.IsProxyless(given.Contains("space") ? options.Space : saved.Space)) ProxylessArch.Resolve(options.Arch, "--arch");
            else Nb201Arch.Parse(options.Arch);
        }

        // The options given are checked as for a new run, then compared resolved, so that e.g. --device auto, a relative
        // --data-dir or another spelling of the cell agree with the run's values. The recipe is the run's space's,
        // but only the options given are compared: the others are the run's, whatever the recipe says.
        var commandLine = ToConfig(options, given, DateTime.Now, given.Contains("space") ? options.Space : saved.Space);
        RunVerb.ThrowGivenProblems(commandLine.SettingProblems(), given);
        commandLine = commandLine.Resolved();
        var changes = ResumeRules.Check(options.Resume, folder, saved, commandLine, given);
        var config = saved with
        {
            Epochs = changes.Epochs,
            OutDir = folder.Path,
            DataDir = changes.Pick(nameof(TrainConfig.DataDir), commandLine.DataDir, saved.DataDir),
            Device = changes.Pick(nameof(TrainConfig.Device), commandLine.Device, saved.Device),
            Prefetch = changes.Pick(nameof(TrainConfig.Prefetch), commandLine.Prefetch, saved.Prefetch),
            LearningRate = changes.Pick(nameof(TrainConfig.LearningRate), commandLine.LearningRate, saved.LearningRate),
            Plots = changes.Pick(nameof(TrainConfig.Plots), commandLine.Plots, saved.Plots),
        };
        return Checked(config);
    }

    /// <summary>How messages name the genotype option.</summary>
    private const string GenotypeOption = "--genotype";

    private static void CheckSpace(TrainConfig config)
    {
        if (!TrainRun.Spaces.Contains(config.Space, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"--space '{config.Space}' is not known; expected one of: {string.Join(", ", TrainRun.Spaces)}.");
    }

    /// <summary>The resolved config, or a usage error naming every problem by its option.</summary>
    private static TrainConfig Checked(TrainConfig config)
    {
        CheckSpace(config);
        var problems = new List<string>();
        if (!DatasetCatalog.Names.Contains(config.Dataset, StringComparer.OrdinalIgnoreCase))
            problems.Add($"--dataset '{config.Dataset}' is not known; expected one of: {string.Join(", ", DatasetCatalog.Names)}");
        problems.AddRange(config.SettingProblems().Select(p => RunVerb.Describe(p, typeof(TrainOptions))));
        RunVerb.ThrowProblems(problems);
        return config.Resolved();
    }

    private static int Report(CliContext context, TrainConfig config, TrainResult result)
    {
        var dir = result.RunDirectory;
        if (result.Outcome == TrainOutcome.Interrupted)
            return RunVerb.ReportInterrupted(context, "train", result.CompletedEpochs, result.Epochs, dir);

        var last = result.Last!;
        var best = result.Best!;
        context.OutWriter.WriteLine(Invariant($"Final test accuracy (epoch {last.Epoch}, the weights saved in {RunFolder.CheckpointFile}): {last.TestAccuracy:0.00}%"));
        context.OutWriter.WriteLine(Invariant($"Best test accuracy (epoch {best.Epoch} of {last.Epoch}): {best.TestAccuracy:0.00}%; picked on the test set, so an optimistic figure, not a result."));
        if (BenchmarkDataset(config.Dataset) is { } dataset && Nb201Arch.TryParse(config.Arch, out var arch))
        {
            var entry = Nb201Benchmark.Load().Lookup(arch);
            string name = dataset == Nb201Dataset.Cifar10 ? "CIFAR-10 (the 10,000 test images)" : "CIFAR-100 (its x-test half of the test set)";
            context.OutWriter.WriteLine(Invariant($"NAS-Bench-201 reports {entry.For(dataset).TestAccuracy:0.00}% on {name} for this cell after its 200 epochs (mean over its seeds)."));
        }
        context.OutWriter.WriteLine($"Run folder: {dir}");
        return ExitCodes.Ok;
    }

    private static Nb201Dataset? BenchmarkDataset(string dataset) => dataset.ToLowerInvariant() switch
    {
        "cifar10" => Nb201Dataset.Cifar10,
        "cifar100" => Nb201Dataset.Cifar100,
        _ => null,
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The start lines (cell, data, parameter count against the benchmark), the progress bar and one row per epoch.</summary>
    private sealed class EpochTable(CliContext context, TrainObserver? chained) : TrainObserver
    {
        private const string Header = "epoch          lr    loss  train%  t.loss   test%   best%        s    img/s";
        private TrainStart? _start;

        public EpochProgress Progress { get; } = new(context);

        /// <summary>The model_id and, per kept layer, its block (the layers with skip are dropped from the network).</summary>
        private void WriteProxylessArchitecture(TrainStart start)
        {
            var arch = ProxylessArch.Parse(start.Arch);
            Progress.Line($"Architecture (model_id): {start.Arch}");
            var blocks = Enumerable.Range(0, ProxylessLayers.Count).Select(i => arch[i] is { IsSkip: false } b ? Invariant($"{b.KernelSize}x{b.KernelSize} e{b.Expansion}") : "skip");
            Progress.Line(Invariant($"  {RunVerb.Count(ProxylessLayers.Count - arch.SkipCount, "MBConv block")}, {RunVerb.Count(arch.SkipCount, "layer")} skipped (stem stride {start.Config.StemStride}): {string.Join(", ", blocks)}"));
        }

        public override void Started(TrainStart start)
        {
            _start = start;
            if (start.Config.IsDartsSpace()) WriteDartsArchitecture(start);
            else if (start.Config.IsProxylessSpace()) WriteProxylessArchitecture(start);
            else Progress.Line($"Cell: {start.Arch}");
            Progress.Line(Invariant($"{start.TrainImages} training / {start.TestImages} test images, {RunVerb.Count(start.TrainBatches, "step")} per epoch; {start.Backend}."));
            Progress.Line($"Augmentation: training {start.TrainAugmentation}; test {start.TestAugmentation}.");
            if (start.Config.IsDartsSpace())
            {
                Progress.Line(Invariant(
                    $"Parameters: {start.ParameterCount:N0} ({start.ParameterCount / 1e6:0.00} M), auxiliary head excluded as DARTS and AGNAS count them (the head has {start.AuxiliaryParameterCount:N0})"));
            }
            else if (start.Config.IsProxylessSpace())
            {
                Progress.Line(Invariant($"Parameters: {start.ParameterCount:N0} ({start.ParameterCount / 1e6:0.00} M)"));
            }
            else
            {
                Progress.Line(Invariant($"Parameters: {start.ParameterCount:N0}"));
                if (start.BenchmarkCheck is { } check) WriteCheck(check, start.Config);
                else Progress.Line("No NAS-Bench-201 network has this many classes (10, 100 or 120); there is no published count to compare with.");
            }
            var (line, rows) = RunVerb.StartLine(start.FirstEpoch, start.Config.Epochs);
            if (line is not null) Progress.Line(line);
            if (rows) Progress.Line(Header);
            chained?.Started(start);
        }

        /// <summary>The DARTS architecture (its name when published, then its cells) and the network's shape.</summary>
        private void WriteDartsArchitecture(TrainStart start)
        {
            var architecture = DartsArchitecture.Parse(start.Arch);
            string kind = architecture.FiveCell is null
                ? "a DARTS genotype (its normal cell in every stage, its reduction cell at both reductions)"
                : "a five-cell architecture (one normal cell per stage, two reduction cells)";
            Progress.Line(architecture.PublishedName is { } name ? $"Architecture: {name}, {kind}" : $"Architecture: {kind}");
            if (architecture.Genotype is { } genotype) Progress.Line($"  {genotype}");
            else
            {
                foreach (var slot in DartsCellSlots.All)
                    Progress.Line($"  {DartsCellSlots.Key(slot)}: {architecture.FiveCell![slot].ToText(DartsCellSlots.Kind(slot))}");
            }
            var c = start.Config;
            int layers = c.Layers!.Value;
            string auxiliary = c.AuxiliaryWeight > 0
                ? Invariant($"an auxiliary head on cell {DartsStages.AuxiliaryLayer(layers)} weighted {c.AuxiliaryWeight}")
                : "no auxiliary head";
            Progress.Line(Invariant(
                $"Network: C={c.Channels}, {layers} cells, reduction cells {DartsStages.FirstReduction(layers)} and {DartsStages.SecondReduction(layers)}, {auxiliary}; drop-path ramped to {c.DropPath} over {RunVerb.Count(c.Epochs, "epoch")}."));
        }

        private void WriteCheck(Nb201ParameterCheck check, TrainConfig config)
        {
            string network = check.Dataset switch
            {
                Nb201Dataset.Cifar10 => "CIFAR-10 network (10 classes)",
                Nb201Dataset.Cifar100 => "CIFAR-100 network (100 classes)",
                _ => "ImageNet16-120 network (120 classes)",
            };
            if (check.StemDifference == 0)
            {
                if (check.Matches) Progress.Line(Invariant($"  = NAS-Bench-201's published count for this cell's {network}."));
            }
            else
            {
                string verdict = check.Matches ? " (as expected)" : "";
                Progress.Line(Invariant(
                    $"  NAS-Bench-201 publishes {check.Published:N0} for this cell's {network}, whose stem takes 3-channel images; these images have {check.InputChannels}, so the stem conv differs by ({check.InputChannels} - 3)*9*{check.Channels} = {check.StemDifference:N0}: expected {check.Expected:N0}, difference to the published count {check.Actual - check.Published:N0}{verdict}."));
            }
            if (!check.Matches)
                Warning(Invariant(
                    $"the network has {check.Actual:N0} parameters but {check.Expected:N0} were expected from NAS-Bench-201's {check.Published:N0} for {config.Arch}; they differ by {check.Actual - check.Expected:N0}. Training goes on."));
        }

        public override void EpochStarted(int epoch, double learningRate)
        {
            if (_start is not null) Progress.Begin(Describe(epoch, null), _start.TrainBatches + _start.TestBatches);
            chained?.EpochStarted(epoch, learningRate);
        }

        public override void TrainStepCompleted(int epoch, int step, double loss)
        {
            Progress.Advance(Describe(epoch, $"loss {loss.ToString("0.000", CultureInfo.InvariantCulture)}"));
            chained?.TrainStepCompleted(epoch, step, loss);
        }

        public override void TestBatchCompleted(int epoch, int batch)
        {
            Progress.Advance(Describe(epoch, "test"));
            chained?.TestBatchCompleted(epoch, batch);
        }

        public override void EpochCompleted(TrainEpochRecord r)
        {
            Progress.End();
            Progress.Line(Invariant(
                $"{r.Epoch,5} {r.LearningRate,11:0.000000} {r.TrainLoss,7:0.0000} {r.TrainAccuracy,7:0.00} {r.TestLoss,7:0.0000} {r.TestAccuracy,7:0.00} {r.BestTestAccuracy,7:0.00} {r.Seconds,8:0.0} {r.ImagesPerSecond,8:0.0}"));
            chained?.EpochCompleted(r);
        }

        public override void Warning(string message)
        {
            Progress.Warning(message);
            chained?.Warning(message);
        }

        private string Describe(int epoch, string? detail) =>
            $"epoch {epoch}/{_start?.Config.Epochs}" + (detail is null ? "" : " " + detail);
    }
}

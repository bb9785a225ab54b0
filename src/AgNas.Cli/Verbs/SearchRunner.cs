using System.Globalization;
using AgNas.Search;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary>
/// <c>agnas search</c>: builds the <see cref="SearchConfig"/> (or reads it back for <c>--resume</c>),
/// prints it, runs <see cref="SearchRun"/> with a progress bar and one row per epoch, and ends with the
/// derived architecture, its NAS-Bench-201 lookup (nb201 space) and the run folder. Every check that
/// needs no data runs before the data is loaded, and the run folder is created only after the data
/// is. Ctrl-C or SIGTERM stops after the current step; the last completed epoch stays resumable.
/// </summary>
public static class SearchRunner
{
    /// <summary>Exit status of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report Ctrl-C).</summary>
    public const int InterruptedExitCode = RunVerb.InterruptedExitCode;

    /// <summary>The spaces a runner can build: their names (for checking --space) and the factory.</summary>
    internal sealed record SpaceSet(IReadOnlyList<string> Names, SupernetFactory Create);

    /// <summary>The spaces of this build (<see cref="SearchSpaces"/>).</summary>
    internal static SpaceSet BuiltIn { get; } = new(SearchSpaces.Names, SearchSpaces.Create);

    public static int Run(SearchOptions options, CliContext context) => Run(options, context, BuiltIn);

    /// <param name="options">The parsed command line.</param>
    /// <param name="context">Where to write.</param>
    /// <param name="spaces">The spaces to choose from (tests pass their own small supernet).</param>
    /// <param name="observer">Also receives the run's progress (tests cancel from it); null for none.</param>
    /// <param name="cancellation">Cancels the run like Ctrl-C does; null for none besides Ctrl-C and SIGTERM.</param>
    internal static int Run(SearchOptions options, CliContext context, SpaceSet spaces, SearchObserver? observer = null,
        CancellationTokenSource? cancellation = null)
    {
        var given = GivenOptions.Of(options, context);
        given.ApplySwitchValues(options);
        bool resume = options.Resume.Length > 0;
        bool generated = !resume && options.OutDir.Length == 0;
        // Everything that can be checked without the data is, before it is loaded and before the run folder exists.
        var config = resume ? ResumeConfig(options, given, spaces) : NewConfig(options, given, spaces, DateTime.Now, generated);
        RunVerb.CheckDeviceAvailable(config.Device, resume);

        context.Error.MarkupLine($"[grey]loading the {Markup.Escape(config.Dataset)} training set from {Markup.Escape(config.DataDir ?? "its default location")}...[/]");
        var data = SearchData.Load(config);
        CheckSplit(context, config, data.Images.Count);

        using var runLock = RunFolders.Take(config.OutDir, generated);
        config = config with { OutDir = runLock.Folder.Path };
        WriteSettings(context, config, resume);
        var table = new EpochTable(context, observer);
        SearchResult result;
        try
        {
            result = RunVerb.Interruptible(cancellation, token =>
                RunVerb.WithProgress(context, table.Progress, () => SearchRun.Run(config, data, spaces.Create, table, resume, token, runLock)));
        }
        catch
        {
            runLock.ReleaseAndRemoveUnstarted();
            throw;
        }
        return Report(context, config, data, result);
    }

    /// <summary>
    /// What the data decides: a --subset above the training set's size is reported (the run uses every image), and
    /// the two parts must be usable: two images to train on, a validation image (two for darts' α steps), with a
    /// warning when the validation part is smaller than one batch.
    /// </summary>
    private static void CheckSplit(CliContext context, SearchConfig config, int available)
    {
        if (config.Subset is int subset && subset > available)
            RunVerb.Warn(context, $"--subset {subset} is more than the {available} images of the {config.Dataset} training set; the search uses all {available}.");
        int images = Math.Min(config.Subset ?? available, available);
        int train = (int)Math.Floor(config.TrainPortion * images);
        int valid = images - train;
        string portion = $"--train-portion {RunSettings.Fmt(config.TrainPortion)} of {RunVerb.Count(images, "image")}";
        if (train < 2)
            throw new UsageException($"{portion} leaves {train} to train the weights; a training step needs at least 2. Use more images or a larger --train-portion.");
        int minValid = config.ParsedMethod() == SearchMethod.Darts ? 2 : 1;
        if (valid < minValid)
            throw new UsageException($"{portion} leaves {valid} for validation; {(minValid == 2 ? "a darts α step needs at least 2" : "the validation part needs at least 1")}. Use more images or a smaller --train-portion.");
        if (valid < config.BatchSize)
            RunVerb.Warn(context, $"{portion} leaves {RunVerb.Count(valid, "validation image")}, fewer than one batch (--batch-size {config.BatchSize}); the architecture is derived from that few.");
    }

    /// <summary>The one mapping from the command line to the settings (<paramref name="now"/> names the default run folder).</summary>
    internal static SearchConfig ToConfig(SearchOptions o, DateTime now) => ToConfig(o, GivenOptions.FromValues(o), now, o.Space);

    /// <summary>
    /// As <see cref="ToConfig(SearchOptions, DateTime)"/> in the space <paramref name="space"/> (--space's, or a resumed
    /// run's when --space is not given), whose recipe (<see cref="SearchConfig.ForSpace"/>) gives the options marked
    /// <see cref="RecipeDefaultAttribute"/> that were not given and --channels 0 and --layers 0 their meaning (its supernet's
    /// defaults); --stem-stride auto is resolved for the dataset in the proxyless space. <paramref name="given"/> tells
    /// --clean-validation's value, a switch, apart from its absence.
    /// </summary>
    /// <exception cref="UsageException">--stem-stride is not 1, 2 or auto.</exception>
    internal static SearchConfig ToConfig(SearchOptions o, GivenOptions given, DateTime now, string space)
    {
        var recipe = SearchConfig.ForSpace(space);
        string dataset = Canonical(o.Dataset, DatasetCatalog.Names);
        return new()
        {
            Space = space,
            Method = o.Method.Length == 0 ? SearchConfig.DefaultMethod : Canonical(o.Method, SearchMethods.Names),
            Dataset = dataset,
            DataDir = o.DataDir.Length == 0 ? null : o.DataDir,
            Epochs = o.Epochs ?? recipe.Epochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate ?? recipe.LearningRate,
            LearningRateMin = o.LearningRateMin ?? recipe.LearningRateMin,
            LrSchedule = o.LrSchedule ?? recipe.LrSchedule,
            Momentum = o.Momentum,
            Nesterov = o.Nesterov,
            WeightDecay = o.WeightDecay ?? recipe.WeightDecay,
            WeightDecayScope = o.WeightDecayScope ?? recipe.WeightDecayScope,
            GradClip = o.GradClip,
            GradClipMode = o.GradClipMode ?? recipe.GradClipMode,
            LabelSmoothing = o.LabelSmoothing ?? recipe.LabelSmoothing,
            TrainPortion = o.TrainPortion,
            Subset = o.Subset == 0 ? null : o.Subset,
            Seed = o.Seed,
            Device = o.Device,
            OutDir = o.OutDir.Length == 0 ? SearchConfig.DefaultOutDir(space, dataset, now) : o.OutDir,
            AllowNone = o.AllowNone,
            Reduction = o.Reduction ?? recipe.Reduction,
            Channels = o.Channels == 0 ? recipe.Channels : o.Channels,
            Layers = o.Layers == 0 ? recipe.Layers : o.Layers,
            StemStride = StemStrides.Resolve(space, ParseStemStride(o.StemStride), dataset),
            MaxMacs = CountOption.Parse(o.MaxMacs, "--max-macs"),
            MaxParameters = CountOption.Parse(o.MaxParameters, "--max-params"),
            BnRecalibrate = o.BnRecalibrate,
            CleanValidation = given.Contains("clean-validation") ? o.CleanValidation : recipe.CleanValidation,
            Augment = o.Augment ?? recipe.Augment,
            Prefetch = o.Prefetch,
            Plots = !o.NoPlots,
        };
    }

    /// <summary>--stem-stride's number, or null for auto.</summary>
    /// <exception cref="UsageException">Neither 1, 2 nor auto.</exception>
    internal static int? ParseStemStride(string text)
    {
        try
        {
            return StemStrides.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>The name as <paramref name="names"/> spells it when it is one of them in any case (<c>DARTS</c> → darts), else as given.</summary>
    private static string Canonical(string name, IEnumerable<string> names) =>
        names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) ?? name;

    private static SearchConfig NewConfig(SearchOptions options, GivenOptions given, SpaceSet spaces, DateTime now, bool generated)
    {
        var config = Checked(ToConfig(options, given, now, options.Space), spaces);
        RunFolders.CheckNew(config.OutDir, "search", generated);
        return config;
    }

    /// <summary>The run's config.json, with the options the command line may change applied (see <see cref="ResumeRules"/>).</summary>
    private static SearchConfig ResumeConfig(SearchOptions options, GivenOptions given, SpaceSet spaces)
    {
        var (folder, saved) = RunFolders.OpenResume<SearchConfig>(options.Resume, "search");
        var method = options.Method.Length == 0 ? saved.Method : Canonical(options.Method, SearchMethods.Names);
        if (method != saved.Method)
            throw new UsageException(
                $"--resume {options.Resume}: the run's method is {saved.Method}; it cannot continue with --method {options.Method} (its checkpoint holds " +
                (saved.Method == SearchMethods.Darts ? "alpha and its optimiser's state" : "attention modules") +
                $"). Leave --method out to resume it as {saved.Method}, or start a new run with --out.");

        // The options given are checked as for a new run, then compared resolved, so that e.g. --device auto or a
        // relative --data-dir that mean the run's values agree with them; --channels 0 means the run's space's default.
        var commandLine = ToConfig(options, given, DateTime.Now, given.Contains("space") ? options.Space : saved.Space);
        RunVerb.ThrowGivenProblems(commandLine.SettingProblems(), given);
        commandLine = commandLine.Resolved();
        var changes = ResumeRules.Check(options.Resume, folder, saved, commandLine, given);
        var config = saved with
        {
            Epochs = changes.Epochs,
            OutDir = folder.Path,
            DataDir = changes.Pick(nameof(SearchConfig.DataDir), commandLine.DataDir, saved.DataDir),
            Device = changes.Pick(nameof(SearchConfig.Device), commandLine.Device, saved.Device),
            Prefetch = changes.Pick(nameof(SearchConfig.Prefetch), commandLine.Prefetch, saved.Prefetch),
            LearningRate = changes.Pick(nameof(SearchConfig.LearningRate), commandLine.LearningRate, saved.LearningRate),
            Plots = changes.Pick(nameof(SearchConfig.Plots), commandLine.Plots, saved.Plots),
        };
        return Checked(config, spaces);
    }

    /// <summary>The resolved config, or a usage error naming every problem by its option.</summary>
    private static SearchConfig Checked(SearchConfig config, SpaceSet spaces)
    {
        var problems = new List<string>();
        if (!spaces.Names.Contains(config.Space, StringComparer.OrdinalIgnoreCase))
            problems.Add($"--space '{config.Space}' is not known; expected one of: {string.Join(", ", spaces.Names)}");
        if (!DatasetCatalog.Names.Contains(config.Dataset, StringComparer.OrdinalIgnoreCase))
            problems.Add($"--dataset '{config.Dataset}' is not known; expected one of: {string.Join(", ", DatasetCatalog.Names)}");
        problems.AddRange(config.SettingProblems().Select(p => RunVerb.Describe(p, typeof(SearchOptions))));
        RunVerb.ThrowProblems(problems);
        return config.Resolved();
    }

    private static void WriteSettings(CliContext context, SearchConfig config, bool resume)
    {
        RunVerb.WriteSettings(context, resume ? "agnas search --resume: settings from config.json" : "agnas search: settings (config.json)", config.Rows());
        if (SearchSpaces.Is(config.Space, SearchSpaces.Darts) && config.Channels is { } c && config.Layers is { } l)
            context.OutWriter.WriteLine($"darts supernet: {new DartsSupernetConfig { Channels = c, Layers = l }.Describe()}.");
    }

    private static int Report(CliContext context, SearchConfig config, SearchData data, SearchResult result)
    {
        var dir = result.RunDirectory;
        if (result.Outcome == SearchOutcome.Interrupted)
            return RunVerb.ReportInterrupted(context, "search", result.CompletedEpochs, result.Epochs, dir);

        var last = result.Last!;
        string skips = SearchSpaces.Is(config.Space, SearchSpaces.Proxyless)
            ? $"{RunVerb.Count(last.SkipConnectCount, "layer")} skipped"
            : $"{last.SkipConnectCount} skip_connect";
        if (ChanceLevel.Verdict(result.Records ?? [last], data.Images.ClassCount) is { } verdict)
        {
            RunVerb.Warn(context, $"the search diverged or never learned: {verdict}. The derived architecture below is untrustworthy; " +
                "search again with a lower --lr (or more epochs or data).");
            context.OutWriter.WriteLine($"Derived architecture after epoch {last.Epoch} ({skips}), UNTRUSTWORTHY (supernet at chance level):");
        }
        else context.OutWriter.WriteLine($"Derived architecture after epoch {last.Epoch} ({skips}):");
        context.OutWriter.WriteLine(last.Arch);
        if (SearchSpaces.Is(config.Space, SearchSpaces.Nb201))
        {
            if (Nb201Arch.TryParse(last.Arch, out var arch))
            {
                if (arch.ParametricEdgeCount == 0)
                    context.Error.MarkupLine("[yellow]warning:[/] the derived cell has no parametric edge (only skip_connect, avg_pool_3x3 or none): the known collapse of one-shot search.");
                LookupRunner.WriteLookup(context, arch);
            }
            else context.Error.MarkupLine($"[yellow]warning:[/] the derived text is not an NB201 arch string; no benchmark lookup.");
        }
        if (last.Cells is { } cells)
        {
            context.OutWriter.WriteLine("Every searched cell (skip_connect count):");
            foreach (var cell in cells) context.OutWriter.WriteLine($"  {cell.Name,-16} {cell.SkipConnectCount}  {cell.Genotype}");
        }
        if (SearchSpaces.Is(config.Space, SearchSpaces.Darts))
        {
            var genotype = Path.Combine(dir, DartsSearchedCells.GenotypeJsonFile);
            context.OutWriter.WriteLine($"Train it with: agnas train --space darts --genotype {genotype}");
        }
        if (SearchSpaces.Is(config.Space, SearchSpaces.Proxyless))
        {
            WriteProxylessCost(context, config, data, last.Arch);
            context.OutWriter.WriteLine($"Train it with: agnas train --space proxyless --arch {dir}");
        }
        context.OutWriter.WriteLine($"Run folder: {dir}");
        return ExitCodes.Ok;
    }

    /// <summary>The derived network's size at the searched images (and, under a budget, what the unconstrained argmax would have cost).</summary>
    private static void WriteProxylessCost(CliContext context, SearchConfig config, SearchData data, string archText)
    {
        if (!ProxylessArch.TryParse(archText, out var arch) || arch is null || data.Images.Height != data.Images.Width) return;
        var settings = new ProxylessCostSettings
        {
            Resolution = data.Images.Height, InputChannels = data.Images.Channels, Classes = data.Images.ClassCount, StemStride = config.StemStride!.Value,
        };
        var cost = ProxylessCost.Network(arch, settings);
        string at = $"{settings.InputChannels}×{settings.Resolution}×{settings.Resolution}, {settings.Classes} classes, stem stride {settings.StemStride}";
        context.OutWriter.WriteLine(FormattableString.Invariant($"Its network ({at}): {cost.Parameters:N0} parameters, {cost.Macs:N0} multiply-adds (conv and FC)."));
        if (config.MaxMacs is null && config.MaxParameters is null) return;
        var budget = new ProxylessBudget(config.MaxMacs, config.MaxParameters);
        // The run's derivation recorded the unconstrained argmax and its cost beside the choice.
        var file = Path.Combine(config.OutDir, ProxylessBudgetFile.Name);
        var (unconstrained, other) = ProxylessBudgetFile.ReadUnconstrained(File.ReadAllText(file), file);
        if (unconstrained.Equals(arch)) context.OutWriter.WriteLine($"The unconstrained choice fits the budget ({budget}).");
        else
        {
            context.OutWriter.WriteLine(FormattableString.Invariant(
                $"Budget {budget}: the unconstrained choice {unconstrained} would cost {other.Parameters:N0} parameters, {other.Macs:N0} multiply-adds (budget.json)."));
        }
    }

    /// <summary>The progress bar (interactive consoles) and one row per epoch.</summary>
    private sealed class EpochTable(CliContext context, SearchObserver? chained) : SearchObserver
    {
        private const string Header = "epoch          lr    loss  train%  valid%  skip        s    img/s  arch";
        private SearchStart? _start;

        public EpochProgress Progress { get; } = new(context);

        public override void Started(SearchStart start)
        {
            _start = start;
            string mixing = start.AlphaParameters > 0
                ? $"{start.AlphaParameters:N0} of them alpha (darts: an Adam step of alpha on a validation batch before each step)"
                : $"{start.AttentionModules} attention modules";
            Progress.Line($"{start.TrainImages} training / {start.ValidImages} validation images, {RunVerb.Count(start.TrainBatches, "step")} per epoch; " +
                 $"{start.ParameterCount:N0} parameters, {mixing}; {start.Backend}.");
            var (line, rows) = RunVerb.StartLine(start.FirstEpoch, start.Config.Epochs);
            if (line is not null) Progress.Line(line);
            if (rows) Progress.Line(Header);
            chained?.Started(start);
        }

        public override void EpochStarted(int epoch, double learningRate)
        {
            if (_start is not null) Progress.Begin(Describe(epoch, null), _start.TrainBatches + _start.ValidBatches);
            chained?.EpochStarted(epoch, learningRate);
        }

        public override void TrainStepCompleted(int epoch, int step, double loss)
        {
            Progress.Advance(Describe(epoch, $"loss {loss.ToString("0.000", CultureInfo.InvariantCulture)}"));
            chained?.TrainStepCompleted(epoch, step, loss);
        }

        public override void ValidationBatchCompleted(int epoch, int batch)
        {
            Progress.Advance(Describe(epoch, _start?.AlphaParameters > 0 ? "validation" : "attention"));
            chained?.ValidationBatchCompleted(epoch, batch);
        }

        /// <summary>
        /// The arch column: NB201 strings fit; a DARTS five-cell set is about 1,200 characters, so the
        /// row shows its start and the full text stays in metrics.jsonl, arch.txt and cells.txt.
        /// </summary>
        internal static string Shorten(string arch, int width = 96) =>
            arch.Length <= width ? arch : arch[..(width - 1)] + "… (full text in metrics.jsonl)";

        public override void EpochCompleted(EpochRecord r, DerivedArchitecture arch)
        {
            Progress.End();
            Progress.Line(string.Create(CultureInfo.InvariantCulture,
                $"{r.Epoch,5} {r.LearningRate,11:0.000000} {r.TrainLoss,7:0.0000} {r.TrainAccuracy,7:0.00} {r.ValidAccuracy,7:0.00} {r.SkipConnectCount,5} {r.Seconds,8:0.0} {r.ImagesPerSecond,8:0.0}  {Shorten(r.Arch)}"));
            chained?.EpochCompleted(r, arch);
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

using System.Globalization;
using AgNas.Search;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary>
/// <c>agnas search</c>: builds the <see cref="SearchConfig"/> (or reads it back for <c>--resume</c>),
/// prints it, runs <see cref="SearchRun"/> with a progress bar and one row per epoch, and ends with the
/// derived architecture, its NAS-Bench-201 lookup (nb201 space) and the run folder. Ctrl-C stops
/// after the current step; the last completed epoch stays resumable.
/// </summary>
public static class SearchRunner
{
    /// <summary>Exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
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
    /// <param name="cancellation">Cancels the run like Ctrl-C does; null for none besides Ctrl-C.</param>
    internal static int Run(SearchOptions options, CliContext context, SpaceSet spaces, SearchObserver? observer = null,
        CancellationTokenSource? cancellation = null)
    {
        bool resume = options.Resume.Length > 0;
        var config = resume ? ResumeConfig(options, spaces) : NewConfig(options, spaces, DateTime.Now);

        context.Error.MarkupLine($"[grey]loading the {Markup.Escape(config.Dataset)} training set from {Markup.Escape(config.DataDir ?? "its default location")}...[/]");
        var data = SearchData.Load(config);
        WriteSettings(context, config, resume);

        var table = new EpochTable(context, observer);
        var result = RunVerb.WithCtrlC(cancellation, token =>
            RunVerb.WithProgress(context, table.Progress, () => SearchRun.Run(config, data, spaces.Create, table, resume, token)));
        return Report(context, config, result);
    }

    /// <summary>The one mapping from the command line to the settings (<paramref name="now"/> names the default run folder).</summary>
    internal static SearchConfig ToConfig(SearchOptions o, DateTime now)
    {
        var (channels, layers) = SearchConfig.SupernetDefaults(o.Space);
        return ToConfig(o, now, o.Channels == 0 ? channels : o.Channels, o.Layers == 0 ? layers : o.Layers);
    }

    private static SearchConfig ToConfig(SearchOptions o, DateTime now, int? channels, int? layers) => new()
    {
        Space = o.Space,
        Method = o.Method.Length == 0 ? SearchConfig.DefaultMethod : o.Method,
        Dataset = o.Dataset,
        DataDir = o.DataDir.Length == 0 ? null : o.DataDir,
        Epochs = o.Epochs,
        BatchSize = o.BatchSize,
        LearningRate = o.LearningRate,
        LearningRateMin = o.LearningRateMin,
        Momentum = o.Momentum,
        Nesterov = o.Nesterov,
        WeightDecay = o.WeightDecay,
        GradClip = o.GradClip,
        TrainPortion = o.TrainPortion,
        Subset = o.Subset == 0 ? null : o.Subset,
        Seed = o.Seed,
        Device = o.Device,
        OutDir = o.OutDir.Length == 0 ? SearchConfig.DefaultOutDir(o.Space, o.Dataset, now) : o.OutDir,
        AllowNone = o.AllowNone,
        Reduction = o.Reduction,
        Channels = channels,
        Layers = layers,
        CleanValidation = o.CleanValidation,
        Prefetch = o.Prefetch,
        Plots = !o.NoPlots,
    };

    private static SearchConfig NewConfig(SearchOptions options, SpaceSet spaces, DateTime now)
    {
        var config = Checked(ToConfig(options, now), spaces);
        if (new RunFolder(config.OutDir).HasState)
            throw new UsageException($"--out {config.OutDir} already holds a search run ({RunFolder.StateFile}); continue it with --resume {config.OutDir}, or choose another --out.");
        return config;
    }

    /// <summary>The run's config.json with the epoch count raised when --epochs asks for it (see <see cref="RunVerb.ResumeEpochs"/>).</summary>
    private static SearchConfig ResumeConfig(SearchOptions options, SpaceSet spaces)
    {
        var folder = new RunFolder(options.Resume);
        SearchConfig saved;
        try
        {
            saved = folder.ReadConfig();
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException($"--resume {options.Resume}: {e.Message}");
        }
        if (!folder.HasState)
            throw new UsageException($"--resume {options.Resume}: no epoch of this run completed ({RunFolder.StateFile} is missing), so there is nothing to resume; start it afresh with --out {options.Resume}.");
        if (options.Method.Length > 0 && options.Method != saved.Method)
            throw new UsageException(
                $"--resume {options.Resume}: the run's method is {saved.Method}; it cannot continue with --method {options.Method} (its checkpoint holds " +
                (saved.Method == SearchMethods.Darts ? "alpha and its optimiser's state" : "attention modules") +
                $"). Leave --method out to resume it as {saved.Method}, or start a new run with --out.");

        var now = DateTime.Now;
        // Compared resolved, so that e.g. --device auto or a relative --data-dir that mean the run's values agree with them.
        var given = RunVerb.Resolved(() => ToConfig(options, now).Resolved());
        var defaults = RunVerb.Resolved(() => ToConfig(new SearchOptions(), now).Resolved());
        int epochs = RunVerb.ResumeEpochs(options.Resume, folder, saved, given, defaults, options.OutDir, typeof(SearchOptions));
        return Checked(saved with { Epochs = epochs, OutDir = folder.Path }, spaces);
    }

    /// <summary>The resolved config, or a usage error naming every problem.</summary>
    private static SearchConfig Checked(SearchConfig config, SpaceSet spaces)
    {
        var problems = new List<string>();
        if (!spaces.Names.Contains(config.Space, StringComparer.OrdinalIgnoreCase))
            problems.Add($"--space '{config.Space}' is not known; expected one of: {string.Join(", ", spaces.Names)}");
        if (!DatasetCatalog.Names.Contains(config.Dataset, StringComparer.OrdinalIgnoreCase))
            problems.Add($"--dataset '{config.Dataset}' is not known; expected one of: {string.Join(", ", DatasetCatalog.Names)}");
        problems.AddRange(config.Problems());
        if (problems.Count > 0) throw new UsageException(string.Join("; ", problems) + ".");
        return config.Resolved();
    }

    private static void WriteSettings(CliContext context, SearchConfig config, bool resume)
    {
        RunVerb.WriteSettings(context, resume ? "agnas search --resume: settings from config.json" : "agnas search: settings (config.json)", config.Rows());
        if (SearchSpaces.Is(config.Space, SearchSpaces.Darts) && config.Channels is { } c && config.Layers is { } l)
            context.OutWriter.WriteLine($"darts supernet: {new DartsSupernetConfig { Channels = c, Layers = l }.Describe()}.");
    }

    private static int Report(CliContext context, SearchConfig config, SearchResult result)
    {
        var dir = result.RunDirectory;
        if (result.Outcome == SearchOutcome.Interrupted)
            return RunVerb.ReportInterrupted(context, "search", result.CompletedEpochs, result.Epochs, dir);

        var last = result.Last!;
        context.OutWriter.WriteLine($"Derived architecture after epoch {last.Epoch} ({last.SkipConnectCount} skip_connect):");
        context.OutWriter.WriteLine(last.Arch);
        if (SearchSpaces.Is(config.Space, SearchSpaces.Nb201))
        {
            if (Nb201Arch.TryParse(last.Arch, out var arch)) LookupRunner.WriteLookup(context, arch);
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
        context.OutWriter.WriteLine($"Run folder: {dir}");
        return ExitCodes.Ok;
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
            Progress.Line($"{start.TrainImages} training / {start.ValidImages} validation images, {start.TrainBatches} steps per epoch; " +
                 $"{start.ParameterCount:N0} parameters, {mixing}; {start.Backend}.");
            if (start.FirstEpoch > start.Config.Epochs) Progress.Line($"The run already completed its {start.Config.Epochs} epochs; raise --epochs to continue it.");
            else if (start.FirstEpoch > 1) Progress.Line($"Resuming at epoch {start.FirstEpoch} of {start.Config.Epochs}.");
            Progress.Line(Header);
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

using System.Reflection;
using AgNas.Search.Runs;
using CommandLine;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary>
/// What the verbs that run epochs into a run folder (<c>agnas search</c>, <c>agnas train</c>) share:
/// Ctrl-C handling, the progress bar, the settings table, the resume rules for options, and the
/// message of an interrupted run.
/// </summary>
internal static class RunVerb
{
    /// <summary>Exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>
    /// Runs <paramref name="run"/> with Ctrl-C turned into cancellation: the first press cancels the
    /// token (the run finishes its current step and returns; the last epoch's files stay), a second
    /// press lets the process end.
    /// </summary>
    /// <param name="external">Cancels the run like Ctrl-C does (tests); null for Ctrl-C only.</param>
    /// <param name="run">The run, given the token to check.</param>
    public static T WithCtrlC<T>(CancellationTokenSource? external, Func<CancellationToken, T> run)
    {
        var own = external is null ? new CancellationTokenSource() : null;
        var cts = external ?? own!;
        int presses = 0;
        void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
        {
            if (Interlocked.Increment(ref presses) > 1) return;
            e.Cancel = true;
            cts.Cancel();
        }

        Console.CancelKeyPress += OnCancelKey;
        try
        {
            return run(cts.Token);
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKey;
            own?.Dispose();
        }
    }

    /// <summary>Runs <paramref name="run"/> under a live progress display on interactive consoles (given to <paramref name="progress"/>), plainly elsewhere.</summary>
    public static T WithProgress<T>(CliContext context, EpochProgress progress, Func<T> run)
    {
        if (!context.Out.Profile.Capabilities.Interactive) return run();
        return context.Out.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(live =>
            {
                progress.Live = live;
                try
                {
                    return run();
                }
                finally
                {
                    progress.Live = null;
                }
            });
    }

    /// <summary>The resolved settings as a two-column table (config.json's keys and values).</summary>
    public static void WriteSettings(CliContext context, string title, IEnumerable<(string Key, string Value)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title).AddColumn("Setting").AddColumn("Value");
        foreach (var (key, value) in rows) table.AddRow(Markup.Escape(key), Markup.Escape(value));
        context.Out.Write(table);
    }

    /// <summary>A config resolved, with a bad device turned into a usage error.</summary>
    public static T Resolved<T>(Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>
    /// The epoch count a <c>--resume</c> continues with (the run's, or a higher --epochs), after checking
    /// the other options against the run's config.json. Options are compared by value: one that differs from its
    /// default and from the run's value is a conflict. An option given with exactly its default value
    /// cannot be told from an omitted one (the parser fills in defaults) and is therefore taken from the run.
    /// </summary>
    /// <param name="resume">The --resume argument, for messages.</param>
    /// <param name="folder">The run folder.</param>
    /// <param name="saved">Its config.json.</param>
    /// <param name="given">The command line's config, resolved.</param>
    /// <param name="defaults">The config of a command line without options, resolved.</param>
    /// <param name="outDir">The --out argument ("" when absent).</param>
    /// <param name="optionsType">The verb's options class (its properties are named like the config's members).</param>
    /// <exception cref="UsageException">Naming every conflicting option with the run's value.</exception>
    public static int ResumeEpochs<TConfig>(string resume, RunFolder folder, TConfig saved, TConfig given, TConfig defaults, string outDir, Type optionsType)
        where TConfig : class, IRunConfig<TConfig>
    {
        var conflicts = new List<string>();
        int epochs = saved.Epochs;
        foreach (var (member, value, _) in RunSettings<TConfig>.Differences(given, defaults, nameof(IRunConfig<TConfig>.OutDir)))
        {
            object? theirs = RunSettings<TConfig>.Value(saved, member);
            if (member == nameof(IRunConfig<TConfig>.Epochs))
            {
                if (given.Epochs < saved.Epochs)
                    conflicts.Add($"--epochs {given.Epochs} is below the run's {saved.Epochs} (it may only be raised)");
                epochs = given.Epochs;
            }
            else if (!Equals(value, theirs))
            {
                conflicts.Add($"{OptionName(optionsType, member)} {RunSettings.FormatValue(value)} (the run has {RunSettings.FormatValue(theirs)})");
            }
        }
        if (outDir.Length > 0 && Path.GetFullPath(outDir) != folder.Path)
            conflicts.Add($"--out {outDir} (the run folder is {folder.Path})");
        if (conflicts.Count > 0)
            throw new UsageException(
                $"--resume {resume}: these options conflict with the run's {RunFolder.ConfigFile}: {string.Join("; ", conflicts)}. " +
                "Leave them out (the run keeps its settings); only --epochs may change, upward.");
        return epochs;
    }

    /// <summary>The option that sets a config member (the options class's properties share the members' names), else the config.json key.</summary>
    public static string OptionName(Type optionsType, string member)
    {
        var option = optionsType.GetProperty(member)?.GetCustomAttribute<OptionAttribute>();
        return option is null ? RunSettings.JsonName(member) : "--" + option.LongName;
    }

    /// <summary>What an interrupted run prints; returns <see cref="InterruptedExitCode"/>.</summary>
    /// <param name="context">Where to write.</param>
    /// <param name="verb">"search" or "train".</param>
    /// <param name="completed">Epochs saved.</param>
    /// <param name="epochs">Epochs configured.</param>
    /// <param name="dir">The run folder.</param>
    public static int ReportInterrupted(CliContext context, string verb, int completed, int epochs, string dir)
    {
        if (completed == 0)
        {
            context.OutWriter.WriteLine("Interrupted before the first epoch completed: nothing was saved to resume.");
            context.OutWriter.WriteLine($"Start again with: agnas {verb} --out {dir} ... (same options)");
        }
        else
        {
            context.OutWriter.WriteLine($"Interrupted during epoch {completed + 1} of {epochs}; epochs 1-{completed} are saved in {dir}.");
            context.OutWriter.WriteLine($"Resume with: agnas {verb} --resume {dir}");
        }
        return InterruptedExitCode;
    }
}

/// <summary>
/// The per-epoch progress bar (interactive consoles only) and the lines printed around it: while a
/// bar is live, lines go through the console so they stay above it; otherwise straight to the plain writer.
/// </summary>
internal sealed class EpochProgress(CliContext context)
{
    private ProgressTask? _task;

    /// <summary>The live display while <see cref="RunVerb.WithProgress"/> runs; null otherwise.</summary>
    public ProgressContext? Live { get; set; }

    /// <summary>Starts a bar of <paramref name="steps"/> steps.</summary>
    public void Begin(string description, int steps)
    {
        if (Live is not null) _task = Live.AddTask(description, maxValue: steps);
    }

    /// <summary>One step done; the bar now reads <paramref name="description"/>.</summary>
    public void Advance(string description)
    {
        if (_task is null) return;
        _task.Increment(1);
        _task.Description = description;
    }

    /// <summary>Removes the bar.</summary>
    public void End()
    {
        if (_task is null) return;
        _task.StopTask();
        Live?.RemoveTask(_task);
        _task = null;
    }

    /// <summary>A line of output (not markup).</summary>
    public void Line(string text)
    {
        if (Live is not null) context.Out.Write(new Text(text + "\n"));
        else context.OutWriter.WriteLine(text);
    }

    /// <summary>A warning on the error stream.</summary>
    public void Warning(string message) => context.Error.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");
}

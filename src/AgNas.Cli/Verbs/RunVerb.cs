using System.Reflection;
using System.Runtime.InteropServices;
using AgNas.Search.Runs;
using AgNas.Tensors;
using CommandLine;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary>
/// What the verbs that run epochs into a run folder (<c>agnas search</c>, <c>agnas train</c>) share:
/// Ctrl-C and SIGTERM handling, the progress bar, the settings table, settings problems named by
/// option, the device check, and the message of an interrupted run. The resume rules are
/// <see cref="ResumeRules"/>'s, the run-folder checks <see cref="RunFolders"/>'.
/// </summary>
internal static class RunVerb
{
    /// <summary>Exit status of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report Ctrl-C).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>
    /// Runs <paramref name="run"/> with Ctrl-C (SIGINT) and SIGTERM (what cluster schedulers and
    /// <c>timeout</c> send) turned into cancellation: the first signal cancels the token (the run finishes
    /// its current step and returns; the last epoch's files stay, and the caller's using blocks release
    /// run.lock), a second one lets the process end as the signal would.
    /// </summary>
    /// <param name="external">Cancels the run like a signal does (tests); null for the signals only.</param>
    /// <param name="run">The run, given the token to check.</param>
    public static T Interruptible<T>(CancellationTokenSource? external, Func<CancellationToken, T> run)
    {
        var own = external is null ? new CancellationTokenSource() : null;
        var cts = external ?? own!;
        int signals = 0;
        // True for the first signal, which becomes the cancellation; later ones keep their default effect.
        bool Cancel()
        {
            if (Interlocked.Increment(ref signals) > 1) return false;
            cts.Cancel();
            return true;
        }
        void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
        {
            if (Cancel()) e.Cancel = true;
        }

        Console.CancelKeyPress += OnCancelKey;
        using var sigterm = RegisterSigterm(context =>
        {
            if (Cancel()) context.Cancel = true;
        });
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

    /// <summary>The SIGTERM handler's registration, or null where the platform has no SIGTERM to catch.</summary>
    private static PosixSignalRegistration? RegisterSigterm(Action<PosixSignalContext> handler)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, handler);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
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

    /// <summary>A warning on the error stream (the run goes on).</summary>
    public static void Warn(CliContext context, string message) => context.Error.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    /// <summary>"1 epoch", "2 epochs".</summary>
    public static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>The problems of a config, each naming the option that sets the setting, as one usage error; nothing when there are none.</summary>
    /// <exception cref="UsageException">Naming every problem.</exception>
    public static void ThrowProblems(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0) throw new UsageException(string.Join("; ", list) + ".");
    }

    /// <summary>The problems of the settings that the command line named (<paramref name="given"/>), as one usage error naming their options.</summary>
    /// <exception cref="UsageException">Naming every problem.</exception>
    public static void ThrowGivenProblems(IEnumerable<SettingProblem> problems, GivenOptions given)
    {
        var named = given.Entries.Select(e => ConfigMember(e.Property)).ToHashSet();
        ThrowProblems(problems.Where(p => named.Contains(p.Member)).Select(p => Describe(p, given.OptionsType)));
    }

    /// <summary>A settings problem with the setting named by its option (<c>--batch-size 1 must be at least 2 …</c>).</summary>
    public static string Describe(SettingProblem problem, Type optionsType) => problem.Describe(OptionName(optionsType, problem.Member));

    /// <summary>
    /// The option that sets a config member (the options class's properties share the members' names;
    /// <c>--no-plots</c> sets Plots), else the config.json key.
    /// </summary>
    public static string OptionName(Type optionsType, string member)
    {
        var property = optionsType.GetProperty(member) ?? (member == "Plots" ? optionsType.GetProperty("NoPlots") : null);
        var option = property?.GetCustomAttribute<OptionAttribute>();
        return option is null ? RunSettings.JsonName(member) : "--" + option.LongName;
    }

    /// <summary>The config member an option of the options class sets (--no-plots: Plots), or null for one that sets none (--resume).</summary>
    public static string? ConfigMember(PropertyInfo optionProperty) => optionProperty.Name switch
    {
        "Resume" => null,
        "NoPlots" => "Plots",
        var name => name,
    };

    /// <summary>
    /// Fails (exit 1, the reason given) when <paramref name="device"/> is a device name this machine cannot
    /// use, so that a run stops before it loads data or creates its folder.
    /// </summary>
    /// <param name="device">The resolved device ("cpu", "cuda:0").</param>
    /// <param name="resume">Whether the device is a resumed run's, which may change (the message says so).</param>
    /// <exception cref="BackendUnavailableException">With the reason.</exception>
    public static void CheckDeviceAvailable(string device, bool resume)
    {
        var parsed = Device.Parse(device);
        if (Backends.TryGet(parsed, out _, out var reason)) return;
        throw new BackendUnavailableException(parsed, resume ? $"{reason} (a resumed run may continue on another device: --device cpu)" : reason!);
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
            string saved = completed == 1 ? "epoch 1 is saved" : $"epochs 1-{completed} are saved";
            context.OutWriter.WriteLine($"Interrupted during epoch {completed + 1} of {epochs}; {saved} in {dir}.");
            context.OutWriter.WriteLine($"Resume with: agnas {verb} --resume {dir}");
        }
        return InterruptedExitCode;
    }

    /// <summary>
    /// The line a run prints before its epoch rows when it starts (nothing for a new run), and whether the
    /// header and rows follow: a run that already completed its epochs has none.
    /// </summary>
    public static (string? Line, bool Rows) StartLine(int firstEpoch, int epochs) =>
        firstEpoch > epochs ? ($"The run already completed its {Count(epochs, "epoch")}; raise --epochs to continue it.", false)
        : firstEpoch > 1 ? ($"Resuming at epoch {firstEpoch} of {epochs}.", true)
        : (null, true);
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

using AgNas.Search.Runs;

namespace AgNas.Cli.Verbs;

/// <summary>What a <c>--resume</c> takes from its command line: the epoch count and the settings that may change.</summary>
/// <param name="Epochs">The run's epoch count, or a higher --epochs.</param>
/// <param name="Changed">The members of <see cref="RunSettings.ChangeableOnResume"/> that the command line gave.</param>
internal sealed record ResumeChanges(int Epochs, IReadOnlySet<string> Changed)
{
    /// <summary><paramref name="commandLine"/> when the command line gave <paramref name="member"/>, else <paramref name="run"/>.</summary>
    public T Pick<T>(string member, T commandLine, T run) => Changed.Contains(member) ? commandLine : run;
}

/// <summary>
/// The rules for the options of a <c>--resume</c>: every option the command line names
/// (<see cref="GivenOptions"/>, whatever its value, its default included) must agree with the run's
/// config.json, except <c>--epochs</c>, which may raise the count, and the options of
/// <see cref="RunSettings.ChangeableOnResume"/> (<c>--data-dir</c>, <c>--device</c>, <c>--prefetch</c>,
/// <c>--no-plots</c>), which do not change what the run computes and so may differ (the run moves to
/// another machine); every option not named is taken from the run.
/// </summary>
internal static class ResumeRules
{
    /// <summary>Settings whose names are case-insensitive (<c>--dataset MNIST</c> is mnist).</summary>
    private static readonly string[] CaseInsensitive = ["Space", "Dataset", "Method"];

    /// <summary>The epoch count and changed settings of the resumed run, after checking the named options against it.</summary>
    /// <param name="resume">The --resume argument, for messages.</param>
    /// <param name="folder">The run folder.</param>
    /// <param name="saved">Its config.json.</param>
    /// <param name="commandLine">The command line's config, resolved (so that e.g. a relative path or another spelling of the cell means the run's value);
    /// options not named may hold anything.</param>
    /// <param name="given">The options the command line named.</param>
    /// <exception cref="UsageException">Naming every disagreeing option as typed, with the run's value.</exception>
    public static ResumeChanges Check<TConfig>(string resume, RunFolder folder, TConfig saved, TConfig commandLine, GivenOptions given)
        where TConfig : class, IRunConfig<TConfig>
    {
        var conflicts = new List<string>();
        var changed = new HashSet<string>(StringComparer.Ordinal);
        int epochs = saved.Epochs;
        foreach (var entry in given.Entries)
        {
            var member = RunVerb.ConfigMember(entry.Property);
            if (member is null) continue;
            if (member == nameof(IRunConfig<TConfig>.OutDir))
            {
                if (!string.IsNullOrEmpty(entry.Value) && Path.GetFullPath(entry.Value) != folder.Path)
                    conflicts.Add($"{entry.Typed} (the run folder is {folder.Path})");
            }
            else if (member == nameof(IRunConfig<TConfig>.Epochs))
            {
                if (commandLine.Epochs < saved.Epochs)
                    conflicts.Add($"{entry.Typed} is below the run's {saved.Epochs} (it may only be raised)");
                else epochs = commandLine.Epochs;
            }
            else if (RunSettings.ChangeableOnResume.Contains(member))
            {
                changed.Add(member);
            }
            else if (member == RunSettings.LowerableOnResume
                && RunSettings<TConfig>.Value(commandLine, member) is double mine && RunSettings<TConfig>.Value(saved, member) is double runs && mine != runs)
            {
                if (mine > runs) conflicts.Add($"{entry.Typed} (the run has {Describe(runs)}; a resumed run may lower its learning rate, to recover from a divergence, not raise it)");
                else changed.Add(member);
            }
            else
            {
                object? theirs = RunSettings<TConfig>.Value(saved, member);
                if (!Same(member, RunSettings<TConfig>.Value(commandLine, member), theirs))
                    conflicts.Add($"{entry.Typed} (the run has {Describe(theirs)})");
            }
        }
        if (conflicts.Count > 0)
            throw new UsageException(
                $"--resume {resume}: these options conflict with the run's {RunFolder.ConfigFile}: {string.Join("; ", conflicts)}. " +
                $"Leave them out (the run keeps its settings); only {MayChange(given.OptionsType)} may change.");
        return new ResumeChanges(epochs, changed);
    }

    /// <summary>"--epochs (upward), --data-dir, --device, --prefetch and --no-plots": what a resume may change, named as options.</summary>
    public static string MayChange(Type optionsType)
    {
        var names = RunSettings.ChangeableOnResume.Select(m => RunVerb.OptionName(optionsType, m)).ToList();
        return $"--epochs (upward), {RunVerb.OptionName(optionsType, RunSettings.LowerableOnResume)} (downward), {string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}";
    }

    private static bool Same(string member, object? mine, object? theirs) =>
        mine is string a && theirs is string b && CaseInsensitive.Contains(member)
            ? string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
            : Equals(mine, theirs);

    /// <summary>The run's value in a message: config.json's text, "none" for an absent or empty one, "it on"/"it off" for a switch.</summary>
    private static string Describe(object? value) => value switch
    {
        null or "" => "none",
        bool on => on ? "it on" : "it off",
        _ => RunSettings.FormatValue(value),
    };
}

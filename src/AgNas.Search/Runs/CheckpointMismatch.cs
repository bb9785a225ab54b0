using System.Text;
using AgNas.Tensors;

namespace AgNas.Search.Runs;

/// <summary>
/// A checkpoint that does not fit the network built from a run's config.json: the one-line summary a
/// user reads, and the full report (both identities, every missing, unexpected and mis-shaped key)
/// written to <see cref="RunFolder.CheckpointMismatchFile"/> in the run folder (issue 10, item 4).
/// </summary>
public static class CheckpointMismatch
{
    /// <summary>
    /// The keys of <paramref name="module"/> (name → shape, in the module's order) against the file's:
    /// one line per missing, unexpected or mis-shaped key; empty when they fit.
    /// </summary>
    public static List<string> KeyProblems(IReadOnlyList<(string Name, Tensor Value)> module, IReadOnlyDictionary<string, Tensor> file)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(file);
        var problems = new List<string>();
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in module)
        {
            own.Add(name);
            if (!file.TryGetValue(name, out var f)) problems.Add($"missing: {name} {t.Shape}");
            else if (f.Shape != t.Shape) problems.Add($"shape: {name} is {f.Shape} in the checkpoint, {t.Shape} in the network");
            else if (f.DType != t.DType) problems.Add($"dtype: {name} is {f.DType} in the checkpoint, {t.DType} in the network");
        }
        foreach (var (name, t) in file.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (!own.Contains(name)) problems.Add($"unexpected: {name} {t.Shape}");
        return problems;
    }

    /// <summary>
    /// Writes the report to <paramref name="folder"/>'s <see cref="RunFolder.CheckpointMismatchFile"/> and
    /// returns the one line for the error: the first difference of the identities when both are known,
    /// else the count of key problems and the first of them.
    /// </summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="model">What the network is ("supernet", "network").</param>
    /// <param name="stored">What the checkpoint's metadata says it holds; null for a checkpoint saved without it.</param>
    /// <param name="expected">What config.json describes; null when the caller did not say.</param>
    /// <param name="keyProblems">From <see cref="KeyProblems"/>; may be empty when only the identities differ.</param>
    public static string Report(RunFolder folder, string model, CheckpointIdentity? stored, CheckpointIdentity? expected, IReadOnlyList<string> keyProblems)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(keyProblems);
        var text = new StringBuilder();
        text.AppendLine($"{RunFolder.CheckpointFile} does not fit the {model} built from {RunFolder.ConfigFile} in {folder.Path}.");
        text.AppendLine($"The checkpoint holds: {(stored is null ? "(not recorded: saved before checkpoints recorded what they hold)" : stored.Describe())}");
        if (stored is not null) text.AppendLine(stored.DescribeInFull());
        text.AppendLine($"{RunFolder.ConfigFile} asks for: {(expected is null ? "(not given)" : expected.Describe())}");
        if (expected is not null) text.AppendLine(expected.DescribeInFull());
        text.AppendLine($"{keyProblems.Count} key problem(s):");
        foreach (var p in keyProblems) text.AppendLine("  " + p);
        string reportName = RunFolder.CheckpointMismatchFile;
        try
        {
            RunFolder.WriteAtomic(folder.File(reportName), text.ToString());
        }
        catch (IOException)
        {
            reportName = "(the report could not be written)";
        }
        catch (UnauthorizedAccessException)
        {
            reportName = "(the report could not be written)";
        }

        string first = stored is not null && expected is not null && stored.FirstDifference(expected) is { } difference
            ? $"{RunFolder.CheckpointFile} holds a {stored.Space} {stored.Model} and {RunFolder.ConfigFile} asks for a {expected.Space} {expected.Model}: first difference: {difference}"
            : $"{RunFolder.CheckpointFile} does not fit the {model} built from {RunFolder.ConfigFile}: {keyProblems.Count} key problem(s), first: {Cut(keyProblems.FirstOrDefault() ?? "none")}";
        return $"{first} (every difference: {reportName}).";
    }

    private static string Cut(string s) => s.Length <= 100 ? s : s[..99] + "…";
}

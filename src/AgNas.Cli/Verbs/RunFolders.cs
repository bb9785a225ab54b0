using AgNas.Search.Runs;

namespace AgNas.Cli.Verbs;

/// <summary>
/// The checks of a run folder that a run verb makes before it loads any data (so that a bad
/// <c>--out</c> or <c>--resume</c> costs nothing and leaves nothing behind), and the kind of run a
/// folder holds (search or training), for messages that point to the verb that can continue it.
/// </summary>
internal static class RunFolders
{
    /// <summary>The verbs that write run folders, with what their config.json reads as and how messages call their runs.</summary>
    private static readonly (string Verb, string Run, Func<RunFolder, bool> Holds)[] Kinds =
    [
        ("search", "search run", folder => Reads<SearchConfig>(folder)),
        ("train", "training run", folder => Reads<TrainConfig>(folder)),
    ];

    private static bool Reads<TConfig>(RunFolder folder) where TConfig : class, IRunConfig<TConfig>
    {
        try
        {
            folder.ReadConfig<TConfig>();
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>"search run" or "training run".</summary>
    private static string RunName(string verb) => Kinds.Single(k => k.Verb == verb).Run;

    /// <summary>The verb whose run <paramref name="folder"/>'s config.json holds, or null.</summary>
    public static string? VerbOf(RunFolder folder) => Kinds.FirstOrDefault(k => k.Holds(folder)).Verb;

    /// <summary>
    /// Why <paramref name="path"/> cannot be a run folder to write into (named as <paramref name="option"/>
    /// <paramref name="typed"/> in the message), or null: it must not be a file nor lie under one, and a folder
    /// must be creatable there (or, if it exists, writable). Tried by creating and removing a probe folder, the
    /// one way to know (permissions, read-only or special file systems such as /proc); nothing is left behind.
    /// </summary>
    public static string? WriteProblem(string option, string typed, string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return $"{option} {typed} is a file, not a folder";
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) return $"{option} {typed}: {existing} is a file, not a folder";
            existing = Path.GetDirectoryName(existing);
            if (existing is null) return $"{option} {typed}: no part of the path exists";
        }
        string what = existing == full ? "cannot write in the folder" : "cannot create the folder";
        var probe = Path.Combine(existing, $".agnas-probe-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return $"{option} {typed}: {what}: permission denied";
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // What mkdir reports where a file system takes no new folders (e.g. /proc).
            return $"{option} {typed}: {what}: {existing} does not accept new folders";
        }
        catch (IOException e)
        {
            return $"{option} {typed}: {what}: {e.Message}";
        }
    }

    /// <summary>
    /// The folder and config.json of the run <c>--resume <paramref name="resume"/></c> names, which must be a
    /// folder that exists, holds a run of <paramref name="verb"/> with at least one completed epoch, and can be written.
    /// </summary>
    /// <exception cref="UsageException">Naming what is wrong and, for another verb's run, the verb that continues it.</exception>
    public static (RunFolder Folder, TConfig Saved) OpenResume<TConfig>(string resume, string verb) where TConfig : class, IRunConfig<TConfig>
    {
        var full = Path.GetFullPath(resume);
        if (File.Exists(full)) throw new UsageException($"--resume {resume} is a file, not a run folder.");
        if (!Directory.Exists(full)) throw new UsageException($"--resume {resume}: the folder does not exist.");
        var folder = new RunFolder(resume);
        TConfig saved;
        try
        {
            saved = folder.ReadConfig<TConfig>();
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException($"--resume {resume}: {e.Message}");
        }
        catch (InvalidDataException) when (VerbOf(folder) is { } other && other != verb)
        {
            throw new UsageException($"--resume {resume}: {folder.Path} holds a {RunName(other)}, not a {RunName(verb)}; continue it with agnas {other} --resume {resume}.");
        }
        if (!folder.HasState)
            throw new UsageException($"--resume {resume}: no epoch of this run completed ({RunFolder.StateFile} is missing), so there is nothing to resume; start it afresh with --out {resume}.");
        if (WriteProblem("--resume", resume, folder.Path) is { } problem) throw new UsageException(problem + ".");
        return (folder, saved);
    }

    /// <summary>
    /// Checks <paramref name="outDir"/> (the --out of a new run of <paramref name="verb"/>, or the generated name's
    /// place when <paramref name="generated"/>): writable, and not holding a run, with the verb that continues one.
    /// </summary>
    /// <exception cref="UsageException">What is wrong.</exception>
    public static void CheckNew(string outDir, string verb, bool generated)
    {
        if (generated && WriteProblem("the default run folder", outDir, outDir) is { } place)
            throw new UsageException(place + " (choose another with --out).");
        if (!generated && WriteProblem("--out", outDir, outDir) is { } problem) throw new UsageException(problem + ".");
        var folder = new RunFolder(outDir);
        // A generated name that exists is skipped for the next free one (RunLock.TakeNew), not refused.
        if (generated || !folder.HasState) return;
        var holder = VerbOf(folder);
        if (holder == verb)
            throw new UsageException($"--out {outDir} already holds a {RunName(verb)} ({RunFolder.StateFile}); continue it with --resume {outDir}, or choose another --out.");
        if (holder is not null)
            throw new UsageException($"--out {outDir} already holds a {RunName(holder)}; choose another --out for the {RunName(verb)} (continue that one with agnas {holder} --resume {outDir}).");
        throw new UsageException($"--out {outDir} already holds a run ({RunFolder.StateFile}) whose {RunFolder.ConfigFile} agnas cannot read; choose another --out.");
    }

    /// <summary>
    /// Takes the run folder for the run (<see cref="RunLock"/>): the folder the user named, or for a generated
    /// name the first free one of name, name-2, name-3, … so that runs started in the same second do not collide.
    /// </summary>
    /// <exception cref="IOException">Another process holds the folder.</exception>
    public static RunLock Take(string outDir, bool generated) =>
        generated ? RunLock.TakeNew(outDir) : RunLock.Take(new RunFolder(outDir));
}

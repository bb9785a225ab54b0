namespace AgNas.Search.Runs;

/// <summary>
/// A run folder held by this process (<see cref="RunFolder.LockFile"/>, open with no sharing and
/// deleted when closed), so that two processes never write one run folder: two runs started in the
/// same second, or a <c>--resume</c> of a run that is still going. Disposing it releases the folder.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;

    private RunLock(RunFolder folder, FileStream stream, bool createdFolder)
    {
        Folder = folder;
        _stream = stream;
        CreatedFolder = createdFolder;
    }

    /// <summary>The folder held.</summary>
    public RunFolder Folder { get; }

    /// <summary>Whether the folder did not exist before this lock created it (so a start that fails may remove it again).</summary>
    public bool CreatedFolder { get; }

    /// <summary>Creates <paramref name="folder"/> if needed and takes its lock.</summary>
    /// <exception cref="IOException">Another process holds the folder.</exception>
    public static RunLock Take(RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return TryTake(folder) ?? throw new IOException(
            $"{folder.Path} is in use by another agnas run ({RunFolder.LockFile} is locked); wait for it to finish or choose another --out.");
    }

    /// <summary>
    /// Takes the first of <paramref name="basePath"/>, <paramref name="basePath"/>-2, -3, … that does not
    /// exist yet (and that no other process takes first): a generated run-folder name stays unique when
    /// two runs start in the same second. Never use it for a folder the user named.
    /// </summary>
    /// <exception cref="IOException">No free name among the first <paramref name="attempts"/>.</exception>
    public static RunLock TakeNew(string basePath, int attempts = 1000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(basePath);
        var full = Path.GetFullPath(basePath);
        for (int n = 1; n <= attempts; n++)
        {
            var folder = new RunFolder(n == 1 ? full : $"{full}-{n}");
            if (Directory.Exists(folder.Path) || File.Exists(folder.Path)) continue;
            // Another process may create the same name between the check and the lock; whoever locks first keeps it.
            if (TryTake(folder) is { } taken) return taken;
        }
        throw new IOException($"{full} and {full}-2 … {full}-{attempts} all exist; clean up old runs or choose --out.");
    }

    /// <summary>The lock, or null when another process holds it.</summary>
    private static RunLock? TryTake(RunFolder folder)
    {
        bool existed = Directory.Exists(folder.Path);
        Directory.CreateDirectory(folder.Path);
        try
        {
            var stream = new FileStream(folder.File(RunFolder.LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            return new RunLock(folder, stream, !existed);
        }
        catch (IOException e) when (e.GetType() == typeof(IOException))
        {
            // A plain IOException from opening with no sharing is the lock being held (EWOULDBLOCK on Unix,
            // a sharing violation on Windows); missing folders, permissions and so on have their own types.
            return null;
        }
    }

    /// <summary>
    /// After a start that failed before its first epoch was saved: removes what the run wrote
    /// (config.json, an empty attention/) and, when this lock created it, the folder if nothing
    /// else is in it. Never touches a folder holding a saved epoch. Releases the lock first.
    /// </summary>
    public void ReleaseAndRemoveUnstarted()
    {
        Dispose();
        if (!CreatedFolder || Folder.HasState) return;
        RunFolder.TryDelete(Folder.File(RunFolder.ConfigFile));
        TryDeleteEmptyFolder(Path.Combine(Folder.Path, RunFolder.AttentionFolder));
        TryDeleteEmptyFolder(Folder.Path);
    }

    private static void TryDeleteEmptyFolder(string path)
    {
        try
        {
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any()) Directory.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the start already failed, and its exception is what the user needs.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public void Dispose() => _stream.Dispose();
}

using AgNas.Search.Runs;

namespace AgNas.Search.Tests.Runs;

/// <summary><see cref="RunLock"/>: unique generated folders, and what a failed start leaves behind.</summary>
public class RunLockTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agnas-runlock-" + Guid.NewGuid().ToString("N"));

    public RunLockTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AGeneratedNameThatIsTakenGetsTheNextFreeSuffix()
    {
        var name = Path.Combine(_root, "nb201-mnist-20250102-030405");
        using var first = RunLock.TakeNew(name);
        Assert.Equal(name, first.Folder.Path);
        Assert.True(first.CreatedFolder);
        // Held by another run (the same second), then merely existing (an old run): both are skipped.
        using var second = RunLock.TakeNew(name);
        Assert.Equal(name + "-2", second.Folder.Path);
        Directory.CreateDirectory(name + "-3");
        using var third = RunLock.TakeNew(name);
        Assert.Equal(name + "-4", third.Folder.Path);
        Assert.True(File.Exists(third.Folder.File(RunFolder.LockFile)));
    }

    [Fact]
    public void TakeOfAHeldFolderSaysItIsInUse()
    {
        var folder = new RunFolder(Path.Combine(_root, "run"));
        using var held = RunLock.Take(folder);
        var e = Assert.Throws<IOException>(() => RunLock.Take(folder));
        Assert.Contains("is in use by another agnas run", e.Message);
    }

    [Fact]
    public void AFailedStartRemovesTheFolderItCreatedButNothingElse()
    {
        var created = new RunFolder(Path.Combine(_root, "created"));
        var runLock = RunLock.Take(created);
        created.Create();
        created.WriteConfig(new SearchConfig { OutDir = created.Path });
        runLock.ReleaseAndRemoveUnstarted();
        Assert.False(Directory.Exists(created.Path));

        // A folder that existed before keeps whatever was in it; only the run's config.json goes.
        var existing = new RunFolder(Path.Combine(_root, "existing"));
        Directory.CreateDirectory(existing.Path);
        File.WriteAllText(existing.File("notes.txt"), "mine");
        runLock = RunLock.Take(existing);
        Assert.False(runLock.CreatedFolder);
        runLock.ReleaseAndRemoveUnstarted();
        Assert.True(File.Exists(existing.File("notes.txt")));

        // A folder holding a saved epoch is never touched.
        var saved = new RunFolder(Path.Combine(_root, "saved"));
        runLock = RunLock.Take(saved);
        File.WriteAllText(saved.File(RunFolder.StateFile), "{}");
        runLock.ReleaseAndRemoveUnstarted();
        Assert.True(File.Exists(saved.File(RunFolder.StateFile)));
        Assert.False(File.Exists(saved.File(RunFolder.LockFile)));
    }
}

using AgNas.Search.Runs;

namespace AgNas.Search.Tests.Runs;

public class RunFolderLockTests
{
    [Fact]
    public void ASecondLockOnTheSameFolderIsRefusedUntilTheFirstIsReleased()
    {
        var path = Path.Combine(Path.GetTempPath(), "agnas-lock-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = new RunFolder(path);
            using (folder.Lock())
            {
                Assert.True(File.Exists(folder.File(RunFolder.LockFile)));
                var ex = Assert.Throws<IOException>(() => new RunFolder(path).Lock());
                Assert.Contains("in use by another agnas run", ex.Message);
                Assert.Contains(path, ex.Message);
            }
            Assert.False(File.Exists(folder.File(RunFolder.LockFile)));
            using (folder.Lock()) { }
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }
}

using AgNas.Cli.Verbs;
using AgNas.Search.Runs;
using AgNas.Tensors;

namespace AgNas.Cli.Tests;

/// <summary>
/// How <c>agnas search</c> and <c>agnas train</c> start: every problem with the command line is found before the
/// data is loaded (the tests point --data-dir at a folder that does not exist, so a check that came after loading
/// would fail with the dataset's message and exit 1 instead), reported as a usage error naming the option, and
/// leaves no run folder behind; generated run-folder names never collide.
/// </summary>
public class RunStartTests
{
    private const string NoData = "/nonexistent/agnas-run-start";

    private static string Flat(string text) => TrainCli.Flat(text);

    private static (int Code, string Out, string Err) Start(string verb, params string[] args) => verb == "search"
        ? SearchCli.Run(["search", "--space", "tiny", "--dataset", "mnist", "--data-dir", NoData, .. args])
        : TrainCli.Run(["train", "--arch", TrainCli.Cell, "--dataset", "mnist", "--data-dir", NoData, .. args]);

    [Theory]
    [InlineData("search", "--prefetch", "3", "--prefetch 3 must be 0 (none), 1 or 2 batches")]
    [InlineData("search", "--prefetch", "-1", "--prefetch -1 must be 0 (none), 1 or 2 batches")]
    [InlineData("search", "--momentum", "1", "--momentum 1 must lie in [0, 1)")]
    [InlineData("search", "--subset", "3", "--subset 3 must be at least 4 images")]
    [InlineData("search", "--train-portion", "0", "--train-portion 0 must lie strictly between 0 and 1")]
    [InlineData("search", "--epochs", "0", "--epochs 0 must be at least 1")]
    [InlineData("search", "--lr", "NaN", "--lr NaN must be a finite value > 0")]
    [InlineData("search", "--weight-decay", "-1", "--weight-decay -1 must be a finite value >= 0")]
    [InlineData("search", "--reduction", "0", "--reduction 0 must be at least 1")]
    [InlineData("search", "--seed", "-1", "--seed -1 must be >= 0")]
    [InlineData("search", "--device", "gpu", "--device 'gpu' is not recognised")]
    [InlineData("train", "--prefetch", "3", "--prefetch 3 must be 0 (none), 1 or 2 batches")]
    [InlineData("train", "--momentum", "2", "--momentum 2 must lie in [0, 1)")]
    [InlineData("train", "--grad-clip", "NaN", "--grad-clip NaN must be a finite value > 0")]
    [InlineData("train", "--lr-min", "-1", "--lr-min -1 must lie in [0, learning rate 0.1]")]
    [InlineData("train", "--batch-size", "0", "--batch-size 0 must be at least 2")]
    [InlineData("train", "--device", "gpu", "--device 'gpu' is not recognised")]
    public void ABadValueIsAUsageErrorNamingTheOptionBeforeAnyDataIsLoaded(string verb, string option, string value, string message)
    {
        using var tmp = new TempFolder();
        var (code, output, error) = Start(verb, "--out", tmp.Sub("run"), option, value);
        Assert.True(code == ExitCodes.Usage, error + output);
        Assert.Contains(message, Flat(error));
        Assert.DoesNotContain("loading", error);
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Theory]
    [InlineData("search")]
    [InlineData("train")]
    public void AnOutThatCannotBeARunFolderIsAUsageErrorBeforeAnyDataIsLoaded(string verb)
    {
        using var tmp = new TempFolder();
        var file = tmp.Sub("afile");
        File.WriteAllText(file, "keep me");
        var cases = new List<(string Out, string Message)>
        {
            (file, $"--out {file} is a file, not a folder."),
            (Path.Combine(file, "run"), $"--out {Path.Combine(file, "run")}: {file} is a file, not a folder."),
            ("/proc/agnas-run-start", "--out /proc/agnas-run-start: cannot create the folder: /proc does not accept new folders."),
        };
        // As root, permissions do not stop mkdir; sysfs refuses everyone.
        if (Environment.UserName == "root" && Directory.Exists("/sys/kernel"))
            cases.Add(("/sys/agnas-run-start", "--out /sys/agnas-run-start: cannot create the folder: permission denied."));
        foreach (var (outDir, message) in cases)
        {
            var (code, output, error) = Start(verb, "--out", outDir);
            Assert.True(code == ExitCodes.Usage, $"--out {outDir}: {error}{output}");
            Assert.Contains(message, Flat(error));
            Assert.DoesNotContain("loading", error);
        }
        Assert.Equal("keep me", File.ReadAllText(file));
        Assert.Equal([file], Directory.GetFileSystemEntries(tmp.Path));
    }

    [Fact]
    public void AReadOnlyParentIsPermissionDenied()
    {
        // root writes anywhere (the /sys case above covers root); Windows has no Unix modes.
        if (OperatingSystem.IsWindows() || Environment.UserName == "root") return;
        using var tmp = new TempFolder();
        var parent = tmp.Sub("readonly");
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var (code, _, error) = Start("search", "--out", Path.Combine(parent, "run"));
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains($"--out {Path.Combine(parent, "run")}: cannot create the folder: permission denied.", Flat(error));
        }
        finally
        {
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Theory]
    [InlineData("search")]
    [InlineData("train")]
    public void AnUnavailableDeviceFailsWithTheReasonBeforeAnyDataIsLoadedAndLeavesNoFolder(string verb)
    {
        if (Backends.TryGet(new Device(DeviceType.Cuda, 0), out _, out _)) return; // a GPU machine: cuda is available
        using var tmp = new TempFolder();
        var (code, output, error) = Start(verb, "--out", tmp.Sub("run"), "--device", "cuda");
        Assert.True(code == ExitCodes.Failure, error + output);
        Assert.Contains("Device cuda:0 is unavailable: ", Flat(error));
        Assert.DoesNotContain("loading", error);
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void AStartThatFailsAfterTheFolderWasCreatedRemovesIt()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var spaces = SearchCli.TinySpaces(_ => throw new InvalidOperationException("the supernet cannot be built"));
        var (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, tmp.Sub("run")), spaces);
        Assert.True(code == ExitCodes.Failure, error + output);
        Assert.Contains("the supernet cannot be built", error);
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void DefaultRunFoldersStartedInTheSameSecondGetUniqueNames()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var previous = Environment.CurrentDirectory;
        var held = new List<RunLock>();
        try
        {
            Environment.CurrentDirectory = tmp.Path;
            // Other runs hold the default names of the next seconds, as if they had started in the same second.
            var now = DateTime.Now;
            for (int s = 0; s < 30; s++)
                held.Add(new RunFolder(SearchConfig.DefaultOutDir("tiny", "mnist", now.AddSeconds(s))).Lock());
            string[] args = ["search", "--space", "tiny", "--dataset", "mnist", "--data-dir", data, "--epochs", "1", "--batch-size", "8", "--no-plots"];
            var (code, output, error) = SearchCli.Run(args);
            Assert.True(code == ExitCodes.Ok, error + output);
            var taken = held.Select(h => h.Folder.Path).ToHashSet();
            var created = Directory.GetDirectories(Path.Combine(tmp.Path, "runs")).Where(d => !taken.Contains(d)).ToList();
            var folder = Assert.Single(created);
            Assert.EndsWith("-2", folder);
            Assert.True(taken.Contains(folder[..^2]), folder);
            Assert.True(File.Exists(Path.Combine(folder, RunFolder.StateFile)));
            Assert.Contains($"Run folder: {folder}", output);
            Assert.Equal(folder, new RunFolder(folder).ReadConfig().OutDir);
        }
        finally
        {
            foreach (var h in held) h.Dispose();
            Environment.CurrentDirectory = previous;
        }
    }
}

using AgNas.Search.Runs;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Cli.Tests;

/// <summary>
/// A search whose step runs out of memory (issue 10 item 1): exit 1 with the allocator's one line, and the run folder
/// keeps the last completed epoch, from which it resumes.
/// </summary>
public class OutOfMemoryVerbTests
{
    /// <summary>At the start of <c>epoch</c>: copies the checkpoint, empties the cache and caps the CPU allocator at what is live.</summary>
    private sealed class CapMemoryAtEpoch(int epoch, string checkpoint) : SearchObserver
    {
        public byte[]? Saved { get; private set; }

        public override void EpochStarted(int number, double learningRate)
        {
            if (number != epoch) return;
            Saved = File.ReadAllBytes(checkpoint);
            var allocator = CpuBackend.Instance.Allocator;
            allocator.EmptyCache();
            allocator.LimitBytes = CpuBackend.Instance.Stats.LiveBytes + 1;
        }
    }

    [Fact]
    public void ASearchWhoseStepRunsOutOfMemoryExitsOneWithOneLineAndKeepsThePreviousEpoch()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var outDir = tmp.Sub("run");
        var folder = new RunFolder(outDir);
        var observer = new CapMemoryAtEpoch(2, folder.File(RunFolder.CheckpointFile));
        int code;
        string output, error;
        try
        {
            (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, outDir), observer: observer);
        }
        finally
        {
            CpuBackend.Instance.Allocator.LimitBytes = long.MaxValue;
        }

        Assert.True(code == ExitCodes.Failure, error + output);
        // stderr also carries the data-loading progress; the failure is its last line and the only error.
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(lines[^1], line);
        Assert.StartsWith("error: cpu: out of memory allocating ", line);
        Assert.Contains(" live and a peak of ", line);
        Assert.EndsWith("try a smaller --batch-size.", line.TrimEnd());

        // The failed epoch saved nothing: epoch 1's checkpoint is byte for byte what it was, and the run resumes from it.
        Assert.NotNull(observer.Saved);
        Assert.Equal(1, folder.ReadState().CompletedEpochs);
        Assert.Equal(observer.Saved, File.ReadAllBytes(folder.File(RunFolder.CheckpointFile)));
        (code, output, error) = SearchCli.Run(["search", "--resume", outDir]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("Resuming at epoch 2 of 2.", output);
        Assert.Equal(2, folder.ReadState().CompletedEpochs);
    }
}

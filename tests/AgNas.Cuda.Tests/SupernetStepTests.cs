using AgNas.Search;
using AgNas.Search.Profiling;
using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors.Cpu;

namespace AgNas.Cuda.Tests;

/// <summary>A NAS-Bench-201 supernet training step on emulated CUDA equals the CPU step (issue 4 item 5).</summary>
public class SupernetStepTests
{
    /// <summary>Tiny so the emulator (about a millisecond per launch) runs it in seconds: 1 cell per stage, 4 channels, 8×8 images.</summary>
    private static readonly Nb201SupernetConfig Tiny = new()
    {
        InputChannels = 3, Classes = 5, Channels = 4, CellsPerStage = 1, Reduction = 2, Seed = 3,
    };

    [Fact]
    public void TwoStepsMatchTheCpuInLossLogitsAndEveryParameter()
    {
        var comparisons = SupernetStepCheck.Run(CpuBackend.Instance, EmulatedCuda.Backend, Tiny, batch: 3, size: 8, steps: 2);
        Assert.Contains(comparisons, c => c.Name.StartsWith("loss", StringComparison.Ordinal));
        Assert.True(comparisons.Count > 20, $"only {comparisons.Count} quantities compared");
        var failed = comparisons.Where(c => !c.Passed).Select(c => $"{c.Name}: max error {c.MaxAbsError:g3}").ToList();
        Assert.True(failed.Count == 0, string.Join("; ", failed));
    }

    [Fact]
    public void TheDartsBaselinesSoftmaxMixingMatchesTheCpuToo()
    {
        var comparisons = SupernetStepCheck.Run(CpuBackend.Instance, EmulatedCuda.Backend, Tiny with { Method = SearchMethod.Darts }, batch: 3, size: 8);
        Assert.Contains(comparisons, c => c.Name.Contains("arch", StringComparison.Ordinal));
        var failed = comparisons.Where(c => !c.Passed).Select(c => $"{c.Name}: max error {c.MaxAbsError:g3}").ToList();
        Assert.True(failed.Count == 0, string.Join("; ", failed));
    }

    [Fact]
    public void TheCheckFailsWhenTheTargetStartsFromOtherWeights()
    {
        var same = SupernetStepCheck.Run(CpuBackend.Instance, CpuBackend.Instance, Tiny, batch: 2, size: 8);
        Assert.All(same, c => Assert.True(c.Passed && c.MaxAbsError == 0, c.Name));
        var other = SupernetStepCheck.Run(CpuBackend.Instance, CpuBackend.Instance, Tiny, batch: 2, size: 8, targetConfig: Tiny with { Seed = 4 });
        Assert.Contains(other, c => !c.Passed);
    }
}

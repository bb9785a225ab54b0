using System.Text.Json;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Search.Tests.Data;
using AgNas.Search.Tests.Runs;

namespace AgNas.Search.Tests.Proxyless;

/// <summary>The macro space through <see cref="SearchRun"/>: its recipe, exact resume, and the derivation under a budget.</summary>
public class ProxylessSearchRunTests
{
    /// <summary>32 quadrant images: 16 train the weights (one step of 16), 16 collect the importance.</summary>
    private static readonly SearchData Data = RunTestData.Quadrants(count: 32);

    private static SearchConfig Config(string outDir) => SearchConfig.ForSpace(SearchSpaces.Proxyless) with
    {
        Dataset = "quadrants", StemStride = 1, Augment = Augments.Standard, Epochs = 2, BatchSize = 16, OutDir = outDir, Plots = false,
    };

    private sealed class CancelAfterStep(CancellationTokenSource cts, int epoch, int step) : SearchObserver
    {
        public override void TrainStepCompleted(int e, int s, double loss)
        {
            if (e == epoch && s == step) cts.Cancel();
        }
    }

    [Fact]
    public void AnInterruptedAndResumedSearchEndsExactlyLikeAnUninterruptedOneAndABudgetChangesOnlyTheDerivation()
    {
        using var straight = new TempDir();
        using var broken = new TempDir();
        var whole = SearchRun.Run(Config(straight.Path), Data, SearchSpaces.Create);
        Assert.Equal(2, whole.CompletedEpochs);
        var arch = ProxylessArch.Parse(whole.Last!.Arch);

        using (var cts = new CancellationTokenSource())
        {
            var first = SearchRun.Run(Config(broken.Path), Data, SearchSpaces.Create, new CancelAfterStep(cts, 2, 1), cancellation: cts.Token);
            Assert.Equal((SearchOutcome.Interrupted, 1), (first.Outcome, first.CompletedEpochs));
        }
        Assert.Equal(2, SearchRun.Run(Config(broken.Path), Data, SearchSpaces.Create, resume: true).CompletedEpochs);
        foreach (var file in new[] { RunFolder.CheckpointFile, RunFolder.OptimizerFile, RunFolder.ArchFile, ProxylessArch.JsonFile })
            Assert.True(RunTestData.Sha256(Path.Combine(straight.Path, file)) == RunTestData.Sha256(Path.Combine(broken.Path, file)), $"{file} differs");
        Assert.Equal(RunTestData.MetricsWithoutTimes(straight.Path), RunTestData.MetricsWithoutTimes(broken.Path));

        // The same search under a MAC budget just below the derived network's cost: training is unchanged (same importances), the
        // derivation picks another architecture that fits, and budget.json records both.
        var settings = new ProxylessCostSettings { Resolution = 8, InputChannels = 1, Classes = 4, StemStride = 1 };
        long macs = ProxylessCost.Network(arch, settings).Macs;
        using var budgeted = new TempDir();
        var under = SearchRun.Run(Config(budgeted.Path) with { MaxMacs = macs - 1 }, Data, SearchSpaces.Create);
        var chosen = ProxylessArch.Parse(under.Last!.Arch);
        Assert.NotEqual(arch, chosen);
        Assert.True(ProxylessCost.Network(chosen, settings).Macs <= macs - 1);
        var importance = new RunFolder(straight.Path).ReadAttention(2).Modules.Select(m => m.Importance.ToArray()).ToList();
        Assert.Equal(importance.Select(v => v.ToList()), new RunFolder(budgeted.Path).ReadAttention(2).Modules.Select(m => m.Importance.ToList()));
        using var budget = JsonDocument.Parse(File.ReadAllText(Path.Combine(budgeted.Path, ProxylessBudgetFile.Name)));
        Assert.Equal(arch.ToString(), budget.RootElement.GetProperty("unconstrained").GetProperty("arch").GetString());
        Assert.Equal(chosen.ToString(), budget.RootElement.GetProperty("chosen").GetProperty("arch").GetString());
        Assert.Equal(macs, budget.RootElement.GetProperty("unconstrained").GetProperty("macs").GetInt64());
    }

    [Fact]
    public void ABudgetNoNetworkMeetsIsRefusedBeforeTheSearchStarts()
    {
        var config = SearchConfig.ForSpace(SearchSpaces.Proxyless) with { MaxMacs = 1000, OutDir = "x" };
        var problem = Assert.Single(config.SettingProblems());
        Assert.Equal(nameof(SearchConfig.MaxMacs), problem.Member);
        Assert.Contains("the cheapest network needs", problem.ToString());
        Assert.Contains("is a proxyless setting", Assert.Single((new SearchConfig { OutDir = "x", MaxParameters = 5 }).Problems()));
    }
}

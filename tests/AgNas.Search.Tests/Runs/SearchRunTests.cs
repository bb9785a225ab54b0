using System.Text.Json;
using AgNas.Autograd.Checkpoints;
using AgNas.Search.Runs;
using AgNas.Search.Tests.Data;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.TestSupport;

namespace AgNas.Search.Tests.Runs;

/// <summary>The search loop on <see cref="TinySupernet"/> over 96 tiny images: files, resume, stops.</summary>
[Collection(LiveTensorCollection.Name)]
public class SearchRunTests
{
    private static readonly SearchData Data = RunTestData.Quadrants();

    /// <summary>Cancels its token when a step (or the end of an epoch) is reached.</summary>
    private sealed class CancelAt(CancellationTokenSource cts, int epoch, int? trainStep = null, int? validBatch = null) : SearchObserver
    {
        public override void TrainStepCompleted(int e, int step, double loss)
        {
            if (e == epoch && step == trainStep) cts.Cancel();
        }

        public override void ValidationBatchCompleted(int e, int batch)
        {
            if (e == epoch && batch == validBatch) cts.Cancel();
        }

        public override void EpochCompleted(EpochRecord record, DerivedArchitecture arch)
        {
            if (record.Epoch == epoch && trainStep is null && validBatch is null) cts.Cancel();
        }
    }

    [Fact]
    public void ARunWritesEveryFileOfTheRunFolder()
    {
        using var dir = new TempDir();
        var config = RunTestData.Config(dir.Path);
        var records = new List<EpochRecord>();
        var result = SearchRun.Run(config, Data, TinySupernet.Factory(), new Recorder(records));

        Assert.Equal(SearchOutcome.Completed, result.Outcome);
        Assert.Equal(3, result.CompletedEpochs);
        var folder = new RunFolder(dir.Path);

        // config.json: the resolved settings, read back equal.
        Assert.Equal(config.Resolved(), folder.ReadConfig());

        // metrics.jsonl: one line per epoch with every field.
        var lines = File.ReadAllLines(folder.File(RunFolder.MetricsFile));
        Assert.Equal(3, lines.Length);
        foreach (var key in new[] { "epoch", "learning_rate", "train_loss", "train_accuracy", "valid_accuracy", "arch", "skip_connect_count", "seconds", "images_per_second" })
            Assert.Contains($"\"{key}\":", lines[0]);
        var metrics = lines.Select(l => JsonSerializer.Deserialize<EpochRecord>(l, RunJson.Options)!).ToList();
        Assert.Equal([1, 2, 3], metrics.Select(m => m.Epoch));
        Assert.Equal(records, metrics);
        Assert.All(metrics, m =>
        {
            Assert.Equal(48, m.TrainImages);
            Assert.Equal(48, m.ValidImages);
            Assert.True(double.IsFinite(m.TrainLoss) && m.TrainLoss > 0);
            Assert.InRange(m.TrainAccuracy, 0, 100);
            Assert.InRange(m.ValidAccuracy, 0, 100);
            Assert.True(m.Seconds > 0 && m.ImagesPerSecond > 0);
        });
        // Cosine per epoch, epoch e at t = e - 1: 0.025, then (0.025 + 0.001)/2 + (0.025 - 0.001)/2·cos(π/3), ...
        for (int e = 1; e <= 3; e++)
            Assert.Equal((float)(0.001 + 0.024 * (1 + Math.Cos(Math.PI * (e - 1) / 3)) / 2), (float)metrics[e - 1].LearningRate);

        // attention/epoch-NNN.json: edges with candidates, importances and choices; raw module sums named as in the network.
        for (int e = 1; e <= 3; e++)
        {
            var a = folder.ReadAttention(e);
            Assert.Equal(metrics[e - 1].Arch, a.Arch);
            Assert.Equal(48, a.ValidImages);
            Assert.Equal(TinySupernet.Candidates, a.Candidates);
            Assert.Equal(["edge0", "edge1"], a.Edges.Select(x => x.Name));
            Assert.All(a.Edges, x =>
            {
                Assert.Equal(TinySupernet.Candidates, x.Candidates);
                Assert.Equal(3, x.Importance.Count);
                Assert.InRange(x.Chosen, 1, 2); // none excluded
                Assert.Equal(TinySupernet.Candidates[x.Chosen], x.ChosenName);
            });
            Assert.Equal(["edge0.attention", "edge1.attention"], a.Modules.Select(m => m.Name));
            // Each candidate's sum over 48 images and 8 channels of sigmoid weights lies in (0, 384).
            Assert.All(a.Modules.SelectMany(m => m.Importance), v => Assert.InRange(v, 1e-9, 48 * 8));
            Assert.Equal(a.Modules[0].Importance.Select(v => v / 8), a.Edges[0].Importance);
        }
        Assert.False(File.Exists(folder.AttentionFile(4)));

        Assert.Equal(metrics[^1].Arch + "\n", File.ReadAllText(folder.File(RunFolder.ArchFile)));
        Assert.Equal(metrics[^1], result.Last);

        // The checkpoint loads into a fresh supernet of the same spec; the optimizer file holds every momentum buffer.
        using (var fresh = new TinySupernet(new SupernetSpec(1, 4, 8, false, 0), CpuBackend.Instance))
        {
            var meta = fresh.Network.LoadSafetensors(folder.Checkpoint);
            Assert.Equal("3", meta[RunFolder.EpochMetadataKey]);
        }
        var header = Safetensors.ReadHeader(folder.Optimizer);
        Assert.Equal("3", header.Metadata[RunFolder.EpochMetadataKey]);
        using (var s = new TinySupernet(new SupernetSpec(1, 4, 8, false, 0), CpuBackend.Instance))
            Assert.Equal(s.Network.NamedParameters().Select(p => p.Name + ".momentum_buffer").Order(), header.Entries.Select(e => e.Name).Order());

        var state = folder.ReadState();
        Assert.Equal(3, state.CompletedEpochs);
        Assert.True(state.Finished);
        Assert.Equal(metrics, state.Metrics);
        Assert.All(state.OptimizerSteps.Values, steps => Assert.Equal(9, steps));

        foreach (var png in new[] { RunFolder.CurvesPlot, RunFolder.AttentionPlot })
        {
            var bytes = File.ReadAllBytes(folder.File(png));
            Assert.True(bytes.Length > 1000, png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        // Nothing is left under a temporary name.
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp-*", SearchOption.AllDirectories));
    }

    private sealed class Recorder(List<EpochRecord> records) : SearchObserver
    {
        public override void EpochCompleted(EpochRecord record, DerivedArchitecture arch) => records.Add(record);
    }

    [Fact]
    public void NoPlotsWritesNoPngs()
    {
        using var dir = new TempDir();
        SearchRun.Run(RunTestData.Config(dir.Path) with { Epochs = 1, Plots = false }, Data, TinySupernet.Factory());
        Assert.False(File.Exists(Path.Combine(dir.Path, RunFolder.CurvesPlot)));
        Assert.False(File.Exists(Path.Combine(dir.Path, RunFolder.AttentionPlot)));
        Assert.True(File.Exists(Path.Combine(dir.Path, RunFolder.StateFile)));
    }

    /// <summary>
    /// Interrupted at the end of epoch 1, after a step of epoch 2, or during epoch 2's validation
    /// pass, then resumed: the same weights, optimizer state, importances, metrics and arch as a run
    /// that was never interrupted.
    /// </summary>
    [Theory]
    [InlineData(1, null, null)]
    [InlineData(2, 2, null)]
    [InlineData(2, null, 1)]
    public void AnInterruptedAndResumedRunEndsExactlyLikeAnUninterruptedOne(int epoch, int? trainStep, int? validBatch)
    {
        using var straight = new TempDir();
        using var broken = new TempDir();
        SearchRun.Run(RunTestData.Config(straight.Path), Data, TinySupernet.Factory());

        using var cts = new CancellationTokenSource();
        var first = SearchRun.Run(RunTestData.Config(broken.Path), Data, TinySupernet.Factory(),
            new CancelAt(cts, epoch, trainStep, validBatch), cancellation: cts.Token);
        Assert.Equal(SearchOutcome.Interrupted, first.Outcome);
        Assert.Equal(1, first.CompletedEpochs);
        // Nothing of epoch 2 was written.
        var folder = new RunFolder(broken.Path);
        Assert.Equal(1, folder.ReadState().CompletedEpochs);
        Assert.Single(File.ReadAllLines(folder.File(RunFolder.MetricsFile)));
        Assert.False(File.Exists(folder.AttentionFile(2)));
        Assert.Equal("1", Safetensors.ReadHeader(folder.Checkpoint).Metadata[RunFolder.EpochMetadataKey]);

        var second = SearchRun.Run(RunTestData.Config(broken.Path), Data, TinySupernet.Factory(), resume: true);
        Assert.Equal(SearchOutcome.Completed, second.Outcome);
        Assert.Equal(3, second.CompletedEpochs);

        AssertSameRun(straight.Path, broken.Path);
    }

    /// <summary>
    /// As <see cref="AnInterruptedAndResumedRunEndsExactlyLikeAnUninterruptedOne"/> with the proxyless search recipe's settings (linear
    /// per-step schedule to a floor, label smoothing, clip by value, two weight-decay groups).
    /// </summary>
    [Theory]
    [InlineData(1, null)]
    [InlineData(2, 2)]
    public void AnInterruptedAndResumedLinearScheduleSearchEndsExactlyLikeAnUninterruptedOne(int epoch, int? trainStep)
    {
        SearchConfig Linear(string dir) => RunTestData.Config(dir) with
        {
            LrSchedule = LrSchedules.Linear, LearningRateMin = 0.005, LabelSmoothing = 0.1, GradClipMode = GradClipModes.Value, GradClip = 0.05,
            WeightDecayScope = WeightDecayScopes.ConvAndClassifier,
        };
        using var straight = new TempDir();
        using var broken = new TempDir();
        SearchRun.Run(Linear(straight.Path), Data, TinySupernet.Factory());
        using var cts = new CancellationTokenSource();
        var first = SearchRun.Run(Linear(broken.Path), Data, TinySupernet.Factory(), new CancelAt(cts, epoch, trainStep, null), cancellation: cts.Token);
        Assert.Equal((SearchOutcome.Interrupted, 1), (first.Outcome, first.CompletedEpochs));
        Assert.Equal(3, SearchRun.Run(Linear(broken.Path), Data, TinySupernet.Factory(), resume: true).CompletedEpochs);
        AssertSameRun(straight.Path, broken.Path);
        var metrics = RunTestData.MetricsWithoutTimes(straight.Path);
        for (int e = 1; e <= 3; e++)
            Assert.Equal((float)AgNas.Autograd.Optim.LinearDecayLR.LearningRateAt(0.025f, 0.005, 9, 3 * (e - 1)), (float)metrics[e - 1].LearningRate);
    }

    /// <summary>Same tensors (named when they differ), same file bytes, metrics (timings aside), importances and archs.</summary>
    private static void AssertSameRun(string a, string b)
    {
        foreach (var file in new[] { RunFolder.CheckpointFile, RunFolder.OptimizerFile })
        {
            var ta = Safetensors.Load(Path.Combine(a, file), CpuBackend.Instance);
            var tb = Safetensors.Load(Path.Combine(b, file), CpuBackend.Instance);
            try
            {
                Assert.Equal(ta.Keys.Order(), tb.Keys.Order());
                var differ = ta.Keys.Where(k => ta[k].DType == DType.Int32
                    ? !ta[k].ToInt32Array().SequenceEqual(tb[k].ToInt32Array())
                    : !ta[k].ToArray().SequenceEqual(tb[k].ToArray())).ToList();
                Assert.True(differ.Count == 0, $"{file}: tensors differ: {string.Join(", ", differ)}");
            }
            finally
            {
                foreach (var t in ta.Values.Concat(tb.Values)) t.Dispose();
            }
        }
        foreach (var file in new[] { RunFolder.CheckpointFile, RunFolder.OptimizerFile, RunFolder.ArchFile })
            Assert.True(RunTestData.Sha256(Path.Combine(a, file)) == RunTestData.Sha256(Path.Combine(b, file)), $"{file} differs");
        Assert.Equal(RunTestData.MetricsWithoutTimes(a), RunTestData.MetricsWithoutTimes(b));
        for (int e = 1; e <= 3; e++)
        {
            var x = new RunFolder(a).ReadAttention(e);
            var y = new RunFolder(b).ReadAttention(e);
            Assert.Equal(x.Arch, y.Arch);
            for (int m = 0; m < x.Modules.Count; m++) Assert.Equal(x.Modules[m].Importance, y.Modules[m].Importance);
        }
    }

    [Fact]
    public void PrefetchDepthDoesNotChangeTheResult()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        SearchRun.Run(RunTestData.Config(a.Path) with { Prefetch = 0 }, Data, TinySupernet.Factory());
        SearchRun.Run(RunTestData.Config(b.Path) with { Prefetch = 2 }, Data, TinySupernet.Factory());
        AssertSameRun(a.Path, b.Path);
    }

    private sealed class PoisonAfter(Func<TinySupernet?> supernet, int epoch, string checkpoint, Action<byte[]> saved) : SearchObserver
    {
        public override void EpochCompleted(EpochRecord record, DerivedArchitecture arch)
        {
            if (record.Epoch != epoch) return;
            saved(File.ReadAllBytes(checkpoint));
            supernet()!.Poison = true;
        }
    }

    [Fact]
    public void ANonFiniteLossStopsTheRunWithAClearErrorAndKeepsTheLastCheckpoint()
    {
        using var dir = new TempDir();
        TinySupernet? built = null;
        byte[]? epoch1 = null;
        var folder = new RunFolder(dir.Path);
        var observer = new PoisonAfter(() => built, 1, folder.Checkpoint, b => epoch1 = b);

        var e = Assert.Throws<NonFiniteLossException>(() =>
            SearchRun.Run(RunTestData.Config(dir.Path), Data, TinySupernet.Factory(s => built = s), observer));
        Assert.Equal(2, e.Epoch);
        Assert.Equal(1, e.Step);
        Assert.Equal(1, e.CompletedEpochs);
        Assert.Contains("Epoch 2, step 1 of 3", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Contains("saved nothing of epoch 2", e.Message);
        Assert.Contains(folder.Path, e.Message);

        // The folder is exactly as epoch 1 left it.
        Assert.Equal(epoch1, File.ReadAllBytes(folder.Checkpoint));
        Assert.Equal(1, folder.ReadState().CompletedEpochs);
        Assert.Single(File.ReadAllLines(folder.File(RunFolder.MetricsFile)));
        Assert.False(File.Exists(folder.AttentionFile(2)));

        // And it resumes (the fresh supernet is not poisoned) to the same end as a clean run.
        var resumed = SearchRun.Run(RunTestData.Config(dir.Path), Data, TinySupernet.Factory(), resume: true);
        Assert.Equal(SearchOutcome.Completed, resumed.Outcome);
        using var clean = new TempDir();
        SearchRun.Run(RunTestData.Config(clean.Path), Data, TinySupernet.Factory());
        AssertSameRun(clean.Path, dir.Path);
    }

    [Fact]
    public void ResumingWithOtherSettingsIsRefusedNamingThem()
    {
        using var dir = new TempDir();
        using var cts = new CancellationTokenSource();
        var config = RunTestData.Config(dir.Path) with { Epochs = 2 };
        SearchRun.Run(config, Data, TinySupernet.Factory(), new CancelAt(cts, 1), cancellation: cts.Token);

        var e = Assert.Throws<SearchResumeException>(() =>
            SearchRun.Run(config with { Seed = 3, Momentum = 0.5 }, Data, TinySupernet.Factory(), resume: true));
        Assert.Contains("seed is 0 in the run, 3 given", e.Message);
        Assert.Contains("momentum is 0.9 in the run, 0.5 given", e.Message);

        // The learning rate may be lowered (to continue a run that diverged), not raised.
        var higher = Assert.Throws<SearchResumeException>(() =>
            SearchRun.Run(config with { LearningRate = 0.1 }, Data, TinySupernet.Factory(), resume: true));
        Assert.Contains("the run's learning rate is 0.025; 0.1 given. Resuming may lower it", higher.Message);

        var fewer = Assert.Throws<SearchResumeException>(() =>
            SearchRun.Run(config with { Epochs = 1 }, Data, TinySupernet.Factory(), resume: true));
        Assert.Contains("the run has 2 epochs and 1 completed; 1 given", fewer.Message);

        // Nothing was touched by the refusals: the run still resumes.
        Assert.Equal(2, SearchRun.Run(config, Data, TinySupernet.Factory(), resume: true).CompletedEpochs);
    }

    [Fact]
    public void ResumingMayChangeTheSettingsThatDoNotChangeTheResults()
    {
        using var straight = new TempDir();
        using var moved = new TempDir();
        SearchRun.Run(RunTestData.Config(straight.Path), Data, TinySupernet.Factory());

        // Interrupted after epoch 1, then resumed as on another machine: the data elsewhere, no prefetch, no plots.
        var first = RunTestData.Config(moved.Path);
        using (var cts = new CancellationTokenSource())
            SearchRun.Run(first, Data, TinySupernet.Factory(), new CancelAt(cts, 1), cancellation: cts.Token);
        var elsewhere = first with { DataDir = "/data/elsewhere", Prefetch = 0, Plots = false, Device = "cpu" };
        Assert.Equal(3, SearchRun.Run(elsewhere, Data, TinySupernet.Factory(), resume: true).CompletedEpochs);
        AssertSameRun(straight.Path, moved.Path);
        var saved = new RunFolder(moved.Path).ReadConfig();
        Assert.Equal(("/data/elsewhere", 0, false), (saved.DataDir, saved.Prefetch, saved.Plots));
        Assert.Null(RunSettings<SearchConfig>.ResumeProblem(moved.Path, first with { Device = "cuda:0" }, first, 1));
    }

    [Fact]
    public void GradientClipZeroMeansNoClipping()
    {
        using var none = new TempDir();
        using var loose = new TempDir();
        using var tight = new TempDir();
        SearchRun.Run(RunTestData.Config(none.Path) with { Epochs = 1, Plots = false, GradClip = 0 }, Data, TinySupernet.Factory());
        SearchRun.Run(RunTestData.Config(loose.Path) with { Epochs = 1, Plots = false, GradClip = 1e30 }, Data, TinySupernet.Factory());
        SearchRun.Run(RunTestData.Config(tight.Path) with { Epochs = 1, Plots = false, GradClip = 0.01 }, Data, TinySupernet.Factory());
        string Checkpoint(TempDir d) => RunTestData.Sha256(Path.Combine(d.Path, RunFolder.CheckpointFile));
        Assert.Equal(Checkpoint(loose), Checkpoint(none)); // a clip never reached is no clip
        Assert.NotEqual(Checkpoint(tight), Checkpoint(none));
    }

    [Fact]
    public void ResumingMayRaiseTheEpochCount()
    {
        using var dir = new TempDir();
        var config = RunTestData.Config(dir.Path) with { Epochs = 1 };
        SearchRun.Run(config, Data, TinySupernet.Factory());
        var result = SearchRun.Run(config with { Epochs = 2 }, Data, TinySupernet.Factory(), resume: true);
        Assert.Equal(2, result.CompletedEpochs);
        var folder = new RunFolder(dir.Path);
        Assert.Equal(2, folder.ReadConfig().Epochs);
        Assert.Equal(2, File.ReadAllLines(folder.File(RunFolder.MetricsFile)).Length);
        // Epoch 2 ran at t = 1 of a 2-epoch cosine: the minimum is reached only after the last epoch.
        Assert.Equal((float)(0.001 + 0.024 * (1 + Math.Cos(Math.PI / 2)) / 2), (float)folder.ReadState().Metrics[1].LearningRate);
    }

    [Fact]
    public void ANewRunRefusesAFolderThatHoldsARun()
    {
        using var dir = new TempDir();
        var config = RunTestData.Config(dir.Path) with { Epochs = 1 };
        SearchRun.Run(config, Data, TinySupernet.Factory());
        var e = Assert.Throws<IOException>(() => SearchRun.Run(config, Data, TinySupernet.Factory()));
        Assert.Contains("--resume", e.Message);
    }

    [Fact]
    public void ResumingAFolderWithAMismatchedCheckpointIsRefused()
    {
        using var dir = new TempDir();
        var config = RunTestData.Config(dir.Path) with { Epochs = 2 };
        SearchRun.Run(config, Data, TinySupernet.Factory());
        // Pretend the last save was cut between the checkpoint and state.json: state says 1, checkpoint says 2.
        var folder = new RunFolder(dir.Path);
        var state = folder.ReadState();
        folder.WriteState(state with { CompletedEpochs = 1, Finished = false, Metrics = state.Metrics.Take(1).ToList() });
        var e = Assert.Throws<SearchResumeException>(() => SearchRun.Run(config, Data, TinySupernet.Factory(), resume: true));
        Assert.Contains("holds epoch 2", e.Message);
    }

    [Fact]
    public void ASearchReleasesEveryTensorItCreated()
    {
        using var dir = new TempDir();
        var stats = CpuBackend.Instance.Stats;
        long before = stats.LiveTensors;
        SearchRun.Run(RunTestData.Config(dir.Path) with { Epochs = 1, Plots = false }, Data, TinySupernet.Factory());
        Assert.Equal(before, stats.LiveTensors);
    }

    [Fact]
    public void AnAttentionModuleOutsideTheNetworkIsRejected()
    {
        using var dir = new TempDir();
        using var stray = new AgNas.Search.Attention.AttentionModule(3, 4, 8, backend: CpuBackend.Instance);
        SupernetFactory detached = (space, spec, backend) => new Detached(new TinySupernet(spec, backend), stray);
        var e = Assert.Throws<InvalidOperationException>(() => SearchRun.Run(RunTestData.Config(dir.Path), Data, detached));
        Assert.Contains("not a submodule", e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, RunFolder.ConfigFile)));
    }

    /// <summary>Breaks the contract: one attention module is not part of the network.</summary>
    private sealed class Detached(TinySupernet inner, AgNas.Search.Attention.AttentionModule stray) : ISearchSupernet
    {
        public AgNas.Autograd.Modules.Module Network => inner.Network;
        public IReadOnlyList<AgNas.Search.Attention.AttentionModule> AttentionModules => [.. inner.AttentionModules, stray];
        public DerivedArchitecture Derive(IReadOnlyList<double[]> importance) => inner.Derive(importance);
    }
}

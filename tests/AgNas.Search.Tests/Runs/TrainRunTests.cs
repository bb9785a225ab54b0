using System.Text.Json;
using AgNas.Autograd.Checkpoints;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Tests.Data;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Runs;

/// <summary>Training runs of the NB201 evaluation network on 48 + 24 tiny images: files, best tracking, resume, refusals.</summary>
[Collection(LiveTensorCollection.Name)]
public class TrainRunTests
{
    private static readonly TrainData Data = RunTestData.TrainQuadrants();

    /// <summary>Cancels its token at a training step, a test batch, or the end of an epoch.</summary>
    private sealed class CancelAt(CancellationTokenSource cts, int epoch, int? trainStep = null, int? testBatch = null) : TrainObserver
    {
        public override void TrainStepCompleted(int e, int step, double loss)
        {
            if (e == epoch && step == trainStep) cts.Cancel();
        }

        public override void TestBatchCompleted(int e, int batch)
        {
            if (e == epoch && batch == testBatch) cts.Cancel();
        }

        public override void EpochCompleted(TrainEpochRecord record)
        {
            if (record.Epoch == epoch && trainStep is null && testBatch is null) cts.Cancel();
        }
    }

    private sealed class Recorder : TrainObserver
    {
        public TrainStart? Start { get; private set; }
        public List<TrainEpochRecord> Records { get; } = [];

        public override void Started(TrainStart start) => Start = start;

        public override void EpochCompleted(TrainEpochRecord record) => Records.Add(record);
    }

    private static Nb201Network Network(TrainConfig config) =>
        new(new Nb201NetworkConfig(Nb201Arch.Parse(config.Arch)) { InputChannels = 1, Classes = 4, Seed = (ulong)config.Seed });

    [Fact]
    public void ARunWritesEveryFileOfTheRunFolder()
    {
        using var dir = new TempDir();
        var config = RunTestData.TrainConfig(dir.Path);
        var recorder = new Recorder();
        var result = TrainRun.Run(config, Data, recorder);

        Assert.Equal(TrainOutcome.Completed, result.Outcome);
        Assert.Equal(3, result.CompletedEpochs);
        var folder = new RunFolder(dir.Path);

        // config.json: the resolved settings, read back equal.
        Assert.Equal(config.Resolved(), folder.ReadConfig<TrainConfig>());

        // What the run reported as it started.
        var start = recorder.Start!;
        using (var net = Network(config)) Assert.Equal(net.ParameterCount(), start.ParameterCount);
        Assert.Null(start.BenchmarkCheck); // 4 classes: no benchmark network to compare with
        Assert.Equal((48, 24, 3, 2, 1), (start.TrainImages, start.TestImages, start.TrainBatches, start.TestBatches, start.FirstEpoch));
        Assert.Contains("RandomCrop(pad 1)", start.TrainAugmentation);
        Assert.Contains("Flip", start.TrainAugmentation);
        Assert.DoesNotContain("Crop", start.TestAugmentation);

        // metrics.jsonl: one line per epoch with every field.
        var lines = File.ReadAllLines(folder.File(RunFolder.MetricsFile));
        Assert.Equal(3, lines.Length);
        foreach (var key in new[] { "epoch", "learning_rate", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "best_test_accuracy", "best_epoch", "seconds", "images_per_second", "train_images", "test_images" })
            Assert.Contains($"\"{key}\":", lines[0]);
        var metrics = lines.Select(l => JsonSerializer.Deserialize<TrainEpochRecord>(l, RunJson.Options)!).ToList();
        Assert.Equal(recorder.Records, metrics);
        Assert.Equal([1, 2, 3], metrics.Select(m => m.Epoch));
        // NB201's schedule: cosine from 0.1 to 0 over 3 epochs, epoch e at t = e - 1.
        for (int e = 1; e <= 3; e++)
            Assert.Equal((float)(0.1 * (1 + Math.Cos(Math.PI * (e - 1) / 3)) / 2), (float)metrics[e - 1].LearningRate);
        for (int e = 0; e < 3; e++)
        {
            var m = metrics[e];
            Assert.Equal((48, 24), (m.TrainImages, m.TestImages));
            Assert.True(double.IsFinite(m.TrainLoss) && m.TrainLoss > 0 && double.IsFinite(m.TestLoss) && m.TestLoss > 0);
            Assert.InRange(m.TestAccuracy, 0, 100);
            Assert.True(m.Seconds > 0 && m.ImagesPerSecond > 0);
            // Best so far: the maximum of epochs 1..e, first reached at BestEpoch.
            double best = metrics.Take(e + 1).Max(x => x.TestAccuracy);
            Assert.Equal(best, m.BestTestAccuracy);
            Assert.Equal(metrics.First(x => x.TestAccuracy == best).Epoch, m.BestEpoch);
        }
        Assert.Equal(metrics[^1], result.Last);
        Assert.Equal(metrics[metrics[^1].BestEpoch - 1], result.Best);

        // The checkpoint loads into a fresh network; the optimizer file holds every momentum buffer.
        using (var fresh = Network(config))
        {
            Assert.Equal("3", fresh.LoadSafetensors(folder.Checkpoint)[RunFolder.EpochMetadataKey]);
            var header = Safetensors.ReadHeader(folder.Optimizer);
            Assert.Equal("3", header.Metadata[RunFolder.EpochMetadataKey]);
            Assert.Equal(fresh.NamedParameters().Select(p => p.Name + ".momentum_buffer").Order(), header.Entries.Select(x => x.Name).Order());
        }

        var state = folder.ReadState<TrainState>(TrainState.CurrentFormat);
        Assert.Equal(3, state.CompletedEpochs);
        Assert.True(state.Finished);
        Assert.Equal(metrics, state.Metrics);
        Assert.All(state.OptimizerSteps.Values, steps => Assert.Equal(9, steps));

        var png = File.ReadAllBytes(folder.File(RunFolder.CurvesPlot));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        // No search files, nothing under a temporary name.
        Assert.Equal(
            new[] { RunFolder.CheckpointFile, RunFolder.ConfigFile, RunFolder.CurvesPlot, RunFolder.MetricsFile, RunFolder.OptimizerFile, RunFolder.StateFile }.Order(),
            Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void TheArchIsStoredInItsCanonicalForm()
    {
        using var dir = new TempDir();
        var config = RunTestData.TrainConfig(dir.Path) with
        {
            Arch = "|nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|skip_connect~2|nor_conv_3x3~1|skip_connect~0|",
            Epochs = 1,
            Plots = false,
        };
        TrainRun.Run(config, Data);
        Assert.Equal(RunTestData.TrainConfig(dir.Path).Arch, new RunFolder(dir.Path).ReadConfig<TrainConfig>().Arch);
    }

    /// <summary>
    /// Interrupted at the end of epoch 1, after a step of epoch 2, or during epoch 2's test pass, then
    /// resumed: the same weights, optimizer state and metrics as a run that was never interrupted.
    /// </summary>
    [Theory]
    [InlineData(1, null, null)]
    [InlineData(2, 2, null)]
    [InlineData(2, null, 1)]
    public void AnInterruptedAndResumedRunEndsExactlyLikeAnUninterruptedOne(int epoch, int? trainStep, int? testBatch)
    {
        using var straight = new TempDir();
        using var broken = new TempDir();
        TrainRun.Run(RunTestData.TrainConfig(straight.Path), Data);

        using var cts = new CancellationTokenSource();
        var first = TrainRun.Run(RunTestData.TrainConfig(broken.Path), Data, new CancelAt(cts, epoch, trainStep, testBatch), cancellation: cts.Token);
        Assert.Equal(TrainOutcome.Interrupted, first.Outcome);
        Assert.Equal(1, first.CompletedEpochs);
        var folder = new RunFolder(broken.Path);
        Assert.Equal(1, folder.ReadState<TrainState>(TrainState.CurrentFormat).CompletedEpochs);
        Assert.Single(File.ReadAllLines(folder.File(RunFolder.MetricsFile)));
        Assert.Equal("1", Safetensors.ReadHeader(folder.Checkpoint).Metadata[RunFolder.EpochMetadataKey]);

        var second = TrainRun.Run(RunTestData.TrainConfig(broken.Path), Data, resume: true);
        Assert.Equal(TrainOutcome.Completed, second.Outcome);
        Assert.Equal(3, second.CompletedEpochs);
        AssertSameRun(straight.Path, broken.Path);
    }

    /// <summary>The proxyless recipe's pieces on an nb201 network: linear per-step schedule, label smoothing, clip by value, two weight-decay groups.</summary>
    private static TrainConfig LinearConfig(string dir) => RunTestData.TrainConfig(dir) with
    {
        LrSchedule = LrSchedules.Linear, LearningRateMin = 0.001, LabelSmoothing = 0.1, GradClip = 0.05, GradClipMode = GradClipModes.Value,
        WeightDecayScope = WeightDecayScopes.ConvAndClassifier, Nesterov = false,
    };

    /// <summary>As <see cref="AnInterruptedAndResumedRunEndsExactlyLikeAnUninterruptedOne"/> with the proxyless recipe's settings: the per-step rates restart exactly.</summary>
    [Theory]
    [InlineData(1, null)]
    [InlineData(2, 2)]
    public void AnInterruptedAndResumedLinearScheduleRunEndsExactlyLikeAnUninterruptedOne(int epoch, int? trainStep)
    {
        using var straight = new TempDir();
        using var broken = new TempDir();
        TrainRun.Run(LinearConfig(straight.Path), Data);
        using var cts = new CancellationTokenSource();
        var first = TrainRun.Run(LinearConfig(broken.Path), Data, new CancelAt(cts, epoch, trainStep), cancellation: cts.Token);
        Assert.Equal((TrainOutcome.Interrupted, 1), (first.Outcome, first.CompletedEpochs));
        Assert.Equal(3, TrainRun.Run(LinearConfig(broken.Path), Data, resume: true).CompletedEpochs);
        AssertSameRun(straight.Path, broken.Path);

        // Each epoch records its first step's rate: t = 3(e − 1) of 9 steps, down to the floor 0.001 at t = 9.
        var metrics = RunTestData.TrainMetricsWithoutTimes(straight.Path);
        for (int e = 1; e <= 3; e++)
            Assert.Equal((float)AgNas.Autograd.Optim.LinearDecayLR.LearningRateAt(0.1f, 0.001, 9, 3 * (e - 1)), (float)metrics[e - 1].LearningRate);
        // Two groups in the optimiser state (decayed, not decayed), saved and restored.
        Assert.Equal(2, new RunFolder(straight.Path).ReadState<TrainState>(TrainState.CurrentFormat).OptimizerGroups.Count);
    }

    [Fact]
    public void EachRecipeSettingChangesTheRun()
    {
        using var baseDir = new TempDir();
        TrainRun.Run(RunTestData.TrainConfig(baseDir.Path) with { Epochs = 1, Plots = false, GradClip = 0.05 }, Data);
        var baseline = RunTestData.Sha256(Path.Combine(baseDir.Path, RunFolder.CheckpointFile));
        foreach (var change in new Func<TrainConfig, TrainConfig>[]
                 {
                     c => c with { LrSchedule = LrSchedules.Linear }, c => c with { LabelSmoothing = 0.1 },
                     c => c with { GradClipMode = GradClipModes.Value }, c => c with { WeightDecayScope = WeightDecayScopes.ConvAndClassifier },
                 })
        {
            using var dir = new TempDir();
            var config = change(RunTestData.TrainConfig(dir.Path) with { Epochs = 1, Plots = false, GradClip = 0.05 });
            TrainRun.Run(config, Data);
            Assert.True(baseline != RunTestData.Sha256(Path.Combine(dir.Path, RunFolder.CheckpointFile)), config.ToJson());
        }
    }

    [Fact]
    public void TheProxylessNetworkTrainsWithItsRecipeAndResumesExactly()
    {
        using var dir = new TempDir();
        var config = TrainConfig.ForSpace(TrainConfig.ProxylessSpace) with
        {
            Arch = "1 1 -1 2 1 -1 5 1 1 -1 5 1 1 -1 1 4 3 -1 5 5 5", Dataset = "quadrants", StemStride = 1, Augment = "standard", Epochs = 2, BatchSize = 16,
            OutDir = Path.Combine(dir.Path, "whole"), Plots = false,
        };
        var whole = TrainRun.Run(config, Data);
        Assert.Equal(2, whole.CompletedEpochs);
        var weights = Safetensors.Load(Path.Combine(config.OutDir, RunFolder.CheckpointFile), CpuBackend.Instance);
        try
        {
            // AGNAS skips 5 of the 21 layers: 16 blocks, and the dropout sits before the classifier (no parameters).
            Assert.Contains("blocks.15.project.1.weight", weights.Keys);
            Assert.DoesNotContain(weights.Keys, k => k.StartsWith("blocks.16.", StringComparison.Ordinal));
            Assert.Contains("classifier.bias", weights.Keys);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }

        // Interrupted in epoch 2 and resumed, it ends where the uninterrupted run did (linear per-step schedule, dropout seeds per step).
        var parts = config with { OutDir = Path.Combine(dir.Path, "parts") };
        using var cts = new CancellationTokenSource();
        Assert.Equal(1, TrainRun.Run(parts, Data, new CancelAt(cts, 2, 1), cancellation: cts.Token).CompletedEpochs);
        Assert.Equal(2, TrainRun.Run(parts, Data, resume: true).CompletedEpochs);
        AssertSameRun(config.OutDir, parts.OutDir);
    }

    /// <summary>Same tensors (named when they differ), same file bytes, same metrics (timings aside).</summary>
    internal static void AssertSameRun(string a, string b)
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
            Assert.True(RunTestData.Sha256(Path.Combine(a, file)) == RunTestData.Sha256(Path.Combine(b, file)), $"{file} differs");
        }
        Assert.Equal(RunTestData.TrainMetricsWithoutTimes(a), RunTestData.TrainMetricsWithoutTimes(b));
    }

    [Fact]
    public void GradientClippingIsOffByDefaultAndChangesTheRunWhenSet()
    {
        using var plain = new TempDir();
        using var clipped = new TempDir();
        Assert.Null(new TrainConfig().GradClip);
        TrainRun.Run(RunTestData.TrainConfig(plain.Path) with { Epochs = 1, Plots = false }, Data);
        TrainRun.Run(RunTestData.TrainConfig(clipped.Path) with { Epochs = 1, Plots = false, GradClip = 0.01 }, Data);
        Assert.NotEqual(RunTestData.Sha256(Path.Combine(plain.Path, RunFolder.CheckpointFile)), RunTestData.Sha256(Path.Combine(clipped.Path, RunFolder.CheckpointFile)));
    }

    [Fact]
    public void ResumingWithOtherSettingsIsRefusedNamingThem()
    {
        using var dir = new TempDir();
        var config = RunTestData.TrainConfig(dir.Path) with { Epochs = 2, Plots = false };
        using (var cts = new CancellationTokenSource())
            TrainRun.Run(config, Data, new CancelAt(cts, 1), cancellation: cts.Token);

        var e = Assert.Throws<TrainResumeException>(() =>
            TrainRun.Run(config with { Arch = "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|", Seed = 3 }, Data, resume: true));
        Assert.Contains("arch is |nor_conv_3x3~0|", e.Message);
        Assert.Contains("seed is 0 in the run, 3 given", e.Message);
        var fewer = Assert.Throws<TrainResumeException>(() => TrainRun.Run(config with { Epochs = 1 }, Data, resume: true));
        Assert.Contains("the run has 2 epochs and 1 completed; 1 given", fewer.Message);

        // Nothing was touched by the refusals; raising the epoch count is allowed.
        var result = TrainRun.Run(config with { Epochs = 3 }, Data, resume: true);
        Assert.Equal(3, result.CompletedEpochs);
        Assert.Equal(3, new RunFolder(dir.Path).ReadConfig<TrainConfig>().Epochs);
    }

    [Fact]
    public void ANewRunRefusesAFolderThatHoldsARunAndAResumeNeedsOne()
    {
        using var dir = new TempDir();
        var config = RunTestData.TrainConfig(dir.Path) with { Epochs = 1, Plots = false };
        Assert.Throws<TrainResumeException>(() => TrainRun.Run(config, Data, resume: true));
        TrainRun.Run(config, Data);
        Assert.Contains("--resume", Assert.Throws<IOException>(() => TrainRun.Run(config, Data)).Message);
    }

    [Fact]
    public void ResumingAFolderWithAMismatchedCheckpointIsRefused()
    {
        using var dir = new TempDir();
        var config = RunTestData.TrainConfig(dir.Path) with { Epochs = 2, Plots = false };
        TrainRun.Run(config, Data);
        var folder = new RunFolder(dir.Path);
        var state = folder.ReadState<TrainState>(TrainState.CurrentFormat);
        folder.WriteState(state with { CompletedEpochs = 1, Finished = false, Metrics = state.Metrics.Take(1).ToList() });
        var e = Assert.Throws<TrainResumeException>(() => TrainRun.Run(config, Data, resume: true));
        Assert.Contains("holds epoch 2", e.Message);
    }

    [Fact]
    public void ASearchRunFolderIsNotATrainingRun()
    {
        using var dir = new TempDir();
        SearchRun.Run(RunTestData.Config(dir.Path) with { Epochs = 1, Plots = false }, RunTestData.Quadrants(), AgNas.TestSupport.TinySupernet.Factory());
        var e = Assert.Throws<InvalidDataException>(() => TrainRun.Run(RunTestData.TrainConfig(dir.Path), Data, resume: true));
        Assert.Contains("format 'agnas-search-state/1', expected 'agnas-train-state/1'", e.Message);
    }

    [Theory]
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|", typeof(Nb201ArchFormatException), "expected 3 nodes")]
    [InlineData("", typeof(ArgumentException), "arch is empty")]
    public void ABadArchIsRefusedBeforeAnythingIsWritten(string arch, Type exception, string message)
    {
        using var dir = new TempDir();
        var e = Assert.Throws(exception, () => TrainRun.Run(RunTestData.TrainConfig(dir.Path) with { Arch = arch }, Data));
        Assert.Contains(message, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AnUnknownSpaceIsRefused()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ArgumentException>(() => TrainRun.Run(RunTestData.TrainConfig(dir.Path) with { Space = "nb301" }, Data));
        Assert.Contains("unknown space 'nb301'", e.Message);
    }

    [Fact]
    public void ATrainingRunReleasesEveryTensorItCreated()
    {
        using var dir = new TempDir();
        var stats = CpuBackend.Instance.Stats;
        long before = stats.LiveTensors;
        TrainRun.Run(RunTestData.TrainConfig(dir.Path) with { Epochs = 1, Plots = false }, Data);
        Assert.Equal(before, stats.LiveTensors);
    }
}

using AgNas.Autograd.Checkpoints;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Tests.Data;
using AgNas.Search.Tests.Runs;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Darts;

/// <summary>Training runs of the DARTS evaluation network on 48 + 24 tiny 20×20 images: recipe, files, drop-path ramp, resume.</summary>
[Collection(LiveTensorCollection.Name)]
public class DartsTrainRunTests
{
    private static readonly TrainData Data = RunTestData.DartsQuadrants();

    private sealed class Recorder : TrainObserver
    {
        public TrainStart? Start { get; private set; }

        public override void Started(TrainStart start) => Start = start;
    }

    private sealed class CancelAt(CancellationTokenSource cts, int epoch, int step) : TrainObserver
    {
        public override void TrainStepCompleted(int e, int s, double loss)
        {
            if (e == epoch && s == step) cts.Cancel();
        }
    }

    [Fact]
    public void TheDartsRecipeIsDartsRetraining()
    {
        // agnas-facts §3.4.
        var c = TrainConfig.ForSpace("darts");
        Assert.Equal((600, 96, 0.025, 0.0, 0.9, false, 3e-4, (double?)5), (c.Epochs, c.BatchSize, c.LearningRate, c.LearningRateMin, c.Momentum, c.Nesterov, c.WeightDecay, c.GradClip));
        Assert.Equal((16, (double?)0.2, (double?)0.4, (int?)36, (int?)20), (c.Cutout, c.DropPath, c.AuxiliaryWeight, c.Channels, c.Layers));
        // The drop-path ramp: 0 in the first epoch, DropPath·(e − 1)/E after.
        Assert.Equal(0f, TrainRun.DropPathAt(0.2, 1, 600));
        Assert.Equal(0.1f, TrainRun.DropPathAt(0.2, 301, 600));
        Assert.Equal((float)(0.2 * 599 / 600), TrainRun.DropPathAt(0.2, 600, 600));
    }

    [Fact]
    public void ADartsRunTrainsTheGenotypesNetworkAndStoresItsCells()
    {
        using var dir = new TempDir();
        var recorder = new Recorder();
        var config = RunTestData.DartsTrainConfig(dir.Path);
        var result = TrainRun.Run(config, Data, recorder);
        Assert.Equal(TrainOutcome.Completed, result.Outcome);

        var start = recorder.Start!;
        using (var net = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.DartsV2))
               { InputChannels = 1, ImageHeight = 20, ImageWidth = 20, Classes = 4, Channels = 4, Layers = 3 }))
        {
            Assert.Equal(net.ParameterCountWithoutAuxiliary(), start.ParameterCount);
            Assert.Equal(net.AuxiliaryParameterCount(), start.AuxiliaryParameterCount);
            Assert.True(start.AuxiliaryParameterCount > 0);
        }
        Assert.Null(start.BenchmarkCheck);
        Assert.Equal(DartsGenotypes.DartsV2.ToString(), start.Arch);
        Assert.EndsWith("Cutout(16)", start.TrainAugmentation);
        Assert.DoesNotContain("Cutout", start.TestAugmentation);

        // config.json holds the cells themselves, not the name.
        var saved = new RunFolder(dir.Path).ReadConfig<TrainConfig>();
        Assert.Equal(DartsGenotypes.DartsV2.ToString(), saved.Genotype);
        Assert.Equal(config.Resolved(), saved);
        Assert.True(double.IsFinite(result.Last!.TrainLoss) && double.IsFinite(result.Last.TestLoss));
        // The weights saved load into the network of the stored genotype, the auxiliary head included.
        using var fresh = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Parse(saved.Genotype))
            { InputChannels = 1, ImageHeight = 20, ImageWidth = 20, Classes = 4, Channels = 4, Layers = 3 });
        Assert.Equal("2", fresh.LoadSafetensors(new RunFolder(dir.Path).Checkpoint)[RunFolder.EpochMetadataKey]);
    }

    /// <summary>Drop-path masks and the auxiliary loss are part of the run: a resumed run ends with the same bytes.</summary>
    [Fact]
    public void AnInterruptedDartsRunResumesToTheSameEnd()
    {
        using var straight = new TempDir();
        using var broken = new TempDir();
        var config = RunTestData.DartsTrainConfig(straight.Path) with { Epochs = 3, DropPath = 0.5 };
        TrainRun.Run(config, Data);
        using var cts = new CancellationTokenSource();
        Assert.Equal(TrainOutcome.Interrupted, TrainRun.Run(config with { OutDir = broken.Path }, Data, new CancelAt(cts, 2, 1), cancellation: cts.Token).Outcome);
        Assert.Equal(TrainOutcome.Completed, TrainRun.Run(config with { OutDir = broken.Path }, Data, resume: true).Outcome);
        TrainRunTests.AssertSameRun(straight.Path, broken.Path);
    }

    [Fact]
    public void DropPathAndTheAuxiliaryWeightChangeTheRun()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        var config = RunTestData.DartsTrainConfig(a.Path);
        TrainRun.Run(config, Data);
        TrainRun.Run(config with { OutDir = b.Path, DropPath = 0.6 }, Data);
        TrainRun.Run(config with { OutDir = c.Path, AuxiliaryWeight = 0 }, Data);
        var checkpoint = RunFolder.CheckpointFile;
        Assert.NotEqual(RunTestData.Sha256(Path.Combine(a.Path, checkpoint)), RunTestData.Sha256(Path.Combine(b.Path, checkpoint)));
        // Without the head the checkpoint has no auxiliary_head tensors.
        Assert.NotEqual(RunTestData.Sha256(Path.Combine(a.Path, checkpoint)), RunTestData.Sha256(Path.Combine(c.Path, checkpoint)));
        // Drop-path only starts in epoch 2 (the ramp is 0 in epoch 1): epoch 1 is identical.
        Assert.Equal(RunTestData.TrainMetricsWithoutTimes(a.Path)[0], RunTestData.TrainMetricsWithoutTimes(b.Path)[0]);
        Assert.NotEqual(RunTestData.TrainMetricsWithoutTimes(a.Path)[1], RunTestData.TrainMetricsWithoutTimes(b.Path)[1]);
    }

    [Fact]
    public void BadGenotypesAndCrossSpaceSettingsAreRefusedBeforeAnythingIsWritten()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DartsGenotypeFormatException>(() => TrainRun.Run(RunTestData.DartsTrainConfig(dir.Path) with
        {
            Genotype = DartsGenotypes.DartsV2.ToString().Replace("('dil_conv_3x3', 2)", "('conv_3x3', 2)"),
        }, Data));
        Assert.Contains("normal[7]: op 'conv_3x3' is not in the searched DARTS set", e.Message);
        var settings = Assert.Throws<ArgumentException>(() => TrainRun.Run(RunTestData.DartsTrainConfig(dir.Path) with { Arch = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|" }, Data));
        Assert.Contains("arch is set, but the darts space takes a genotype", settings.Message);
        settings = Assert.Throws<ArgumentException>(() => TrainRun.Run(RunTestData.TrainConfig(dir.Path) with { Channels = 8, DropPath = 0.1 }, Data));
        Assert.Contains("channels 8 is a darts setting", settings.Message);
        Assert.Contains("drop path 0.1 is a darts setting", settings.Message);
        // 8×8 images reach the auxiliary head at 2×2.
        var small = Assert.Throws<ArgumentException>(() => TrainRun.Run(RunTestData.DartsTrainConfig(dir.Path), RunTestData.TrainQuadrants()));
        Assert.Contains("auxiliary weight of 0", small.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void ADartsRunReleasesEveryTensorItCreated()
    {
        using var dir = new TempDir();
        var stats = CpuBackend.Instance.Stats;
        long before = stats.LiveTensors;
        TrainRun.Run(RunTestData.DartsTrainConfig(dir.Path) with { Epochs = 1 }, Data);
        Assert.Equal(before, stats.LiveTensors);
    }
}

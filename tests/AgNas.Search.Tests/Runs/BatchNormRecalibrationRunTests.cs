using AgNas.Search.Runs;
using AgNas.Search.Tests.Data;
using AgNas.TestSupport;

namespace AgNas.Search.Tests.Runs;

/// <summary><c>--bn-recalibrate N</c> in a search: it changes the validation pass (not the training), and a resumed run repeats it exactly.</summary>
public class BatchNormRecalibrationRunTests
{
    private static readonly SearchData Data = RunTestData.Quadrants();

    private sealed class CancelAfterStep(CancellationTokenSource cts, int epoch, int step) : SearchObserver
    {
        public override void TrainStepCompleted(int e, int s, double loss)
        {
            if (e == epoch && s == step) cts.Cancel();
        }
    }

    [Fact]
    public void RecalibrationChangesTheValidationPassOnlyAndResumesExactly()
    {
        using var plain = new TempDir();
        using var straight = new TempDir();
        using var broken = new TempDir();
        SearchRun.Run(RunTestData.Config(plain.Path) with { Epochs = 2 }, Data, TinySupernet.Factory());
        SearchRun.Run(RunTestData.Config(straight.Path) with { Epochs = 2, BnRecalibrate = 2 }, Data, TinySupernet.Factory());
        var without = RunTestData.MetricsWithoutTimes(plain.Path);
        var with = RunTestData.MetricsWithoutTimes(straight.Path);
        // Epoch 1 trains identically (the recalibration comes after training); its validation pass and importance differ.
        Assert.Equal(without[0].TrainLoss, with[0].TrainLoss);
        Assert.NotEqual(new RunFolder(plain.Path).ReadAttention(1).Modules[0].Importance, new RunFolder(straight.Path).ReadAttention(1).Modules[0].Importance);

        using var cts = new CancellationTokenSource();
        var first = SearchRun.Run(RunTestData.Config(broken.Path) with { Epochs = 2, BnRecalibrate = 2 }, Data, TinySupernet.Factory(),
            new CancelAfterStep(cts, 2, 1), cancellation: cts.Token);
        Assert.Equal(1, first.CompletedEpochs);
        SearchRun.Run(RunTestData.Config(broken.Path) with { Epochs = 2, BnRecalibrate = 2 }, Data, TinySupernet.Factory(), resume: true);
        foreach (var file in new[] { RunFolder.CheckpointFile, RunFolder.OptimizerFile, RunFolder.ArchFile })
            Assert.True(RunTestData.Sha256(Path.Combine(straight.Path, file)) == RunTestData.Sha256(Path.Combine(broken.Path, file)), $"{file} differs");
        Assert.Equal(with, RunTestData.MetricsWithoutTimes(broken.Path));
    }
}

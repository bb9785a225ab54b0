using AgNas.Autograd.Optim;
using AgNas.Search.Runs;
using AgNas.Search.Tests.Data;

namespace AgNas.Search.Tests.Runs;

/// <summary>A run that diverged continues from its last good epoch at a lower learning rate (issue 10 item 3); a higher one is refused.</summary>
public class ResumeLowerLearningRateTests
{
    private static readonly TrainData Data = RunTestData.TrainQuadrants();

    private sealed class StopAfterEpoch(CancellationTokenSource cts, int epoch) : TrainObserver
    {
        public override void EpochCompleted(TrainEpochRecord record)
        {
            if (record.Epoch == epoch) cts.Cancel();
        }
    }

    [Fact]
    public void ResumingAtHalfTheRateContinuesTheScheduleFromHalfTheBase()
    {
        using var dir = new TempDir();
        var config = RunTestData.TrainConfig(dir.Path) with { Plots = false };
        using (var cts = new CancellationTokenSource())
            Assert.Equal(1, TrainRun.Run(config, Data, new StopAfterEpoch(cts, 1), cancellation: cts.Token).CompletedEpochs);

        var lower = config with { LearningRate = config.LearningRate / 2 };
        Assert.Null(RunSettings<TrainConfig>.ResumeProblem(dir.Path, lower.Resolved(), config.Resolved(), 1));
        Assert.Equal(3, TrainRun.Run(lower, Data, resume: true).CompletedEpochs);

        // Cosine per epoch from the halved base for epochs 2 and 3; epoch 1 ran at the old base.
        var metrics = RunTestData.TrainMetricsWithoutTimes(dir.Path);
        Assert.Equal((float)config.LearningRate, (float)metrics[0].LearningRate);
        for (int e = 2; e <= 3; e++)
            Assert.Equal((float)CosineAnnealingLR.LearningRateAt(config.LearningRate / 2, config.LearningRateMin, 3, e - 1), (float)metrics[e - 1].LearningRate, 6);
    }

    [Fact]
    public void RaisingTheRateOnResumeIsRefused()
    {
        var config = RunTestData.TrainConfig("x");
        var problem = RunSettings<TrainConfig>.ResumeProblem("x", config with { LearningRate = config.LearningRate * 2 }, config, 1);
        Assert.NotNull(problem);
        Assert.Contains("may lower it", problem);
    }
}

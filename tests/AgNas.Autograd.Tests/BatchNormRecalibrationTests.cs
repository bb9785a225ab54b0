using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Autograd.Tests;

/// <summary>BatchNorm2d's recalibration: reset, then a cumulative average of the batches that follow, then back to the momentum.</summary>
public class BatchNormRecalibrationTests
{
    private static Var Batch(float offset, float scale) =>
        new(Tensor.FromArray(Enumerable.Range(0, 2 * 2 * 3).Select(i => offset + scale * (i % 5)).ToArray(), new Shape(2, 2, 3, 1), CpuBackend.Instance));

    [Fact]
    public void RecalibratedStatisticsAreTheAverageOfTheBatchesSeenAndTheCountCarriesOn()
    {
        using var scope = TensorScope.Begin();
        using var bn = new BatchNorm2d(2);
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < 3; i++) bn.Forward(Batch(10f * i, 1f + i)); // momentum 0.1: statistics of the past
            Assert.Equal(3, bn.NumBatchesTracked);

            bn.BeginRecalibration();
            Assert.Equal([0f, 0f], bn.RunningMean!.ToArray());
            Assert.Equal([1f, 1f], bn.RunningVar!.ToArray());
            bn.Forward(Batch(1f, 2f));
            bn.Forward(Batch(5f, 1f));
            bn.EndRecalibration();
            Assert.Equal(3, bn.NumBatchesTracked);

            // The same two batches through a BN with PyTorch's momentum None from fresh statistics.
            using var cumulative = new BatchNorm2d(2, momentum: null);
            cumulative.Forward(Batch(1f, 2f));
            cumulative.Forward(Batch(5f, 1f));
            Assert.Equal(cumulative.RunningMean!.ToArray(), bn.RunningMean!.ToArray());
            Assert.Equal(cumulative.RunningVar!.ToArray(), bn.RunningVar!.ToArray());

            // After the recalibration the momentum applies again: 0.9·old + 0.1·new.
            var before = bn.RunningMean!.ToArray();
            bn.Forward(Batch(100f, 1f));
            using var reference = new BatchNorm2d(2);
            reference.Forward(Batch(100f, 1f)); // from mean 0: 0.1·batch mean
            var after = bn.RunningMean!.ToArray();
            var batchMean = reference.RunningMean!.ToArray().Select(m => m / 0.1f).ToArray();
            for (int c = 0; c < 2; c++) Assert.Equal(0.9f * before[c] + 0.1f * batchMean[c], after[c], 3);
            Assert.Equal(4, bn.NumBatchesTracked);
        }
    }

    [Fact]
    public void RecalibratingTwiceIsRefusedAndABatchNormWithoutRunningStatisticsIsLeftAlone()
    {
        using var bn = new BatchNorm2d(2);
        bn.BeginRecalibration();
        Assert.Throws<InvalidOperationException>(bn.BeginRecalibration);
        bn.EndRecalibration();
        using var plain = new BatchNorm2d(2, trackRunningStats: false);
        plain.BeginRecalibration();
        plain.EndRecalibration();
        Assert.Null(plain.RunningMean);
    }
}

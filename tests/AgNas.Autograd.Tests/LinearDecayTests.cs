using AgNas.Autograd.Optim;
using static AgNas.Autograd.Tests.TestUtil;

namespace AgNas.Autograd.Tests;

/// <summary>ProxylessNAS's per-step linear decay with a floor (agnas-facts §4.3, §4.4, §6 item 12), values worked by hand.</summary>
public class LinearDecayTests
{
    [Fact]
    public void TheFloorIsReachedAtTheLastStepThroughDelta()
    {
        // base 0.25, floor 5e-4, T 1000: Δ = 1000 / (1 − 0.002) = 1002.004…; t = 500 → 0.25·(1 − 500/Δ) = 0.25 − 500·0.2495/1000 = 0.12525.
        double delta = 1000 / (1 - 5e-4 / 0.25);
        Assert.Equal(1002.004008016032, delta, 9);
        Assert.Equal(0.25, LinearDecayLR.LearningRateAt(0.25, 5e-4, 1000, 0), 15);
        Assert.Equal(0.12525, LinearDecayLR.LearningRateAt(0.25, 5e-4, 1000, 500), 12);
        Assert.Equal(0.25 * (1 - 999 / delta), LinearDecayLR.LearningRateAt(0.25, 5e-4, 1000, 999), 15);
        Assert.Equal(5e-4, LinearDecayLR.LearningRateAt(0.25, 5e-4, 1000, 1000), 12);
        // Flat at the floor afterwards (the reference steps only while lr > min).
        Assert.Equal(5e-4, LinearDecayLR.LearningRateAt(0.25, 5e-4, 1000, 1001));
        Assert.Equal(5e-4, LinearDecayLR.LearningRateAt(0.25, 5e-4, 1000, 50_000));
    }

    [Fact]
    public void WithoutAFloorItIsLinearToZeroAndClampedThere()
    {
        // The retrain: lr0 0.5, T = (1 281 167 // 1024)·240 = 300 240; t = T/2 → 0.25; past T the factor would go negative (§6.12): 0.
        const long T = 1_281_167 / 1024 * 240;
        Assert.Equal(300_240, T);
        Assert.Equal(0.25, LinearDecayLR.LearningRateAt(0.5, 0, T, T / 2), 15);
        Assert.Equal(0.5 * 240 / T, LinearDecayLR.LearningRateAt(0.5, 0, T, T - 240), 15);
        Assert.Equal(0.0, LinearDecayLR.LearningRateAt(0.5, 0, T, T));
        Assert.Equal(0.0, LinearDecayLR.LearningRateAt(0.5, 0, T, T + 240));
    }

    [Fact]
    public void AFloorAtTheBaseKeepsTheBase() =>
        Assert.Equal(0.1, LinearDecayLR.LearningRateAt(0.1, 0.1, 10, 5));

    [Fact]
    public void TheScheduleSetsEveryGroupAndResumesFromItsInitialRate()
    {
        using var opt = new Sgd([new ParamGroup([("a", Param(1f))]), new ParamGroup([("b", Param(1f))], weightDecay: 0f)], learningRate: 0.4f, weightDecay: 1e-4f);
        var schedule = new LinearDecayLR(opt, totalSteps: 8, minLearningRate: 0);
        Assert.Equal(0, schedule.LastStep);
        Assert.Equal(0.4f, opt.Groups[0].LearningRate);
        for (int i = 0; i < 6; i++) schedule.Step();
        Assert.Equal((float)(0.4f * (1 - 6 / 8.0)), opt.Groups[0].LearningRate);
        Assert.Equal(opt.Groups[0].LearningRate, opt.Groups[1].LearningRate);

        // A schedule created on a restored optimiser (lastStep ≥ 0) starts from the saved initial rate, not the current one.
        using var resumed = new Sgd([new ParamGroup([("a", Param(1f))]), new ParamGroup([("b", Param(1f))], weightDecay: 0f)], learningRate: 0.4f);
        resumed.LearningRate = 0.1f; // what the last step ran at
        foreach (var g in resumed.Groups) Assert.Equal(0.4f, g.InitialLearningRate);
        var again = new LinearDecayLR(resumed, totalSteps: 8, minLearningRate: 0, lastStep: 5);
        Assert.Equal(6, again.LastStep);
        Assert.Equal(opt.Groups[0].LearningRate, resumed.Groups[0].LearningRate);
        for (int i = 0; i < 4; i++) again.Step();
        Assert.Equal(0f, resumed.LearningRate); // clamped at 0 past T
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        using var opt = new Sgd([("w", Param(1f))], learningRate: 0.1f);
        Assert.Throws<ArgumentException>(() => new LinearDecayLR(opt, 0));
        Assert.Throws<ArgumentException>(() => new LinearDecayLR(opt, 10, -1));
        Assert.Throws<ArgumentException>(() => new LinearDecayLR(opt, 10, lastStep: -2));
        Assert.Throws<ArgumentException>(() => LinearDecayLR.LearningRateAt(0.1, 0, 10, -1));
    }
}

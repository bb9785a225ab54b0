using AgNas.Autograd.Optim;
using static AgNas.Autograd.Tests.TestUtil;

namespace AgNas.Autograd.Tests;

public class ScheduleTests
{
    private static Sgd Opt(float lr = 0.025f) => new([("w", Param(1f))], learningRate: lr, momentum: 0.9f);

    [Fact]
    public void CosineToZeroAtZeroHalfAndEnd()
    {
        // base 0.025, eta_min 0, T 50: t = 0 → 0.025; t = 25 → cos(π/2) = 0 → 0.0125; t = 50 → cos(π) = −1 → 0.
        using var opt = Opt();
        var sched = new CosineAnnealingLR(opt, tMax: 50);
        Assert.Equal(0, sched.LastEpoch);
        Assert.Equal(0.025f, opt.LearningRate);
        for (int i = 0; i < 25; i++) sched.Step();
        Assert.Equal(0.0125, opt.LearningRate, 1e-9);
        for (int i = 0; i < 25; i++) sched.Step();
        Assert.Equal(0.0, opt.LearningRate, 1e-9);
        Assert.Equal(50, sched.LastEpoch);
    }

    [Fact]
    public void CosineWithEtaMin()
    {
        // DARTS search: base 0.025 → 0.001 over 50. t = 0 → 0.025; t = 25 → 0.001 + 0.024·½ = 0.013;
        // t = 50 → 0.001. T 48, t 16: cos(π/3) = ½ → 0.001 + 0.024·¾ = 0.019.
        Assert.Equal(0.025, CosineAnnealingLR.LearningRateAt(0.025, 0.001, 50, 0), 12);
        Assert.Equal(0.013, CosineAnnealingLR.LearningRateAt(0.025, 0.001, 50, 25), 12);
        Assert.Equal(0.001, CosineAnnealingLR.LearningRateAt(0.025, 0.001, 50, 50), 12);
        Assert.Equal(0.019, CosineAnnealingLR.LearningRateAt(0.025, 0.001, 48, 16), 12);

        using var opt = Opt();
        var sched = new CosineAnnealingLR(opt, tMax: 50, etaMin: 0.001);
        for (int i = 0; i < 50; i++) sched.Step();
        Assert.Equal(0.001, opt.LearningRate, 1e-9);
    }

    [Fact]
    public void EachGroupAnnealsFromItsOwnBase()
    {
        using var opt = new Sgd(
            [new ParamGroup([("a", Param(1f))]), new ParamGroup([("b", Param(1f))], learningRate: 0.1f)],
            learningRate: 0.02f);
        var sched = new CosineAnnealingLR(opt, tMax: 10);
        sched.LastEpoch = 5;
        Assert.Equal(0.01, opt.Groups[0].LearningRate, 1e-9);
        Assert.Equal(0.05, opt.Groups[1].LearningRate, 1e-9);
        // The closed form runs in float64, from the float32 base rates the groups hold.
        Assert.Equal(0.01, sched.CurrentLearningRates()[0], 1e-9);
        Assert.Equal(0.05, sched.CurrentLearningRates()[1], 1e-9);
    }

    [Fact]
    public void ResumingBySettingLastEpochMatchesSteppingThrough()
    {
        using var a = Opt();
        var sa = new CosineAnnealingLR(a, tMax: 50, etaMin: 0.001);
        for (int i = 0; i < 17; i++) sa.Step();
        var saved = a.ExportState();

        // A resumed run: the optimiser state brings the initial rate back, the schedule jumps to t = 17.
        using var b = Opt(lr: 0.5f); // a different configured rate must not matter once the state is imported
        b.ImportState(saved);
        var sb = new CosineAnnealingLR(b, tMax: 50, etaMin: 0.001, lastEpoch: 16); // PyTorch's convention: the constructor steps once
        Assert.Equal(17, sb.LastEpoch);
        Assert.Equal(a.LearningRate, b.LearningRate);
        sa.Step();
        sb.Step();
        Assert.Equal(a.LearningRate, b.LearningRate);

        using var c = Opt();
        c.ImportState(saved);
        var sc = new CosineAnnealingLR(c, tMax: 50, etaMin: 0.001, lastEpoch: 0);
        sc.LastEpoch = 18;
        Assert.Equal(a.LearningRate, c.LearningRate);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        using var opt = Opt();
        Assert.Throws<ArgumentException>(() => new CosineAnnealingLR(opt, tMax: 0));
        Assert.Throws<ArgumentException>(() => new CosineAnnealingLR(opt, tMax: 5, etaMin: -1));
        var s = new CosineAnnealingLR(opt, tMax: 5);
        Assert.Throws<ArgumentException>(() => s.LastEpoch = -1);
    }
}

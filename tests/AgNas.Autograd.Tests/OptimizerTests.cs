using AgNas.Autograd.Optim;
using AgNas.Tensors;
using AgNas.Tests;
using static AgNas.Autograd.Tests.TestUtil;
using AgNas.Tensors.Cpu;

namespace AgNas.Autograd.Tests;

/// <summary>Optimiser semantics, run on every backend (instantiate with the backend under test).</summary>
public abstract class OptimizerTests(IBackend backend)
{
    protected IBackend Backend { get; } = backend;

    private Parameter Param(params float[] values) => TestUtil.Param(Backend, values);

    private static (string, Parameter)[] Named(params Parameter[] ps) => ps.Select((p, i) => ($"p{i}", p)).ToArray();

    [Fact]
    public void SgdMatchesPyTorchTwoStepsWithMomentumAndWeightDecay()
    {
        var r = RefCase.Load("sgd_momentum_wd_two_steps");
        var p = new Parameter(r.ToTensor("inputs", "param_0", Backend));
        using var opt = new Sgd(Named(p), learningRate: r.Config.GetProperty("lr").GetSingle(),
            momentum: r.Config.GetProperty("momentum").GetSingle(), dampening: r.Config.GetProperty("dampening").GetSingle(),
            weightDecay: r.Config.GetProperty("weight_decay").GetSingle(), nesterov: r.Config.GetProperty("nesterov").GetBoolean());

        SetGrad(p, r.Get("inputs", "grad_1").Data);
        opt.Step();
        Approx.Equal(r.Get("outputs", "param_1").Data, Values(p), what: "param after step 1");
        SetGrad(p, r.Get("inputs", "grad_2").Data);
        opt.Step();
        Approx.Equal(r.Get("outputs", "param_2").Data, Values(p), what: "param after step 2");
        Assert.Equal(2, opt.StepCount(p));
    }

    [Fact]
    public void SgdAddsWeightDecayToTheGradientBeforeMomentum()
    {
        // p0 = 1, lr 0.1, momentum 0.9, wd 0.5, grads 2 then 1.
        // step 1: d = 2 + 0.5·1 = 2.5; buf = 2.5 (first step: no momentum term); p1 = 1 − 0.25 = 0.75
        // step 2: d = 1 + 0.5·0.75 = 1.375; buf = 0.9·2.5 + 1.375 = 3.625; p2 = 0.75 − 0.3625 = 0.3875
        // (decoupled decay would give buf = 0.9·2 + 1 = 2.8 and p2 = 0.75 − 0.1·(2.8 + 0.375) = 0.4325)
        var p = Param(1f);
        using var opt = new Sgd(Named(p), learningRate: 0.1f, momentum: 0.9f, weightDecay: 0.5f);
        SetGrad(p, 2f);
        opt.Step();
        Approx.Equal([0.75f], Values(p), atol: 1e-6);
        SetGrad(p, 1f);
        opt.Step();
        Approx.Equal([0.3875f], Values(p), atol: 1e-6);
    }

    [Fact]
    public void SgdNesterov()
    {
        // p0 = 1, lr 0.1, momentum 0.9, grads 2 then 1.
        // step 1: buf = 2; d = 2 + 0.9·2 = 3.8; p1 = 1 − 0.38 = 0.62
        // step 2: buf = 0.9·2 + 1 = 2.8; d = 1 + 0.9·2.8 = 3.52; p2 = 0.62 − 0.352 = 0.268
        var p = Param(1f);
        using var opt = new Sgd(Named(p), learningRate: 0.1f, momentum: 0.9f, nesterov: true);
        SetGrad(p, 2f);
        opt.Step();
        Approx.Equal([0.62f], Values(p), atol: 1e-6);
        SetGrad(p, 1f);
        opt.Step();
        Approx.Equal([0.268f], Values(p), atol: 1e-6);
    }

    [Fact]
    public void SgdDampeningSkipsTheFirstStep()
    {
        // p0 = 1, lr 0.1, momentum 0.9, dampening 0.5, grads 2 then 1.
        // step 1: buf = d = 2 (PyTorch does not dampen the first step); p1 = 1 − 0.2 = 0.8
        // step 2: buf = 0.9·2 + (1 − 0.5)·1 = 2.3; p2 = 0.8 − 0.23 = 0.57
        var p = Param(1f);
        using var opt = new Sgd(Named(p), learningRate: 0.1f, momentum: 0.9f, dampening: 0.5f);
        SetGrad(p, 2f);
        opt.Step();
        Approx.Equal([0.8f], Values(p), atol: 1e-6);
        SetGrad(p, 1f);
        opt.Step();
        Approx.Equal([0.57f], Values(p), atol: 1e-6);
    }

    [Fact]
    public void SgdRejectsNesterovWithoutMomentumOrWithDampening()
    {
        var p = Param(1f);
        Assert.Throws<ArgumentException>(() => new Sgd(Named(p), 0.1f, momentum: 0f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(Named(p), 0.1f, momentum: 0.9f, dampening: 0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(Named(p), -0.1f));
    }

    [Fact]
    public void NullGradientsAreSkippedAndMomentumStartsAtEachParametersFirstStep()
    {
        // a gets gradients at steps 1 and 2; b only at step 2, where its buffer starts as d (first step).
        var a = Param(1f);
        var b = Param(1f);
        using var opt = new Sgd(Named(a, b), learningRate: 0.1f, momentum: 0.9f);
        SetGrad(a, 2f);
        opt.Step();
        Assert.Equal([1f], Values(b));
        Assert.Equal(0, opt.StepCount(b));
        Assert.DoesNotContain(opt.ExportState().Tensors, t => t.Name.StartsWith("p1.", StringComparison.Ordinal));
        SetGrad(a, 1f);
        SetGrad(b, 2f);
        opt.Step();
        // a: buf = 0.9·2 + 1 = 2.8, p = 0.8 − 0.28 = 0.52; b: buf = 2, p = 1 − 0.2 = 0.8
        Approx.Equal([0.52f], Values(a), atol: 1e-6);
        Approx.Equal([0.8f], Values(b), atol: 1e-6);
        Assert.Equal(1, opt.StepCount(b));
    }

    [Fact]
    public void ZeroGradClearsTheGradients()
    {
        var a = Param(1f, 2f);
        var b = Param(3f);
        using var opt = new Sgd(Named(a, b), learningRate: 0.1f);
        SetGrad(a, 1f, 1f);
        SetGrad(b, 1f);
        opt.ZeroGrad();
        Assert.Null(a.Grad);
        Assert.Null(b.Grad);
        opt.Step(); // nothing to do
        Assert.Equal([1f, 2f], Values(a));
    }

    [Fact]
    public void WeightDecayAndLearningRateApplyOnlyToTheirGroup()
    {
        // Zero gradients: only weight decay moves a parameter. Group "decayed": p −= 0.1·0.5·p → 0.95;
        // group "plain" (optimiser default wd 0): unchanged. Group "fast": lr 1, wd 0.5 → 1 − 0.5 = 0.5.
        var decayed = Param(1f);
        var plain = Param(1f);
        var fast = Param(1f);
        using var opt = new Sgd(
            [
                new ParamGroup([("decayed", decayed)], weightDecay: 0.5f),
                new ParamGroup([("plain", plain)]),
                new ParamGroup([("fast", fast)], learningRate: 1f, weightDecay: 0.5f),
            ],
            learningRate: 0.1f, momentum: 0.9f);
        Assert.Equal(0f, opt.Groups[1].WeightDecay);
        Assert.Equal(0.1f, opt.Groups[1].LearningRate);
        foreach (var p in new[] { decayed, plain, fast }) SetGrad(p, 0f);
        opt.Step();
        Approx.Equal([0.95f], Values(decayed), atol: 1e-6);
        Assert.Equal([1f], Values(plain));
        Approx.Equal([0.5f], Values(fast), atol: 1e-6);
    }

    [Fact]
    public void LearningRateIsSettablePerGroupAndForAll()
    {
        var a = Param(1f);
        var b = Param(1f);
        using var opt = new Sgd([new ParamGroup([("a", a)]), new ParamGroup([("b", b)])], learningRate: 0.1f);
        opt.Groups[1].LearningRate = 0.5f;
        SetGrad(a, 1f);
        SetGrad(b, 1f);
        opt.Step();
        Approx.Equal([0.9f], Values(a), atol: 1e-6);
        Approx.Equal([0.5f], Values(b), atol: 1e-6);
        opt.LearningRate = 0f;
        Assert.All(opt.Groups, g => Assert.Equal(0f, g.LearningRate));
        Assert.Throws<ArgumentException>(() => opt.Groups[0].LearningRate = -1f);
    }

    [Fact]
    public void AParameterInTwoGroupsIsRejected()
    {
        var p = Param(1f);
        var q = Param(1f);
        Assert.Throws<ArgumentException>(() => new Sgd([new ParamGroup([("a", p)]), new ParamGroup([("b", p)])], 0.1f));
        Assert.Throws<ArgumentException>(() => new Sgd([("a", p), ("a", q)], 0.1f));
        Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<ParamGroup>(), 0.1f));
    }

    [Fact]
    public void AdamFirstTwoStepsByHand()
    {
        // p0 = 1, lr 0.1, β1 0.9, β2 0.999, eps 1e-8, grads 2 then 1.
        // step 1: m = 0.2, v = 0.004; m̂ = 2, v̂ = 4; p1 = 1 − 0.1·2/(2 + 1e-8) = 0.9
        // step 2: m = 0.18 + 0.1 = 0.28, v = 0.003996 + 0.001 = 0.004996;
        //         m̂ = 0.28/0.19 = 1.4736842, v̂ = 0.004996/0.001999 = 2.4992496, √v̂ = 1.5809015;
        //         p2 = 0.9 − 0.1·1.4736842/1.5809015 = 0.9 − 0.0932180 = 0.8067820
        var p = Param(1f);
        using var opt = new Adam(Named(p), learningRate: 0.1f);
        SetGrad(p, 2f);
        opt.Step();
        Approx.Equal([0.9f], Values(p), atol: 1e-6);
        SetGrad(p, 1f);
        opt.Step();
        Approx.Equal([0.806782f], Values(p), atol: 1e-6);
        Assert.Equal(2, opt.StepCount(p));
    }

    [Fact]
    public void AdamAddsWeightDecayToTheGradient()
    {
        // As above with wd 0.5: g1 = 2 + 0.5·1 = 2.5 → p1 = 0.9 (m̂/√v̂ = 1 on step 1 whatever g);
        // g2 = 1 + 0.5·0.9 = 1.45: m = 0.25·0.9 + 0.145 = 0.37, v = 0.999·0.00625 + 0.001·2.1025 = 0.00834625;
        // m̂ = 1.9473684, v̂ = 4.1752126, p2 = 0.9 − 0.1·1.9473684/2.0433337 = 0.8046965
        var p = Param(1f);
        using var opt = new Adam(Named(p), learningRate: 0.1f, weightDecay: 0.5f);
        SetGrad(p, 2f);
        opt.Step();
        SetGrad(p, 1f);
        opt.Step();
        Approx.Equal([0.8046965f], Values(p), atol: 1e-6);
    }

    private static void StepBoth(Optimizer a, Parameter pa, Optimizer b, Parameter pb, float[] grad)
    {
        SetGrad(pa, grad);
        SetGrad(pb, grad);
        a.Step();
        b.Step();
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void ExportedStateResumesWithIdenticalSteps(string kind)
    {
        Optimizer Make(Parameter p, Parameter frozen) => kind == "sgd"
            ? new Sgd([("net.weight", p), ("net.frozen", frozen)], learningRate: 0.05f, momentum: 0.9f, weightDecay: 3e-4f)
            : new Adam([("net.weight", p), ("net.frozen", frozen)], learningRate: 0.05f, weightDecay: 3e-4f);

        var pa = Param(0.5f, -1f, 2f);
        var frozenA = Param(1f);
        using var a = Make(pa, frozenA);
        SetGrad(pa, 0.3f, -0.2f, 0.1f);
        a.Step();
        SetGrad(pa, -0.4f, 0.6f, 0.2f);
        a.Step();
        a.LearningRate = 0.02f;

        var state = a.ExportState();
        var names = state.Tensors.Select(t => t.Name).ToList();
        string[] expected = kind == "sgd" ? ["net.weight.momentum_buffer"] : ["net.weight.exp_avg", "net.weight.exp_avg_sq"];
        Assert.Equal(expected, names);
        Assert.Equal("net.weight", Assert.Single(state.Steps).Key);
        Assert.Equal(2, state.Steps["net.weight"]);

        var pb = Param(Values(pa));
        var frozenB = Param(1f);
        using var b = Make(pb, frozenB);
        b.ImportState(state);
        Assert.Equal(0.02f, b.LearningRate);
        Assert.Equal(2, b.StepCount(pb));
        // The imported tensors are copies: stepping a does not change b's state.
        StepBoth(a, pa, b, pb, [0.1f, 0.1f, -0.3f]);
        Assert.Equal(Values(pa), Values(pb));
        StepBoth(a, pa, b, pb, [0.2f, -0.5f, 0.4f]);
        Assert.Equal(Values(pa), Values(pb));

        // Re-importing an optimiser's own export is harmless.
        a.ImportState(a.ExportState());
        StepBoth(a, pa, b, pb, [0.3f, 0.3f, 0.3f]);
        Assert.Equal(Values(pa), Values(pb));
    }

    [Fact]
    public void ImportStateReportsEveryProblemAtOnce()
    {
        var p = Param(1f, 2f);
        using var opt = new Sgd([("w", p)], learningRate: 0.1f, momentum: 0.9f);
        using var scope = Tensors.Memory.TensorScope.Begin();
        var bad = new OptimizerState(
            [("w.momentum_buffer", Tensor.Zeros(new Shape(3), Backend)), ("w.exp_avg", Tensor.Zeros(new Shape(2), Backend))],
            new Dictionary<string, int> { ["w"] = 1, ["gone"] = 4 },
            [new GroupState(0.1f, 0.1f), new GroupState(0.1f, 0.1f)]);
        var ex = Assert.Throws<ArgumentException>(() => opt.ImportState(bad));
        Assert.Contains("2 groups given", ex.Message);
        Assert.Contains("unknown parameters: [gone]", ex.Message);
        Assert.Contains("w.momentum_buffer: given (3)", ex.Message);
        Assert.Contains("unexpected tensors (no such parameter, slot or step count): [w.exp_avg]", ex.Message);

        var missing = new OptimizerState([], new Dictionary<string, int> { ["w"] = 1 }, [new GroupState(0.1f, 0.1f)]);
        ex = Assert.Throws<ArgumentException>(() => opt.ImportState(missing));
        Assert.Contains("missing tensors: [w.momentum_buffer]", ex.Message);
    }

    [Fact]
    public void OptimizerStateOutlivesTheStepScope()
    {
        var p = Param(1f);
        using var opt = new Sgd([("w", p)], learningRate: 0.1f, momentum: 0.9f);
        using (Tensors.Memory.TensorScope.Begin())
        {
            SetGrad(p, 1f);
            opt.Step();
        }
        var buf = opt.ExportState().Tensors.Single().Value;
        Assert.False(buf.IsDisposed);
        Assert.Equal([1f], buf.ToArray());
        opt.Dispose();
        Assert.True(buf.IsDisposed);
    }
}

public sealed class CpuOptimizerTests() : OptimizerTests(CpuBackend.Instance);

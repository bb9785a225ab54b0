using AgNas.Autograd.Checks;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Autograd.Tests;

/// <summary>y = x ⊙ x whose backward returns half the true gradient (x·dy instead of 2x·dy).</summary>
internal sealed class HalfGradSquareFunction : Function
{
    private readonly Tensor _x;

    private HalfGradSquareFunction(Tensor x) => _x = x;

    public static Var Apply(Var x)
    {
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.Mul(y, x.Data, x.Data);
        return Record(y, () => new HalfGradSquareFunction(x.Data), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(_x.Shape, _x.Backend);
        _x.Backend.Mul(dx, dy, _x); // correct: 2·x·dy; broken: scaled by 0.5
        return [dx];
    }
}

/// <summary>y = sigmoid(x) whose backward returns zeros.</summary>
internal sealed class ZeroGradSigmoidFunction : Function
{
    private readonly Shape _shape;

    private ZeroGradSigmoidFunction(Shape shape) => _shape = shape;

    public static Var Apply(Var x)
    {
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.Sigmoid(y, x.Data);
        return Record(y, () => new ZeroGradSigmoidFunction(x.Shape), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy) => [Tensor.Zeros(_shape, dy.Backend)];
}

/// <summary>The checker itself: it must reject wrong backwards, leave its inputs alone and say where it failed.</summary>
public class GradCheckerTests
{
    private static IBackend Cpu => CpuBackend.Instance;
    private static readonly GradCheckTolerance Tol = GradCheckSuite.Smooth;

    private static Tensor Input(params float[] values) => Tensor.FromArray(values, new Shape(2, values.Length / 2), Cpu);

    [Fact]
    public void FailsWhenTheBackwardIsScaledByHalf()
    {
        using var scope = TensorScope.Begin();
        var result = GradCheck.Run(v => HalfGradSquareFunction.Apply(v[0]), [Input(0.5f, -0.8f, 1.2f, 0.3f)], Tol);
        Assert.False(result.Passed, result.ToString());
        var r = result.Inputs[0];
        Assert.Equal(4, r.Failures);
        // Numeric d(x²)/dx · r = 2x·r, analytic x·r: the relative error is 0.5 everywhere.
        Assert.InRange(r.MaxRelError, 0.49, 0.51);
        Assert.Equal(2 * r.AnalyticAtWorst, r.NumericAtWorst, 4);
        Assert.Contains("FAIL", result.ToString());
    }

    [Fact]
    public void FailsWhenTheBackwardReturnsZeros()
    {
        using var scope = TensorScope.Begin();
        var result = GradCheck.Run(v => ZeroGradSigmoidFunction.Apply(v[0]), [Input(0.5f, -0.8f, 1.2f, 0.3f)], Tol);
        Assert.False(result.Passed, result.ToString());
        Assert.Equal(0.0, result.Inputs[0].AnalyticAtWorst);
        Assert.True(result.Inputs[0].MaxAbsError > 0.05, result.ToString());
    }

    [Fact]
    public void PassesForTheCorrectFunctionsOnTheSamePoints()
    {
        using var scope = TensorScope.Begin();
        var x = Input(0.5f, -0.8f, 1.2f, 0.3f);
        Assert.True(GradCheck.Run(v => Functional.Mul(v[0], v[0]), [x], Tol).Passed);
        Assert.True(GradCheck.Run(v => Functional.Sigmoid(v[0]), [x], Tol).Passed);
    }

    [Fact]
    public void NeverWritesTheCallersInputs()
    {
        using var scope = TensorScope.Begin();
        var values = new[] { 0.5f, -0.8f, 1.2f, 0.3f };
        var x = Input(values);
        GradCheck.Run(v => Functional.Sigmoid(v[0]), [x], Tol);
        Assert.Equal(values, x.ToArray());
    }

    [Fact]
    public void ReleasesEverythingItAllocates()
    {
        using var scope = TensorScope.Begin();
        var x = Input(0.5f, -0.8f, 1.2f, 0.3f);
        int before = scope.Count;
        GradCheck.Run(v => Functional.Sigmoid(Functional.Mul(v[0], v[0])), [x], Tol);
        Assert.Equal(before, scope.Count);
    }

    [Fact]
    public void ConstantInputsAreNotChecked()
    {
        using var scope = TensorScope.Begin();
        var a = Input(0.5f, -0.8f, 1.2f, 0.3f);
        var b = Input(1f, 2f, 3f, 4f);
        var result = GradCheck.Run(v => HalfGradSquareFunction.Apply(v[1]), [a, b], Tol, requiresGrad: [true, false], names: ["a", "b"]);
        // a is unused (gradient 0 both ways); b is constant, so the broken backward is never consulted.
        Assert.True(result.Passed, result.ToString());
        Assert.False(result.Inputs[1].Checked);
        Assert.Equal("b", result.Inputs[1].Name);
    }

    [Fact]
    public void FormatsTheWorstIndexWithItsCoordinates()
    {
        Assert.Equal("[7] (1, 0, 1, 1)", GradCheck.FormatIndex(7, new Shape(2, 1, 2, 2)));
        Assert.Equal("[3]", GradCheck.FormatIndex(3, new Shape(5)));
    }
}

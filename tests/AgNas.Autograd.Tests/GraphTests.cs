using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Autograd.Tests;

public class GraphTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    [Fact]
    public void TensorUsedTwiceGetsTheSumOfBothPaths()
    {
        using var scope = TensorScope.Begin();
        var x = new Var(Tensor.FromArray([-1f, 2f, 3f], new Shape(3), Cpu), requiresGrad: true);
        // y = relu(x) + x: dy/dx = [0 + 1, 1 + 1, 1 + 1].
        var y = Add(Relu(x), x);
        y.Backward(Tensor.FromArray([1f, 1f, 1f], new Shape(3), Cpu));
        Assert.Equal([1f, 2f, 2f], x.Grad!.ToArray());
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsUntilCleared()
    {
        using var scope = TensorScope.Begin();
        var x = new Var(Tensor.FromArray([1f, 2f], new Shape(2), Cpu), requiresGrad: true);
        var seed = Tensor.FromArray([1f, 3f], new Shape(2), Cpu);
        Relu(x).Backward(seed);
        Relu(x).Backward(seed);
        Assert.Equal([2f, 6f], x.Grad!.ToArray());
        x.ClearGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        using var scope = TensorScope.Begin();
        var x = new Var(Tensor.FromArray([1f], new Shape(1), Cpu), requiresGrad: true);
        Var y;
        using (GradMode.NoGrad()) y = Relu(x);
        Assert.Null(y.Creator);
        Assert.False(y.RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Fact]
    public void DeepChainDoesNotOverflowTheStack()
    {
        using var scope = TensorScope.Begin();
        var x = new Var(Tensor.FromArray([1f], new Shape(1), Cpu), requiresGrad: true);
        var y = x;
        for (int i = 0; i < 20000; i++) y = Relu(y);
        y.Backward();
        Assert.Equal([1f], x.Grad!.ToArray());
    }

    [Fact]
    public void ParameterGradientSurvivesTheStepScope()
    {
        var p = new Parameter(Tensor.FromArray([2f], new Shape(1), Cpu));
        using (TensorScope.Begin())
        {
            Relu(p).Backward();
        }
        Assert.Equal([1f], p.Grad!.ToArray());
        p.ClearGrad();
        p.Data.Dispose();
    }
}

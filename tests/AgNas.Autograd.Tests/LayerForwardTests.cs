using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using AgNas.Tensors.Memory;
using AgNas.Tests;
using static AgNas.Autograd.Tests.TestUtil;

namespace AgNas.Autograd.Tests;

/// <summary>Forward passes of the layers. These need the Functional entry points and their kernels.</summary>
public class LayerForwardTests
{
    [Fact]
    public void ReluModule()
    {
        using var scope = TensorScope.Begin();
        var x = new Var(Tensor.FromArray([-1f, 3f, 7f], new Shape(3), Cpu));
        Assert.Equal([0f, 3f, 7f], Values(new ReLU().Forward(x)));
    }

    [Fact]
    public void Relu6Module()
    {
        using var scope = TensorScope.Begin();
        var x = new Var(Tensor.FromArray([-1f, 3f, 7f], new Shape(3), Cpu));
        Assert.Equal([0f, 3f, 6f], Values(new ReLU6().Forward(x)));
    }

    [Fact]
    public void LinearComputesXWTransposedPlusBias()
    {
        using var scope = TensorScope.Begin();
        using var fc = new Linear(3, 2, generator: new Generator(4));
        var w = fc.Weight.Data.ToArray();
        var b = fc.Bias!.Data.ToArray();
        float[] xs = [1f, -2f, 0.5f, 0f, 1f, 3f];
        var y = Values(fc.Forward(new Var(Tensor.FromArray(xs, new Shape(2, 3), Cpu))));
        var expected = new float[4];
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 2; o++)
                expected[n * 2 + o] = b[o] + xs[n * 3] * w[o * 3] + xs[n * 3 + 1] * w[o * 3 + 1] + xs[n * 3 + 2] * w[o * 3 + 2];
        Approx.Equal(expected, y);
    }

    [Fact]
    public void SequentialConvBnReluShapesAndBackward()
    {
        using var scope = TensorScope.Begin();
        var g = new Generator(9);
        using var net = new Sequential(new Conv2d(3, 4, 3, stride: 2, padding: 1, generator: g), new BatchNorm2d(4), new ReLU());
        var x = new Var(Tensor.Full(new Shape(2, 3, 8, 8), 0.5f, Cpu));
        var y = net.Forward(x);
        Assert.Equal(new Shape(2, 4, 4, 4), y.Shape);
        y.Backward(Tensor.Full(y.Shape, 1f, Cpu));
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void BatchNormCountsTrainingBatchesOnly()
    {
        using var scope = TensorScope.Begin();
        using var bn = new BatchNorm2d(2);
        var x = new Var(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], new Shape(2, 2, 1, 2), Cpu));
        bn.Forward(x);
        bn.Forward(x);
        Assert.Equal(2, bn.NumBatchesTracked);
        Assert.Equal([2], bn.StateDict().Single(e => e.Name == "num_batches_tracked").Value.ToInt32Array());
        // Channel 0 holds 1, 2, 5, 6: mean 3.5, unbiased var 17/3; after two updates with momentum 0.1:
        // mean 0.19·3.5 = 0.665, var 0.81 + 0.19·17/3 (deviations ±2.5, ±1.5: Σ² = 17, n − 1 = 3).
        Approx.Equal([0.665f], [bn.RunningMean!.ToArray()[0]]);
        Approx.Equal([0.81f + 0.19f * 17f / 3f], [bn.RunningVar!.ToArray()[0]]);
        bn.Eval();
        bn.Forward(x);
        Assert.Equal(2, bn.NumBatchesTracked);
    }

    [Fact]
    public void BatchNormWithCumulativeAverageUsesOneOverCount()
    {
        using var scope = TensorScope.Begin();
        using var bn = new BatchNorm2d(1, momentum: null, affine: false);
        bn.Forward(new Var(Tensor.FromArray([1f, 3f], new Shape(2, 1), Cpu)));
        bn.Forward(new Var(Tensor.FromArray([5f, 7f], new Shape(2, 1), Cpu)));
        // factor 1 then ½: running mean = mean of the batch means = (2 + 6)/2 = 4.
        Approx.Equal([4f], bn.RunningMean!.ToArray());
    }
}

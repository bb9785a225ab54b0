using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Tests;

public class ActivationKernelTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    [Theory]
    [InlineData(13)]
    [InlineData(70_001)]
    [InlineData(200_003)]
    public void ReluAndRelu6BackwardMaskByTheOpenInterval(int n)
    {
        using var scope = TensorScope.Begin();
        // Values on a grid that hits 0 and 6 exactly: the gradient there is 0 (PyTorch's convention).
        var xs = Enumerable.Range(0, n).Select(i => (i % 17) - 5f).ToArray();
        var gs = Enumerable.Range(0, n).Select(i => 1f + i % 7).ToArray();
        var x = Tensor.FromArray(xs, new Shape(n), Cpu);
        var dy = Tensor.FromArray(gs, new Shape(n), Cpu);
        var dx = Tensor.Empty(new Shape(n), Cpu);

        Cpu.ReluBackward(dx, dy, x);
        var relu = dx.ToArray();
        Cpu.Relu6Backward(dx, dy, x);
        var relu6 = dx.ToArray();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(xs[i] > 0 ? gs[i] : 0f, relu[i]);
            Assert.Equal(xs[i] > 0 && xs[i] < 6 ? gs[i] : 0f, relu6[i]);
        }
    }
}

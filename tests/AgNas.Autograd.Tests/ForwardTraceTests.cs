using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Autograd.Tests;

public class ForwardTraceTests
{
    [Fact]
    public void ConvLinearAndSequentialReportTheirOutputsToTheObserver()
    {
        var g = new Generator(2);
        using var conv = new Conv2d(2, 3, kernelSize: 3, padding: 1, generator: g);
        using var seq = new Sequential(conv, new ReLU());
        using var fc = new Linear(3, 4, generator: g);
        var seen = new List<(Module, Shape)>();
        using (GradMode.NoGrad())
        using (ForwardTrace.Observe((m, y) => seen.Add((m, y.Shape))))
        {
            Assert.True(ForwardTrace.IsObserved);
            var x = new Var(Tensor.Zeros(new Shape(2, 2, 5, 5), CpuBackend.Instance));
            var h = seq.Forward(x);
            fc.Forward(Functional.GlobalAvgPool(h));
        }
        Assert.False(ForwardTrace.IsObserved);
        Assert.Equal([(conv, new Shape(2, 3, 5, 5)), (seq, new Shape(2, 3, 5, 5)), (fc, new Shape(2, 4))], seen);
    }

    [Fact]
    public void AnInnerObserverReplacesTheOuterOneUntilDisposed()
    {
        using var relu = new ReLU();
        var x = new Var(Tensor.Zeros(new Shape(1, 1), CpuBackend.Instance));
        int outer = 0, inner = 0;
        using (ForwardTrace.Observe((_, _) => outer++))
        {
            using (ForwardTrace.Observe((_, _) => inner++)) Assert.Same(x, ForwardTrace.Record(relu, x));
            ForwardTrace.Record(relu, x);
        }
        ForwardTrace.Record(relu, x); // nobody listens
        Assert.Equal((1, 1), (outer, inner));
    }
}

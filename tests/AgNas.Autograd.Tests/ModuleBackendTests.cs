using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using static AgNas.Autograd.Tests.TestUtil;

namespace AgNas.Autograd.Tests;

/// <summary>Moving modules between backends (instantiate with the backend under test; on the CPU the move is a no-op).</summary>
public abstract class ModuleBackendTests(IBackend backend)
{
    private static Sequential Net(ulong seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Conv2d(3, 4, 3, generator: g), new BatchNorm2d(4), new ReLU(), new Linear(4, 2, generator: g));
    }

    [Fact]
    public void ToAndBackKeepsValuesParametersGradientsAndTheBatchCounter()
    {
        using var net = Net(1);
        using (var count = Tensor.FromArray([3], Shape.Scalar, Cpu))
            net.LoadStateDict(net.StateDict().Select(e => e.Name == "1.num_batches_tracked" ? (e.Name, count) : e).ToList());
        var before = net.StateDict().Select(e => Values(e.Value)).ToList();
        var parameters = net.Parameters().ToList();
        var first = parameters[0];
        SetGrad(first, Enumerable.Range(0, (int)first.Data.Size).Select(i => i * 0.5f).ToArray());
        var grad = first.Grad!.ToArray();

        net.To(backend);
        Assert.Equal(parameters, net.Parameters().ToList());
        Assert.All(net.StateDict(), e => Assert.Same(backend, e.Value.Backend));
        Assert.Equal(before, net.StateDict().Select(e => Values(e.Value)).ToList());
        Assert.Same(backend, first.Grad!.Backend);
        Assert.Equal(grad, first.Grad.ToArray());
        Assert.Equal(3, ((BatchNorm2d)net[1]).NumBatchesTracked);

        // A state dict from the CPU loads into the module on the backend.
        using var other = Net(2);
        net.LoadStateDict(other.StateDict());
        net.To(Cpu);
        Assert.All(net.StateDict(), e => Assert.Same(Cpu, e.Value.Backend));
        Assert.Equal(other.StateDict().Select(e => Values(e.Value)).ToList(), net.StateDict().Select(e => Values(e.Value)).ToList());
    }
}

public sealed class CpuModuleBackendTests() : ModuleBackendTests(CpuBackend.Instance);

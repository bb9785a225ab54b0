using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Autograd.Tests;

/// <summary>Tests that read the process-wide memory counters run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCounterCollection
{
    public const string Name = "memory counters";
}

/// <summary>
/// STYLE 11: a forward + backward inside a <see cref="TensorScope"/> leaves the CPU backend's live
/// tensor and byte counters where they were. Parameters, their gradients and batch-norm buffers
/// live outside the scope: one warm-up step allocates the gradients (later steps accumulate in
/// place), then the baseline is read.
/// </summary>
[Collection(MemoryCounterCollection.Name)]
public class ScopeHygieneTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private static Parameter Param(Shape shape, float scale, int salt)
    {
        var data = new float[shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = scale * (2f * CounterRandom.Uniform((ulong)salt, (ulong)i) - 1f);
        return new Parameter(Tensor.FromArray(data, shape, Cpu));
    }

    private static void AssertStepsLeaveNoTensors(IReadOnlyList<Parameter> parameters, Action step)
    {
        using (TensorScope.Begin()) step(); // warm-up: allocates the parameters' gradients
        var stats = Cpu.Stats;
        long tensors = stats.LiveTensors, bytes = stats.LiveBytes;
        for (int i = 0; i < 3; i++)
        {
            using (TensorScope.Begin()) step();
            Assert.True(stats.LiveTensors == tensors && stats.LiveBytes == bytes,
                $"after step {i + 1}: {stats.LiveTensors} live tensors, {stats.LiveBytes} live bytes; expected the baseline {tensors}, {bytes}");
        }
        foreach (var p in parameters)
        {
            Assert.NotNull(p.Grad);
            p.ClearGrad();
            p.Data.Dispose();
        }
    }

    [Fact]
    public void DenseChainStepReturnsToBaseline()
    {
        // Linear → ReLU6 → Dropout → Linear → sigmoid-gated ChannelMul → GroupSum → CrossEntropy.
        var w1 = Param(new Shape(8, 5), 0.5f, 1);
        var b1 = Param(new Shape(8), 0.1f, 2);
        var w2 = Param(new Shape(8, 8), 0.5f, 3);
        var gate = Param(new Shape(4, 8), 1f, 4);
        AssertStepsLeaveNoTensors([w1, b1, w2, gate], () =>
        {
            var x = new Var(Tensor.Full(new Shape(4, 5), 0.3f, Cpu));
            var h = Dropout(Relu6(Linear(x, w1, b1)), 0.2f, training: true, seed: 9);
            var a = ChannelMul(Linear(h, w2, null), Sigmoid(gate));
            var logits = Concat([GroupSum(a, 2), SliceChannels(a, 0, 2)]);
            var loss = CrossEntropy(Reshape(logits, new Shape(4, 6)), Tensor.FromArray([0, 1, 2, 3], new Shape(4), Cpu), 0.1f);
            loss.Backward();
        });
    }

    [Fact]
    public void ConvChainStepReturnsToBaseline()
    {
        // Conv → BN (train, running stats) → ReLU → max pool → depthwise conv → avg pool → drop-path
        // → GAP → Linear → CrossEntropy.
        var conv = Param(new Shape(4, 3, 3, 3), 0.3f, 5);
        var gamma = Param(new Shape(4), 1f, 6);
        var beta = Param(new Shape(4), 0.1f, 7);
        var dw = Param(new Shape(4, 1, 3, 3), 0.3f, 8);
        var fc = Param(new Shape(3, 4), 0.5f, 9);
        var runningMean = Tensor.Zeros(new Shape(4), Cpu).DetachFromScope();
        var runningVar = Tensor.Full(new Shape(4), 1f, Cpu).DetachFromScope();
        AssertStepsLeaveNoTensors([conv, gamma, beta, dw, fc], () =>
        {
            var x = new Var(Tensor.Full(new Shape(2, 3, 8, 8), 0.5f, Cpu));
            var h = Relu(BatchNorm2d(Conv2d(x, conv, null, new Conv2dParams(1, 1)), gamma, beta, runningMean, runningVar, training: true));
            h = MaxPool2d(h, new Pool2dParams(3, 2, 1));
            h = AvgPool2d(Conv2d(h, dw, null, new Conv2dParams(1, 1, 1, 4)), new Pool2dParams(3, 1, 1));
            h = DropPath(h, 0.5f, training: true, seed: 2);
            var loss = CrossEntropy(Linear(GlobalAvgPool(h), fc, null), Tensor.FromArray([0, 2], new Shape(2), Cpu));
            loss.Backward();
        });
        runningMean.Dispose();
        runningVar.Dispose();
    }
}

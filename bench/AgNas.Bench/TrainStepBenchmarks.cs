using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Optim;
using AgNas.Search.Profiling;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using BenchmarkDotNet.Attributes;

namespace AgNas.Bench;

/// <summary>One full training step (forward, cross-entropy, backward, clip, SGD) of <see cref="SmallCnn"/> at batch 64, 3×32×32.</summary>
[MemoryDiagnoser]
public class TrainStepBenchmarks
{
    private readonly IBackend _cpu = CpuBackend.Instance;
    private SmallCnn _model = null!;
    private Sgd _optimizer = null!;
    private Tensor _images = null!, _labels = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = new SmallCnn(3, 10, new Generator(0), _cpu);
        _optimizer = new Sgd(_model.NamedParameters(), 0.025f, momentum: 0.9f, weightDecay: 3e-4f);
        var shape = new Shape(64, 3, 32, 32);
        var data = new float[shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = CounterRandom.Uniform(7, (ulong)i) * 2 - 1;
        _images = Tensor.FromArray(data, shape, _cpu);
        _labels = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => i % 10).ToArray(), new Shape(64), _cpu);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _images.Dispose();
        _labels.Dispose();
    }

    [Benchmark(Description = "SmallCnn train step, batch 64, 3x32x32")]
    public void SmallCnnStep()
    {
        using var scope = TensorScope.Begin();
        _optimizer.ZeroGrad();
        var loss = Functional.CrossEntropy(_model.Forward(new Var(_images)), _labels);
        loss.Backward();
        GradClip.ClipGradNorm(_model.Parameters(), 5.0);
        _optimizer.Step();
    }
}

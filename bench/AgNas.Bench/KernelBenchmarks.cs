using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using BenchmarkDotNet.Attributes;

namespace AgNas.Bench;

/// <summary>
/// The CPU kernels that dominate a search step, on the shapes of the first NAS-Bench-201 / DARTS
/// stage (batch 64, 16 channels, 32×32). Each case is named after the IBackend method it times.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private readonly IBackend _cpu = CpuBackend.Instance;
    private Tensor _x = null!, _y = null!, _dx = null!, _w3 = null!, _dw3 = null!, _wDw5 = null!, _dwDw5 = null!;
    private Tensor _gamma = null!, _beta = null!, _mean = null!, _invStd = null!, _runMean = null!, _runVar = null!, _dGamma = null!, _dBeta = null!;
    private readonly Conv2dParams _conv3 = new(Stride: 1, Padding: 1);
    private readonly Conv2dParams _dw5 = new(Stride: 1, Padding: 2, Groups: 16);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(0);
        Tensor Rand(params int[] dims)
        {
            var shape = new Shape(dims);
            var data = new float[shape.Size];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
            return Tensor.FromArray(data, shape, _cpu);
        }
        _x = Rand(64, 16, 32, 32);
        _y = Rand(64, 16, 32, 32);
        _dx = Rand(64, 16, 32, 32);
        _w3 = Rand(16, 16, 3, 3);
        _dw3 = Rand(16, 16, 3, 3);
        _wDw5 = Rand(16, 1, 5, 5);
        _dwDw5 = Rand(16, 1, 5, 5);
        _gamma = Tensor.Full(new Shape(16), 1f, _cpu);
        _beta = Tensor.Zeros(new Shape(16), _cpu);
        _mean = Tensor.Zeros(new Shape(16), _cpu);
        _invStd = Tensor.Zeros(new Shape(16), _cpu);
        _runMean = Tensor.Zeros(new Shape(16), _cpu);
        _runVar = Tensor.Full(new Shape(16), 1f, _cpu);
        _dGamma = Tensor.Zeros(new Shape(16), _cpu);
        _dBeta = Tensor.Zeros(new Shape(16), _cpu);
        BatchNormTrainForward();
    }

    [Benchmark(Description = "Conv2dForward 3x3 16->16, 64x16x32x32")]
    public void Conv2dForward() => _cpu.Conv2dForward(_y, _x, _w3, null, _conv3);

    [Benchmark(Description = "Conv2dBackward 3x3 16->16 (data + filter)")]
    public void Conv2dBackward()
    {
        _cpu.Conv2dBackwardData(_dx, _y, _w3, _conv3);
        _cpu.Conv2dBackwardFilter(_dw3, null, _y, _x, _conv3);
    }

    [Benchmark(Description = "Conv2dForward depthwise 5x5, 64x16x32x32")]
    public void DepthwiseForward() => _cpu.Conv2dForward(_y, _x, _wDw5, null, _dw5);

    [Benchmark(Description = "Conv2dBackward depthwise 5x5 (data + filter)")]
    public void DepthwiseBackward()
    {
        _cpu.Conv2dBackwardData(_dx, _y, _wDw5, _dw5);
        _cpu.Conv2dBackwardFilter(_dwDw5, null, _y, _x, _dw5);
    }

    [Benchmark(Description = "BatchNormTrainForward 64x16x32x32")]
    public void BatchNormTrainForward() =>
        _cpu.BatchNormTrainForward(_y, _mean, _invStd, _runMean, _runVar, _x, _gamma, _beta, 0.1f, 1e-5f);

    [Benchmark(Description = "BatchNormTrainBackward 64x16x32x32")]
    public void BatchNormTrainBackward() =>
        _cpu.BatchNormTrainBackward(_dx, _dGamma, _dBeta, _y, _x, _gamma, _mean, _invStd);
}

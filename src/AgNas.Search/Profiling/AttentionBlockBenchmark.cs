using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Search.Attention;
using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Profiling;

/// <summary>
/// Times the attention module alone, forward and backward, on the concatenation of K candidate
/// outputs z (B, K·C, H, W) with a gradient flowing to z and to the FC weights — the block the
/// issue's target measures (B = 64, K = 5, C = 64, 32×32).
/// </summary>
public static class AttentionBlockBenchmark
{
    /// <exception cref="ArgumentException">A size or count out of range.</exception>
    public static StepTimings Run(int batch, int candidates, int channels, int height, int width, int reduction,
        int steps, int warmup, IBackend backend, Action? afterWarmup = null)
    {
        if (batch < 1 || candidates < 1 || channels < 1 || height < 1 || width < 1 || steps < 1 || warmup < 0)
            throw new ArgumentException($"AttentionBlockBenchmark: B={batch}, K={candidates}, C={channels}, {height}×{width}, steps {steps}, warm-up {warmup}; all sizes and steps must be >= 1.");
        using var module = new AttentionModule(candidates, channels, reduction, new Generator(0), backend);
        var shape = new Shape(batch, candidates * channels, height, width);
        var data = new float[shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = CounterRandom.Uniform(11, (ulong)i) * 2 - 1;
        using var z = Tensor.FromArray(data, shape, backend).DetachFromScope();
        using var seed = Tensor.Full(new Shape(batch, channels, height, width), 1f / (batch * channels), backend).DetachFromScope();

        void Step()
        {
            using var scope = TensorScope.Begin();
            var input = new Var(z, requiresGrad: true);
            module.Forward(input).Backward(seed);
            module.ZeroGrad();
        }

        return StepTimings.Measure(Step, batch, steps, warmup, backend, afterWarmup);
    }
}

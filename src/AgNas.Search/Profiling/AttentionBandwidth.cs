using AgNas.Tensors;
using AgNas.Tensors.Memory;
using AgNas.Tensors.Profiling;

namespace AgNas.Search.Profiling;

/// <summary>Achieved bandwidth of one kernel: bytes it must move per call, and the time per call.</summary>
public sealed record KernelBandwidth(string Kernel, long BytesPerCall, double MsPerCall)
{
    public double GigabytesPerSecond => BytesPerCall / (MsPerCall * 1e6);
}

/// <summary>
/// The bandwidth of the fused attention kernels against a plain device copy of the candidates'
/// buffer, the memory-bound ceiling they are measured against (issue 4: each should reach 70 % of
/// it at B = 64, K = 5, C = 64, 32×32). Bytes are the compulsory traffic: the combine reads the
/// (B, K·C, H, W) buffer and the (B, K·C) weights once and writes (B, C, H, W); its backward reads
/// dy, the buffer and the weights and writes dx and ds; the copy reads and writes the buffer.
/// Times come from <see cref="ProfilingBackend"/>: CUDA events on a GPU, the wall clock on the CPU.
/// </summary>
public static class AttentionBandwidth
{
    /// <returns>Combine, combine backward and the copy, in that order.</returns>
    /// <exception cref="ArgumentException">A size or the repeat count is below 1.</exception>
    public static IReadOnlyList<KernelBandwidth> Measure(IBackend backend, int batch, int candidates, int channels, int height, int width, int repeats)
    {
        if (batch < 1 || candidates < 1 || channels < 1 || height < 1 || width < 1 || repeats < 1)
            throw new ArgumentException($"AttentionBandwidth: B={batch}, K={candidates}, C={channels}, {height}×{width}, repeats {repeats}; all must be >= 1.");
        using var profiler = new ProfilingBackend(backend);
        using var scope = TensorScope.Begin();
        var wide = new Shape(batch, candidates * channels, height, width);
        var narrow = new Shape(batch, channels, height, width);
        var weights = new Shape(batch, candidates * channels);
        var x = Tensor.Full(wide, 0.5f, backend);
        var s = Tensor.Full(weights, 0.25f, backend);
        var y = Tensor.Empty(narrow, backend);
        var dy = Tensor.Full(narrow, 1f, backend);
        var dx = Tensor.Empty(wide, backend);
        var ds = Tensor.Empty(weights, backend);
        var copy = Tensor.Empty(wide, backend);

        // One untimed round (module load, caches), then the timed repeats.
        for (int round = 0; round < 2; round++)
        {
            int n = round == 0 ? 1 : repeats;
            for (int i = 0; i < n; i++)
            {
                profiler.AttentionCombine(y, x, s, candidates);
                profiler.AttentionCombineBackward(dx, ds, dy, x, s, candidates);
                profiler.Copy(copy, x);
            }
            profiler.Synchronize();
            if (round == 0) profiler.Reset();
        }
        var timings = profiler.Timings().ToDictionary(t => t.Op);
        const long F = sizeof(float);
        long buffer = wide.Size * F, output = narrow.Size * F, attention = weights.Size * F;
        KernelBandwidth Of(string op, long bytes) => new(op, bytes, timings[op].Total.TotalMilliseconds / timings[op].Calls);
        return
        [
            Of(nameof(IBackend.AttentionCombine), buffer + attention + output),
            Of(nameof(IBackend.AttentionCombineBackward), output + buffer + attention + buffer + attention),
            Of(nameof(IBackend.Copy), 2 * buffer),
        ];
    }
}

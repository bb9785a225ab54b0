using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using AgNas.Tests;

namespace AgNas.Tensors.Tests;

/// <summary>
/// Tests written once against <see cref="IBackend"/> and run for each backend (STYLE 12): memory
/// movement, fills, channel views and the live counters — what every backend must get right
/// before any kernel is compared. Each concrete subclass supplies a backend; the CPU one runs
/// everywhere. The CUDA step adds <c>Cuda/EmulatedCudaBackendContractTests</c> (the emulator,
/// selected with <see cref="Cuda.CudaLibraries.Configure"/> before the first CUDA call) and a
/// real-GPU subclass that skips with <see cref="Cuda.CudaRuntime.Probe"/>'s reason.
/// Shapes include batch 1 and sizes that are not multiples of a 256-thread block.
/// </summary>
public abstract class BackendContractTests
{
    protected abstract IBackend Backend { get; }

    public static TheoryData<int[]> Shapes => new()
    {
        new[] { 1000 },
        new[] { 1, 3, 5, 7 },
        new[] { 4, 3, 8, 8 },
    };

    private static float[] Ramp(long n) => Enumerable.Range(0, (int)n).Select(i => (i % 97) * 0.25f - 7f).ToArray();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void HostBytesRoundTripExactly(int[] dims)
    {
        using var scope = TensorScope.Begin();
        var shape = new Shape(dims);
        var data = Ramp(shape.Size);
        var t = Tensor.FromArray(data, shape, Backend);
        Assert.Equal(Backend.Device, t.Device);
        Assert.Equal(data, t.ToArray());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FillSetsEveryElement(int[] dims)
    {
        using var scope = TensorScope.Begin();
        var t = Tensor.Empty(new Shape(dims), Backend);
        Backend.Fill(t, -2.5f);
        Assert.All(t.ToArray(), v => Assert.Equal(-2.5f, v));
        var ints = Tensor.Empty(new Shape(dims), Backend, DType.Int32);
        Backend.Fill(ints, 3f);
        Assert.All(ints.ToInt32Array(), v => Assert.Equal(3, v));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void CopyIntoAndOutOfChannelViewsIsConcatAndSlice(int batch)
    {
        using var scope = TensorScope.Begin();
        const int k = 3, c = 5, h = 3, w = 7; // 5·3·7 = 105 elements per plane group: not a block multiple
        var buffer = Tensor.Zeros(new Shape(batch, k * c, h, w), Backend);
        var parts = Enumerable.Range(0, k)
            .Select(g => Tensor.FromArray(Ramp(batch * c * h * w).Select(v => v + 100 * g).ToArray(), new Shape(batch, c, h, w), Backend))
            .ToArray();
        for (int g = 0; g < k; g++) Backend.Copy(buffer.SliceChannels(g * c, c), parts[g]);

        var all = buffer.ToArray();
        var expected = new float[all.Length];
        for (int n = 0; n < batch; n++)
        for (int g = 0; g < k; g++)
        {
            var part = parts[g].ToArray();
            Array.Copy(part, n * c * h * w, expected, (n * k + g) * c * h * w, c * h * w);
        }
        Assert.Equal(expected, all);

        var back = Tensor.Empty(new Shape(batch, c, h, w), Backend);
        Backend.Copy(back, buffer.SliceChannels(c, c));
        Assert.Equal(parts[1].ToArray(), back.ToArray());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AddMatchesTheHostSum(int[] dims)
    {
        using var scope = TensorScope.Begin();
        var shape = new Shape(dims);
        var a = Ramp(shape.Size);
        var b = a.Select(v => v * 0.5f + 1f).ToArray();
        var y = Tensor.Empty(shape, Backend);
        Backend.Add(y, Tensor.FromArray(a, shape, Backend), Tensor.FromArray(b, shape, Backend));
        // One float add per element: exact up to the last ulp.
        Approx.Equal(a.Zip(b, (p, q) => p + q).ToArray(), y.ToArray(), atol: 0, rtol: 1e-7, what: "Add");
    }

    [Fact]
    public void LiveCountersReturnToTheirStartAfterScopedSteps()
    {
        var stats = Backend.Stats;
        long tensors = stats.LiveTensors, bytes = stats.LiveBytes;
        for (int step = 0; step < 3; step++)
        {
            using var scope = TensorScope.Begin();
            var x = Tensor.Full(new Shape(2, 3, 5, 5), 1f, Backend);
            var y = Tensor.Empty(x.Shape, Backend);
            Backend.Add(y, x, x);
            _ = y.SliceChannels(1, 2);
            Assert.True(stats.LiveBytes > bytes);
        }
        Assert.Equal(tensors, stats.LiveTensors);
        Assert.Equal(bytes, stats.LiveBytes);
    }
}

/// <summary>The contract on the CPU backend (the reference).</summary>
public sealed class CpuBackendContractTests : BackendContractTests
{
    protected override IBackend Backend => CpuBackend.Instance;
}

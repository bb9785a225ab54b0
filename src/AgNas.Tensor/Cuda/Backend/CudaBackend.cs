using AgNas.Tensors.Memory;
using AgNas.Tensors.Profiling;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// The GPU backend: our kernels (kernels/*.cu, embedded as PTX) for everything that is not a
/// convolution or a GEMM, cuDNN for convolutions, cuBLAS for GEMM, all queued in order on the
/// device's one stream. Argument checks are the CPU backend's (<see cref="OpChecks"/>), so both
/// refuse the same calls. Results match the CPU backend within the per-op tolerances of the
/// equivalence tests (float32 with float64 sums in the reductions; cuDNN and cuBLAS sum in other
/// orders). Host reads (<see cref="CopyToHost"/>, <see cref="Sum"/>, <see cref="HasNonFinite"/>)
/// wait for the stream; nothing else does.
/// <para>Differences from the CPU backend, by design: a label outside [0, N) makes the loss NaN
/// instead of throwing (checking would cost a device-to-host read per step), and max-pool argmax
/// indices are trusted (they come from <see cref="MaxPool2dForward"/>).</para>
/// <para>Op families live in the partial files beside this one.</para>
/// </summary>
public sealed unsafe partial class CudaBackend : IBackend, IOpClockSource, IDisposable
{
    private readonly CudaDevice _device;
    private readonly CudaKernels _k;
    private readonly ConvolutionPlans _conv;

    private CudaBackend(CudaDevice device)
    {
        _device = device;
        _k = new CudaKernels(device);
        _conv = new ConvolutionPlans(device);
    }

    /// <summary>Opens GPU <paramref name="ordinal"/> and loads the kernels on it.</summary>
    /// <exception cref="BackendUnavailableException">No usable driver or no such GPU.</exception>
    /// <exception cref="InvalidOperationException">This build embeds no PTX.</exception>
    /// <exception cref="CudaException">A driver call failed (the message names the call).</exception>
    public static CudaBackend Open(int ordinal)
    {
        var device = CudaDevice.Open(ordinal);
        try
        {
            return new CudaBackend(device);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public Device Device => _device.Device;

    public string Description => $"{Device} ({_device.Info}{(CudaRuntime.Probe().Emulated ? "; host emulation" : "")})";

    public CachingAllocator Allocator => _device.Memory.Caching;

    public MemoryStats Stats => _device.Memory.Stats;

    /// <summary>The device: stream, events, memory, cuBLAS and cuDNN handles.</summary>
    public CudaDevice CudaDevice => _device;

    /// <summary>The loaded kernels (for benchmarks that launch one directly).</summary>
    public CudaKernels Kernels => _k;

    /// <summary>Waits for every queued kernel, copy, GEMM and convolution (a kernel's failure surfaces here).</summary>
    public void Synchronize() => _device.Synchronize();

    /// <summary>Device time per call from CUDA events (<c>agnas bench --device cuda --profile</c>).</summary>
    public OpClock CreateOpClock() => new CudaEventClock(_device);

    public void Dispose()
    {
        _conv.Dispose();
        _device.Dispose();
    }

    // ---- operand layout -------------------------------------------------------------------------

    private static nint P(Tensor? t) => t is null ? 0 : t.Handle;

    private static int Batch(Tensor t) => t.Rank == 0 ? 1 : t.Shape[0];

    /// <summary>
    /// How a set of same-shape operands is walked: one dense run when every operand is dense, else
    /// per sample (each operand with its own batch stride).
    /// </summary>
    private readonly record struct Walk(long Batch, long Sample, bool Dense)
    {
        public long Stride(Tensor t) => Dense ? Sample : t.BatchStride;
        public long Work => Batch * Sample;
    }

    private static Walk WalkOf(Tensor first, Tensor? second = null, Tensor? third = null)
    {
        bool dense = first.IsContiguous && (second?.IsContiguous ?? true) && (third?.IsContiguous ?? true);
        return dense ? new Walk(1, first.Size, true) : new Walk(first.Shape[0], first.Shape.SampleSize, false);
    }

    /// <summary>At least one byte, so every staging or result buffer is a real device pointer.</summary>
    private DeviceScratch Rent(long bytes) => new(Allocator, Math.Max(bytes, 1));
}

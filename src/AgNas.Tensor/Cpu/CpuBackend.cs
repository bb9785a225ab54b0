using System.Runtime.InteropServices;
using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Cpu;

/// <summary>
/// The reference backend: managed loops vectorised with TensorPrimitives, work split across cores
/// with Parallel.For, GEMM through cblas_sgemm (<see cref="Cblas"/>). Memory is 64-byte aligned
/// native host memory behind a <see cref="CachingAllocator"/>. The op families live in the partial
/// files beside this one.
/// </summary>
public sealed unsafe partial class CpuBackend : IBackend
{
    private static readonly Lazy<CpuBackend> _instance = new(() => new CpuBackend());

    /// <summary>The process-wide CPU backend.</summary>
    public static CpuBackend Instance => _instance.Value;

    private CpuBackend()
    {
        Stats = new MemoryStats();
        Allocator = new CachingAllocator(Device.Cpu,
            bytes => (IntPtr)NativeMemory.AlignedAlloc((nuint)bytes, 64),
            p => NativeMemory.AlignedFree((void*)p),
            Stats);
    }

    public Device Device => Device.Cpu;
    public CachingAllocator Allocator { get; }
    public MemoryStats Stats { get; }

    /// <summary>The CBLAS library in use, or the reason none could be loaded.</summary>
    public static string BlasDescription => Cblas.LoadedLibrary ?? ("none: " + Cblas.LoadError);

    /// <summary>Nothing to wait for: every CPU kernel has finished when its call returns.</summary>
    public void Synchronize() { }

    public string Description => $"cpu ({Environment.ProcessorCount} threads, BLAS: {BlasDescription})";

    private static float* P(Tensor t) => (float*)t.Handle;
    private static int* PI(Tensor t) => (int*)t.Handle;

    /// <summary>Sample n of a (possibly channel-view) tensor as a dense span.</summary>
    private static Span<float> Sample(Tensor t, int n) =>
        new(P(t) + n * t.BatchStride, checked((int)t.Shape.SampleSize));

    private static int Batch(Tensor t) => t.Rank == 0 ? 1 : t.Shape[0];

    /// <summary>Runs body over samples, or once over the whole tensor when every operand is dense.</summary>
    private static void ForEachBlock(Tensor[] operands, Action<Func<Tensor, Span<float>>> body)
    {
        bool dense = operands.All(o => o.IsContiguous);
        if (dense)
        {
            body(t => new Span<float>(P(t), checked((int)t.Size)));
            return;
        }
        int batch = Batch(operands[0]);
        for (int n = 0; n < batch; n++)
        {
            int sample = n;
            body(t => Sample(t, sample));
        }
    }

    // ---- memory -------------------------------------------------------------------------------

    public void CopyFromHost(Tensor dst, ReadOnlySpan<byte> src)
    {
        long bytes = OpChecks.CopyFromHost(this, dst, src.Length);
        if (dst.IsContiguous)
        {
            src.CopyTo(new Span<byte>((void*)dst.Handle, checked((int)bytes)));
            return;
        }
        int sampleBytes = checked((int)(dst.Shape.SampleSize * dst.DType.ByteSize()));
        for (int n = 0; n < dst.Shape[0]; n++)
            src.Slice(n * sampleBytes, sampleBytes).CopyTo(new Span<byte>((byte*)dst.Handle + n * dst.BatchStride * dst.DType.ByteSize(), sampleBytes));
    }

    public void CopyToHost(Span<byte> dst, Tensor src)
    {
        long bytes = OpChecks.CopyToHost(this, src, dst.Length);
        if (src.IsContiguous)
        {
            new ReadOnlySpan<byte>((void*)src.Handle, checked((int)bytes)).CopyTo(dst);
            return;
        }
        int sampleBytes = checked((int)(src.Shape.SampleSize * src.DType.ByteSize()));
        for (int n = 0; n < src.Shape[0]; n++)
            new ReadOnlySpan<byte>((byte*)src.Handle + n * src.BatchStride * src.DType.ByteSize(), sampleBytes).CopyTo(dst.Slice(n * sampleBytes, sampleBytes));
    }

    public void Copy(Tensor dst, Tensor src)
    {
        OpChecks.Copy(this, dst, src);
        int elem = src.DType.ByteSize();
        if (dst.IsContiguous && src.IsContiguous)
        {
            long bytes = src.Size * elem;
            Buffer.MemoryCopy((void*)src.Handle, (void*)dst.Handle, bytes, bytes);
            return;
        }
        long sampleBytes = src.Shape.SampleSize * elem;
        for (int n = 0; n < src.Shape[0]; n++)
            Buffer.MemoryCopy((byte*)src.Handle + n * src.BatchStride * elem, (byte*)dst.Handle + n * dst.BatchStride * elem, sampleBytes, sampleBytes);
    }

    public void Fill(Tensor dst, float value)
    {
        Check.Backend(nameof(Fill), this, dst, "dst");
        if (dst.DType == DType.Float64)
        {
            Check.Contiguous(nameof(Fill), dst, "dst");
            new Span<double>((void*)dst.Handle, checked((int)dst.Size)).Fill(value);
            return;
        }
        if (dst.DType == DType.Int32)
        {
            int iv = (int)value;
            int batch = dst.IsContiguous ? 1 : dst.Shape[0];
            long len = dst.IsContiguous ? dst.Size : dst.Shape.SampleSize;
            for (int n = 0; n < batch; n++) new Span<int>(PI(dst) + n * dst.BatchStride, checked((int)len)).Fill(iv);
            return;
        }
        ForEachBlock([dst], s => s(dst).Fill(value));
    }
}

using System.Runtime.InteropServices;
using AgNas.Tensors.Memory;

namespace AgNas.Tensors;

/// <summary>
/// A float32 (or int32) tensor in NCHW layout on one backend's memory. Within a sample the
/// elements are contiguous; consecutive samples are <see cref="BatchStride"/> elements apart, which
/// is <see cref="Shape.SampleSize"/> for an ordinary tensor and larger for a channel slice of a
/// wider buffer (<see cref="SliceChannels"/>), so candidate ops write into their slice of the
/// attention module's concatenation without a copy. Tensors are <see cref="IDisposable"/>; the
/// innermost <see cref="TensorScope"/> of the creating thread owns them.
/// </summary>
public sealed unsafe class Tensor : IDisposable
{
    private readonly Storage _storage;
    private bool _disposed;

    private Tensor(Storage storage, Shape shape, DType dtype, long offset, long batchStride)
    {
        _storage = storage;
        Shape = shape;
        DType = dtype;
        Offset = offset;
        BatchStride = batchStride;
        Backend.Stats.TensorCreated();
        TensorScope.Current?.Adopt(this);
    }

    public Shape Shape { get; }
    public DType DType { get; }
    public IBackend Backend => _storage.Backend;
    public Device Device => Backend.Device;

    /// <summary>Offset of element 0 in the storage, in elements.</summary>
    public long Offset { get; }

    /// <summary>Elements between the starts of sample n and n+1 (dim 0).</summary>
    public long BatchStride { get; }

    public int Rank => Shape.Rank;
    public long Size => Shape.Size;
    public bool IsDisposed => _disposed;
    internal TensorScope? OwnerScope { get; set; }

    /// <summary>True when the elements are one dense run (no gap between samples).</summary>
    public bool IsContiguous => Rank <= 1 || Shape[0] <= 1 || BatchStride == Shape.SampleSize;

    /// <summary>Address of element 0 in the backend's memory (a host pointer on the CPU, a device pointer on CUDA).</summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _storage.Pointer + (nint)(Offset * DType.ByteSize());
        }
    }

    /// <summary>Allocates an uninitialised tensor.</summary>
    /// <exception cref="ArgumentException">The tensor's bytes do not fit in 63 bits (the message names the shape).</exception>
    /// <exception cref="TensorOutOfMemoryException">The backend's memory cannot hold it.</exception>
    public static Tensor Empty(Shape shape, IBackend backend, DType dtype = DType.Float32)
    {
        long elements = Math.Max(shape.Size, 1);
        if (elements > long.MaxValue / dtype.ByteSize())
            throw new ArgumentException($"Tensor.Empty: shape {shape} of {dtype} holds {elements} elements, more bytes than a 64-bit size can count.", nameof(shape));
        var bytes = elements * dtype.ByteSize();
        var (ptr, cap) = backend.Allocator.Rent(bytes);
        return new Tensor(new Storage(backend, ptr, cap), shape, dtype, 0, shape.SampleSize);
    }

    public static Tensor Zeros(Shape shape, IBackend backend, DType dtype = DType.Float32)
    {
        var t = Empty(shape, backend, dtype);
        backend.Fill(t, 0f);
        return t;
    }

    public static Tensor Full(Shape shape, float value, IBackend backend)
    {
        var t = Empty(shape, backend);
        backend.Fill(t, value);
        return t;
    }

    /// <summary>Copies host data (row-major) into a new tensor.</summary>
    /// <exception cref="ArgumentException">The data length differs from the shape's size.</exception>
    public static Tensor FromArray(ReadOnlySpan<float> data, Shape shape, IBackend backend)
    {
        CheckLength(data.Length, shape);
        return Upload(Empty(shape, backend), MemoryMarshal.AsBytes(data));
    }

    public static Tensor FromArray(ReadOnlySpan<int> data, Shape shape, IBackend backend)
    {
        CheckLength(data.Length, shape);
        return Upload(Empty(shape, backend, DType.Int32), MemoryMarshal.AsBytes(data));
    }

    private static Tensor Upload(Tensor t, ReadOnlySpan<byte> bytes)
    {
        try
        {
            t.Backend.CopyFromHost(t, bytes);
            return t;
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }

    private static void CheckLength(int length, Shape shape)
    {
        if (length != shape.Size)
            throw new ArgumentException($"FromArray: {length} values given for shape {shape}, which holds {shape.Size}.");
    }

    /// <summary>Copies the elements (row-major, gaps of a view skipped) to a new host array.</summary>
    public float[] ToArray()
    {
        RequireDType(DType.Float32, nameof(ToArray));
        var a = new float[HostLength(nameof(ToArray))];
        Backend.CopyToHost(MemoryMarshal.AsBytes(a.AsSpan()), this);
        return a;
    }

    public int[] ToInt32Array()
    {
        RequireDType(DType.Int32, nameof(ToInt32Array));
        var a = new int[HostLength(nameof(ToInt32Array))];
        Backend.CopyToHost(MemoryMarshal.AsBytes(a.AsSpan()), this);
        return a;
    }

    public double[] ToDoubleArray()
    {
        RequireDType(DType.Float64, nameof(ToDoubleArray));
        var a = new double[HostLength(nameof(ToDoubleArray))];
        Backend.CopyToHost(MemoryMarshal.AsBytes(a.AsSpan()), this);
        return a;
    }

    /// <summary>The value of a one-element tensor, copied to the host.</summary>
    public float Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item: tensor of shape {Shape} has {Size} elements; expected 1.");
        return ToArray()[0];
    }

    /// <summary>
    /// A view of channels [start, start+count) of an NCHW (or (B, C)) tensor, sharing its memory.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has rank &lt; 2 or the range is outside [0, C).</exception>
    public Tensor SliceChannels(int start, int count)
    {
        if (Rank < 2) throw new ArgumentException($"SliceChannels: tensor of shape {Shape} has no channel dimension; expected rank >= 2.");
        if (start < 0 || count < 0 || start + count > Shape[1])
            throw new ArgumentException($"SliceChannels: channels [{start}, {start + count}) are outside [0, {Shape[1]}) of shape {Shape}.");
        long plane = Shape.SampleSize / Math.Max(Shape[1], 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.AddRef();
        return new Tensor(_storage, Shape.WithDim(1, count), DType, Offset + start * plane, BatchStride);
    }

    /// <summary>A view with another shape of the same size. Only contiguous tensors can be reshaped.</summary>
    /// <exception cref="ArgumentException">The sizes differ or the tensor is a strided view.</exception>
    public Tensor Reshape(Shape shape)
    {
        if (shape.Size != Size)
            throw new ArgumentException($"Reshape: shape {Shape} ({Size} elements) cannot become {shape} ({shape.Size} elements).");
        if (!IsContiguous)
            throw new ArgumentException($"Reshape: tensor of shape {Shape} is a strided channel view; copy it with Clone() first.");
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.AddRef();
        return new Tensor(_storage, shape, DType, Offset, shape.SampleSize);
    }

    /// <summary>A dense copy (always a new tensor).</summary>
    public Tensor Clone()
    {
        var t = Empty(Shape, Backend, DType);
        Backend.Copy(t, this);
        return t;
    }

    /// <summary>A copy of this tensor on another backend.</summary>
    public Tensor To(IBackend backend)
    {
        var host = new byte[Size * DType.ByteSize()];
        Backend.CopyToHost(host, this);
        var t = Empty(Shape, backend, DType);
        backend.CopyFromHost(t, host);
        return t;
    }

    /// <summary>Host view of a contiguous CPU tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not on the CPU or is a strided view.</exception>
    public Span<float> AsSpan()
    {
        RequireDType(DType.Float32, nameof(AsSpan));
        RequireHostContiguous(nameof(AsSpan));
        return new Span<float>((void*)Handle, HostLength(nameof(AsSpan)));
    }

    public Span<int> AsInt32Span()
    {
        RequireDType(DType.Int32, nameof(AsInt32Span));
        RequireHostContiguous(nameof(AsInt32Span));
        return new Span<int>((void*)Handle, HostLength(nameof(AsInt32Span)));
    }

    /// <summary>The element count as one host array's or span's length.</summary>
    /// <exception cref="InvalidOperationException">The tensor holds more elements than a host array can (the message names its shape).</exception>
    private int HostLength(string op) => Size <= Array.MaxLength
        ? (int)Size
        : throw new InvalidOperationException($"{op}: tensor of shape {Shape} holds {Size} elements, more than one host array or span can ({Array.MaxLength}).");

    private void RequireHostContiguous(string op)
    {
        if (Device.Type != DeviceType.Cpu) throw new InvalidOperationException($"{op}: tensor is on {Device}; host spans exist only for cpu tensors.");
        if (!IsContiguous) throw new InvalidOperationException($"{op}: tensor of shape {Shape} is a strided view; use ToArray() or Clone().");
    }

    private void RequireDType(DType dtype, string op)
    {
        if (DType != dtype) throw new InvalidOperationException($"{op}: tensor has dtype {DType}; expected {dtype}.");
    }

    /// <summary>Hands ownership to the enclosing scope's parent (or to nobody when there is none).</summary>
    public Tensor MoveToOuterScope()
    {
        var owner = OwnerScope;
        if (owner is null) return this;
        owner.Forget(this);
        owner.Parent?.Adopt(this);
        return this;
    }

    /// <summary>Removes the tensor from its scope: the caller now disposes it.</summary>
    public Tensor DetachFromScope()
    {
        OwnerScope?.Forget(this);
        return this;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        OwnerScope?.Forget(this);
        Backend.Stats.TensorDisposed();
        _storage.Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A tensor that nobody disposed: its memory still goes back to the allocator, and a Debug build
    /// says so, because every tensor should be released by its owner or its scope.
    /// </summary>
    ~Tensor()
    {
        if (_disposed) return;
        _disposed = true;
#if DEBUG
        Console.Error.WriteLine($"agnas: leaked {this} (finalised without Dispose)");
#endif
        Backend.Stats.TensorDisposed();
        _storage.Release();
    }

    public override string ToString() => $"Tensor{Shape} {DType} on {Device}{(IsContiguous ? "" : " (channel view)")}";
}

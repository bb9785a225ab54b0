namespace AgNas.Tensors.Memory;

/// <summary>
/// One allocator block shared by a tensor and its views. Reference-counted: the block goes back to
/// the allocator when the last tensor over it is disposed.
/// </summary>
internal sealed class Storage
{
    private int _refs = 1;

    public Storage(IBackend backend, IntPtr pointer, long capacity)
    {
        Backend = backend;
        Pointer = pointer;
        Capacity = capacity;
    }

    public IBackend Backend { get; }
    public IntPtr Pointer { get; }
    public long Capacity { get; }

    public void AddRef() => Interlocked.Increment(ref _refs);

    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0) Backend.Allocator.Return(Pointer, Capacity);
    }
}

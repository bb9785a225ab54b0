namespace AgNas.Tensors.Cuda;

/// <summary>
/// A kernel's parameters packed for cuLaunchKernel: one 8-byte slot per parameter holding the
/// value in its C width (a pointer or <c>long long</c> 8 bytes, <c>int</c>/<c>float</c> 4), and the
/// list of widths, which <see cref="CudaKernel.Launch(LaunchConfig, ref KernelArgs)"/> compares with
/// the kernel's PTX signature before launching — so an <c>int</c> passed where the kernel takes
/// <c>long long</c> is an exception here, not garbage read on the device (kernels/ABI.md).
/// </summary>
public unsafe struct KernelArgs
{
    /// <summary>The most parameters any kernel takes (the batch-norm kernels take 15).</summary>
    public const int MaxCount = 20;

    private fixed long _slots[MaxCount];
    private fixed byte _widths[MaxCount];
    private int _count;

    public readonly int Count => _count;

    /// <summary>A device pointer (<c>T*</c>); 0 is NULL.</summary>
    public void Ptr(nint value) => Put(value, 8);

    /// <summary>A <c>long long</c> (element counts, strides, batch, plane).</summary>
    public void I64(long value) => Put(value, 8);

    /// <summary>An <c>unsigned long long</c> (seeds).</summary>
    public void U64(ulong value) => Put((long)value, 8);

    /// <summary>An <c>int</c> (channels, groups, pooling geometry, flags).</summary>
    public void I32(int value) => Put((uint)value, 4);

    /// <summary>A <c>float</c>.</summary>
    public void F32(float value) => Put(BitConverter.SingleToUInt32Bits(value), 4);

    /// <summary>A <c>double</c>.</summary>
    public void F64(double value) => Put(BitConverter.DoubleToInt64Bits(value), 8);

    private void Put(long bits, byte width)
    {
        if (_count == MaxCount) throw new InvalidOperationException($"A kernel takes at most {MaxCount} parameters here.");
        // Little-endian: a 4-byte parameter is the slot's low half, which is where its pointer points.
        _slots[_count] = bits;
        _widths[_count] = width;
        _count++;
    }

    /// <summary>The width in bytes of parameter <paramref name="i"/>.</summary>
    public readonly byte Width(int i) => _widths[i];

    /// <summary>Fills <paramref name="pointers"/> with the address of each slot (the struct must stay put: a local).</summary>
    public void Pointers(void** pointers)
    {
        fixed (long* slots = _slots)
            for (int i = 0; i < _count; i++) pointers[i] = slots + i;
    }
}

namespace AgNas.Tensors.Cuda;

public sealed unsafe partial class CudaBackend
{
    public void CopyFromHost(Tensor dst, ReadOnlySpan<byte> src)
    {
        long bytes = OpChecks.CopyFromHost(this, dst, src.Length);
        if (dst.IsContiguous)
        {
            _device.CopyToDevice(P(dst), src);
            return;
        }
        // A view: stage the dense bytes on the device, then scatter them into the samples.
        using var staging = Rent(bytes);
        _device.CopyToDevice(staging.Pointer, src);
        CopyStrided(P(dst), dst.BatchStride, staging.Pointer, dst.Shape.SampleSize, dst.Shape[0], dst.Shape.SampleSize, dst.DType);
    }

    public void CopyToHost(Span<byte> dst, Tensor src)
    {
        long bytes = OpChecks.CopyToHost(this, src, dst.Length);
        if (src.IsContiguous)
        {
            _device.CopyToHost(dst, P(src));
            return;
        }
        using var staging = Rent(bytes);
        CopyStrided(staging.Pointer, src.Shape.SampleSize, P(src), src.BatchStride, src.Shape[0], src.Shape.SampleSize, src.DType);
        _device.CopyToHost(dst, staging.Pointer);
    }

    public void Copy(Tensor dst, Tensor src)
    {
        OpChecks.Copy(this, dst, src);
        if (src.Size == 0) return;
        if (dst.IsContiguous && src.IsContiguous)
        {
            _device.CopyDeviceToDevice(P(dst), P(src), src.Size * src.DType.ByteSize());
            return;
        }
        CopyStrided(P(dst), dst.BatchStride, P(src), src.BatchStride, src.Shape[0], src.Shape.SampleSize, src.DType);
    }

    private void CopyStrided(nint dst, long dstStride, nint src, long srcStride, long batch, long sample, DType dtype)
    {
        var grid = _k.Elementwise(batch * sample);
        if (dtype.ByteSize() == 8) _k.CopyB64(grid, dst, dstStride, src, srcStride, batch, sample);
        else _k.CopyB32(grid, dst, dstStride, src, srcStride, batch, sample);
    }

    public void Fill(Tensor dst, float value)
    {
        Check.Backend(nameof(Fill), this, dst, "dst");
        if (dst.Size == 0) return;
        if (dst.DType == DType.Float64)
        {
            Check.Contiguous(nameof(Fill), dst, "dst");
            _k.FillF64(_k.Elementwise(dst.Size), P(dst), dst.Size, value);
            return;
        }
        var w = WalkOf(dst);
        if (dst.DType == DType.Int32) _k.FillI32(_k.Elementwise(w.Work), P(dst), w.Stride(dst), w.Batch, w.Sample, (int)value);
        else _k.FillF32(_k.Elementwise(w.Work), P(dst), w.Stride(dst), w.Batch, w.Sample, value);
    }
}

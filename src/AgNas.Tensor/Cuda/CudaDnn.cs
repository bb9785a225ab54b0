namespace AgNas.Tensors.Cuda;

/// <summary>
/// cuDNN on one device's stream: descriptors (as SafeHandles the caller disposes or caches),
/// algorithm search, workspace sizes and the three convolutions, each status checked. Choosing and
/// caching an algorithm per shape, and renting the workspace, is the backend's job.
/// </summary>
public sealed class CudaDnn
{
    private readonly CudaDevice _device;
    private readonly CudnnHandle _handle;

    internal CudaDnn(CudaDevice device)
    {
        _device = device;
        device.MakeCurrent();
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnCreate(out _handle));
        _handle.KeepContextAlive(device.Context);
        try
        {
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnSetStream(_handle, device.Stream.Handle));
            Version = CudaFormat.CudnnVersion((long)Cudnn.cudnnGetVersion());
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    /// <summary>The cuDNN version, e.g. "9.6.0".</summary>
    public string Version { get; }

    // ---- descriptors --------------------------------------------------------------------------

    /// <summary>A float32 4-D tensor descriptor with explicit strides (in elements): channel views need no copy.</summary>
    internal static CudnnTensorDescriptorHandle TensorDescriptor(int n, int c, int h, int w,
        int nStride, int cStride, int hStride, int wStride)
    {
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnCreateTensorDescriptor(out var desc));
        try
        {
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnSetTensor4dDescriptorEx(desc, CudnnDataType.Float, n, c, h, w,
                nStride, cStride, hStride, wStride));
            return desc;
        }
        catch
        {
            desc.Dispose();
            throw;
        }
    }

    /// <summary>A float32 NCHW filter (k output channels, c input channels per group, h × w).</summary>
    internal static CudnnFilterDescriptorHandle FilterDescriptor(int k, int c, int h, int w)
    {
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnCreateFilterDescriptor(out var desc));
        try
        {
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnSetFilter4dDescriptor(desc, CudnnDataType.Float, CudnnTensorFormat.Nchw, k, c, h, w));
            return desc;
        }
        catch
        {
            desc.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A cross-correlation (PyTorch's conv2d) with <paramref name="p"/>'s stride, padding, dilation
    /// and groups, float32 compute, and <paramref name="math"/> (FMA by default: no TF32).
    /// </summary>
    internal static CudnnConvolutionDescriptorHandle ConvolutionDescriptor(Conv2dParams p, CudnnMathType math = CudnnMathType.Fma)
    {
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnCreateConvolutionDescriptor(out var desc));
        try
        {
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnSetConvolution2dDescriptor(desc, p.Padding, p.Padding, p.Stride, p.Stride,
                p.Dilation, p.Dilation, CudnnConvolutionMode.CrossCorrelation, CudnnDataType.Float));
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnSetConvolutionGroupCount(desc, p.Groups));
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnSetConvolutionMathType(desc, math));
            return desc;
        }
        catch
        {
            desc.Dispose();
            throw;
        }
    }

    /// <summary>cuDNN's output shape for x convolved with w.</summary>
    internal static (int N, int C, int H, int W) ForwardOutputDim(CudnnConvolutionDescriptorHandle conv,
        CudnnTensorDescriptorHandle x, CudnnFilterDescriptorHandle w)
    {
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnGetConvolution2dForwardOutputDim(conv, x, w, out int n, out int c, out int h, out int wo));
        return (n, c, h, wo);
    }

    // ---- algorithm search ---------------------------------------------------------------------

    /// <summary>Every forward algorithm cuDNN could run for the shape, fastest first (each was timed on the stream).</summary>
    internal unsafe CudnnConvolutionFwdAlgoPerf[] FindForward(CudnnTensorDescriptorHandle x, CudnnFilterDescriptorHandle w,
        CudnnConvolutionDescriptorHandle conv, CudnnTensorDescriptorHandle y)
    {
        _device.MakeCurrent();
        var perf = new CudnnConvolutionFwdAlgoPerf[(int)CudnnConvolutionFwdAlgo.Count];
        int returned;
        fixed (CudnnConvolutionFwdAlgoPerf* p = perf)
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnFindConvolutionForwardAlgorithm(_handle, x, w, conv, y, perf.Length, out returned, p));
        return perf[..returned];
    }

    internal unsafe CudnnConvolutionBwdDataAlgoPerf[] FindBackwardData(CudnnFilterDescriptorHandle w,
        CudnnTensorDescriptorHandle dy, CudnnConvolutionDescriptorHandle conv, CudnnTensorDescriptorHandle dx)
    {
        _device.MakeCurrent();
        var perf = new CudnnConvolutionBwdDataAlgoPerf[(int)CudnnConvolutionBwdDataAlgo.Count];
        int returned;
        fixed (CudnnConvolutionBwdDataAlgoPerf* p = perf)
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnFindConvolutionBackwardDataAlgorithm(_handle, w, dy, conv, dx, perf.Length, out returned, p));
        return perf[..returned];
    }

    internal unsafe CudnnConvolutionBwdFilterAlgoPerf[] FindBackwardFilter(CudnnTensorDescriptorHandle x,
        CudnnTensorDescriptorHandle dy, CudnnConvolutionDescriptorHandle conv, CudnnFilterDescriptorHandle dw)
    {
        _device.MakeCurrent();
        var perf = new CudnnConvolutionBwdFilterAlgoPerf[(int)CudnnConvolutionBwdFilterAlgo.Count];
        int returned;
        fixed (CudnnConvolutionBwdFilterAlgoPerf* p = perf)
            CudnnCheck.ThrowIfFailed(Cudnn.cudnnFindConvolutionBackwardFilterAlgorithm(_handle, x, dy, conv, dw, perf.Length, out returned, p));
        return perf[..returned];
    }

    // ---- workspace sizes ----------------------------------------------------------------------

    internal long ForwardWorkspaceSize(CudnnTensorDescriptorHandle x, CudnnFilterDescriptorHandle w,
        CudnnConvolutionDescriptorHandle conv, CudnnTensorDescriptorHandle y, CudnnConvolutionFwdAlgo algo)
    {
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnGetConvolutionForwardWorkspaceSize(_handle, x, w, conv, y, algo, out nuint bytes));
        return (long)bytes;
    }

    internal long BackwardDataWorkspaceSize(CudnnFilterDescriptorHandle w, CudnnTensorDescriptorHandle dy,
        CudnnConvolutionDescriptorHandle conv, CudnnTensorDescriptorHandle dx, CudnnConvolutionBwdDataAlgo algo)
    {
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(_handle, w, dy, conv, dx, algo, out nuint bytes));
        return (long)bytes;
    }

    internal long BackwardFilterWorkspaceSize(CudnnTensorDescriptorHandle x, CudnnTensorDescriptorHandle dy,
        CudnnConvolutionDescriptorHandle conv, CudnnFilterDescriptorHandle dw, CudnnConvolutionBwdFilterAlgo algo)
    {
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(_handle, x, dy, conv, dw, algo, out nuint bytes));
        return (long)bytes;
    }

    // ---- convolutions (queued on the device's stream) -----------------------------------------

    /// <summary>y ← alpha·conv(x, w) + beta·y.</summary>
    internal unsafe void Forward(float alpha, CudnnTensorDescriptorHandle xDesc, nint x, CudnnFilterDescriptorHandle wDesc, nint w,
        CudnnConvolutionDescriptorHandle conv, CudnnConvolutionFwdAlgo algo, nint workspace, long workspaceBytes,
        float beta, CudnnTensorDescriptorHandle yDesc, nint y)
    {
        _device.MakeCurrent();
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnConvolutionForward(_handle, &alpha, xDesc, x, wDesc, w, conv, algo,
            workspace, (nuint)workspaceBytes, &beta, yDesc, y));
    }

    /// <summary>dx ← alpha·∂L/∂x + beta·dx.</summary>
    internal unsafe void BackwardData(float alpha, CudnnFilterDescriptorHandle wDesc, nint w, CudnnTensorDescriptorHandle dyDesc, nint dy,
        CudnnConvolutionDescriptorHandle conv, CudnnConvolutionBwdDataAlgo algo, nint workspace, long workspaceBytes,
        float beta, CudnnTensorDescriptorHandle dxDesc, nint dx)
    {
        _device.MakeCurrent();
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnConvolutionBackwardData(_handle, &alpha, wDesc, w, dyDesc, dy, conv, algo,
            workspace, (nuint)workspaceBytes, &beta, dxDesc, dx));
    }

    /// <summary>dw ← alpha·∂L/∂w + beta·dw.</summary>
    internal unsafe void BackwardFilter(float alpha, CudnnTensorDescriptorHandle xDesc, nint x, CudnnTensorDescriptorHandle dyDesc, nint dy,
        CudnnConvolutionDescriptorHandle conv, CudnnConvolutionBwdFilterAlgo algo, nint workspace, long workspaceBytes,
        float beta, CudnnFilterDescriptorHandle dwDesc, nint dw)
    {
        _device.MakeCurrent();
        CudnnCheck.ThrowIfFailed(Cudnn.cudnnConvolutionBackwardFilter(_handle, &alpha, xDesc, x, dyDesc, dy, conv, algo,
            workspace, (nuint)workspaceBytes, &beta, dwDesc, dw));
    }

    /// <summary>Destroys the handle (the device does, when it is disposed).</summary>
    internal void Release() => _handle.DisposeAndThrowOnError();
}

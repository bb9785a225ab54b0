namespace AgNas.Tensors.Cuda;

/// <summary>Max, average and global average pooling (kernels/pool.cu), PyTorch's semantics as the CPU backend.</summary>
public sealed unsafe partial class CudaBackend
{
    public void MaxPool2dForward(Tensor y, Tensor argmax, Tensor x, Pool2dParams p)
    {
        var g = OpChecks.MaxPool2dForward(this, y, argmax, x, p);
        if (y.Size == 0) return;
        _k.Maxpool2dForwardF32(_k.Elementwise(y.Size), P(y), y.BatchStride, P(argmax), argmax.BatchStride, P(x), x.BatchStride,
            g.B, g.C, g.H, g.W, g.Ho, g.Wo, g.Kernel, g.Stride, g.Padding);
    }

    public void MaxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax)
    {
        var (channels, inPlane, outPlane) = OpChecks.MaxPool2dBackward(this, dx, dy, argmax);
        if (dx.Size == 0) return;
        _k.Maxpool2dBackwardF32(_k.Units((long)dx.Shape[0] * channels), P(dx), dx.BatchStride, P(dy), dy.BatchStride,
            P(argmax), argmax.BatchStride, 0, dx.Shape[0], channels, inPlane, outPlane);
    }

    public void AvgPool2dForward(Tensor y, Tensor x, Pool2dParams p, bool countIncludePad)
    {
        var g = OpChecks.AvgPool2dForward(this, y, x, p);
        if (y.Size == 0) return;
        _k.Avgpool2dForwardF32(_k.Elementwise(y.Size), P(y), y.BatchStride, P(x), x.BatchStride,
            g.B, g.C, g.H, g.W, g.Ho, g.Wo, g.Kernel, g.Stride, g.Padding, countIncludePad ? 1 : 0);
    }

    public void AvgPool2dBackward(Tensor dx, Tensor dy, Pool2dParams p, bool countIncludePad)
    {
        var g = OpChecks.AvgPool2dBackward(this, dx, dy, p);
        if (dx.Size == 0) return;
        _k.Avgpool2dBackwardF32(_k.Elementwise(dx.Size), P(dx), dx.BatchStride, P(dy), dy.BatchStride,
            g.B, g.C, g.H, g.W, g.Ho, g.Wo, g.Kernel, g.Stride, g.Padding, countIncludePad ? 1 : 0);
    }

    public void GlobalAvgPoolForward(Tensor y, Tensor x)
    {
        int plane = OpChecks.GlobalAvgPool(nameof(GlobalAvgPoolForward), this, x, y, "x", "y");
        if (y.Size == 0) return;
        _k.GlobalAvgpoolForwardF32(_k.Units(y.Size), P(y), y.BatchStride, P(x), x.BatchStride, x.Shape[0], x.Shape[1], plane);
    }

    public void GlobalAvgPoolBackward(Tensor dx, Tensor dy)
    {
        int plane = OpChecks.GlobalAvgPool(nameof(GlobalAvgPoolBackward), this, dx, dy, "dx", "dy");
        if (dx.Size == 0) return;
        _k.GlobalAvgpoolBackwardF32(_k.Elementwise(dx.Size), P(dx), dx.BatchStride, P(dy), dy.BatchStride, dx.Shape[0], dx.Shape[1], plane);
    }
}

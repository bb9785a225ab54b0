namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void MaxPool2dForward(Tensor y, Tensor argmax, Tensor x, Pool2dParams p) => throw new NotImplementedException();
    public void MaxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax) => throw new NotImplementedException();
    public void AvgPool2dForward(Tensor y, Tensor x, Pool2dParams p, bool countIncludePad) => throw new NotImplementedException();
    public void AvgPool2dBackward(Tensor dx, Tensor dy, Pool2dParams p, bool countIncludePad) => throw new NotImplementedException();
    public void GlobalAvgPoolForward(Tensor y, Tensor x) => throw new NotImplementedException();
    public void GlobalAvgPoolBackward(Tensor dx, Tensor dy) => throw new NotImplementedException();
}

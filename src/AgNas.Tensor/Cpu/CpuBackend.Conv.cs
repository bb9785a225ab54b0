namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Conv2dForward(Tensor y, Tensor x, Tensor w, Tensor? bias, Conv2dParams p) => throw new NotImplementedException();
    public void Conv2dBackwardData(Tensor dx, Tensor dy, Tensor w, Conv2dParams p) => throw new NotImplementedException();
    public void Conv2dBackwardFilter(Tensor dw, Tensor? dBias, Tensor dy, Tensor x, Conv2dParams p) => throw new NotImplementedException();
}

namespace AgNas.Tensors.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void BatchNormTrainForward(Tensor y, Tensor saveMean, Tensor saveInvStd, Tensor? runningMean, Tensor? runningVar,
        Tensor x, Tensor? gamma, Tensor? beta, float momentum, float eps) => throw new NotImplementedException();
    public void BatchNormEvalForward(Tensor y, Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor var, float eps) => throw new NotImplementedException();
    public void BatchNormTrainBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma,
        Tensor saveMean, Tensor saveInvStd) => throw new NotImplementedException();
    public void BatchNormEvalBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma,
        Tensor mean, Tensor var, float eps) => throw new NotImplementedException();
}

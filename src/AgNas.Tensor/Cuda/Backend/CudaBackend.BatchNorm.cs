namespace AgNas.Tensors.Cuda;

/// <summary>Batch norm (kernels/batchnorm.cu): one block per channel for the statistics, float64 sums in two passes.</summary>
public sealed unsafe partial class CudaBackend
{
    public void BatchNormTrainForward(Tensor y, Tensor saveMean, Tensor saveInvStd, Tensor? runningMean, Tensor? runningVar,
        Tensor x, Tensor? gamma, Tensor? beta, float momentum, float eps)
    {
        var (channels, plane) = OpChecks.BatchNormTrainForward(this, y, saveMean, saveInvStd, runningMean, runningVar, x, gamma, beta, momentum, eps);
        if (channels == 0) return;
        _k.BatchnormTrainForwardF32(_k.Units(channels), P(y), y.BatchStride, P(saveMean), P(saveInvStd), P(runningMean), P(runningVar),
            P(x), x.BatchStride, P(gamma), P(beta), x.Shape[0], channels, plane, momentum, eps);
    }

    public void BatchNormEvalForward(Tensor y, Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor var, float eps)
    {
        var (channels, plane) = OpChecks.BatchNormEvalForward(this, y, x, gamma, beta, mean, var, eps);
        if (x.Size == 0) return;
        _k.BatchnormEvalForwardF32(_k.Units((long)x.Shape[0] * channels), P(y), y.BatchStride, P(x), x.BatchStride, P(gamma), P(beta),
            P(mean), P(var), x.Shape[0], channels, plane, eps);
    }

    public void BatchNormTrainBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma,
        Tensor saveMean, Tensor saveInvStd)
    {
        var (channels, plane) = OpChecks.BatchNormBackward(nameof(BatchNormTrainBackward), this, dx, dGamma, dBeta, dy, x, gamma,
            (saveMean, "saveMean"), (saveInvStd, "saveInvStd"));
        if (channels == 0) return;
        _k.BatchnormTrainBackwardF32(_k.Units(channels), P(dx), dx.BatchStride, P(dGamma), P(dBeta), P(dy), dy.BatchStride,
            P(x), x.BatchStride, P(gamma), P(saveMean), P(saveInvStd), x.Shape[0], channels, plane);
    }

    public void BatchNormEvalBackward(Tensor dx, Tensor? dGamma, Tensor? dBeta, Tensor dy, Tensor x, Tensor? gamma,
        Tensor mean, Tensor var, float eps)
    {
        const string op = nameof(BatchNormEvalBackward);
        var (channels, plane) = OpChecks.BatchNormBackward(op, this, dx, dGamma, dBeta, dy, x, gamma, (mean, "mean"), (var, "var"));
        OpChecks.BatchNormEps(op, eps);
        if (channels == 0) return;
        _k.BatchnormEvalBackwardF32(_k.Units(channels), P(dx), dx.BatchStride, P(dGamma), P(dBeta), P(dy), dy.BatchStride,
            P(x), x.BatchStride, P(gamma), P(mean), P(var), x.Shape[0], channels, plane, eps);
    }
}

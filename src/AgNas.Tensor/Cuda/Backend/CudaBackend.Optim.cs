using System.Runtime.InteropServices;

namespace AgNas.Tensors.Cuda;

/// <summary>Optimiser steps (kernels/optim.cu), in place on the device.</summary>
public sealed unsafe partial class CudaBackend
{
    /// <summary>sgd_step_multi_f32's per-tensor arrays for one tensor, uploaded in one copy.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SgdTable
    {
        public nint Param;
        public nint Grad;
        public nint Buffer;
        public long Size;
        public int FirstStep;
    }

    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p, bool isFirstStep)
    {
        OpChecks.SgdStep(this, param, grad, momentumBuffer, p);
        if (param.Size == 0) return;
        bool momentum = p.Momentum != 0f;
        var table = new SgdTable
        {
            Param = P(param),
            Grad = P(grad),
            Buffer = momentum ? P(momentumBuffer) : 0,
            Size = param.Size,
            FirstStep = isFirstStep ? 1 : 0,
        };
        using var device = Rent(sizeof(SgdTable));
        _device.CopyToDevice(device.Pointer, new ReadOnlySpan<byte>(&table, sizeof(SgdTable)));
        nint b = device.Pointer;
        _k.SgdStepMultiF32(_k.Elementwise(param.Size), b + (nint)Marshal.OffsetOf<SgdTable>(nameof(SgdTable.Param)),
            b + (nint)Marshal.OffsetOf<SgdTable>(nameof(SgdTable.Grad)), momentum ? b + (nint)Marshal.OffsetOf<SgdTable>(nameof(SgdTable.Buffer)) : 0,
            b + (nint)Marshal.OffsetOf<SgdTable>(nameof(SgdTable.Size)), b + (nint)Marshal.OffsetOf<SgdTable>(nameof(SgdTable.FirstStep)),
            1, p.LearningRate, p.Momentum, p.Dampening, p.WeightDecay, p.Nesterov ? 1 : 0);
    }

    public void AdamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamParams p, int step)
    {
        OpChecks.AdamStep(this, param, grad, m, v, step);
        if (param.Size == 0) return;
        // Bias corrections in double on the host, exactly as the CPU backend computes them.
        float stepSize = (float)(p.LearningRate / (1 - Math.Pow(p.Beta1, step)));
        float sqrtBc2 = (float)Math.Sqrt(1 - Math.Pow(p.Beta2, step));
        _k.AdamStepF32(_k.Elementwise(param.Size), P(param), P(grad), P(m), P(v), param.Size, p.Beta1, p.Beta2, p.Eps, p.WeightDecay, stepSize, sqrtBc2);
    }
}

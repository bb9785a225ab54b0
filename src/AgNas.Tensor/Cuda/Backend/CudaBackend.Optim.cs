using System.Runtime.InteropServices;

namespace AgNas.Tensors.Cuda;

/// <summary>Optimiser steps (kernels/optim.cu), in place on the device.</summary>
public sealed unsafe partial class CudaBackend
{
    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p, bool isFirstStep) =>
        SgdStepMany([new SgdTensor(param, grad, momentumBuffer, isFirstStep)], p);

    /// <summary>
    /// All tensors in one sgd_step_multi_f32 launch: its five per-tensor arrays (params, grads,
    /// buffers, sizes, first-step flags) go to the device in one copy.
    /// </summary>
    public void SgdStepMany(IReadOnlyList<SgdTensor> tensors, SgdParams p)
    {
        foreach (var t in tensors) OpChecks.SgdStep(this, t.Param, t.Grad, t.MomentumBuffer, p);
        int count = tensors.Count;
        if (count == 0) return;
        bool momentum = p.Momentum != 0f;
        // [params | grads | buffers | sizes] as 8-byte words, then the int flags.
        int words = 4 * count;
        var table = new byte[words * 8 + count * 4];
        var w = MemoryMarshal.Cast<byte, long>(table.AsSpan(0, words * 8));
        var first = MemoryMarshal.Cast<byte, int>(table.AsSpan(words * 8));
        long largest = 0;
        for (int i = 0; i < count; i++)
        {
            var t = tensors[i];
            w[i] = P(t.Param);
            w[count + i] = P(t.Grad);
            w[2 * count + i] = momentum ? P(t.MomentumBuffer) : 0;
            w[3 * count + i] = t.Param.Size;
            first[i] = t.IsFirstStep ? 1 : 0;
            largest = Math.Max(largest, t.Param.Size);
        }
        if (largest == 0) return;
        using var device = Rent(table.Length);
        _device.CopyToDevice(device.Pointer, table);
        nint b = device.Pointer;
        _k.SgdStepMultiF32(_k.Elementwise(largest), b, b + count * 8, momentum ? b + 2 * count * 8 : 0, b + 3 * count * 8, b + words * 8,
            count, p.LearningRate, p.Momentum, p.Dampening, p.WeightDecay, p.Nesterov ? 1 : 0);
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

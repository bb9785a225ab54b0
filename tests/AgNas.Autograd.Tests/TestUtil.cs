using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Autograd.Tests;

internal static class TestUtil
{
    public static IBackend Cpu => CpuBackend.Instance;

    public static Parameter Param(params float[] values) => Param(Cpu, values);

    public static Parameter Param(IBackend backend, params float[] values) => new(Tensor.FromArray(values, new Shape(values.Length), backend));

    /// <summary>Replaces p's gradient with <paramref name="g"/> (through the engine's own accumulation), on p's backend.</summary>
    public static void SetGrad(Parameter p, params float[] g)
    {
        p.ClearGrad();
        using var t = Tensor.FromArray(g, p.Shape, p.Backend);
        p.AccumulateGrad(t);
    }

    public static float[] Values(Var v) => v.Data.ToArray();

    /// <summary>Float32 values, or int32 values as floats.</summary>
    public static float[] Values(Tensor t) => t.DType == DType.Float32 ? t.ToArray() : t.ToInt32Array().Select(i => (float)i).ToArray();
}

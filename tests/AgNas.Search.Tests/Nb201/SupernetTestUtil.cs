using AgNas.Autograd;
using AgNas.Tensors;

namespace AgNas.Search.Tests.Nb201;

/// <summary>Deterministic inputs for the NB201 network tests.</summary>
internal static class SupernetTestUtil
{
    /// <summary>Values uniform in [lo, hi) from the counter-based generator (same on every run and backend).</summary>
    public static float[] Uniform(long count, ulong seed, float lo = -1f, float hi = 1f)
    {
        var a = new float[count];
        for (long i = 0; i < count; i++) a[i] = lo + (hi - lo) * CounterRandom.Uniform(seed, (ulong)i);
        return a;
    }

    /// <summary>A batch of images as a constant (no gradient).</summary>
    public static Var Images(Shape shape, IBackend backend, ulong seed = 1) =>
        new(Tensor.FromArray(Uniform(shape.Size, seed), shape, backend));

    /// <summary>Labels 0, 1, 2, … modulo <paramref name="classes"/>.</summary>
    public static Tensor Labels(int batch, int classes, IBackend backend) =>
        Tensor.FromArray(Enumerable.Range(0, batch).Select(i => i % classes).ToArray(), new Shape(batch), backend);
}

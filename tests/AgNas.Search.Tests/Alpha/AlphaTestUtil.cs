using AgNas.Search.Alpha;
using AgNas.Tensors;

namespace AgNas.Search.Tests.Alpha;

internal static class AlphaTestUtil
{
    /// <summary>Overwrites α with <paramref name="values"/> (row-major).</summary>
    public static void Set(AlphaSet set, float[] values)
    {
        using var source = Tensor.FromArray(values, set.Alpha.Shape, set.Alpha.Backend).DetachFromScope();
        set.Alpha.Backend.Copy(set.Alpha.Data, source);
    }

    /// <summary>Releases a set that no module owns (its value and gradient).</summary>
    public static void Release(AlphaSet set)
    {
        set.Alpha.ClearGrad();
        set.Alpha.Data.Dispose();
    }
}

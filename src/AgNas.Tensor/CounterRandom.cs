namespace AgNas.Tensors;

/// <summary>
/// A counter-based generator: the value for (seed, index) is a pure function (SplitMix64's
/// finaliser), so masks are identical on every backend and need no generator state on the device.
/// </summary>
public static class CounterRandom
{
    public static ulong Hash(ulong seed, ulong index)
    {
        ulong z = seed * 0x9E3779B97F4A7C15UL + index + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 bits of resolution.</summary>
    public static float Uniform(ulong seed, ulong index) => (Hash(seed, index) >> 40) * (1f / (1 << 24));
}

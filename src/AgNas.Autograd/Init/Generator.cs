namespace AgNas.Autograd.Init;

/// <summary>
/// A seeded, reproducible pseudo-random generator for initialisation (and anything else on the host
/// that must follow the run's seed): xoshiro256** with its state seeded by SplitMix64, so the same
/// seed gives the same numbers on every machine and .NET version. Not thread-safe; one generator
/// per consumer. The state can be read and restored (<see cref="State"/>) for resumable runs.
/// </summary>
public sealed class Generator
{
    /// <summary>The seed a layer uses when it is given no generator.</summary>
    public const ulong DefaultSeed = 0;

    private ulong _s0, _s1, _s2, _s3;

    public Generator(ulong seed = DefaultSeed)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The seed this generator was created with.</summary>
    public ulong Seed { get; }

    /// <summary>The four state words; setting them resumes the sequence where it was read.</summary>
    /// <exception cref="ArgumentException">Not four words, or all zero (xoshiro's one invalid state).</exception>
    public ulong[] State
    {
        get => [_s0, _s1, _s2, _s3];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != 4 || value.All(w => w == 0))
                throw new ArgumentException($"Generator.State: got {value.Length} words{(value.Length == 4 ? ", all zero" : "")}; expected 4 words, not all zero.", nameof(value));
            (_s0, _s1, _s2, _s3) = (value[0], value[1], value[2], value[3]);
        }
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 bits of resolution.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high) (in exact arithmetic; rounding to float32 may reach high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Normal with the given mean and standard deviation (Box–Muller, one value per two draws).</summary>
    public double Normal(double mean = 0, double std = 1)
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return mean + std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Uniform integer in [0, n).</summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt;= 0.</exception>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        // Lemire's multiply-shift with rejection: unbiased.
        ulong range = (ulong)n;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 m = (UInt128)r * range;
            if ((ulong)m >= threshold) return (int)(m >> 64);
        }
    }

    /// <summary>
    /// An independent generator derived from this one's seed and <paramref name="stream"/> (not from
    /// its current state), e.g. one per data worker.
    /// </summary>
    public Generator Derive(ulong stream) => new(AgNas.Tensors.CounterRandom.Hash(Seed, stream));

    public override string ToString() => $"Generator(seed {Seed})";
}

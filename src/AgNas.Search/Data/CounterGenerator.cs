using AgNas.Tensors;

namespace AgNas.Search.Data;

/// <summary>
/// Stream identifiers that keep the data layer's random draws independent of each other even when
/// they share one seed (domain separation: the epoch shuffle never correlates with the crops).
/// </summary>
public static class RandomStreams
{
    public const ulong Shuffle = 0x5348_5546_464C_4501;      // per-epoch order
    public const ulong Augment = 0x4155_474D_454E_5401;      // per-sample augmentation draws
    public const ulong Split = 0x5350_4C49_5401;             // SearchSplit with shuffle
    public const ulong Subset = 0x5355_4253_4554_01;         // ImageDataset.Sample
    public const ulong AlphaBatches = 0x414C_5048_4101;      // the seed of the DARTS α steps' validation loader
}

/// <summary>
/// A small deterministic generator over <see cref="CounterRandom.Hash"/>: draw k is
/// Hash(key, k), with the key derived from (seed, stream, a, b). Because every draw is a pure
/// function of its key and position, a sample's augmentation depends only on (seed, epoch, sample
/// index), never on which thread prepared it or how far ahead the loader ran.
/// It is a value type: copy it and you copy its position.
/// </summary>
public struct CounterGenerator
{
    private readonly ulong _key;
    private ulong _counter;

    public CounterGenerator(ulong seed, ulong stream)
    {
        _key = CounterRandom.Hash(seed, stream);
        _counter = 0;
    }

    /// <summary>The generator for (seed, stream, a, b), e.g. (seed, Augment, epoch, sample index).</summary>
    public CounterGenerator(ulong seed, ulong stream, long a, long b)
    {
        _key = CounterRandom.Hash(CounterRandom.Hash(CounterRandom.Hash(seed, stream), (ulong)a), (ulong)b);
        _counter = 0;
    }

    public ulong NextUInt64() => CounterRandom.Hash(_key, _counter++);

    /// <summary>Uniform integer in [0, maxExclusive), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong n = (ulong)maxExclusive;
        ulong high = Math.BigMul(NextUInt64(), n, out ulong low);
        if (low < n)
        {
            ulong threshold = (0UL - n) % n;
            while (low < threshold) high = Math.BigMul(NextUInt64(), n, out low);
        }
        return (int)high;
    }

    /// <summary>Uniform in [0, 1) with 53 bits of resolution.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

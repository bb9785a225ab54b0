namespace AgNas.Search.Data;

/// <summary>
/// The split of one training set into a part that trains the weights (and, in AGNAS, the
/// attention modules) and a disjoint part that is forwarded to collect attention statistics.
/// <para>As in the reference code (DARTS / AGNAS <c>train_search.py</c>, <c>train_portion</c> 0.5),
/// the default takes the FIRST floor(portion·count) indices in index order for training and the
/// rest for validation: deterministic, no seed involved. With <c>shuffle</c> the indices are first
/// permuted by a generator seeded with <c>seed</c>; each part is then kept in ascending order.</para>
/// </summary>
public sealed class SearchSplit
{
    private SearchSplit(int[] train, int[] valid, double portion, bool shuffled, ulong seed)
    {
        Train = train;
        Valid = valid;
        TrainPortion = portion;
        Shuffled = shuffled;
        Seed = seed;
    }

    /// <summary>Indices that train the weights.</summary>
    public IReadOnlyList<int> Train { get; }

    /// <summary>Indices held out to collect the attention statistics.</summary>
    public IReadOnlyList<int> Valid { get; }

    public double TrainPortion { get; }
    public bool Shuffled { get; }
    public ulong Seed { get; }

    /// <param name="count">Number of images in the set being split.</param>
    /// <param name="trainPortion">Fraction in (0, 1) for the training part; it gets floor(portion·count).</param>
    /// <param name="shuffle">Permute the indices before splitting (off = the reference behaviour).</param>
    /// <param name="seed">Used only when <paramref name="shuffle"/> is set.</param>
    /// <exception cref="ArgumentOutOfRangeException">Portion outside (0, 1), or a part would be empty.</exception>
    public static SearchSplit Create(int count, double trainPortion = 0.5, ulong seed = 0, bool shuffle = false)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"SearchSplit: count {count} must be ≥ 0.");
        if (!(trainPortion > 0 && trainPortion < 1))
            throw new ArgumentOutOfRangeException(nameof(trainPortion),
                $"SearchSplit: train portion {trainPortion} must lie strictly between 0 and 1 (0.5 = first half trains the weights, second half is validation).");
        int nTrain = (int)Math.Floor(trainPortion * count);
        int nValid = count - nTrain;
        if (nTrain == 0 || nValid == 0)
            throw new ArgumentOutOfRangeException(nameof(trainPortion),
                $"SearchSplit: portion {trainPortion} of {count} images gives {nTrain} training and {nValid} validation images; both parts must be non-empty.");

        var order = Enumerable.Range(0, count).ToArray();
        if (shuffle) new CounterGenerator(seed, RandomStreams.Split).Shuffle(order);
        var train = order[..nTrain];
        var valid = order[nTrain..];
        if (shuffle)
        {
            Array.Sort(train);
            Array.Sort(valid);
        }
        return new SearchSplit(train, valid, trainPortion, shuffle, seed);
    }

    public override string ToString() =>
        $"split {Train.Count} train / {Valid.Count} valid (portion {TrainPortion}, {(Shuffled ? $"shuffled, seed {Seed}" : "first part trains, index order")})";
}

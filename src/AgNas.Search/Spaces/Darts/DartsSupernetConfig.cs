namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// Every setting of a <see cref="DartsSupernet"/>, with its default (the AGNAS CIFAR-10 search, agnas-facts §1.2
/// and §3.2: C = 16, 8 cells, r = 8); the supernet keeps it, and a copy of a supernet is built from it.
/// </summary>
public sealed record DartsSupernetConfig
{
    /// <summary>The reference supernet's C.</summary>
    public const int DefaultChannels = 16;

    /// <summary>The reference supernet's cell count.</summary>
    public const int DefaultLayers = 8;

    /// <summary>The reference attention reduction in the DARTS space (<c>AttentionModule(8*C, ratio=8)</c>): hidden width C.</summary>
    public const int DefaultReduction = 8;

    /// <summary>
    /// Fewest cells for which every stage has a normal cell besides the two reductions, so that all five
    /// cells of the AGNAS set exist (L = 5: cells 0 N, 1 R, 2 N, 3 R, 4 N).
    /// </summary>
    public const int MinLayers = 5;

    /// <summary>The stem's width in units of C (DARTS <c>stem_multiplier</c>).</summary>
    public const int StemMultiplier = 3;

    /// <summary>Image channels: 1 (MNIST-like) or 3 (CIFAR).</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Classifier outputs (10 for CIFAR-10).</summary>
    public int Classes { get; init; } = 10;

    /// <summary>C, the first stage's cell width; it doubles at each reduction cell (16 → 32 → 64 at the default).</summary>
    public int Channels { get; init; } = DefaultChannels;

    /// <summary>L, the number of cells; cells L/3 and 2L/3 are the reductions (<see cref="DartsStages"/>: 2 and 5 at L = 8).</summary>
    public int Layers { get; init; } = DefaultLayers;

    /// <summary>
    /// How the edges mix their candidates: <see cref="SearchMethod.Agnas"/>, an attention module on every edge of every
    /// cell; <see cref="SearchMethod.Darts"/>, softmax of the edge's row of one of DARTS' two α (14, 8), <c>alphas_normal</c>
    /// for every normal cell and <c>alphas_reduce</c> for both reduction cells (DARTS <c>model_search.py</c> <c>Network</c>).
    /// </summary>
    public SearchMethod Method { get; init; } = SearchMethod.Agnas;

    /// <summary>r of every attention module: hidden width floor(8C / r). Unused with <see cref="SearchMethod.Darts"/>.</summary>
    public int Reduction { get; init; } = DefaultReduction;

    /// <summary>Seed of the initial weights.</summary>
    public ulong Seed { get; init; }

    /// <summary>The reduction cells, in order (L/3, 2L/3).</summary>
    public IReadOnlyList<int> ReductionCells() => [DartsStages.FirstReduction(Layers), DartsStages.SecondReduction(Layers)];

    /// <summary>
    /// One line for logs: the cell count, C per stage, where the reductions are and which cells form the five-cell set.
    /// </summary>
    public string Describe()
    {
        int first = DartsStages.FirstReduction(Layers), second = DartsStages.SecondReduction(Layers);
        var five = DartsCellSlots.All.Select(s => DartsStages.FirstCellOf(s, Layers));
        return $"{Layers} cells, C = {Channels}/{2 * Channels}/{4 * Channels} by stage, reductions at cells {first} and {second} (L/3 and 2L/3), " +
               $"five-cell set from cells {string.Join(", ", five)}";
    }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each invalid setting and its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (InputChannels < 1) problems.Add($"InputChannels = {InputChannels} (expected >= 1)");
        if (Classes < 1) problems.Add($"Classes = {Classes} (expected >= 1)");
        if (Channels < 1) problems.Add($"Channels = {Channels} (expected >= 1)");
        if (Layers < MinLayers)
            problems.Add($"Layers = {Layers} (expected >= {MinLayers}: reductions at L/3 and 2L/3 must leave a normal cell in every stage for the five-cell set)");
        if (Reduction < 1) problems.Add($"Reduction = {Reduction} (expected >= 1)");
        if (!Enum.IsDefined(Method)) problems.Add($"Method = {Method} (expected Agnas or Darts)");
        if (problems.Count > 0)
            throw new ArgumentException($"DartsSupernetConfig: {string.Join("; ", problems)}.");
    }
}

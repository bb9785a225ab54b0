namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// Every setting of an <see cref="Nb201Supernet"/>, with its default; the supernet keeps it, and a copy
/// of a supernet is built from it (never from a constructor called with some of the arguments).
/// </summary>
public sealed record Nb201SupernetConfig
{
    /// <summary>Image channels: 1 (MNIST-like) or 3 (CIFAR).</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Classifier outputs (10 for CIFAR-10).</summary>
    public int Classes { get; init; } = 10;

    /// <summary>C, the first stage's width (NB201: 16); the stages have C, 2C, 4C.</summary>
    public int Channels { get; init; } = 16;

    /// <summary>N, search cells per stage (NB201: 5), so 3N cells in all.</summary>
    public int CellsPerStage { get; init; } = 5;

    /// <summary>
    /// How the edges mix their candidates: <see cref="SearchMethod.Agnas"/>, an attention module on every
    /// edge of every cell; <see cref="SearchMethod.Darts"/>, softmax of one α (6, 5) that all cells share,
    /// the parameter <c>arch_parameters</c>, as NAS-Bench-201's DARTS-V1 baseline (AutoDL <c>TinyNetworkDarts</c>).
    /// </summary>
    public SearchMethod Method { get; init; } = SearchMethod.Agnas;

    /// <summary>The attention modules' reduction r: hidden width floor(5C / r). Not stated for NB201 by the paper; 8 as in its DARTS space. Unused with <see cref="SearchMethod.Darts"/>.</summary>
    public int Reduction { get; init; } = 8;

    /// <summary>Whether the search cells' BNs keep running statistics (AutoDL's track_running_stats flag).</summary>
    public bool TrackRunningStats { get; init; } = true;

    /// <summary>
    /// Whether each search cell normalises its input with a non-affine BatchNorm2d before the edges
    /// (an AgNas addition, default on; see <see cref="Nb201Supernet"/> for why: without it the
    /// activations grow ≈ 4× per cell and the last stage's attention saturates).
    /// </summary>
    public bool CellInputNorm { get; init; } = true;

    /// <summary>Seed of the initial weights.</summary>
    public ulong Seed { get; init; }

    /// <summary>Whether derivation may choose <c>none</c> on an edge (reference facts §5 step 4: open; default exclude).</summary>
    public bool AllowNone { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each invalid setting and its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (InputChannels < 1) problems.Add($"InputChannels = {InputChannels} (expected >= 1)");
        if (Classes < 1) problems.Add($"Classes = {Classes} (expected >= 1)");
        if (Channels < 1) problems.Add($"Channels = {Channels} (expected >= 1)");
        if (CellsPerStage < 1) problems.Add($"CellsPerStage = {CellsPerStage} (expected >= 1)");
        if (Reduction < 1) problems.Add($"Reduction = {Reduction} (expected >= 1)");
        if (!Enum.IsDefined(Method)) problems.Add($"Method = {Method} (expected Agnas or Darts)");
        if (problems.Count > 0)
            throw new ArgumentException($"Nb201SupernetConfig: {string.Join("; ", problems)}.");
    }
}

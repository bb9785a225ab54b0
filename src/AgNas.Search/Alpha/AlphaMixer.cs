using AgNas.Autograd;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Alpha;

/// <summary>
/// DARTS' mixed operation on one edge (Liu et al. 2019, Eq. 2): out = Σ_k softmax(α_e)_k · O_k, with
/// α_e the edge's row of an <see cref="AlphaSet"/>, the same weights for every sample and channel.
/// It reads the candidates' concatenation z (B, K·C, H, W), the buffer an attention module would
/// read, and combines with the attention module's fused kernel (<see cref="Functional.AttentionCombine"/>),
/// fed with softmax(α_e) spread over each candidate's C channels (<see cref="Functional.ExpandGroups"/>).
/// The softmax is taken per forward (as DARTS' <c>F.softmax(self.alphas_normal, dim=-1)</c>), so α's
/// gradient sums over every cell that shares the row.
/// </summary>
public sealed class AlphaMixer : ICandidateMixer
{
    internal AlphaMixer(AlphaSet set, int edge)
    {
        Set = set;
        Edge = edge;
    }

    /// <summary>The α set whose row this edge reads.</summary>
    public AlphaSet Set { get; }

    /// <summary>The row of <see cref="Set"/>.</summary>
    public int Edge { get; }

    /// <inheritdoc/>
    public int Candidates => Set.Candidates;

    /// <summary>z (B, K·C, H, W) → Σ_k softmax(α_e)_k · z[:, kC:(k+1)C] (B, C, H, W).</summary>
    /// <exception cref="ArgumentException">z is not (B, K·C, H, W) for this set's K.</exception>
    public Var Mix(Var z)
    {
        ArgumentNullException.ThrowIfNull(z);
        int k = Candidates;
        if (z.Shape.Rank != 4 || z.Shape[1] % k != 0 || z.Shape[1] == 0)
            throw new ArgumentException($"AlphaMixer ({Set.Name} row {Edge}, K={k}): z has shape {z.Shape}; expected (B, K·C, H, W) with K = {k}.");
        var weights = Softmax(Set.Row(Edge));
        return AttentionCombine(z, ExpandGroups(weights, z.Shape[0], z.Shape[1] / k), k);
    }

    public override string ToString() => $"AlphaMixer({Set.Name}[{Edge}], K={Candidates})";
}

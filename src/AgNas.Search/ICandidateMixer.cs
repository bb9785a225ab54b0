using AgNas.Autograd;
using AgNas.Search.Alpha;
using AgNas.Search.Attention;

namespace AgNas.Search;

/// <summary>
/// How a mixed edge (or layer) turns the outputs of its K candidates, concatenated along channels in
/// candidate order, into the edge's output. The candidates and their concatenation buffer are the
/// same for every method; only this combine differs: <see cref="AttentionModule"/> for AGNAS
/// (sigmoid attention per sample and channel), <see cref="AlphaMixer"/> for DARTS (softmax(α) of
/// the edge's row, shared by every sample).
/// </summary>
public interface ICandidateMixer
{
    /// <summary>K, the number of candidates.</summary>
    int Candidates { get; }

    /// <summary>z (B, K·C, H, W), the candidates' outputs in order → the edge's output (B, C, H, W).</summary>
    /// <exception cref="ArgumentException">z's channels are not K·C for this mixer.</exception>
    Var Mix(Var z);
}

using AgNas.Autograd.Modules;
using AgNas.Search.Attention;

namespace AgNas.Search;

/// <summary>
/// What the search loop (AGNAS Algorithm 1) needs from a supernet of any space: the network to
/// train (images (B, C_in, H, W) → logits (B, classes)), its attention modules in a fixed order, and
/// the space's derivation rule from their importances. A supernet that the first-order DARTS
/// baseline can search as well also implements <see cref="IAlphaSupernet"/>.
/// </summary>
public interface ISearchSupernet
{
    /// <summary>The trainable network; its Forward maps images to logits.</summary>
    Module Network { get; }

    /// <summary>Every attention module, in the order <see cref="Derive"/> expects their importances.</summary>
    IReadOnlyList<AttentionModule> AttentionModules { get; }

    /// <summary>
    /// The architecture chosen by the importances (one vector of K values per attention module, in
    /// <see cref="AttentionModules"/> order, as accumulated over a validation pass).
    /// </summary>
    DerivedArchitecture Derive(IReadOnlyList<double[]> importance);
}

/// <summary>
/// A derived architecture: its text in the space's community format (e.g. the NAS-Bench-201 string
/// or a DARTS genotype), the number of skip-connections it uses, and a per-edge (or per-layer) table
/// of the normalised importances that decided it, with the candidate names.
/// </summary>
public sealed record DerivedArchitecture(
    string Text,
    int SkipConnectCount,
    IReadOnlyList<string> CandidateNames,
    IReadOnlyList<EdgeImportance> Edges);

/// <summary>The importance of every candidate on one edge or layer, as used for the decision, and the chosen index.</summary>
public sealed record EdgeImportance(string Edge, IReadOnlyList<double> Importance, int Chosen);

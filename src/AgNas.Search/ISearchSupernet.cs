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
/// of the importances that decided it, with the candidate names. A space whose architecture is made of
/// several searched cells (DARTS: one genotype per supernet cell) also lists them, and may name files
/// to write beside arch.txt (e.g. the genotype as JSON).
/// </summary>
/// <param name="Text">The architecture in the space's format (the run folder's arch.txt).</param>
/// <param name="SkipConnectCount">skip_connect ops in it, as the space defines the count.</param>
/// <param name="CandidateNames">The candidates' names, in importance-vector order.</param>
/// <param name="Edges">Per edge or layer, the importances compared and the choice.</param>
/// <param name="Cells">Per searched cell, its derived genotype; null where the space derives one cell for all.</param>
/// <param name="Files">File name (no folder) → text, written into the run folder with each epoch's arch.txt; null for none.</param>
public sealed record DerivedArchitecture(
    string Text,
    int SkipConnectCount,
    IReadOnlyList<string> CandidateNames,
    IReadOnlyList<EdgeImportance> Edges,
    IReadOnlyList<DerivedCell>? Cells = null,
    IReadOnlyDictionary<string, string>? Files = null);

/// <summary>
/// The importance of every candidate on one edge or layer, as used for the decision, and the chosen index
/// (<see cref="Dropped"/> where the space's rule drops the edge, as DARTS keeps two inputs per node).
/// </summary>
/// <param name="Edge">The edge or layer, as the space names it.</param>
/// <param name="Importance">One value per candidate.</param>
/// <param name="Chosen">Index of the chosen candidate, or <see cref="Dropped"/>.</param>
/// <param name="Group">The cell (or stage) the edge belongs to, for reports that lay edges out by cell; null for none.</param>
public sealed record EdgeImportance(string Edge, IReadOnlyList<double> Importance, int Chosen, string? Group = null)
{
    /// <summary>The <see cref="Chosen"/> value of an edge that the derived architecture does not contain.</summary>
    public const int Dropped = -1;
}

/// <summary>One searched cell's derived genotype.</summary>
/// <param name="Name">The cell, e.g. "cell 2 (reduce)".</param>
/// <param name="Genotype">Its genotype in the space's one-cell format.</param>
/// <param name="SkipConnectCount">skip_connect ops in it.</param>
public sealed record DerivedCell(string Name, string Genotype, int SkipConnectCount);

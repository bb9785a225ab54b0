using AgNas.Search.Alpha;

namespace AgNas.Search;

/// <summary>
/// A supernet that can also be searched with DARTS' architecture parameters (<c>agnas search
/// --method darts</c>, <see cref="SearchMethod.Darts"/>): built for that method, its edges mix their
/// candidates with <see cref="AlphaMixer"/>s over <see cref="AlphaSets"/> instead of attention
/// modules (<see cref="ISearchSupernet.AttentionModules"/> is then empty), and the space's
/// derivation rule reads softmax(α). A space supports DARTS by building its mixed edges with an
/// <see cref="AlphaSet"/>'s mixers and implementing this interface; the search loop needs nothing else.
/// </summary>
public interface IAlphaSupernet : ISearchSupernet
{
    /// <summary>
    /// Every α set, each registered as a parameter of <see cref="ISearchSupernet.Network"/> under its
    /// <see cref="AlphaSet.Name"/> (so it is saved with the weights); empty when the supernet was built
    /// for attention. The search trains these with Adam and every other parameter with SGD.
    /// </summary>
    IReadOnlyList<AlphaSet> AlphaSets { get; }

    /// <summary>
    /// The architecture chosen by the current α: the space's rule applied to softmax(α) per edge (one
    /// <see cref="EdgeImportance"/> per edge holding that edge's softmax(α)).
    /// </summary>
    /// <exception cref="InvalidOperationException">The supernet has no α (it was built for attention).</exception>
    DerivedArchitecture DeriveFromAlphas();
}

using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors;

namespace AgNas.Search;

/// <summary>
/// What a search space needs to build its supernet for one run: the image channels and class count
/// of the dataset, the attention reduction ratio r, whether derivation may choose the <c>none</c> op,
/// the seed of the initial weights, and the search method (attention modules, or DARTS' α). Everything
/// else about the supernet (C, N, BN settings) is the space's own default.
/// </summary>
/// <param name="InputChannels">Channels of the input images (1 for MNIST-like sets, 3 for CIFAR).</param>
/// <param name="Classes">Number of classes the head predicts.</param>
/// <param name="Reduction">r of every attention module (hidden width floor(K·C / r)).</param>
/// <param name="AllowNone">Derivation may pick <c>none</c> (off: excluded, as the reference code does in the DARTS space).</param>
/// <param name="Seed">Seed of the weight initialisation.</param>
/// <param name="Method">
/// <see cref="SearchMethod.Agnas"/>: attention modules on the edges. <see cref="SearchMethod.Darts"/>:
/// α instead (the supernet must then be an <see cref="IAlphaSupernet"/> with α sets).
/// </param>
public sealed record SupernetSpec(int InputChannels, int Classes, int Reduction, bool AllowNone, int Seed, SearchMethod Method = SearchMethod.Agnas);

/// <summary>Builds the supernet of a named space on a backend (see <see cref="SearchSpaces.Create"/>).</summary>
public delegate ISearchSupernet SupernetFactory(string space, SupernetSpec spec, IBackend backend);

/// <summary>
/// The search spaces <c>agnas search</c> can build, by name. This is the one place a space is wired
/// to the search loop: <see cref="Runs.SearchRun"/> receives <see cref="Create"/> as its
/// <see cref="SupernetFactory"/>.
/// </summary>
public static class SearchSpaces
{
    public const string Nb201 = "nb201";

    /// <summary>The names <see cref="Create"/> knows, for --help and for checking --space early.</summary>
    public static IReadOnlyList<string> Names { get; } = [Nb201];

    /// <summary>The supernet of <paramref name="space"/> (case-insensitive) for <paramref name="spec"/>, its weights on <paramref name="backend"/>.</summary>
    /// <exception cref="ArgumentException">Unknown space; the message lists the known ones.</exception>
    public static ISearchSupernet Create(string space, SupernetSpec spec, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backend);
        return space.ToLowerInvariant() switch
        {
            Nb201 => new Nb201Supernet(new Nb201SupernetConfig
            {
                InputChannels = spec.InputChannels,
                Classes = spec.Classes,
                Reduction = spec.Reduction,
                AllowNone = spec.AllowNone,
                Seed = (ulong)spec.Seed,
                Method = spec.Method,
            }, backend),
            _ => throw new ArgumentException($"Unknown search space '{space}'; expected one of: {string.Join(", ", Names)}.", nameof(space)),
        };
    }
}

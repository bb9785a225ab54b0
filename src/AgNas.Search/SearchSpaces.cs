using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors;

namespace AgNas.Search;

/// <summary>
/// What a search space needs to build its supernet for one run: the image channels and class count
/// of the dataset, the attention reduction ratio r, whether derivation may choose the <c>none</c> op,
/// the seed of the initial weights, the search method (attention modules, or DARTS' α), and (for spaces
/// whose supernet size is a setting) C and the cell count. Everything else about the supernet (BN
/// settings, the stem) is the space's own default.
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
/// <param name="Channels">C of the first stage; null = the space's default (darts: 16). nb201 has no such setting (C = 16).</param>
/// <param name="Layers">Cells of the supernet; null = the space's default (darts: 8). nb201 has no such setting (3 × 5 cells).</param>
/// <param name="StemStride">Stride of the stem conv; null = the space's default (proxyless: 2, or 1 for small images). Only proxyless has this setting.</param>
/// <param name="MaxMacs">proxyless: derive under this many multiply-adds of the exported network (<see cref="ProxylessBudgetedDerivation"/>); null = no bound.</param>
/// <param name="MaxParameters">proxyless: derive under this many parameters of the exported network; null = no bound.</param>
/// <param name="ImageSize">The image side (H = W) the budget's multiply-adds are counted at; null = 224.</param>
public sealed record SupernetSpec(int InputChannels, int Classes, int Reduction, bool AllowNone, int Seed, SearchMethod Method = SearchMethod.Agnas,
    int? Channels = null, int? Layers = null, int? StemStride = null, long? MaxMacs = null, long? MaxParameters = null, int? ImageSize = null);

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

    /// <summary>The DARTS micro space of the AGNAS CIFAR-10 search (<see cref="DartsSupernet"/>).</summary>
    public const string Darts = "darts";

    /// <summary>
    /// The ProxylessNAS macro space of the AGNAS ImageNet search (<see cref="ProxylessSupernet"/>: 21 layers of six MBConvs and skip).
    /// The spec's <see cref="SupernetSpec.Reduction"/> is used as given: the reference's r is 16
    /// (<see cref="ProxylessLayers.DefaultReduction"/>), which the CLI passes for this space (the micro spaces' default is 8).
    /// </summary>
    public const string Proxyless = "proxyless";

    /// <summary>The names <see cref="Create"/> knows, for --help and for checking --space early.</summary>
    public static IReadOnlyList<string> Names { get; } = [Nb201, Darts, Proxyless];

    /// <summary>Whether <paramref name="space"/> names <paramref name="known"/> (case-insensitive, as <see cref="Create"/> reads it).</summary>
    public static bool Is(string? space, string known) => string.Equals(space, known, StringComparison.OrdinalIgnoreCase);

    /// <summary>The supernet of <paramref name="space"/> (case-insensitive) for <paramref name="spec"/>, its weights on <paramref name="backend"/>.</summary>
    /// <exception cref="ArgumentException">Unknown space (the message lists the known ones); a spec setting the space does not have
    /// (nb201: C, the cell count or the stem stride; darts: allowing <c>none</c>, which its derivation never chooses, or the stem stride;
    /// proxyless: C, the cell count, allowing <c>none</c>, or the DARTS method); or an invalid size.</exception>
    public static ISearchSupernet Create(string space, SupernetSpec spec, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backend);
        if (spec.StemStride is not null && !Is(space, Proxyless) && Names.Any(n => Is(space, n)))
            throw new ArgumentException($"The {space.ToLowerInvariant()} supernet has no stem-stride setting (only {Proxyless} has); the spec sets {spec.StemStride}.", nameof(spec));
        if ((spec.MaxMacs ?? spec.MaxParameters) is not null && !Is(space, Proxyless) && Names.Any(n => Is(space, n)))
            throw new ArgumentException($"The {space.ToLowerInvariant()} space has no budgeted derivation (only {Proxyless} has); the spec sets a budget.", nameof(spec));
        return space.ToLowerInvariant() switch
        {
            Nb201 when spec.Channels is not null || spec.Layers is not null => throw new ArgumentException(
                $"The nb201 supernet is NAS-Bench-201's skeleton, fixed at C = 16 and 3 × 5 cells; the spec sets C = {spec.Channels?.ToString() ?? "-"}, cells = {spec.Layers?.ToString() ?? "-"}.", nameof(spec)),
            Nb201 => new Nb201Supernet(new Nb201SupernetConfig
            {
                InputChannels = spec.InputChannels,
                Classes = spec.Classes,
                Reduction = spec.Reduction,
                AllowNone = spec.AllowNone,
                Seed = (ulong)spec.Seed,
                Method = spec.Method,
            }, backend),
            Darts when spec.AllowNone => throw new ArgumentException(
                "The darts space's derivation never chooses 'none' (agnas-facts §2.1: edges are ranked and ops chosen over the other seven); the spec allows it.", nameof(spec)),
            Darts => new DartsSupernet(new DartsSupernetConfig
            {
                InputChannels = spec.InputChannels,
                Classes = spec.Classes,
                Channels = spec.Channels ?? DartsSupernetConfig.DefaultChannels,
                Layers = spec.Layers ?? DartsSupernetConfig.DefaultLayers,
                Reduction = spec.Reduction,
                Seed = (ulong)spec.Seed,
                Method = spec.Method,
            }, backend),
            Proxyless when spec.Method == SearchMethod.Darts => throw new ArgumentException(
                "--method darts is not built for the proxyless space; search it with --method agnas (attention on every layer).", nameof(spec)),
            Proxyless when spec.Channels is not null || spec.Layers is not null => throw new ArgumentException(
                $"The proxyless supernet is the ProxylessNAS-GPU skeleton with fixed widths and 21 layers; the spec sets C = {spec.Channels?.ToString() ?? "-"}, cells = {spec.Layers?.ToString() ?? "-"}.", nameof(spec)),
            Proxyless when spec.AllowNone => throw new ArgumentException(
                "The proxyless space has no 'none' candidate (six MBConv blocks, and skip where a layer allows it); the spec allows it.", nameof(spec)),
            Proxyless => new ProxylessSupernet(new ProxylessSupernetConfig
            {
                InputChannels = spec.InputChannels,
                Classes = spec.Classes,
                Reduction = spec.Reduction,
                StemStride = spec.StemStride ?? ProxylessLayers.DefaultStemStride,
                Budget = spec.MaxMacs is null && spec.MaxParameters is null ? null : new ProxylessBudget(spec.MaxMacs, spec.MaxParameters),
                BudgetResolution = spec.ImageSize ?? 224,
                Seed = (ulong)spec.Seed,
            }, backend),
            _ => throw new ArgumentException($"Unknown search space '{space}'; expected one of: {string.Join(", ", Names)}.", nameof(space)),
        };
    }
}

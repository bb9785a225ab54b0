using System.Collections.Immutable;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Attention;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// The AGNAS supernet over the NAS-Bench-201 space (reference facts §5): the NB201 skeleton
/// (<see cref="Nb201Backbone"/>) with 3N <see cref="Nb201SearchCell"/>s, every edge of every cell
/// carrying all five candidates and its own attention module. Search cells use BN without affine
/// (so, as NB201 does, the convs have a bias); the stem, residual blocks and last BN are affine.
/// </summary>
/// <remarks>
/// Scale: the attention weights are sigmoids (≈ 0.5 at the start, not normalised across candidates),
/// so each edge passes about its input through its skip and pool candidates and node 3 sums about
/// four times the cell input. Without a renormalisation the cell outputs' RMS grows ≈ 4× per cell
/// (≈ 1e8 after 15 cells on unit-scale inputs) and the attention sigmoids of the last stage saturate
/// (all within 1e-4 of 0 or 1), so their FC gradients are exactly zero and those 5 cells vote at
/// random. <see cref="Nb201SupernetConfig.CellInputNorm"/> (on by default) therefore starts every
/// search cell with a non-affine BatchNorm2d of its input, as the DARTS cells' preprocessing does;
/// the candidate set, the edges and the derived architecture are unchanged by it.
/// </remarks>
public sealed class Nb201Supernet : Nb201Backbone, ISearchSupernet
{
    /// <summary>Builds the supernet with weights drawn from <c>config.Seed</c>.</summary>
    /// <param name="config">Every setting (validated).</param>
    /// <param name="backend">Where the tensors live; null is the CPU.</param>
    /// <exception cref="ArgumentException">An invalid setting.</exception>
    public Nb201Supernet(Nb201SupernetConfig config, IBackend? backend = null)
        : this(Checked(config), new Generator(config.Seed), backend ?? CpuBackend.Instance)
    {
    }

    private Nb201Supernet(Nb201SupernetConfig config, Generator generator, IBackend backend)
        : base(config.InputChannels, config.Classes, config.Channels, config.CellsPerStage,
            width => new Nb201SearchCell(width, config.Reduction, config.TrackRunningStats, config.CellInputNorm, generator, backend),
            generator, backend)
    {
        Config = config;
        SearchCells = Cells.Items.OfType<Nb201SearchCell>().ToImmutableArray();
        SearchCellChannels = SearchCells.Select(c => c.Channels).ToImmutableArray();
        AttentionModules = SearchCells
            .SelectMany(cell => Nb201Topology.Edges.Select(e => cell.Edge(e).Attention))
            .ToImmutableArray();
    }

    private static Nb201SupernetConfig Checked(Nb201SupernetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }

    /// <summary>The settings this supernet was built from.</summary>
    public Nb201SupernetConfig Config { get; }

    /// <summary>The search cells in forward order (3N of them; the residual blocks are not included).</summary>
    public IReadOnlyList<Nb201SearchCell> SearchCells { get; }

    /// <summary>C of each search cell, in <see cref="SearchCells"/> order.</summary>
    public IReadOnlyList<int> SearchCellChannels { get; }

    /// <inheritdoc/>
    public Module Network => this;

    /// <summary>
    /// The 3N × 6 attention modules in (cell, edge) order: cell-major over <see cref="SearchCells"/>,
    /// edges in <see cref="Nb201Topology.Edges"/> order within a cell.
    /// </summary>
    public IReadOnlyList<AttentionModule> AttentionModules { get; }

    /// <summary>
    /// The NB201 cell chosen by <see cref="Nb201Derivation"/> from one importance vector (K = 5) per
    /// attention module, in <see cref="AttentionModules"/> order, with <see cref="Nb201SupernetConfig.AllowNone"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong number or length of vectors, or a non-finite value.</exception>
    public DerivedArchitecture Derive(IReadOnlyList<double[]> importance) =>
        Nb201Derivation.Derive(importance, SearchCellChannels, Config.AllowNone);

    /// <summary>A new supernet built from <see cref="Config"/> on <paramref name="backend"/> (null: this one's), holding a copy of this one's parameters and buffers.</summary>
    public Nb201Supernet Clone(IBackend? backend = null)
    {
        var copy = new Nb201Supernet(Config, backend ?? Classifier.Weight.Backend);
        copy.LoadStateDict(StateDict());
        copy.Train(IsTraining);
        return copy;
    }

    protected override string ExtraRepr =>
        $"C_in={Config.InputChannels}, classes={Config.Classes}, C={Config.Channels}, N={Config.CellsPerStage}, r={Config.Reduction}";
}

using System.Collections.Immutable;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Alpha;
using AgNas.Search.Attention;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// The AGNAS supernet over the NAS-Bench-201 space (reference facts §5): the NB201 skeleton
/// (<see cref="Nb201Backbone"/>) with 3N <see cref="Nb201SearchCell"/>s, every edge of every cell
/// carrying all five candidates and its own attention module. Search cells use BN without affine
/// (so, as NB201 does, the convs have a bias); the stem, residual blocks and last BN are affine.
/// <para>Built for <see cref="SearchMethod.Darts"/> (<see cref="Nb201SupernetConfig.Method"/>), the
/// edges have no attention modules: every edge of every cell mixes with softmax of its row of one
/// α (6, 5) that all 3N cells share, the parameter <c>arch_parameters</c> (<see cref="AlphaSets"/>),
/// drawn as 1e-3·N(0, 1) after the weights; NAS-Bench-201's DARTS-V1 baseline (AutoDL
/// <c>TinyNetworkDarts</c>, reference facts §5) shares one α the same way, as DARTS shares one per
/// cell type. The candidates, the cells and the skeleton are the same, the cell-input BN included
/// (softmax weights sum to 1, so DARTS would not need it; it stays so that both methods search the
/// same network, which AutoDL's DARTS-V1 network lacks).</para>
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
public sealed class Nb201Supernet : Nb201Backbone, IAlphaSupernet
{
    /// <summary>Builds the supernet with weights drawn from <c>config.Seed</c>.</summary>
    /// <param name="config">Every setting (validated).</param>
    /// <param name="backend">Where the tensors live; null is the CPU.</param>
    /// <exception cref="ArgumentException">An invalid setting.</exception>
    public Nb201Supernet(Nb201SupernetConfig config, IBackend? backend = null)
        : this(Checked(config), new Generator(config.Seed), backend ?? CpuBackend.Instance)
    {
    }

    /// <summary>The state-dict name of the DARTS α (AutoDL's <c>TinyNetworkDarts.arch_parameters</c>).</summary>
    public const string ArchParametersName = "arch_parameters";

    private Nb201Supernet(Nb201SupernetConfig config, Generator generator, IBackend backend)
        : this(config, generator, backend,
            config.Method == SearchMethod.Darts ? new AlphaSet(ArchParametersName, Nb201Topology.EdgeCount, Nb201Ops.Count, backend) : null)
    {
    }

    private Nb201Supernet(Nb201SupernetConfig config, Generator generator, IBackend backend, AlphaSet? alphas)
        : base(config.InputChannels, config.Classes, config.Channels, config.CellsPerStage,
            width => new Nb201SearchCell(width, config.TrackRunningStats, config.CellInputNorm, generator, backend,
                edge => alphas is null ? new AttentionModule(Nb201Ops.Count, width, config.Reduction, generator, backend) : alphas.Mixer(edge.Index)),
            generator, backend)
    {
        Config = config;
        SearchCells = Cells.Items.OfType<Nb201SearchCell>().ToImmutableArray();
        SearchCellChannels = SearchCells.Select(c => c.Channels).ToImmutableArray();
        AttentionModules = SearchCells
            .SelectMany(cell => Nb201Topology.Edges.Select(e => cell.Edge(e).Mixer))
            .OfType<AttentionModule>()
            .ToImmutableArray();
        if (alphas is null)
        {
            AlphaSets = [];
        }
        else
        {
            alphas.Initialize(generator);
            RegisterParameter(alphas.Name, alphas.Alpha);
            AlphaSets = [alphas];
        }
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
    /// edges in <see cref="Nb201Topology.Edges"/> order within a cell. Empty for a DARTS supernet.
    /// </summary>
    public IReadOnlyList<AttentionModule> AttentionModules { get; }

    /// <summary>
    /// The NB201 cell chosen by <see cref="Nb201Derivation"/> from one importance vector (K = 5) per
    /// attention module, in <see cref="AttentionModules"/> order, with <see cref="Nb201SupernetConfig.AllowNone"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong number or length of vectors, or a non-finite value.</exception>
    public DerivedArchitecture Derive(IReadOnlyList<double[]> importance) =>
        Nb201Derivation.Derive(importance, SearchCellChannels, Config.AllowNone);

    /// <summary>The shared α (6, 5) of a DARTS supernet (one set); empty for an AGNAS one.</summary>
    public IReadOnlyList<AlphaSet> AlphaSets { get; }

    /// <summary>
    /// The NB201 cell chosen by the shared α (<see cref="Nb201Derivation.FromEdgeWeights"/>): per edge the
    /// argmax of softmax(α), <c>none</c> excluded unless <see cref="Nb201SupernetConfig.AllowNone"/>, a tie
    /// to the lower op index.
    /// </summary>
    /// <exception cref="InvalidOperationException">The supernet was built for attention (no α).</exception>
    public DerivedArchitecture DeriveFromAlphas()
    {
        if (AlphaSets.Count == 0)
            throw new InvalidOperationException("Nb201Supernet: built for attention (Method = Agnas), it has no α to derive from.");
        return Nb201Derivation.FromEdgeWeights(AlphaSets[0].Weights(), Config.AllowNone);
    }

    /// <summary>A new supernet built from <see cref="Config"/> on <paramref name="backend"/> (null: this one's), holding a copy of this one's parameters and buffers.</summary>
    public Nb201Supernet Clone(IBackend? backend = null)
    {
        var copy = new Nb201Supernet(Config, backend ?? Classifier.Weight.Backend);
        copy.LoadStateDict(StateDict());
        copy.Train(IsTraining);
        return copy;
    }

    protected override string ExtraRepr =>
        $"C_in={Config.InputChannels}, classes={Config.Classes}, C={Config.Channels}, N={Config.CellsPerStage}, " +
        (AlphaSets.Count == 0 ? $"r={Config.Reduction}" : $"method={SearchMethods.Name(Config.Method)}");
}

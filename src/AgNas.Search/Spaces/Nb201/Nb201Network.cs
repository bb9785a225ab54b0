using System.Collections.Immutable;
using AgNas.Autograd.Init;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// The NAS-Bench-201 evaluation network of one cell (AutoDL <c>TinyNetwork</c>): the NB201 skeleton
/// (<see cref="Nb201Backbone"/>) with 3N copies of the <see cref="Nb201InferCell"/> of
/// <see cref="Nb201NetworkConfig.Arch"/>. With the defaults its <see cref="AgNas.Autograd.Modules.Module.ParameterCount"/>
/// equals the benchmark's published parameter count for the cell and class count.
/// </summary>
public sealed class Nb201Network : Nb201Backbone
{
    /// <summary>Builds the network with weights drawn from <c>config.Seed</c>.</summary>
    /// <param name="config">Every setting (validated).</param>
    /// <param name="backend">Where the tensors live; null is the CPU.</param>
    /// <exception cref="ArgumentException">An invalid setting.</exception>
    public Nb201Network(Nb201NetworkConfig config, IBackend? backend = null)
        : this(Checked(config), new Generator(config.Seed), backend ?? CpuBackend.Instance)
    {
    }

    private Nb201Network(Nb201NetworkConfig config, Generator generator, IBackend backend)
        : base(config.InputChannels, config.Classes, config.Channels, config.CellsPerStage,
            width => new Nb201InferCell(config.Arch, width, generator, backend),
            generator, backend)
    {
        Config = config;
        InferCells = Cells.Items.OfType<Nb201InferCell>().ToImmutableArray();
    }

    private static Nb201NetworkConfig Checked(Nb201NetworkConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }

    /// <summary>The settings this network was built from.</summary>
    public Nb201NetworkConfig Config { get; }

    /// <summary>The cell.</summary>
    public Nb201Arch Arch => Config.Arch;

    /// <summary>The 3N cells in forward order (the residual blocks are not included).</summary>
    public IReadOnlyList<Nb201InferCell> InferCells { get; }

    protected override string ExtraRepr =>
        $"{Config.Arch}, C_in={Config.InputChannels}, classes={Config.Classes}, C={Config.Channels}, N={Config.CellsPerStage}";
}

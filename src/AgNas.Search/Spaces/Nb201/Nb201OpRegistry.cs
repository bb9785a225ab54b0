using System.Collections.Immutable;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// Builds one NAS-Bench-201 candidate op for a cell of width <paramref name="channels"/> (input and
/// output channels are equal in NB201 cells). The one factory signature of every op in
/// <see cref="Nb201OpRegistry"/>.
/// </summary>
/// <param name="channels">C, the cell width.</param>
/// <param name="stride">1 in every NB201 cell (the stages are joined by residual blocks, not reducing cells).</param>
/// <param name="affine">Whether BNs are affine: false in the search cells, true in the evaluation network.</param>
/// <param name="trackRunningStats">Whether BNs keep running statistics.</param>
/// <param name="generator">Source of the initial weights (ops without weights draw nothing).</param>
/// <param name="backend">Where the tensors live.</param>
public delegate Module Nb201OpFactory(int channels, int stride, bool affine, bool trackRunningStats, Generator generator, IBackend backend);

/// <summary>
/// One entry of the NB201 op registry: the op, its properties, and its factory. Code that needs to
/// know whether an op has a BN, has weights or is the zero op reads it here, never from its name.
/// </summary>
/// <param name="Op">The op (its numeric value is the canonical index).</param>
/// <param name="HasBatchNorm">The op ends in a BatchNorm2d (nor_conv_1x1, nor_conv_3x3).</param>
/// <param name="HasParameters">The op has trainable weights (its conv; and its BN's scale and shift when affine).</param>
/// <param name="IsZero">The op's output is always zero (<c>none</c>): an evaluation cell skips it.</param>
/// <param name="Create">The factory.</param>
public sealed record Nb201OpSpec(Nb201Op Op, bool HasBatchNorm, bool HasParameters, bool IsZero, Nb201OpFactory Create)
{
    /// <summary>The community name, e.g. <c>nor_conv_3x3</c>.</summary>
    public string Name => Nb201Ops.Name(Op);

    public override string ToString() => Name;
}

/// <summary>
/// The NAS-Bench-201 op set as data (AutoDL <c>OPS</c> restricted to <c>NAS_BENCH_201</c>), one entry
/// per <see cref="Nb201Ops"/> name in canonical order:
/// <list type="bullet">
/// <item><c>none</c>: zeros of the output shape (<see cref="Zero"/>).</item>
/// <item><c>skip_connect</c>: identity (stride 1 only: NB201 cells never reduce).</item>
/// <item><c>nor_conv_1x1</c> / <c>nor_conv_3x3</c>: ReLU → Conv (stride s, pad 0 / 1, bias iff the BN is
/// not affine, as AutoDL's ReLUConvBN) → BN(affine, track_running_stats).</item>
/// <item><c>avg_pool_3x3</c>: 3×3 average pool, stride s, pad 1, padding not counted; no BN.</item>
/// </list>
/// </summary>
public static class Nb201OpRegistry
{
    /// <summary>The entries in canonical order: <c>All[(int)op].Op == op</c>.</summary>
    public static IReadOnlyList<Nb201OpSpec> All { get; } = ImmutableArray.Create(
        new Nb201OpSpec(Nb201Op.None, HasBatchNorm: false, HasParameters: false, IsZero: true,
            (c, stride, affine, track, g, backend) => new Zero(stride)),
        new Nb201OpSpec(Nb201Op.SkipConnect, HasBatchNorm: false, HasParameters: false, IsZero: false,
            (c, stride, affine, track, g, backend) => stride == 1
                ? new Identity()
                : throw new ArgumentException($"skip_connect: stride {stride} is not supported; NAS-Bench-201 cells have stride 1 (their stages are joined by ResNetBasicBlock).", nameof(stride))),
        new Nb201OpSpec(Nb201Op.NorConv1x1, HasBatchNorm: true, HasParameters: true, IsZero: false,
            (c, stride, affine, track, g, backend) => new ReLUConvBN(c, c, 1, stride, 0, 1, affine, track, convBias: !affine, g, backend)),
        new Nb201OpSpec(Nb201Op.NorConv3x3, HasBatchNorm: true, HasParameters: true, IsZero: false,
            (c, stride, affine, track, g, backend) => new ReLUConvBN(c, c, 3, stride, 1, 1, affine, track, convBias: !affine, g, backend)),
        new Nb201OpSpec(Nb201Op.AvgPool3x3, HasBatchNorm: false, HasParameters: false, IsZero: false,
            (c, stride, affine, track, g, backend) => new AvgPool2d(3, stride, 1, countIncludePad: false)));

    /// <summary>The entry of <paramref name="op"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not one of the five ops.</exception>
    public static Nb201OpSpec Get(Nb201Op op)
    {
        if (!Nb201Ops.IsDefined(op))
            throw new ArgumentOutOfRangeException(nameof(op), op, $"NB201 op index {(int)op} is out of range 0..{Nb201Ops.Count - 1}.");
        return All[(int)op];
    }

    /// <summary>The entry of a community name.</summary>
    /// <exception cref="FormatException">The name is not one of the five ops; the message lists the valid ones.</exception>
    public static Nb201OpSpec Get(string name) => Get(Nb201Ops.Parse(name));

    /// <summary>Builds <paramref name="op"/> with the registry's factory.</summary>
    /// <exception cref="ArgumentException">A size or the stride is not valid for the op.</exception>
    public static Module Create(Nb201Op op, int channels, int stride, bool affine, bool trackRunningStats, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        if (channels < 1) throw new ArgumentException($"{Nb201Ops.Name(op)}: channels = {channels}; expected >= 1.", nameof(channels));
        if (stride < 1) throw new ArgumentException($"{Nb201Ops.Name(op)}: stride = {stride}; expected >= 1.", nameof(stride));
        return Get(op).Create(channels, stride, affine, trackRunningStats, generator, backend);
    }
}

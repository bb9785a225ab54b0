using System.Collections.Immutable;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// Builds one DARTS candidate op on an edge of a cell of width C (input and output channels are C).
/// The one factory signature of every op in <see cref="DartsOpRegistry"/> (DARTS <c>OPS[name](C, stride, affine)</c>).
/// </summary>
/// <param name="channels">C.</param>
/// <param name="stride">1, or 2 on a reduction cell's edges from its two inputs.</param>
/// <param name="affine">Whether the op's BNs are affine: false in the search cells, true in the evaluation network.</param>
/// <param name="generator">Source of the initial weights (ops without weights draw nothing).</param>
/// <param name="backend">Where the tensors live.</param>
public delegate Module DartsOpFactory(int channels, int stride, bool affine, Generator generator, IBackend backend);

/// <summary>
/// One entry of the DARTS op registry: the op, its properties and its factory. Code that needs to know
/// whether an op is a pool that takes a BN in the search cell, is the identity, or is the zero op
/// reads it here, never from its name (STYLE: not <c>'pool' in primitive</c>).
/// </summary>
/// <param name="Op">The op (its numeric value is its index in AGNAS's order).</param>
/// <param name="SearchAddsBatchNorm">In a search cell the op is followed by a BN(C, affine=False)
/// (the pools; DARTS / AGNAS <c>MixedOp</c>, agnas-facts §3.1). The evaluation network adds none.</param>
/// <param name="IsIdentityAtStride1">At stride 1 the op returns its input unchanged (<c>skip_connect</c>): the
/// evaluation cell applies no drop-path to it (DARTS <c>isinstance(op, Identity)</c>).</param>
/// <param name="IsZero">The op's output is always zero (<c>none</c>).</param>
/// <param name="Create">The factory.</param>
public sealed record DartsOpSpec(DartsOp Op, bool SearchAddsBatchNorm, bool IsIdentityAtStride1, bool IsZero, DartsOpFactory Create)
{
    /// <summary>The community name, e.g. <c>sep_conv_3x3</c>.</summary>
    public string Name => DartsOps.Name(Op);

    /// <summary>Whether the op built at <paramref name="stride"/> is the identity.</summary>
    public bool IsIdentityAt(int stride) => IsIdentityAtStride1 && stride == 1;

    public override string ToString() => Name;
}

/// <summary>
/// The DARTS op set as data (agnas-facts §3.1, DARTS <c>operations.py</c> <c>OPS</c>), one entry per
/// <see cref="DartsOps"/> name in AGNAS's order. Every conv has no bias; every BN has eps 1e-5,
/// momentum 0.1 and running statistics.
/// <list type="bullet">
/// <item><c>sep_conv_3x3</c> / <c>sep_conv_5x5</c>: <see cref="SepConv"/> with padding 1 / 2.</item>
/// <item><c>dil_conv_3x3</c> / <c>dil_conv_5x5</c>: <see cref="DilConv"/>, dilation 2, padding 2 / 4.</item>
/// <item><c>skip_connect</c>: <see cref="Identity"/> at stride 1, <see cref="FactorizedReduce"/>(C, C) at stride 2.</item>
/// <item><c>avg_pool_3x3</c>: 3×3 average pool, stride s, pad 1, padding not counted.</item>
/// <item><c>max_pool_3x3</c>: 3×3 max pool, stride s, pad 1.</item>
/// <item><c>none</c>: <see cref="Zero"/>(s): zeros of size ⌈H/s⌉ × ⌈W/s⌉.</item>
/// </list>
/// At stride 2 every op maps H × W to ⌈H/2⌉ × ⌈W/2⌉, odd sizes included.
/// </summary>
public static class DartsOpRegistry
{
    /// <summary>The entries in AGNAS's order: <c>All[(int)op].Op == op</c>.</summary>
    public static IReadOnlyList<DartsOpSpec> All { get; } = ImmutableArray.Create(
        new DartsOpSpec(DartsOp.SepConv3x3, SearchAddsBatchNorm: false, IsIdentityAtStride1: false, IsZero: false,
            (c, stride, affine, g, backend) => new SepConv(c, c, kernelSize: 3, stride, padding: 1, affine, g, backend)),
        new DartsOpSpec(DartsOp.SepConv5x5, SearchAddsBatchNorm: false, IsIdentityAtStride1: false, IsZero: false,
            (c, stride, affine, g, backend) => new SepConv(c, c, kernelSize: 5, stride, padding: 2, affine, g, backend)),
        new DartsOpSpec(DartsOp.DilConv3x3, SearchAddsBatchNorm: false, IsIdentityAtStride1: false, IsZero: false,
            (c, stride, affine, g, backend) => new DilConv(c, c, kernelSize: 3, stride, padding: 2, dilation: 2, affine, g, backend)),
        new DartsOpSpec(DartsOp.DilConv5x5, SearchAddsBatchNorm: false, IsIdentityAtStride1: false, IsZero: false,
            (c, stride, affine, g, backend) => new DilConv(c, c, kernelSize: 5, stride, padding: 4, dilation: 2, affine, g, backend)),
        new DartsOpSpec(DartsOp.SkipConnect, SearchAddsBatchNorm: false, IsIdentityAtStride1: true, IsZero: false,
            (c, stride, affine, g, backend) => stride == 1 ? new Identity() : new FactorizedReduce(c, c, affine, g, backend)),
        new DartsOpSpec(DartsOp.AvgPool3x3, SearchAddsBatchNorm: true, IsIdentityAtStride1: false, IsZero: false,
            (c, stride, affine, g, backend) => new AvgPool2d(3, stride, 1, countIncludePad: false)),
        new DartsOpSpec(DartsOp.MaxPool3x3, SearchAddsBatchNorm: true, IsIdentityAtStride1: false, IsZero: false,
            (c, stride, affine, g, backend) => new MaxPool2d(3, stride, 1)),
        new DartsOpSpec(DartsOp.None, SearchAddsBatchNorm: false, IsIdentityAtStride1: false, IsZero: true,
            (c, stride, affine, g, backend) => new Zero(stride)));

    /// <summary>The entry of <paramref name="op"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not one of the eight ops.</exception>
    public static DartsOpSpec Get(DartsOp op)
    {
        if (!DartsOps.IsDefined(op))
            throw new ArgumentOutOfRangeException(nameof(op), op, $"DARTS op index {(int)op} is out of range 0..{DartsOps.Count - 1}.");
        return All[(int)op];
    }

    /// <summary>The entry of a community name.</summary>
    /// <exception cref="FormatException">The name is not one of the eight ops; the message lists the valid ones.</exception>
    public static DartsOpSpec Get(string name) => Get(DartsOps.Parse(name));

    /// <summary>Builds <paramref name="op"/> as the evaluation network uses it: the registry's factory, nothing added.</summary>
    /// <exception cref="ArgumentException">C is not positive (or odd for skip_connect at stride 2), or the stride is not 1 or 2.</exception>
    public static Module Create(DartsOp op, int channels, int stride, bool affine, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        string name = DartsOps.Name(op);
        if (channels < 1) throw new ArgumentException($"{name}: channels = {channels}; expected >= 1.", nameof(channels));
        if (stride is not (1 or 2)) throw new ArgumentException($"{name}: stride = {stride}; DARTS cells use 1 or 2.", nameof(stride));
        return Get(op).Create(channels, stride, affine, generator, backend);
    }

    /// <summary>
    /// Builds <paramref name="op"/> as a search cell's mixed edge uses it: BNs not affine, and followed by a
    /// BN(C, affine=False) when the entry says so (<see cref="DartsOpSpec.SearchAddsBatchNorm"/>); the pair is a
    /// <see cref="Sequential"/> (children <c>0</c>, <c>1</c>), as DARTS' <c>nn.Sequential(op, nn.BatchNorm2d(C, affine=False))</c>.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Create"/>.</exception>
    public static Module CreateForSearch(DartsOp op, int channels, int stride, Generator generator, IBackend backend)
    {
        var module = Create(op, channels, stride, affine: false, generator, backend);
        return Get(op).SearchAddsBatchNorm
            ? new Sequential(module, new BatchNorm2d(channels, affine: false, backend: backend))
            : module;
    }
}

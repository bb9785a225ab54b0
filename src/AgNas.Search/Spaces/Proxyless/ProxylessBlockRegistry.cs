using System.Collections.Immutable;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// Builds one candidate block of a ProxylessNAS layer: the one factory signature of every entry of
/// <see cref="ProxylessBlockRegistry"/>.
/// </summary>
/// <param name="inChannels">C_in of the layer.</param>
/// <param name="outChannels">C_out of the layer.</param>
/// <param name="stride">The layer's stride (1 or 2).</param>
/// <param name="generator">Source of the initial weights (blocks without weights draw nothing).</param>
/// <param name="backend">Where the tensors live.</param>
public delegate Module ProxylessBlockFactory(int inChannels, int outChannels, int stride, Generator generator, IBackend backend);

/// <summary>
/// One entry of the ProxylessNAS block registry: the community key (<c>mobilenet_3x3_ratio_6</c>), the id that the
/// reference's <c>model_id</c> string uses (0..5, or −1 for <c>skip</c>), the MBConv's kernel and expansion (0 for skip),
/// and the factory.
/// </summary>
/// <param name="Key">The community name (<c>blocks_keys</c> of <c>PS/export_op.py</c>, or <c>skip</c>).</param>
/// <param name="Id">The model_id integer: the index into the six MBConv keys, or −1 for skip.</param>
/// <param name="KernelSize">k of the depthwise conv; 0 for skip.</param>
/// <param name="Expansion">e; 0 for skip.</param>
/// <param name="Create">The factory.</param>
public sealed record ProxylessBlockSpec(string Key, int Id, int KernelSize, int Expansion, ProxylessBlockFactory Create)
{
    /// <summary>Whether this is the identity candidate (the layer is removed from the exported network).</summary>
    public bool IsSkip => Id == ProxylessBlockRegistry.SkipId;

    public override string ToString() => Key;
}

/// <summary>
/// The ProxylessNAS block set as data (agnas-facts §4.1, <c>PS/torch_blocks.py</c>, <c>PS/export_op.py</c>): the six
/// <see cref="MBConv"/> candidates in the reference order, ids 0..5, and <c>skip</c> (id −1, the <see cref="Identity"/>),
/// which a layer offers as its 7th and last candidate only where its stride is 1 and C_in = C_out
/// (<see cref="ProxylessLayer.SkipAllowed"/>).
/// <list type="table">
/// <item><term>0</term><description><c>mobilenet_3x3_ratio_3</c>: k 3, e 3</description></item>
/// <item><term>1</term><description><c>mobilenet_3x3_ratio_6</c>: k 3, e 6</description></item>
/// <item><term>2</term><description><c>mobilenet_5x5_ratio_3</c>: k 5, e 3</description></item>
/// <item><term>3</term><description><c>mobilenet_5x5_ratio_6</c>: k 5, e 6</description></item>
/// <item><term>4</term><description><c>mobilenet_7x7_ratio_3</c>: k 7, e 3</description></item>
/// <item><term>5</term><description><c>mobilenet_7x7_ratio_6</c>: k 7, e 6</description></item>
/// <item><term>−1</term><description><c>skip</c>: identity</description></item>
/// </list>
/// </summary>
public static class ProxylessBlockRegistry
{
    /// <summary>The model_id integer of <c>skip</c>.</summary>
    public const int SkipId = -1;

    /// <summary>The key of the identity candidate.</summary>
    public const string SkipKey = "skip";

    /// <summary>The six MBConv candidates, in reference order: <c>Blocks[id].Id == id</c>.</summary>
    public static IReadOnlyList<ProxylessBlockSpec> Blocks { get; } = ImmutableArray.Create(
        MBConvSpec(0, kernelSize: 3, expansion: 3),
        MBConvSpec(1, kernelSize: 3, expansion: 6),
        MBConvSpec(2, kernelSize: 5, expansion: 3),
        MBConvSpec(3, kernelSize: 5, expansion: 6),
        MBConvSpec(4, kernelSize: 7, expansion: 3),
        MBConvSpec(5, kernelSize: 7, expansion: 6));

    /// <summary>The identity candidate.</summary>
    public static ProxylessBlockSpec Skip { get; } = new(SkipKey, SkipId, 0, 0, (cin, cout, stride, g, backend) =>
        stride == 1 && cin == cout
            ? new Identity()
            : throw new ArgumentException($"skip: {cin}→{cout}, stride {stride}; the identity needs stride 1 and in == out."));

    /// <summary>Every candidate name in importance-vector order: the six MBConv keys, then <c>skip</c>.</summary>
    public static IReadOnlyList<string> CandidateNames { get; } = [.. Blocks.Select(b => b.Key), SkipKey];

    /// <summary>"0..5" for messages.</summary>
    public static string BlockIdRange => $"0..{Blocks.Count - 1}";

    /// <summary>The entry of a model_id integer (0..5 or −1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Any other integer.</exception>
    public static ProxylessBlockSpec Get(int id) =>
        id == SkipId ? Skip
        : (uint)id < (uint)Blocks.Count ? Blocks[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"ProxylessNAS block id {id} is not known; expected {BlockIdRange} or {SkipId} (skip).");

    /// <summary>The entry of a community key, or null.</summary>
    public static ProxylessBlockSpec? Find(string key) =>
        key == SkipKey ? Skip : Blocks.FirstOrDefault(b => b.Key == key);

    /// <summary>The candidates of <paramref name="layer"/> in importance-vector order: the six MBConvs, then skip where allowed.</summary>
    public static IReadOnlyList<ProxylessBlockSpec> CandidatesOf(ProxylessLayer layer) =>
        layer.SkipAllowed ? [.. Blocks, Skip] : Blocks;

    /// <summary>The entry chosen by candidate index <paramref name="candidate"/> of <paramref name="layer"/> (6 = skip where allowed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a candidate index of the layer.</exception>
    public static ProxylessBlockSpec Candidate(ProxylessLayer layer, int candidate)
    {
        var candidates = CandidatesOf(layer);
        if ((uint)candidate >= (uint)candidates.Count)
            throw new ArgumentOutOfRangeException(nameof(candidate), candidate, $"{layer.Label} has candidates 0..{candidates.Count - 1}.");
        return candidates[candidate];
    }

    private static ProxylessBlockSpec MBConvSpec(int id, int kernelSize, int expansion) =>
        new($"mobilenet_{kernelSize}x{kernelSize}_ratio_{expansion}", id, kernelSize, expansion,
            (cin, cout, stride, g, backend) => new MBConv(kernelSize, expansion, stride, cin, cout, g, backend));
}

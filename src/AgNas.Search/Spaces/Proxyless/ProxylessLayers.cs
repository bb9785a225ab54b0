using System.Collections.Immutable;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// The ProxylessNAS-GPU skeleton that AGNAS searches (agnas-facts §4.2, <c>PS/att_supernet.py:80-118</c>), stated once:
/// the fixed stem (conv 3×3 C_in → 40, pad 1, stride 2 — or 1 for small images, see <see cref="ProxylessSupernetConfig.StemStride"/> —
/// BN, ReLU6), the fixed first block (MBConv e 1, k 3, 40 → 24, stride 1, no residual), the 21 searchable layers of
/// <see cref="All"/>, and the head (conv 1×1 432 → 1728, BN, ReLU6, global average pool, [dropout], Linear 1728 → classes).
/// Every supernet, network, cost and derivation iterates <see cref="All"/>; nothing repeats the widths.
/// <code>
/// layer  in→out   stride skip  (input resolution at 224, stem stride 2)
/// 0      24→32    2      no    112
/// 1-3    32→32    1      yes   56
/// 4      32→56    2      no    56
/// 5-7    56→56    1      yes   28
/// 8      56→112   2      no    28
/// 9-11   112→112  1      yes   14
/// 12     112→128  1      no    14
/// 13-15  128→128  1      yes   14
/// 16     128→256  2      no    14
/// 17-19  256→256  1      yes   7
/// 20     256→432  1      no    7
/// </code>
/// </summary>
public static class ProxylessLayers
{
    /// <summary>Output channels of the stem conv.</summary>
    public const int StemChannels = 40;

    /// <summary>k of the stem conv (padding 1).</summary>
    public const int StemKernel = 3;

    /// <summary>The reference stem stride (224 → 112).</summary>
    public const int DefaultStemStride = 2;

    /// <summary>Output channels of the fixed first block (MBConv e 1, k 3, stride 1).</summary>
    public const int FirstBlockChannels = 24;

    /// <summary>k of the fixed first block.</summary>
    public const int FirstBlockKernel = 3;

    /// <summary>Output channels of the last searchable layer: the head conv's input.</summary>
    public const int HeadInputChannels = 432;

    /// <summary>Output channels of the head's 1×1 conv (the classifier's input).</summary>
    public const int HeadChannels = 1728;

    /// <summary>The retrained network's dropout before the classifier (<c>PR/model.py</c>); the supernet has none.</summary>
    public const double DefaultDropout = 0.2;

    /// <summary>The attention reduction ratio of the reference (<c>PS/att_supernet.py:52-56</c>: hidden ⌊K·C_out/16⌋).</summary>
    public const int DefaultReduction = 16;

    /// <summary>The 21 searchable layers in forward order: <c>All[i].Index == i</c>.</summary>
    public static IReadOnlyList<ProxylessLayer> All { get; } = Build(
        (24, 32, 2), (32, 32, 1), (32, 32, 1), (32, 32, 1),
        (32, 56, 2), (56, 56, 1), (56, 56, 1), (56, 56, 1),
        (56, 112, 2), (112, 112, 1), (112, 112, 1), (112, 112, 1),
        (112, 128, 1), (128, 128, 1), (128, 128, 1), (128, 128, 1),
        (128, 256, 2), (256, 256, 1), (256, 256, 1), (256, 256, 1),
        (256, 432, 1));

    /// <summary>21.</summary>
    public static int Count => All.Count;

    /// <summary>Checks that a layer table chains: each layer reads what the one before wrote, starting at <paramref name="firstIn"/>.</summary>
    /// <exception cref="ArgumentException">Empty, a break in the chain, or a stride other than 1 or 2.</exception>
    public static void CheckChain(IReadOnlyList<ProxylessLayer> layers, int firstIn)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("ProxylessNAS layer table: no layers.", nameof(layers));
        int c = firstIn;
        for (int i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            if (l.Index != i || l.InChannels != c || l.OutChannels < 1 || l.Stride is not (1 or 2))
                throw new ArgumentException($"ProxylessNAS layer table: row {i} is {l}; expected index {i}, C_in {c}, C_out >= 1, stride 1 or 2.", nameof(layers));
            c = l.OutChannels;
        }
    }

    private static ImmutableArray<ProxylessLayer> Build(params (int In, int Out, int Stride)[] rows) =>
        [.. rows.Select((r, i) => new ProxylessLayer(i, r.In, r.Out, r.Stride))];
}

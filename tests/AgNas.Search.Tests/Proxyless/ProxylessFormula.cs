namespace AgNas.Search.Tests.Proxyless;

/// <summary>
/// Parameter and MAC counts of the ProxylessNAS space worked out from the definitions (agnas-facts §4.1, §4.2, §4.4), with the
/// layer table written out again here, so that the tests do not check the library's arithmetic against itself.
/// </summary>
internal static class ProxylessFormula
{
    /// <summary>(in, out, stride) of the 21 layers, as the facts' table lists them.</summary>
    public static readonly (int In, int Out, int Stride)[] Table =
    [
        (24, 32, 2), (32, 32, 1), (32, 32, 1), (32, 32, 1),
        (32, 56, 2), (56, 56, 1), (56, 56, 1), (56, 56, 1),
        (56, 112, 2), (112, 112, 1), (112, 112, 1), (112, 112, 1),
        (112, 128, 1), (128, 128, 1), (128, 128, 1), (128, 128, 1),
        (128, 256, 2), (256, 256, 1), (256, 256, 1), (256, 256, 1),
        (256, 432, 1),
    ];

    /// <summary>(k, e) of ids 0..5.</summary>
    public static readonly (int K, int E)[] Blocks = [(3, 3), (3, 6), (5, 3), (5, 6), (7, 3), (7, 6)];

    /// <summary>
    /// An MBConv: expand 1×1 (in·m weights, BN 2m) unless e = 1; depthwise k² per hidden channel (BN 2m); project m·out (BN 2·out);
    /// MACs: the expand at the input size, the depthwise and project at the output size ⌈h/s⌉.
    /// </summary>
    public static (long Params, long Macs, int OutSide) MBConv(int k, int e, int stride, int cin, int cout, int side)
    {
        long m = (long)cin * e;
        int outSide = (side + stride - 1) / stride;
        long p = 0, macs = 0;
        if (e != 1)
        {
            p += cin * m + 2 * m;
            macs += cin * m * side * side;
        }
        p += m * k * k + 2 * m + m * cout + 2L * cout;
        macs += (m * k * k + m * cout) * outSide * outSide;
        return (p, macs, outSide);
    }

    /// <summary>The exported network of ids (−1 = no block): stem 9·C_in·40 + 80, first block, chosen blocks, head 432·1728 + 2·1728, classifier 1728·classes + classes.</summary>
    public static (long Params, long Macs) Network(int[] ids, int resolution = 224, int inputChannels = 3, int classes = 1000, int stemStride = 2)
    {
        int side = (resolution + stemStride - 1) / stemStride;
        long p = 9L * inputChannels * 40 + 80, macs = 9L * inputChannels * 40 * side * side;
        var first = MBConv(3, 1, 1, 40, 24, side);
        p += first.Params;
        macs += first.Macs;
        for (int i = 0; i < Table.Length; i++)
        {
            var (cin, cout, s) = Table[i];
            if (ids[i] == -1) continue;
            var b = MBConv(Blocks[ids[i]].K, Blocks[ids[i]].E, s, cin, cout, side);
            p += b.Params;
            macs += b.Macs;
            side = b.OutSide;
        }
        p += 432L * 1728 + 2 * 1728 + 1728L * classes + classes;
        macs += 432L * 1728 * side * side + 1728L * classes;
        return (p, macs);
    }

    /// <summary>
    /// The supernet: stem, first block, every candidate of every layer, the attention FCs 2·K·out·⌊K·out/r⌋ (K = 7 where stride 1
    /// and in = out, else 6), head and classifier. Returns (total, attention).
    /// </summary>
    public static (long Total, long Attention) Supernet(int inputChannels = 3, int classes = 1000, int reduction = 16)
    {
        long total = 9L * inputChannels * 40 + 80 + MBConv(3, 1, 1, 40, 24, 1).Params, attention = 0;
        foreach (var (cin, cout, s) in Table)
        {
            foreach (var (k, e) in Blocks) total += MBConv(k, e, s, cin, cout, 1).Params;
            long kk = s == 1 && cin == cout ? 7 : 6;
            attention += 2 * kk * cout * (kk * cout / reduction);
        }
        total += 432L * 1728 + 2 * 1728 + 1728L * classes + classes;
        return (total + attention, attention);
    }
}

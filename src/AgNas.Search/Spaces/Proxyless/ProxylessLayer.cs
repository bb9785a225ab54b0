namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// One searchable layer of the ProxylessNAS skeleton (a row of <see cref="ProxylessLayers.All"/>): its position, C_in → C_out
/// and stride. Skip (identity) is a candidate only where the stride is 1 and C_in = C_out.
/// </summary>
/// <param name="Index">0-based position among the searchable layers.</param>
/// <param name="InChannels">C_in.</param>
/// <param name="OutChannels">C_out.</param>
/// <param name="Stride">1 or 2.</param>
public readonly record struct ProxylessLayer(int Index, int InChannels, int OutChannels, int Stride)
{
    /// <summary>Whether <c>skip</c> is a candidate here (stride 1 and C_in = C_out; agnas-facts §1.3).</summary>
    public bool SkipAllowed => Stride == 1 && InChannels == OutChannels;

    /// <summary>K: 7 where skip is allowed, else 6.</summary>
    public int CandidateCount => ProxylessBlockRegistry.CandidatesOf(this).Count;

    /// <summary>"layer 12 (112→128, stride 1)", how messages and reports name the layer.</summary>
    public string Label => $"layer {Index} ({InChannels}→{OutChannels}, stride {Stride})";

    public override string ToString() => Label;
}

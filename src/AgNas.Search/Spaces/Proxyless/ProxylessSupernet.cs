using System.Collections.Immutable;
using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// The AGNAS supernet over the ProxylessNAS macro space (<c>PS/att_supernet.py</c>; agnas-facts §1.3, §4.2): the fixed stem
/// (conv 3×3 C_in → 40, stride 2 or 1, BN, ReLU6) and first block (MBConv e 1, k 3, 40 → 24); the 21 layers of
/// <see cref="ProxylessLayers.All"/>, each a <see cref="MixedChoice"/> of its candidates (the six MBConvs, then the identity
/// where stride 1 and C_in = C_out) with its own <see cref="AttentionModule"/>(K, C_out, r) (hidden ⌊K·C_out/r⌋, no bias);
/// the head (conv 1×1 432 → 1728, BN, ReLU6, global average pool, Linear 1728 → classes, no dropout). On a same-shape
/// stride-1 layer every MBConv candidate carries its own residual, so the layer's output is
/// Σ_k y_k ⊙ (x + conv_k(x)) + y_skip ⊙ x, as the reference computes it.
/// Child names: <c>stem</c>, <c>first_block</c>, <c>layers</c> (<c>layers.i.ops.k</c>, <c>layers.i.attention</c>), <c>head</c>,
/// <c>classifier</c>. Initialisation: every weight drawn in that order from one generator seeded by
/// <see cref="ProxylessSupernetConfig.Seed"/> with PyTorch's defaults, then every conv weight redrawn, in module order, from
/// N(0, √(2/(k²·C_out))) (Kaiming normal, fan_out; the reference's <c>init_model</c>); BN γ = 1, β = 0; the attention FCs and the
/// classifier keep PyTorch's default.
/// </summary>
/// <remarks>
/// Size at the reference settings (3 channels, 1,000 classes, r = 16): 30,778,976 parameters, of which 3,094,656 are the
/// 21 attention modules (agnas-facts §4.2: 30.8 M / 3.09 M). The head pools globally (the reference's fixed AvgPool(7) needs
/// 224 px), so any image size works: 192, 224, 256, and small images with a stem stride of 1.
/// </remarks>
public sealed class ProxylessSupernet : Module, ISearchSupernet
{
    /// <summary>Builds the supernet with weights drawn from <c>config.Seed</c>.</summary>
    /// <param name="config">Every setting (validated).</param>
    /// <param name="backend">Where the tensors live; null is the CPU.</param>
    /// <exception cref="ArgumentException">An invalid setting.</exception>
    public ProxylessSupernet(ProxylessSupernetConfig config, IBackend? backend = null)
        : this(Checked(config), new Generator(config.Seed), backend ?? CpuBackend.Instance)
    {
    }

    private ProxylessSupernet(ProxylessSupernetConfig config, Generator generator, IBackend backend)
    {
        Config = config;
        Stem = RegisterModule("stem", ProxylessSkeleton.Stem(config.InputChannels, config.StemStride, generator, backend));
        FirstBlock = RegisterModule("first_block", ProxylessSkeleton.FirstBlock(generator, backend));
        Layers = RegisterModule("layers", new ModuleList<MixedChoice>());
        foreach (var layer in ProxylessLayers.All) Layers.Append(ChoiceLayer(layer, config.Reduction, generator, backend));
        Head = RegisterModule("head", ProxylessSkeleton.Head(generator, backend));
        Classifier = RegisterModule("classifier", new Linear(ProxylessLayers.HeadChannels, config.Classes, bias: true, generator, backend));
        foreach (var (_, module) in NamedModules())
        {
            if (module is Conv2d conv) Initializers.KaimingNormal(conv.Weight.Data, generator);
        }
        AttentionModules = Layers.Items.Select(choice => choice.Attention).ToImmutableArray();
    }

    /// <summary>
    /// One choice layer (agnas-facts §1.3): the layer's candidate blocks (<see cref="ProxylessBlockRegistry.CandidatesOf"/>: the six
    /// MBConv blocks, and skip where the layer allows it) in one <see cref="MixedChoice"/> with its attention module over K·C_out
    /// channels (hidden ⌊K·C_out / r⌋). Weights are drawn from <paramref name="generator"/>, candidates first.
    /// </summary>
    public static MixedChoice ChoiceLayer(ProxylessLayer layer, int reduction, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        var candidates = ProxylessBlockRegistry.CandidatesOf(layer);
        return new MixedChoice(
            candidates.Select(b => b.Create(layer.InChannels, layer.OutChannels, layer.Stride, generator, backend)).ToList(),
            layer.OutChannels,
            () => new AttentionModule(candidates.Count, layer.OutChannels, reduction, generator, backend),
            $"proxyless {layer.Label}");
    }

    private static ProxylessSupernetConfig Checked(ProxylessSupernetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }

    /// <summary>The settings this supernet was built from.</summary>
    public ProxylessSupernetConfig Config { get; }

    /// <summary>Conv 3×3 C_in → 40, BN, ReLU6 (child <c>stem</c>).</summary>
    public Sequential Stem { get; }

    /// <summary>MBConv e 1, k 3, 40 → 24 (child <c>first_block</c>).</summary>
    public MBConv FirstBlock { get; }

    /// <summary>The 21 searchable layers, in <see cref="ProxylessLayers.All"/> order.</summary>
    public ModuleList<MixedChoice> Layers { get; }

    /// <summary>Conv 1×1 432 → 1728, BN, ReLU6 (child <c>head</c>).</summary>
    public Sequential Head { get; }

    /// <summary>Linear 1728 → classes, with bias.</summary>
    public Linear Classifier { get; }

    /// <inheritdoc/>
    public Module Network => this;

    /// <summary>The 21 attention modules in layer order: module i is layer i's (K = 6 or 7, C = C_out).</summary>
    public IReadOnlyList<AttentionModule> AttentionModules { get; }

    /// <summary>Parameters of the 21 attention modules' FCs.</summary>
    public long AttentionParameterCount() => AttentionModules.Sum(m => m.ParameterCount());

    /// <summary>The model_id by <see cref="ProxylessDerivation"/> (agnas-facts §2.3) from one raw importance vector per attention module.</summary>
    /// <exception cref="ArgumentException">Wrong number or length of vectors, or a non-finite value.</exception>
    public DerivedArchitecture Derive(IReadOnlyList<double[]> importance) =>
        Config.Budget is { } budget ? ProxylessDerivation.DeriveWithin(importance, budget, Config.CostSettings()) : ProxylessDerivation.Derive(importance);

    /// <summary>Images (B, C_in, H, W) → logits (B, classes).</summary>
    /// <exception cref="ArgumentException">x is not (B, C_in, H, W).</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != Config.InputChannels)
            throw new ArgumentException($"ProxylessSupernet: input has shape {x.Shape}; expected (B, {Config.InputChannels}, H, W).");
        var h = FirstBlock.Forward(Stem.Forward(x));
        foreach (var layer in Layers.Items) h = layer.Forward(h);
        return Classifier.Forward(Functional.GlobalAvgPool(Head.Forward(h)));
    }

    protected override string ExtraRepr =>
        $"C_in={Config.InputChannels}, classes={Config.Classes}, r={Config.Reduction}, stem stride {Config.StemStride}";
}

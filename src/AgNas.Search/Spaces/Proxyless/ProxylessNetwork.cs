using System.Collections.Immutable;
using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// The exported ProxylessNAS-space network that is retrained (<c>PR/model.py:38-93</c>; agnas-facts §4.4): the stem and first
/// block of <see cref="ProxylessLayers"/>, then the chosen block of every layer whose id is not −1 (a skip layer is not built at
/// all), then the head: conv 1×1 432 → 1728, BN, ReLU6, global average pool, dropout, Linear 1728 → classes. No attention.
/// Child names: <c>stem</c>, <c>first_block</c>, <c>blocks</c> (<c>blocks.j</c> is the j-th kept layer, <see cref="BlockLayers"/>),
/// <c>head</c>, <c>classifier</c>; weights drawn in that order with PyTorch's default initialisations (the retrain applies no
/// custom init). The AGNAS architecture has 6,728,936 parameters at 1,000 classes (agnas-facts §4.5: 6.73 M).
/// </summary>
/// <remarks>
/// Dropout: in training mode the classifier's input is dropped per element with probability <see cref="ProxylessNetworkConfig.Dropout"/>,
/// the mask drawn from the seed and the step given to <see cref="BeforeTrainingStep"/>, so a resumed run draws what an uninterrupted
/// one drew. In evaluation mode nothing is dropped.
/// </remarks>
public sealed class ProxylessNetwork : Module, ITrainingStepNetwork
{
    /// <summary>Keeps the dropout masks' random stream apart from every other use of the seed.</summary>
    private const ulong DropoutStream = 0xD7_0F0D_2A11;

    private ulong _stepSeed;

    /// <summary>Builds the network with weights drawn from <c>config.Seed</c>.</summary>
    /// <param name="config">Every setting (validated).</param>
    /// <param name="backend">Where the tensors live; null is the CPU.</param>
    /// <exception cref="ArgumentException">An invalid setting.</exception>
    public ProxylessNetwork(ProxylessNetworkConfig config, IBackend? backend = null)
        : this(Checked(config), new Generator(config.Seed), backend ?? CpuBackend.Instance)
    {
    }

    private ProxylessNetwork(ProxylessNetworkConfig config, Generator generator, IBackend backend)
    {
        Config = config;
        Stem = RegisterModule("stem", ProxylessSkeleton.Stem(config.InputChannels, config.StemStride, generator, backend));
        FirstBlock = RegisterModule("first_block", ProxylessSkeleton.FirstBlock(generator, backend));
        Blocks = RegisterModule("blocks", new ModuleList<Module>());
        var kept = ImmutableArray.CreateBuilder<int>();
        foreach (var layer in ProxylessLayers.All)
        {
            var block = config.Arch[layer.Index];
            if (block.IsSkip) continue;
            Blocks.Append(block.Create(layer.InChannels, layer.OutChannels, layer.Stride, generator, backend));
            kept.Add(layer.Index);
        }
        BlockLayers = kept.ToImmutable();
        Head = RegisterModule("head", ProxylessSkeleton.Head(generator, backend));
        Classifier = RegisterModule("classifier", new Linear(ProxylessLayers.HeadChannels, config.Classes, bias: true, generator, backend));
        _stepSeed = StepSeed(0, 0);
    }

    private static ProxylessNetworkConfig Checked(ProxylessNetworkConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }

    /// <summary>The settings this network was built from.</summary>
    public ProxylessNetworkConfig Config { get; }

    /// <summary>Conv 3×3 C_in → 40, BN, ReLU6 (child <c>stem</c>).</summary>
    public Sequential Stem { get; }

    /// <summary>MBConv e 1, k 3, 40 → 24 (child <c>first_block</c>).</summary>
    public MBConv FirstBlock { get; }

    /// <summary>The chosen blocks of the layers that are not skip, in layer order.</summary>
    public ModuleList<Module> Blocks { get; }

    /// <summary>The searchable layer each of <see cref="Blocks"/> stands for: <c>Blocks[j]</c> is layer <c>BlockLayers[j]</c>.</summary>
    public IReadOnlyList<int> BlockLayers { get; }

    /// <summary>Conv 1×1 432 → 1728, BN, ReLU6 (child <c>head</c>).</summary>
    public Sequential Head { get; }

    /// <summary>Linear 1728 → classes, with bias.</summary>
    public Linear Classifier { get; }

    /// <summary>Images (B, C_in, H, W) → logits (B, classes); in training mode with dropout before the classifier.</summary>
    /// <exception cref="ArgumentException">x is not (B, C_in, H, W).</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != Config.InputChannels)
            throw new ArgumentException($"ProxylessNetwork: input has shape {x.Shape}; expected (B, {Config.InputChannels}, H, W).");
        var h = FirstBlock.Forward(Stem.Forward(x));
        foreach (var block in Blocks.Items) h = block.Forward(h);
        var features = Functional.GlobalAvgPool(Head.Forward(h));
        return Classifier.Forward(Functional.Dropout(features, (float)Config.Dropout, IsTraining, _stepSeed));
    }

    /// <inheritdoc/>
    public void BeforeTrainingStep(int epoch, int step) => _stepSeed = StepSeed(epoch, step);

    /// <summary>The training forward: the logits of <see cref="Forward"/>; no auxiliary head.</summary>
    public TrainingForward ForwardTraining(Var images) => new(Forward(images), null, 0f);

    private ulong StepSeed(int epoch, int step) =>
        CounterRandom.Hash(CounterRandom.Hash(Config.Seed, DropoutStream), ((ulong)(uint)epoch << 32) | (uint)step);

    protected override string ExtraRepr =>
        $"arch \"{Config.Arch}\", C_in={Config.InputChannels}, classes={Config.Classes}, stem stride {Config.StemStride}, dropout {Config.Dropout}";
}

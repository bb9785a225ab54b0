using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The DARTS-space evaluation network (DARTS <c>NetworkCIFAR</c>, AGNAS <c>DS/model.py</c>; agnas-facts §2.2, §3.4):
/// stem conv 3×3 C_in → 3C (pad 1, no bias) + BN; L <see cref="DartsCell"/>s, cells L/3 and 2L/3 reducing
/// (C doubles, H and W halve), each cell's genotype taken from its stage's slot of the architecture
/// (<see cref="DartsStages.SlotOf"/>); global average pool → Linear(|concat|·4C → classes, with bias). With an
/// auxiliary weight above 0 a <see cref="DartsAuxiliaryHead"/> reads the output of cell 2L/3 in training.
/// Child names and the order the weights are drawn in follow PyTorch's model (<c>stem</c>, <c>cells</c>,
/// <c>auxiliary_head</c>, <c>classifier</c>). At the defaults the AGNAS architecture has 3,611,998 parameters
/// and DARTS_V2 3,349,342, the auxiliary head excluded (<see cref="ParameterCountWithoutAuxiliary"/>).
/// </summary>
/// <remarks>
/// Drop-path: in training mode every non-identity op output of every cell is dropped per sample with
/// probability <see cref="DropPathProbability"/> (set by the training run per epoch, DARTS'
/// <c>model.drop_path_prob</c>); the masks are drawn from <see cref="DartsNetworkConfig.Seed"/> and the step
/// given to <see cref="BeforeTrainingStep"/>. In evaluation mode no op is dropped and the output does not depend
/// on the probability.
/// </remarks>
public sealed class DartsNetwork : Module, ITrainingStepNetwork
{
    /// <summary>Keeps the drop-path masks' random stream apart from every other use of the seed.</summary>
    private const ulong DropPathStream = 0xD209_9A7B;

    private float _dropPathProbability;
    private ulong _stepSeed;

    /// <summary>Builds the network with weights drawn from <c>config.Seed</c>.</summary>
    /// <param name="config">Every setting (validated).</param>
    /// <param name="backend">Where the tensors live; null is the CPU.</param>
    /// <exception cref="ArgumentException">An invalid setting, images too small for the auxiliary head, or a reduction cell whose concat names an input state.</exception>
    public DartsNetwork(DartsNetworkConfig config, IBackend? backend = null)
        : this(Checked(config), new Generator(config.Seed), backend ?? CpuBackend.Instance)
    {
    }

    private DartsNetwork(DartsNetworkConfig config, Generator generator, IBackend backend)
    {
        Config = config;
        int layers = config.Layers;
        int stemChannels = DartsNetworkConfig.StemMultiplier * config.Channels;
        Stem = RegisterModule("stem", new Sequential(
            new Conv2d(config.InputChannels, stemChannels, kernelSize: 3, stride: 1, padding: 1, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(stemChannels, backend: backend)));

        Cells = RegisterModule("cells", new ModuleList<DartsCell>());
        var cells = config.Architecture.Cells;
        int previousPrevious = stemChannels, previous = stemChannels, channels = config.Channels;
        bool reductionPrevious = false;
        int auxiliaryChannels = 0;
        for (int i = 0; i < layers; i++)
        {
            bool reduction = DartsStages.IsReduction(i, layers);
            if (reduction) channels *= 2;
            var cell = new DartsCell(cells[DartsStages.SlotOf(i, layers)], previousPrevious, previous, channels, reduction, reductionPrevious, generator, backend);
            Cells.Append(cell);
            reductionPrevious = reduction;
            previousPrevious = previous;
            previous = cell.OutputChannels;
            if (i == DartsStages.AuxiliaryLayer(layers)) auxiliaryChannels = previous;
        }
        OutputChannels = previous;
        if (config.Auxiliary)
        {
            var (h, w) = AuxiliaryInputSize(config);
            AuxiliaryHead = RegisterModule("auxiliary_head", new DartsAuxiliaryHead(auxiliaryChannels, h, w, config.Classes, generator, backend));
        }
        Classifier = RegisterModule("classifier", new Linear(previous, config.Classes, bias: true, generator, backend));
        _stepSeed = StepSeed(0, 0);
    }

    private static DartsNetworkConfig Checked(DartsNetworkConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        // Checked before any layer is built, so that a failure leaves nothing to dispose.
        if (config.Auxiliary)
        {
            var (h, w) = AuxiliaryInputSize(config);
            if (h < DartsAuxiliaryHead.PoolKernel || w < DartsAuxiliaryHead.PoolKernel)
                throw new ArgumentException(
                    $"DartsNetwork: {config.ImageHeight}×{config.ImageWidth} images reach the auxiliary head (after cell {DartsStages.AuxiliaryLayer(config.Layers)}, two reductions) at {h}×{w}, " +
                    $"smaller than its {DartsAuxiliaryHead.PoolKernel}×{DartsAuxiliaryHead.PoolKernel} pool; use an auxiliary weight of 0 (no head) or larger images.");
        }
        return config;
    }

    /// <summary>H × W of the second reduction cell's output: the image size halved (rounding up) twice.</summary>
    public static (int Height, int Width) AuxiliaryInputSize(DartsNetworkConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        static int Half(int n) => (n + 1) / 2;
        return (Half(Half(config.ImageHeight)), Half(Half(config.ImageWidth)));
    }

    /// <summary>The settings this network was built from.</summary>
    public DartsNetworkConfig Config { get; }

    /// <summary>stem: conv 3×3 C_in → 3C, BN.</summary>
    public Sequential Stem { get; }

    /// <summary>The L cells in forward order.</summary>
    public ModuleList<DartsCell> Cells { get; }

    /// <summary>The auxiliary head, or null when the auxiliary weight is 0.</summary>
    public DartsAuxiliaryHead? AuxiliaryHead { get; }

    public Linear Classifier { get; }

    /// <summary>Channels entering the classifier (|concat|·4C; 576 for four-node cells at C = 36).</summary>
    public int OutputChannels { get; }

    /// <summary>The drop-path probability of training forwards, in [0, 1) (DARTS <c>model.drop_path_prob</c>; 0 = none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [0, 1).</exception>
    public float DropPathProbability
    {
        get => _dropPathProbability;
        set
        {
            if (!(value >= 0f && value < 1f))
                throw new ArgumentOutOfRangeException(nameof(value), value, "DartsNetwork: the drop-path probability must be in [0, 1).");
            _dropPathProbability = value;
        }
    }

    /// <summary>Trainable elements without the auxiliary head (DARTS' <c>count_parameters_in_MB</c>, the published count).</summary>
    public long ParameterCountWithoutAuxiliary() => ParameterCount() - (AuxiliaryHead?.ParameterCount() ?? 0);

    /// <summary>Trainable elements of the auxiliary head (0 without one).</summary>
    public long AuxiliaryParameterCount() => AuxiliaryHead?.ParameterCount() ?? 0;

    /// <summary>Images (B, C_in, H, W) → logits (B, classes); in training mode with drop-path at <see cref="DropPathProbability"/>, never with the auxiliary head.</summary>
    /// <exception cref="ArgumentException">x is not (B, C_in, H, W).</exception>
    public override Var Forward(Var x) => Run(x, auxiliary: false).Logits;

    /// <inheritdoc/>
    public void BeforeTrainingStep(int epoch, int step) => _stepSeed = StepSeed(epoch, step);

    /// <summary>Images → logits and, in training mode with an auxiliary head, the head's logits on the output of cell 2L/3 (weight <see cref="DartsNetworkConfig.AuxiliaryWeight"/>).</summary>
    /// <exception cref="ArgumentException">x is not (B, C_in, H, W).</exception>
    public TrainingForward ForwardTraining(Var images)
    {
        var (logits, auxiliary) = Run(images, auxiliary: IsTraining && AuxiliaryHead is not null);
        return new TrainingForward(logits, auxiliary, (float)Config.AuxiliaryWeight);
    }

    /// <summary>
    /// Images → logits and, when the network has an auxiliary head, the head's logits on the output of cell 2L/3, in
    /// the current mode (in evaluation mode without drop-path), e.g. for a summary that counts the head too. Each
    /// cell's output is reported to <see cref="ForwardTrace"/>.
    /// </summary>
    /// <exception cref="ArgumentException">x is not (B, C_in, H, W).</exception>
    public (Var Logits, Var? Auxiliary) ForwardWithAuxiliary(Var x) => Run(x, auxiliary: AuxiliaryHead is not null);

    private (Var Logits, Var? Auxiliary) Run(Var x, bool auxiliary)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != Config.InputChannels)
            throw new ArgumentException($"DartsNetwork: input has shape {x.Shape}; expected (B, {Config.InputChannels}, H, W).");
        float dropPath = IsTraining ? _dropPathProbability : 0f;
        int auxiliaryLayer = DartsStages.AuxiliaryLayer(Config.Layers);
        var s0 = Stem.Forward(x);
        var s1 = s0;
        Var? auxiliaryLogits = null;
        for (int i = 0; i < Cells.Count; i++)
        {
            var next = ForwardTrace.Record(Cells[i], Cells[i].Forward(s0, s1, dropPath, CounterRandom.Hash(_stepSeed, (ulong)i)));
            s0 = s1;
            s1 = next;
            if (auxiliary && i == auxiliaryLayer) auxiliaryLogits = AuxiliaryHead!.Forward(s1);
        }
        return (Classifier.Forward(Functional.GlobalAvgPool(s1)), auxiliaryLogits);
    }

    private ulong StepSeed(int epoch, int step) =>
        CounterRandom.Hash(CounterRandom.Hash(Config.Seed, DropPathStream), ((ulong)(uint)epoch << 32) | (uint)step);

    protected override string ExtraRepr =>
        $"C={Config.Channels}, layers={Config.Layers}, C_in={Config.InputChannels}, classes={Config.Classes}, auxiliary weight {Config.AuxiliaryWeight}";
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// The NAS-Bench-201 macro skeleton shared by the search supernet and the evaluation network (AutoDL
/// <c>TinyNetwork</c> / <c>TinyNetworkDarts</c>): stem conv 3×3 C_in→C (pad 1, no bias) + BN(affine);
/// three stages of N cells of width C, 2C, 4C, the stages joined by <see cref="ResNetBasicBlock"/>
/// (stride 2, affine BN); then BN(affine) → ReLU (<c>lastact</c>) → global average pool → Linear(4C →
/// classes, with bias). The cells come from the subclass. Child names follow PyTorch's (<c>stem</c>,
/// <c>cells</c> with the residual blocks in between, <c>lastact</c>, <c>classifier</c>); layers are
/// built, and their weights drawn from the one generator, in that order.
/// </summary>
public abstract class Nb201Backbone : Module
{
    /// <summary>Number of stages (widths C, 2C, 4C).</summary>
    public const int StageCount = 3;

    /// <param name="inputChannels">Image channels: 1 (MNIST-like) or 3 (CIFAR).</param>
    /// <param name="classes">Classifier outputs.</param>
    /// <param name="channels">C, the first stage's width.</param>
    /// <param name="cellsPerStage">N, cells per stage.</param>
    /// <param name="createCell">Builds one cell of the given width (input and output channels equal).</param>
    /// <param name="generator">Source of every initial weight.</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    protected Nb201Backbone(int inputChannels, int classes, int channels, int cellsPerStage,
        Func<int, Module> createCell, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(createCell);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        if (inputChannels < 1 || classes < 1 || channels < 1 || cellsPerStage < 1)
            throw new ArgumentException($"{GetType().Name}: input channels {inputChannels}, classes {classes}, C {channels}, N {cellsPerStage}; all must be >= 1.");
        InputChannels = inputChannels;
        Classes = classes;

        Stem = RegisterModule("stem", new Sequential(
            new Conv2d(inputChannels, channels, kernelSize: 3, stride: 1, padding: 1, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(channels, backend: backend)));

        Cells = RegisterModule("cells", new ModuleList<Module>());
        int previous = channels;
        for (int stage = 0; stage < StageCount; stage++)
        {
            int width = channels << stage;
            if (stage > 0) Cells.Append(new ResNetBasicBlock(previous, width, stride: 2, affine: true, trackRunningStats: true, generator, backend));
            for (int i = 0; i < cellsPerStage; i++) Cells.Append(createCell(width));
            previous = width;
        }
        OutputChannels = previous;

        LastAct = RegisterModule("lastact", new Sequential(new BatchNorm2d(previous, backend: backend), new ReLU()));
        Classifier = RegisterModule("classifier", new Linear(previous, classes, bias: true, generator, backend));
    }

    public int InputChannels { get; }
    public int Classes { get; }

    /// <summary>Channels entering the classifier (4C).</summary>
    public int OutputChannels { get; }

    public Sequential Stem { get; }

    /// <summary>The cells and, between the stages, the residual blocks, in forward order.</summary>
    public ModuleList<Module> Cells { get; }

    public Sequential LastAct { get; }
    public Linear Classifier { get; }

    /// <summary>
    /// Images (B, C_in, H, W) → logits (B, classes). H and W must survive two halvings (e.g. 32 → 16 → 8, 28 → 14 → 7).
    /// Each cell's and residual block's output is reported to <see cref="ForwardTrace"/>.
    /// </summary>
    /// <exception cref="ArgumentException">x is not (B, C_in, H, W).</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != InputChannels)
            throw new ArgumentException($"{GetType().Name}: input has shape {x.Shape}; expected (B, {InputChannels}, H, W).");
        var h = Stem.Forward(x);
        foreach (var cell in Cells.Items) h = ForwardTrace.Record(cell, cell.Forward(h));
        h = LastAct.Forward(h);
        return Classifier.Forward(Functional.GlobalAvgPool(h));
    }
}

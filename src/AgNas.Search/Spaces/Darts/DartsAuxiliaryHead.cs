using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The auxiliary classifier on the output of the second reduction cell (DARTS <c>AuxiliaryHeadCIFAR</c>,
/// <c>DS/model.py:63-84</c>, agnas-facts §3.4): ReLU → AvgPool 5×5 stride 3 (no padding) → conv 1×1 C→128 →
/// BN → ReLU → conv k×k 128→768 → BN → ReLU → global average pool → Linear(768 → classes). Convs have no
/// bias, BNs are affine. Children <c>features</c> (a <see cref="Sequential"/>, PyTorch's indices 0–7) and
/// <c>classifier</c>.
/// </summary>
/// <remarks>
/// DARTS fixes k = 2 and flattens: on CIFAR the head sees 8×8, the pool gives 2×2 and the 2×2 conv 1×1, so
/// the flattened features are exactly 768. Here k = min(2, pooled height, pooled width), and a global
/// average pool precedes the linear layer, so that other image sizes work: a 28×28 image reaches the head
/// at 7×7, the pool gives 1×1 and k = 1. On 8×8 the pool and conv give 1×1, the average of one value is
/// that value, and the head is DARTS' exactly (same parameters, same outputs).
/// </remarks>
public sealed class DartsAuxiliaryHead : Module
{
    /// <summary>Channels of the first conv (DARTS: 128).</summary>
    public const int HiddenChannels = 128;

    /// <summary>Channels of the second conv and the linear layer's input (DARTS: 768).</summary>
    public const int FeatureChannels = 768;

    /// <summary>Window and stride of the pool (5, 3; no padding).</summary>
    public const int PoolKernel = 5, PoolStride = 3;

    /// <param name="inChannels">Channels of the second reduction cell's output.</param>
    /// <param name="height">Height of that output.</param>
    /// <param name="width">Width of that output.</param>
    /// <param name="classes">Classifier outputs.</param>
    /// <param name="generator">Source of the initial weights.</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">The input is smaller than the 5×5 pool window, or a size is not positive.</exception>
    public DartsAuxiliaryHead(int inChannels, int height, int width, int classes, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        if (height < PoolKernel || width < PoolKernel)
            throw new ArgumentException($"DARTS auxiliary head: its input is {height}×{width}; the {PoolKernel}×{PoolKernel} pool needs at least {PoolKernel}×{PoolKernel} (CIFAR's 32×32 images give 8×8, 28×28 images 7×7). Use larger images or no auxiliary head.");
        int pooledHeight = (height - PoolKernel) / PoolStride + 1, pooledWidth = (width - PoolKernel) / PoolStride + 1;
        Kernel = Math.Min(2, Math.Min(pooledHeight, pooledWidth));
        InChannels = inChannels;
        Features = RegisterModule("features", new Sequential(
            new ReLU(),
            new AvgPool2d(PoolKernel, PoolStride, padding: 0, countIncludePad: false),
            new Conv2d(inChannels, HiddenChannels, kernelSize: 1, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(HiddenChannels, backend: backend),
            new ReLU(),
            new Conv2d(HiddenChannels, FeatureChannels, Kernel, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(FeatureChannels, backend: backend),
            new ReLU()));
        Classifier = RegisterModule("classifier", new Linear(FeatureChannels, classes, bias: true, generator, backend));
    }

    public int InChannels { get; }

    /// <summary>k of the second conv (2 on CIFAR).</summary>
    public int Kernel { get; }

    public Sequential Features { get; }
    public Linear Classifier { get; }

    /// <summary>x (B, C, H, W) → logits (B, classes).</summary>
    /// <exception cref="ArgumentException">x does not have the channels the head was built for.</exception>
    public override Var Forward(Var x) => Classifier.Forward(Functional.GlobalAvgPool(Features.Forward(x)));

    protected override string ExtraRepr => $"C={InChannels}, conv {Kernel}x{Kernel}";
}

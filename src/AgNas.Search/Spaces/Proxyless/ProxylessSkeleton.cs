using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// The fixed parts of the ProxylessNAS skeleton (<see cref="ProxylessLayers"/>), built the same way by the supernet and the
/// exported network: the stem, the first block and the head's conv. Each draws its weights from the generator given.
/// </summary>
internal static class ProxylessSkeleton
{
    /// <summary>Conv 3×3 C_in → 40 (pad 1, stride s, no bias), BN, ReLU6: children 0, 1, 2.</summary>
    public static Sequential Stem(int inputChannels, int stemStride, Generator generator, IBackend backend) => new(
        new Conv2d(inputChannels, ProxylessLayers.StemChannels, ProxylessLayers.StemKernel, stemStride, padding: ProxylessLayers.StemKernel / 2,
            bias: false, generator: generator, backend: backend),
        new BatchNorm2d(ProxylessLayers.StemChannels, backend: backend),
        new ReLU6());

    /// <summary>MBConv e 1, k 3, 40 → 24, stride 1 (no residual: 40 ≠ 24).</summary>
    public static MBConv FirstBlock(Generator generator, IBackend backend) =>
        new(ProxylessLayers.FirstBlockKernel, expansion: 1, stride: 1, ProxylessLayers.StemChannels, ProxylessLayers.FirstBlockChannels, generator, backend);

    /// <summary>Conv 1×1 432 → 1728 (no bias), BN, ReLU6: children 0, 1, 2 (the global average pool follows in the forward).</summary>
    public static Sequential Head(Generator generator, IBackend backend) => new(
        new Conv2d(ProxylessLayers.HeadInputChannels, ProxylessLayers.HeadChannels, kernelSize: 1, stride: 1, padding: 0, bias: false, generator: generator, backend: backend),
        new BatchNorm2d(ProxylessLayers.HeadChannels, backend: backend),
        new ReLU6());
}

using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Analysis;

/// <summary>
/// Multiply-adds (multiply-accumulates, each counted once) of the layers that do the arithmetic of a CNN, from the
/// layer's settings and the shape of one output it produced. The convention of <see cref="NetworkSummary"/> and
/// the usual one of NAS papers ("FLOPs" of MobileNet/ProxylessNAS/DARTS tables): only <see cref="Conv2d"/> and
/// <see cref="Linear"/> count; batch norm, activations, pools, additions and concatenations count 0, and so do
/// bias additions. Convolutions made outside a <see cref="Conv2d"/> module (FactorizedReduce's constant shift
/// selector, which moves data) are not layers and are not counted.
/// </summary>
public static class MultiplyAdds
{
    /// <summary>
    /// Per image: Conv2d, O·Ho·Wo · (I/groups)·k² (each output element sums (I/groups)·k² products; the stride and
    /// padding enter through Ho, Wo); Linear, O · I; any other module 0.
    /// </summary>
    /// <param name="module">The module that produced the output.</param>
    /// <param name="output">Its output's shape, batch first: (B, O, Ho, Wo) for a conv, (B, O) for a linear layer.</param>
    /// <exception cref="ArgumentException">The output shape does not fit the layer (rank, channels or B = 0).</exception>
    public static long PerImage(Module module, Shape output)
    {
        ArgumentNullException.ThrowIfNull(module);
        switch (module)
        {
            case Conv2d conv:
                if (output.Rank != 4 || output[1] != conv.OutChannels || output[0] < 1)
                    throw new ArgumentException($"MultiplyAdds: a Conv2d({conv.InChannels}→{conv.OutChannels}) output has shape {output}; expected (B, {conv.OutChannels}, Ho, Wo).");
                return (long)conv.OutChannels * output[2] * output[3] * (conv.InChannels / conv.Params.Groups) * conv.KernelSize * conv.KernelSize;
            case Linear linear:
                if (output.Rank != 2 || output[1] != linear.OutFeatures || output[0] < 1)
                    throw new ArgumentException($"MultiplyAdds: a Linear({linear.InFeatures}→{linear.OutFeatures}) output has shape {output}; expected (B, {linear.OutFeatures}).");
                return (long)linear.OutFeatures * linear.InFeatures;
            default:
                return 0;
        }
    }
}

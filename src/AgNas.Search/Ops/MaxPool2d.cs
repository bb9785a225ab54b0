using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Ops;

/// <summary>
/// Max pooling as a layer (torch.nn.MaxPool2d, ceil_mode off, dilation 1): square window, stride,
/// padding that acts as −∞. No parameters.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <exception cref="ArgumentException">kernel or stride not positive, or padding negative or more than half the kernel (PyTorch's rule).</exception>
    public MaxPool2d(int kernelSize, int stride, int padding = 0)
    {
        if (kernelSize < 1 || stride < 1 || padding < 0 || 2 * padding > kernelSize)
            throw new ArgumentException($"MaxPool2d(kernel {kernelSize}, stride {stride}, padding {padding}): kernel and stride must be positive and 0 <= padding <= kernel/2.");
        Params = new Pool2dParams(kernelSize, stride, padding);
    }

    public Pool2dParams Params { get; }

    /// <summary>x (B, C, H, W) → (B, C, Ho, Wo), Ho = floor((H + 2p − k)/s) + 1.</summary>
    public override Var Forward(Var x) => Functional.MaxPool2d(x, Params);

    protected override string ExtraRepr => $"kernel {Params.Kernel}, stride {Params.Stride}, padding {Params.Padding}";
}

using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Ops;

/// <summary>
/// Average pooling as a layer (torch.nn.AvgPool2d, ceil_mode off): square window, stride, zero
/// padding, and whether padded positions count in the divisor. No parameters.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <exception cref="ArgumentException">kernel or stride not positive, or padding negative or more than half the kernel (PyTorch's rule).</exception>
    public AvgPool2d(int kernelSize, int stride, int padding = 0, bool countIncludePad = true)
    {
        if (kernelSize < 1 || stride < 1 || padding < 0 || 2 * padding > kernelSize)
            throw new ArgumentException($"AvgPool2d(kernel {kernelSize}, stride {stride}, padding {padding}): kernel and stride must be positive and 0 <= padding <= kernel/2.");
        Params = new Pool2dParams(kernelSize, stride, padding);
        CountIncludePad = countIncludePad;
    }

    public Pool2dParams Params { get; }

    /// <summary>True: divide by kernel² everywhere (PyTorch's default); false: by the in-image elements of each window.</summary>
    public bool CountIncludePad { get; }

    /// <summary>x (B, C, H, W) → (B, C, Ho, Wo).</summary>
    public override Var Forward(Var x) => Functional.AvgPool2d(x, Params, CountIncludePad);

    protected override string ExtraRepr =>
        $"kernel {Params.Kernel}, stride {Params.Stride}, padding {Params.Padding}{(CountIncludePad ? "" : ", padding not counted")}";
}

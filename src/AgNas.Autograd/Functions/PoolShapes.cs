using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>Output shape of the 2-D pools, with the argument checks PyTorch makes.</summary>
internal static class PoolShapes
{
    /// <summary>(B, C, Ho, Wo) for x (B, C, H, W).</summary>
    /// <exception cref="ArgumentException">x is not 4-D, the window is invalid or the output would be empty.</exception>
    public static Shape Output(string op, Tensor x, Pool2dParams p)
    {
        Check.Rank(op, x, 4, "x");
        if (p.Kernel < 1 || p.Stride < 1 || p.Padding < 0)
            throw new ArgumentException($"{op}: x {x.Shape}: {p} is invalid; expected kernel >= 1, stride >= 1, padding >= 0.");
        if (2 * p.Padding > p.Kernel)
            throw new ArgumentException($"{op}: x {x.Shape}: padding {p.Padding} is more than half the kernel {p.Kernel}; expected padding <= kernel / 2 (PyTorch's rule).");
        int ho = p.OutputSize(x.Shape[2]), wo = p.OutputSize(x.Shape[3]);
        if (ho < 1 || wo < 1)
            throw new ArgumentException($"{op}: x {x.Shape} with {p} gives an empty output ({ho}x{wo}); expected at least 1x1.");
        return new Shape(x.Shape[0], x.Shape[1], ho, wo);
    }
}

using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Ops;

/// <summary>
/// The <c>none</c> op: zeros of the output shape, (B, C, ⌈H/s⌉, ⌈W/s⌉) for stride s (as PyTorch's
/// <c>x[:, :, ::s, ::s].mul(0.)</c>). The result is a constant (<see cref="Functional.Zeros"/>): it
/// records no graph and passes no gradient back, which equals the zero gradient of <c>x·0</c>.
/// No parameters.
/// </summary>
public sealed class Zero : Module
{
    /// <exception cref="ArgumentException"><paramref name="stride"/> is not positive.</exception>
    public Zero(int stride = 1)
    {
        if (stride < 1) throw new ArgumentException($"Zero: stride = {stride}; expected >= 1.", nameof(stride));
        Stride = stride;
    }

    public int Stride { get; }

    /// <summary>x (B, C, H, W) → zeros (B, C, ⌈H/s⌉, ⌈W/s⌉) on x's backend.</summary>
    /// <exception cref="ArgumentException">x is not 4-D.</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4)
            throw new ArgumentException($"Zero: input has shape {x.Shape}; expected (B, C, H, W).");
        var shape = Stride == 1
            ? x.Shape
            : new Shape(x.Shape[0], x.Shape[1], (x.Shape[2] + Stride - 1) / Stride, (x.Shape[3] + Stride - 1) / Stride);
        return Functional.Zeros(shape, x.Backend);
    }

    protected override string ExtraRepr => Stride == 1 ? "" : $"stride {Stride}";
}

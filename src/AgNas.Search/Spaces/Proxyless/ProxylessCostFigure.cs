using System.Globalization;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>The size of a block or network as <see cref="ProxylessCost"/> counts it: trainable parameters and multiply-adds.</summary>
/// <param name="Parameters">Trainable elements (conv and linear weights, linear biases, BN γ and β).</param>
/// <param name="Macs">Multiply-adds of the convs and linear layers for one image (BN, activations, residual adds and pooling not counted).</param>
public readonly record struct ProxylessCostFigure(long Parameters, long Macs)
{
    public static ProxylessCostFigure operator +(ProxylessCostFigure a, ProxylessCostFigure b) => new(a.Parameters + b.Parameters, a.Macs + b.Macs);

    /// <summary>"6,728,936 parameters, 659,130,816 MACs".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Parameters:N0} parameters, {Macs:N0} MACs");
}

using System.Globalization;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// A ceiling on the exported network's size (<see cref="ProxylessCost"/>'s convention): multiply-adds per image, parameters, or both.
/// A null bound does not constrain.
/// </summary>
/// <param name="MaxMacs">Most multiply-adds allowed, or null.</param>
/// <param name="MaxParameters">Most parameters allowed, or null.</param>
public sealed record ProxylessBudget(long? MaxMacs = null, long? MaxParameters = null)
{
    /// <summary>Whether <paramref name="cost"/> fits every bound.</summary>
    public bool Fits(ProxylessCostFigure cost) =>
        (MaxMacs is not long m || cost.Macs <= m) && (MaxParameters is not long p || cost.Parameters <= p);

    /// <summary>Checks the bounds.</summary>
    /// <exception cref="ArgumentException">A bound below 0.</exception>
    public void Validate()
    {
        if (MaxMacs < 0 || MaxParameters < 0)
            throw new ArgumentException($"ProxylessBudget: MaxMacs = {MaxMacs?.ToString(CultureInfo.InvariantCulture) ?? "-"}, MaxParameters = {MaxParameters?.ToString(CultureInfo.InvariantCulture) ?? "-"}; bounds must be >= 0.");
    }

    public override string ToString() => string.Join(", ", new[]
    {
        MaxMacs is long m ? string.Create(CultureInfo.InvariantCulture, $"at most {m:N0} MACs") : null,
        MaxParameters is long p ? string.Create(CultureInfo.InvariantCulture, $"at most {p:N0} parameters") : null,
    }.Where(s => s is not null).DefaultIfEmpty("no bound"));
}

using System.Collections.Immutable;
using System.Globalization;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// The ProxylessNAS-space derivation (agnas-facts §2.3, <c>PS/compute_attention.py:115-125</c>, <c>PS/export_op.py:12-30</c>),
/// separate from any network:
/// <list type="number">
/// <item>Each layer's importance vector (one value per candidate: Σ_b Σ_c y, as the attention module accumulates it over the
/// validation pass) is divided by the layer's C_out: the sum over images of each candidate's channel mean.</item>
/// <item>Each layer takes the argmax over its candidates (the six MBConvs, then skip where allowed); a tie goes to the lower index.
/// skip is exported as −1, an MBConv as its id 0..5: the 21 integers are the reference's <c>model_id</c>.</item>
/// </list>
/// </summary>
public static class ProxylessDerivation
{
    /// <summary>
    /// The architecture, per layer the normalised importances and the chosen candidate index (6 for skip), the seven candidate names,
    /// and <c>arch.json</c> (<see cref="ProxylessArch.ToJson"/>) as a file to write beside arch.txt.
    /// </summary>
    /// <param name="importance">One vector per layer of <see cref="ProxylessLayers.All"/>, of its K values, not yet normalised.</param>
    /// <exception cref="ArgumentException">Not 21 vectors, a vector of the wrong length, or a value that is not finite.</exception>
    public static DerivedArchitecture Derive(IReadOnlyList<double[]> importance) => FromNormalized(Normalize(importance));

    /// <summary>Step 2 alone, on importances already divided by C_out (as <see cref="Normalize"/> gives them).</summary>
    /// <exception cref="ArgumentException">As <see cref="Derive"/>.</exception>
    public static DerivedArchitecture FromNormalized(IReadOnlyList<double[]> normalized)
    {
        var arch = Choose(normalized);
        var edges = ProxylessLayers.All
            .Select(l => new EdgeImportance(l.Label, normalized[l.Index].ToImmutableArray(), arch.CandidateIndex(l.Index)))
            .ToImmutableArray();
        return new DerivedArchitecture(arch.ToString(), arch.SkipCount, ProxylessBlockRegistry.CandidateNames, edges,
            Files: new Dictionary<string, string> { [ProxylessArch.JsonFile] = arch.ToJson() + "\n" });
    }

    /// <summary>
    /// The derivation under <paramref name="budget"/> (<see cref="ProxylessBudgetedDerivation"/>): the architecture of highest total
    /// normalised importance whose network, at <paramref name="settings"/>, fits; the edges' choices are its blocks, and
    /// <c>budget.json</c> (<see cref="ProxylessBudgetFile"/>) joins <c>arch.json</c> with what the unconstrained argmax would have cost.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Derive"/>, or no network fits the budget.</exception>
    public static DerivedArchitecture DeriveWithin(IReadOnlyList<double[]> importance, ProxylessBudget budget, ProxylessCostSettings settings)
    {
        var normalized = Normalize(importance);
        var result = ProxylessBudgetedDerivation.Derive(normalized, budget, settings);
        var arch = result.Arch;
        var edges = ProxylessLayers.All
            .Select(l => new EdgeImportance(l.Label, normalized[l.Index].ToImmutableArray(), arch.CandidateIndex(l.Index)))
            .ToImmutableArray();
        return new DerivedArchitecture(arch.ToString(), arch.SkipCount, ProxylessBlockRegistry.CandidateNames, edges,
            Files: new Dictionary<string, string>
            {
                [ProxylessArch.JsonFile] = arch.ToJson() + "\n",
                [ProxylessBudgetFile.Name] = ProxylessBudgetFile.Write(budget, settings, result),
            });
    }

    /// <summary>Step 1: each layer's vector divided by its C_out. A new array per layer.</summary>
    /// <exception cref="ArgumentException">As <see cref="Derive"/>.</exception>
    public static double[][] Normalize(IReadOnlyList<double[]> importance)
    {
        Check(importance, nameof(importance));
        return [.. ProxylessLayers.All.Select(l => importance[l.Index].Select(v => v / l.OutChannels).ToArray())];
    }

    /// <summary>Step 2: per layer the argmax candidate (ties → lower index), as an architecture.</summary>
    /// <exception cref="ArgumentException">As <see cref="Derive"/>.</exception>
    public static ProxylessArch Choose(IReadOnlyList<double[]> importance)
    {
        Check(importance, nameof(importance));
        var chosen = new int[ProxylessLayers.Count];
        foreach (var layer in ProxylessLayers.All)
        {
            var v = importance[layer.Index];
            int best = 0;
            for (int k = 1; k < v.Length; k++)
            {
                if (v[k] > v[best]) best = k; // strict: a tie keeps the lower index
            }
            chosen[layer.Index] = best;
        }
        return ProxylessArch.FromCandidates(chosen);
    }

    /// <summary>One vector per layer, of the layer's K finite values.</summary>
    internal static void Check(IReadOnlyList<double[]> importance, string name)
    {
        ArgumentNullException.ThrowIfNull(importance, name);
        if (importance.Count != ProxylessLayers.Count)
            throw new ArgumentException($"ProxylessDerivation: {importance.Count} importance vectors; expected one per layer, {ProxylessLayers.Count}.", name);
        foreach (var layer in ProxylessLayers.All)
        {
            var v = importance[layer.Index];
            int k = layer.CandidateCount;
            if (v is null || v.Length != k)
                throw new ArgumentException(
                    $"ProxylessDerivation: {layer.Label} has {v?.Length ?? 0} values; expected {k} ({string.Join(", ", ProxylessBlockRegistry.CandidatesOf(layer))}).", name);
            for (int i = 0; i < k; i++)
            {
                if (!double.IsFinite(v[i]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"ProxylessDerivation: {layer.Label}, {ProxylessBlockRegistry.CandidateNames[i]}: {v[i]} is not finite."), name);
            }
        }
    }
}

using System.Globalization;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// The outcome of a budgeted derivation: the architecture chosen under the budget with its total importance and cost, and the
/// plain derivation's (the argmax per layer) for comparison.
/// </summary>
/// <param name="Arch">The architecture of largest total importance that fits.</param>
/// <param name="Importance">Its total importance (Σ over layers of the chosen candidate's normalised importance).</param>
/// <param name="Cost">Its cost.</param>
/// <param name="Unconstrained">The argmax architecture (<see cref="ProxylessDerivation.Choose"/>).</param>
/// <param name="UnconstrainedImportance">Its total importance.</param>
/// <param name="UnconstrainedCost">Its cost.</param>
public sealed record ProxylessBudgetResult(
    ProxylessArch Arch, double Importance, ProxylessCostFigure Cost,
    ProxylessArch Unconstrained, double UnconstrainedImportance, ProxylessCostFigure UnconstrainedCost);

/// <summary>
/// Derivation under a size budget: per layer one candidate, maximising the summed normalised importance (agnas-facts §2.3, the
/// values <see cref="ProxylessDerivation.Normalize"/> gives) subject to the exported network's MACs and/or parameters
/// (<see cref="ProxylessCost"/>) fitting the budget, solved exactly by <see cref="BudgetedChoice"/>. Where the argmax architecture
/// fits, it is the answer (so ties resolve as in the plain derivation).
/// </summary>
public static class ProxylessBudgetedDerivation
{
    /// <param name="normalizedImportance">One vector per layer of its K candidates' importances, divided by C_out.</param>
    /// <param name="budget">The bounds.</param>
    /// <param name="settings">Image size, channels, classes and stem stride of the exported network; null is 3×224×224, 1,000 classes.</param>
    /// <exception cref="ArgumentException">Malformed importances, a negative bound, or a budget that not even the cheapest network fits (the message names the minimum).</exception>
    public static ProxylessBudgetResult Derive(IReadOnlyList<double[]> normalizedImportance, ProxylessBudget budget, ProxylessCostSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        settings ??= new ProxylessCostSettings();
        budget.Validate();
        ProxylessDerivation.Check(normalizedImportance, nameof(normalizedImportance));
        var costs = ProxylessCost.Candidates(settings);
        var fixedCost = ProxylessCost.Fixed(settings);

        var unconstrained = ProxylessDerivation.Choose(normalizedImportance);
        var unconstrainedCost = ProxylessCost.Network(unconstrained, settings);
        double unconstrainedImportance = Total(normalizedImportance, unconstrained);
        if (budget.Fits(unconstrainedCost))
            return new ProxylessBudgetResult(unconstrained, unconstrainedImportance, unconstrainedCost, unconstrained, unconstrainedImportance, unconstrainedCost);

        var options = ProxylessLayers.All
            .Select(l => (IReadOnlyList<BudgetOption>)[.. costs[l.Index].Select((c, k) => new BudgetOption(normalizedImportance[l.Index][k], c))])
            .ToList();
        var chosen = BudgetedChoice.Solve(options, fixedCost, budget) ?? throw new ArgumentException(Infeasible(costs, fixedCost, budget, settings), nameof(budget));
        var arch = ProxylessArch.FromCandidates(chosen);
        return new ProxylessBudgetResult(arch, Total(normalizedImportance, arch), ProxylessCost.Network(arch, settings),
            unconstrained, unconstrainedImportance, unconstrainedCost);
    }

    /// <summary>
    /// Why no network can fit <paramref name="budget"/> at <paramref name="settings"/> (a negative bound, or one below the cheapest
    /// network; the message names the minimum), or null when some network fits. Checked before a search starts, so that a budget no
    /// architecture meets is refused at once, not after the first epoch.
    /// </summary>
    public static string? Problem(ProxylessBudget budget, ProxylessCostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            budget.Validate();
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        var costs = ProxylessCost.Candidates(settings);
        var fixedCost = ProxylessCost.Fixed(settings);
        var uniform = ProxylessLayers.All
            .Select(l => (IReadOnlyList<BudgetOption>)[.. costs[l.Index].Select(c => new BudgetOption(0, c))])
            .ToList();
        return BudgetedChoice.Solve(uniform, fixedCost, budget) is null ? Infeasible(costs, fixedCost, budget, settings) : null;
    }

    /// <summary>Σ over layers of the importance of <paramref name="arch"/>'s candidate, in layer order.</summary>
    public static double Total(IReadOnlyList<double[]> normalizedImportance, ProxylessArch arch)
    {
        ArgumentNullException.ThrowIfNull(normalizedImportance);
        ArgumentNullException.ThrowIfNull(arch);
        double total = 0;
        foreach (var layer in ProxylessLayers.All) total += normalizedImportance[layer.Index][arch.CandidateIndex(layer.Index)];
        return total;
    }

    private static string Infeasible(IReadOnlyList<IReadOnlyList<ProxylessCostFigure>> costs, ProxylessCostFigure fixedCost, ProxylessBudget budget, ProxylessCostSettings settings)
    {
        long minMacs = fixedCost.Macs + costs.Sum(c => c.Min(x => x.Macs));
        long minParameters = fixedCost.Parameters + costs.Sum(c => c.Min(x => x.Parameters));
        string where = string.Create(CultureInfo.InvariantCulture,
            $"{settings.InputChannels}×{settings.Resolution}×{settings.Resolution} images, {settings.Classes} classes, stem stride {settings.StemStride}");
        var parts = new List<string>();
        if (budget.MaxMacs is long m && m < minMacs) parts.Add(string.Create(CultureInfo.InvariantCulture, $"the cheapest network needs {minMacs:N0} MACs, the budget allows {m:N0}"));
        if (budget.MaxParameters is long p && p < minParameters) parts.Add(string.Create(CultureInfo.InvariantCulture, $"the smallest network has {minParameters:N0} parameters, the budget allows {p:N0}"));
        if (parts.Count == 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"no network fits both bounds ({budget}); the fewest MACs alone is {minMacs:N0}, the fewest parameters alone {minParameters:N0}"));
        return $"ProxylessNAS budget ({where}): {string.Join("; ", parts)}.";
    }
}

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>One candidate of a layer for <see cref="BudgetedChoice"/>: its value (importance) and its cost.</summary>
public readonly record struct BudgetOption(double Value, ProxylessCostFigure Cost);

/// <summary>
/// Exact multiple-choice knapsack over a chain of layers: choose one option per layer so that the total value is largest while the
/// total cost (a fixed part plus the chosen options) fits a <see cref="ProxylessBudget"/> in MACs, parameters or both.
/// </summary>
/// <remarks>
/// Dynamic programming over the layers on Pareto sets, with no discretisation: after layer i the solver keeps every partial
/// choice that no other partial choice dominates (cost no larger in every bounded dimension and value no smaller), dropping
/// those that cannot fit even with the cheapest options of the remaining layers. With one bound the set is a staircase in
/// (cost, value); with both, a Pareto set in (MACs, parameters, value). Values are summed in layer order. Of several optimal
/// choices the one with the fewest MACs, then the fewest parameters, is returned (and among exact ties the first found).
/// </remarks>
public static class BudgetedChoice
{
    private readonly record struct State(long Macs, long Parameters, double Value, int Parent, int Choice);

    /// <summary>The option index per layer of an optimal choice, or null when no choice fits.</summary>
    /// <param name="layers">Per layer its options (at least one each).</param>
    /// <param name="fixedCost">The cost every choice pays.</param>
    /// <param name="budget">The bounds (both null: the largest value, unconstrained).</param>
    /// <exception cref="ArgumentException">A layer without options, a value that is not finite, a negative cost or bound.</exception>
    public static int[]? Solve(IReadOnlyList<IReadOnlyList<BudgetOption>> layers, ProxylessCostFigure fixedCost, ProxylessBudget budget)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(budget);
        budget.Validate();
        int n = layers.Count;
        for (int i = 0; i < n; i++)
        {
            var options = layers[i];
            if (options is null || options.Count == 0)
                throw new ArgumentException($"BudgetedChoice: layer {i} has no options.", nameof(layers));
            foreach (var o in options)
            {
                if (!double.IsFinite(o.Value) || o.Cost.Macs < 0 || o.Cost.Parameters < 0)
                    throw new ArgumentException($"BudgetedChoice: layer {i} has an option with value {o.Value} and cost {o.Cost}; expected a finite value and costs >= 0.", nameof(layers));
            }
        }

        bool boundMacs = budget.MaxMacs is not null, boundParameters = budget.MaxParameters is not null;
        long maxMacs = budget.MaxMacs ?? long.MaxValue, maxParameters = budget.MaxParameters ?? long.MaxValue;
        // The cheapest completion of layers i.. in each dimension, for pruning.
        var restMacs = new long[n + 1];
        var restParameters = new long[n + 1];
        for (int i = n - 1; i >= 0; i--)
        {
            restMacs[i] = restMacs[i + 1] + layers[i].Min(o => o.Cost.Macs);
            restParameters[i] = restParameters[i + 1] + layers[i].Min(o => o.Cost.Parameters);
        }
        bool Fits(long macs, long parameters, int rest) =>
            macs + restMacs[rest] <= maxMacs && parameters + restParameters[rest] <= maxParameters;

        if (!Fits(fixedCost.Macs, fixedCost.Parameters, 0)) return null;
        var levels = new List<State[]>(n);
        State[] current = [new State(fixedCost.Macs, fixedCost.Parameters, 0, -1, -1)];
        for (int i = 0; i < n; i++)
        {
            var options = layers[i];
            var next = new List<State>(current.Length * options.Count);
            for (int s = 0; s < current.Length; s++)
            {
                var state = current[s];
                for (int k = 0; k < options.Count; k++)
                {
                    long macs = state.Macs + options[k].Cost.Macs, parameters = state.Parameters + options[k].Cost.Parameters;
                    if (Fits(macs, parameters, i + 1)) next.Add(new State(macs, parameters, state.Value + options[k].Value, s, k));
                }
            }
            current = Pareto(next, boundMacs, boundParameters);
            if (current.Length == 0) return null;
            levels.Add(current);
        }

        // The sweep order puts, among equal values, the cheapest first.
        int best = 0;
        for (int s = 1; s < current.Length; s++)
        {
            if (current[s].Value > current[best].Value) best = s;
        }
        var chosen = new int[n];
        for (int i = n - 1; i >= 0; i--)
        {
            var state = levels[i][best];
            chosen[i] = state.Choice;
            best = state.Parent;
        }
        return chosen;
    }

    /// <summary>The states no other state dominates in the bounded dimensions and value, ordered by (MACs, parameters) ascending.</summary>
    private static State[] Pareto(List<State> states, bool boundMacs, bool boundParameters)
    {
        // Unbounded dimensions do not count for dominance: treat them as 0.
        long M(State s) => boundMacs ? s.Macs : 0;
        long P(State s) => boundParameters ? s.Parameters : 0;
        var order = Enumerable.Range(0, states.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var (x, y) = (states[a], states[b]);
            int c = M(x).CompareTo(M(y));
            if (c == 0) c = P(x).CompareTo(P(y));
            if (c == 0) c = y.Value.CompareTo(x.Value);
            if (c == 0) c = x.Macs.CompareTo(y.Macs);
            if (c == 0) c = x.Parameters.CompareTo(y.Parameters);
            return c != 0 ? c : a.CompareTo(b);
        });

        var kept = new List<State>();
        // Staircase of the kept states' (P, value): P ascending, value strictly ascending. A new state (visited in M order, so every kept
        // state has M no larger) is dominated iff the kept state with the largest P <= its P has a value >= its value.
        var staircase = new SortedSet<(long P, double Value)>(Comparer<(long P, double Value)>.Create((a, b) => a.P.CompareTo(b.P)))
        {
            (long.MinValue, double.NegativeInfinity),
        };
        foreach (int index in order)
        {
            var s = states[index];
            long p = P(s);
            var below = staircase.GetViewBetween((long.MinValue, 0), (p, 0)).Max;
            if (below.Value >= s.Value) continue;
            var covered = staircase.GetViewBetween((p, 0), (long.MaxValue, 0)).TakeWhile(e => e.Value <= s.Value).ToList();
            foreach (var e in covered) staircase.Remove(e);
            staircase.Add((p, s.Value));
            kept.Add(s);
        }
        return [.. kept];
    }
}

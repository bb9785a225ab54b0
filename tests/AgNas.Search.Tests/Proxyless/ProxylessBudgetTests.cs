using AgNas.Search.Spaces.Proxyless;

namespace AgNas.Search.Tests.Proxyless;

public class ProxylessBudgetTests
{
    /// <summary>Every choice of a small table, by enumeration: the largest total value (summed in layer order) that fits, or null.</summary>
    private static double? BruteForce(IReadOnlyList<IReadOnlyList<BudgetOption>> layers, ProxylessCostFigure fixedCost, ProxylessBudget budget)
    {
        double? best = null;
        var choice = new int[layers.Count];
        while (true)
        {
            var cost = fixedCost;
            double value = 0;
            for (int i = 0; i < layers.Count; i++)
            {
                cost += layers[i][choice[i]].Cost;
                value += layers[i][choice[i]].Value;
            }
            if (budget.Fits(cost) && (best is null || value > best)) best = value;
            int j = 0;
            while (j < layers.Count && ++choice[j] == layers[j].Count) choice[j++] = 0;
            if (j == layers.Count) return best;
        }
    }

    private static List<IReadOnlyList<BudgetOption>> RandomTable(Random rng, int layers)
    {
        var table = new List<IReadOnlyList<BudgetOption>>();
        for (int i = 0; i < layers; i++)
        {
            int k = rng.Next(2, 8);
            table.Add([.. Enumerable.Range(0, k).Select(_ =>
                new BudgetOption(rng.NextDouble(), new ProxylessCostFigure(rng.Next(0, 50), rng.Next(0, 1000))))]);
        }
        return table;
    }

    [Fact]
    public void TheDynamicProgramMatchesBruteForceOnSmallTables()
    {
        var rng = new Random(7);
        var fixedCost = new ProxylessCostFigure(10, 100);
        int feasible = 0, infeasible = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var table = RandomTable(rng, 5);
            ProxylessBudget budget = (trial % 3) switch
            {
                0 => new(MaxMacs: rng.Next(100, 4000)),
                1 => new(MaxParameters: rng.Next(10, 200)),
                _ => new(MaxMacs: rng.Next(100, 4000), MaxParameters: rng.Next(10, 200)),
            };
            double? expected = BruteForce(table, fixedCost, budget);
            var chosen = BudgetedChoice.Solve(table, fixedCost, budget);
            if (expected is null)
            {
                Assert.Null(chosen);
                infeasible++;
                continue;
            }
            Assert.NotNull(chosen);
            var cost = fixedCost;
            double value = 0;
            for (int i = 0; i < table.Count; i++)
            {
                cost += table[i][chosen[i]].Cost;
                value += table[i][chosen[i]].Value;
            }
            Assert.True(budget.Fits(cost), $"trial {trial}: {cost} does not fit {budget}");
            Assert.Equal(expected.Value, value);
            feasible++;
        }
        Assert.True(feasible > 100 && infeasible > 10, $"{feasible} feasible, {infeasible} infeasible trials");
    }

    [Fact]
    public void TheDynamicProgramMatchesBruteForceOnFiveRealLayers()
    {
        // Layers 8..12 of the skeleton at 224 px with their real costs (6, 7, 7, 7 and 6 candidates).
        var costs = ProxylessCost.Candidates(new ProxylessCostSettings());
        var rng = new Random(11);
        for (int trial = 0; trial < 20; trial++)
        {
            var table = Enumerable.Range(8, 5)
                .Select(i => (IReadOnlyList<BudgetOption>)[.. costs[i].Select(c => new BudgetOption(rng.NextDouble(), c))])
                .ToList();
            var budget = new ProxylessBudget(MaxMacs: rng.Next(20_000_000, 120_000_000), MaxParameters: trial % 2 == 0 ? null : rng.Next(200_000, 1_500_000));
            double? expected = BruteForce(table, default, budget);
            var chosen = BudgetedChoice.Solve(table, default, budget);
            Assert.Equal(expected is null, chosen is null);
            if (chosen is not null) Assert.Equal(expected!.Value, chosen.Select((k, i) => table[i][k].Value).Aggregate(0.0, (a, v) => a + v));
        }
    }

    private static double[][] RandomImportance(int seed)
    {
        var rng = new Random(seed);
        return [.. ProxylessLayers.All.Select(l => Enumerable.Range(0, l.CandidateCount).Select(_ => rng.NextDouble()).ToArray())];
    }

    [Fact]
    public void TheBudgetedDerivationFitsAndKeepsTheArgmaxWhenItFits()
    {
        var importance = RandomImportance(3);
        var loose = ProxylessBudgetedDerivation.Derive(importance, new ProxylessBudget(MaxMacs: 10_000_000_000));
        Assert.Equal(ProxylessDerivation.Choose(importance), loose.Arch);
        Assert.Equal(loose.Unconstrained, loose.Arch);

        long cap = loose.UnconstrainedCost.Macs * 3 / 4;
        var tight = ProxylessBudgetedDerivation.Derive(importance, new ProxylessBudget(MaxMacs: cap, MaxParameters: 5_000_000));
        Assert.InRange(tight.Cost.Macs, 0, cap);
        Assert.InRange(tight.Cost.Parameters, 0, 5_000_000);
        Assert.Equal(ProxylessCost.Network(tight.Arch), tight.Cost);
        Assert.True(tight.Importance < tight.UnconstrainedImportance);
        Assert.Equal(ProxylessBudgetedDerivation.Total(importance, tight.Arch), tight.Importance);
        // Exactness on the full table: no single-layer change that still fits does better (a necessary condition of the optimum).
        foreach (var layer in ProxylessLayers.All)
        {
            for (int k = 0; k < layer.CandidateCount; k++)
            {
                var candidates = tight.Arch.Ids.Select((_, i) => tight.Arch.CandidateIndex(i)).ToArray();
                candidates[layer.Index] = k;
                var other = ProxylessArch.FromCandidates(candidates);
                var c = ProxylessCost.Network(other);
                if (c.Macs <= cap && c.Parameters <= 5_000_000)
                    Assert.True(ProxylessBudgetedDerivation.Total(importance, other) <= tight.Importance);
            }
        }
    }

    [Fact]
    public void AnImpossibleBudgetNamesTheMinimum()
    {
        var importance = RandomImportance(4);
        var e = Assert.Throws<ArgumentException>(() => ProxylessBudgetedDerivation.Derive(importance, new ProxylessBudget(MaxMacs: 100_000_000)));
        long minMacs = ProxylessCost.Fixed(new ProxylessCostSettings()).Macs
            + ProxylessCost.Candidates(new ProxylessCostSettings()).Sum(c => c.Min(x => x.Macs));
        Assert.Contains($"the cheapest network needs {minMacs:N0} MACs, the budget allows 100,000,000", e.Message);
        Assert.Contains("3×224×224 images, 1000 classes", e.Message);
        var p = Assert.Throws<ArgumentException>(() => ProxylessBudgetedDerivation.Derive(importance, new ProxylessBudget(MaxParameters: 1_000_000)));
        Assert.Contains("the smallest network has", p.Message);
        Assert.Throws<ArgumentException>(() => ProxylessBudgetedDerivation.Derive(importance, new ProxylessBudget(MaxMacs: -1)));
    }
}

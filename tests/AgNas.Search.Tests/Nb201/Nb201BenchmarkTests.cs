using System.Globalization;
using AgNas.Search.Spaces.Nb201;

namespace AgNas.Search.Tests.Nb201;

public class Nb201BenchmarkTests
{
    private static Nb201Benchmark Table => Nb201Benchmark.Load();

    [Fact]
    public void TableHasOneRowPerCellInIndexOrder()
    {
        Assert.Equal(15625, Table.Count);
        Assert.Same(Table, Nb201Benchmark.Load());                     // loaded once
        var archs = new HashSet<Nb201Arch>();
        for (int i = 0; i < Table.Count; i++)
        {
            var entry = Table[i];
            Assert.Equal(i, entry.Index);
            Assert.Equal(i, Table.IndexOf(entry.Arch));
            Assert.True(archs.Add(entry.Arch));
        }
    }

    [Fact]
    public void KnownRowsHaveTheCsvValues()
    {
        // Values copied from shared/reference/nb201/nb201.csv.
        var e1 = Table.Lookup(Nb201Arch.Parse(Nb201ArchTests.Index1));
        Assert.Equal(1, e1.Index);
        Assert.Equal(1, Nb201Arch.Parse(Nb201ArchTests.Index1).Index);
        Assert.Equal(Nb201ArchTests.Index1, e1.Arch.ToString());
        Assert.Equal(93.66000000000001, e1.Cifar10Test);
        Assert.Equal(70.29333326822916, e1.Cifar100Test);
        Assert.Equal(44.03333332316081, e1.ImageNet16Test);
        Assert.Equal(0.802426, e1.ParamsM);
        Assert.Equal(113.951370, e1.FlopsM);
        Assert.Equal(0.808276, e1.For(Nb201Dataset.Cifar100).ParamsM);
        Assert.Equal(113.957220, e1.For(Nb201Dataset.Cifar100).FlopsM);
        Assert.Equal(0.809576, e1.For(Nb201Dataset.ImageNet16).ParamsM);
        Assert.Equal(28.495480, e1.For(Nb201Dataset.ImageNet16).FlopsM);
        Assert.Equal(82.83399999389648, e1.Cifar10.Valid12Epoch);
        Assert.Equal(88.22, e1.Cifar10.Test12Epoch);
        Assert.Equal(33.80000003051758, e1.ImageNet16.Test12Epoch);

        var e0 = Table[0];
        Assert.Equal("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|", e0.Arch.ToString());
        Assert.Equal(85.86333333333334, e0.Cifar10Test);
        Assert.Equal(0.129306, e0.ParamsM);

        // All-none is at chance; all-skip is not (the DARTS-collapse row of the NB201 paper).
        var none = Table.Lookup("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
        Assert.Equal(1651, none.Index);
        Assert.Equal(10.0, none.Cifar10Test);
        var skip = Table.Lookup("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|");
        Assert.Equal(1835, skip.Index);
        Assert.Equal(54.30, skip.Cifar10Test, 2);
    }

    [Fact]
    public void ShuffledInputsFindTheSameRow()
    {
        var shuffled = Table.Lookup("|nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|skip_connect~2|nor_conv_3x3~1|skip_connect~0|");
        Assert.Same(Table[1], shuffled);
    }

    [Fact]
    public void AllConv3x3CellIsFound()
    {
        var e = Table.Lookup(Nb201ArchTests.AllConv3x3);
        Assert.Equal(1462, e.Index);
        Assert.Equal(93.76, e.Cifar10Test);
        Assert.Equal(71.10666660563152, e.Cifar100Test);
        Assert.Equal(41.44444444783529, e.ImageNet16Test);
        Assert.Equal(1.531546, e.ParamsM);                               // the largest cell of the space
        Assert.Equal(220.119690, e.FlopsM);
        Assert.Equal(167, e.Cifar10.TestRank);
        Assert.Equal(164, e.Cifar100.TestRank);
        // 2833, not 2834: cell 10548 has 41.44444445800781, float32 noise above this cell's 41.44444444783529,
        // so the two tie (with 5 others) and share rank 2833.
        Assert.Equal(2833, e.ImageNet16.TestRank);
        Assert.Equal(2833, Table[10548].ImageNet16.TestRank);
        Assert.Equal(Table.Entries.Max(x => x.ParamsM), e.ParamsM);
    }

    [Theory]
    [InlineData(Nb201Dataset.Cifar10, 94.37333333333333, new[] { 6111, 13714 })]
    [InlineData(Nb201Dataset.Cifar100, 73.51333326009114, new[] { 9930 })]
    [InlineData(Nb201Dataset.ImageNet16, 47.31111105685764, new[] { 857 })]
    public void BestCellsHaveRankOneAndTheTableMaximum(Nb201Dataset dataset, double best, int[] bestIndices)
    {
        Assert.Equal(best, Table.BestTestAccuracy(dataset));
        Assert.Equal(Table.Entries.Max(e => e.For(dataset).TestAccuracy), Table.BestTestAccuracy(dataset));
        Assert.Equal(bestIndices, Table.Best(dataset).Select(e => e.Index));
        foreach (var e in Table.Best(dataset))
        {
            Assert.Equal(1, e.For(dataset).TestRank);
            Assert.Equal(best, e.For(dataset).TestAccuracy);
        }
        // The first non-tied cell after the best gets rank = number of cells above it + 1.
        Assert.Equal(bestIndices.Length + 1, Table.Entries.Where(e => e.For(dataset).TestRank > 1).Min(e => e.For(dataset).TestRank));
    }

    [Fact]
    public void RanksAreConsistentWithAccuracies()
    {
        foreach (var d in Enum.GetValues<Nb201Dataset>())
        {
            var sorted = Table.Entries.OrderBy(e => e.For(d).TestRank).ToArray();
            for (int p = 1; p < sorted.Length; p++)
            {
                var (prev, cur) = (sorted[p - 1].For(d), sorted[p].For(d));
                Assert.True(prev.TestAccuracy >= cur.TestAccuracy - Nb201Benchmark.RankTieTolerance);
                if (cur.TestRank == prev.TestRank) Assert.True(prev.TestAccuracy - cur.TestAccuracy <= Nb201Benchmark.RankTieTolerance);
                else Assert.Equal(p + 1, cur.TestRank);
            }
        }
    }

    [Fact]
    public void TieToleranceSeparatesFloatNoiseFromRealDifferences()
    {
        // Every gap between distinct accuracies is either float32 noise (< 1e-6) or a real difference
        // (> 1e-3), so the tie rule does not depend on the exact tolerance chosen.
        foreach (var d in Enum.GetValues<Nb201Dataset>())
        {
            var values = Table.Entries.Select(e => e.For(d).TestAccuracy).Distinct().Order().ToArray();
            for (int i = 1; i < values.Length; i++)
            {
                double gap = values[i] - values[i - 1];
                Assert.True(gap < 1e-6 || gap > 1e-3, $"{d}: gap {gap.ToString(CultureInfo.InvariantCulture)} between {values[i - 1]} and {values[i]}");
            }
        }
    }

    [Fact]
    public void CompetitionRanksShareTheBetterRank()
    {
        Assert.Equal([3, 1, 1, 4, 5], Nb201Benchmark.CompetitionRanks([5.0, 9.0, 9.0 - 1e-9, 4.0, 1.0], 1e-4));
    }

    [Fact]
    public void LoadChecksRejectBrokenTables()
    {
        const string header = "index,arch,cifar10_test,cifar100_test,imagenet16_test,params_M,flops_M,params_M_cifar100,flops_M_cifar100,params_M_imagenet16,flops_M_imagenet16,cifar10_valid_12ep,cifar10_test_12ep,cifar100_valid_12ep,cifar100_test_12ep,imagenet16_valid_12ep,imagenet16_test_12ep";
        const string nums = ",1,1,1,1,1,1,1,1,1,1,1,1,1,1,1";
        Nb201Benchmark Read(string csv) => Nb201Benchmark.Read(new StringReader(csv), "test.csv");

        Assert.Contains("expected 15625", Assert.Throws<InvalidDataException>(() => Read($"{header}\n0,{Nb201ArchTests.Index1}{nums}\n")).Message);
        Assert.Contains("index '1', expected 0", Assert.Throws<InvalidDataException>(() => Read($"{header}\n1,{Nb201ArchTests.Index1}{nums}\n")).Message);
        Assert.Contains("not canonical", Assert.Throws<InvalidDataException>(() =>
            Read($"{header}\n0,|nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|{nums}\n")).Message);
        Assert.Contains("unknown op", Assert.Throws<InvalidDataException>(() => Read($"{header}\n0,|x~0|+|none~0|none~1|+|none~0|none~1|none~2|{nums}\n")).Message);
        Assert.Contains("already appeared at index 0", Assert.Throws<InvalidDataException>(() =>
            Read($"{header}\n0,{Nb201ArchTests.Index1}{nums}\n1,{Nb201ArchTests.Index1}{nums}\n")).Message);
        Assert.Contains("not a finite number", Assert.Throws<InvalidDataException>(() =>
            Read($"{header}\n0,{Nb201ArchTests.Index1},NaN,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n")).Message);
        Assert.Contains("no column 'imagenet16_test_12ep'", Assert.Throws<InvalidDataException>(() =>
            Read(header[..header.LastIndexOf(',')] + "\n")).Message);
    }
}

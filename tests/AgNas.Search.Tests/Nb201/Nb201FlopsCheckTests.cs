using AgNas.Search.Analysis;
using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors;

namespace AgNas.Search.Tests.Nb201;

/// <summary>The summary's multiply-adds against the benchmark table's FLOPs column (AutoDL's count), exactly.</summary>
public class Nb201FlopsCheckTests
{
    public static TheoryData<string, Nb201Dataset> Cells()
    {
        string[] cells =
        [
            // Index 0 of the table: a pool, 1×1 convs and skips.
            "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
            // The best CIFAR-10 cell: 3×3 convs.
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
            // No conv in any cell: none, skips and pools (pools count nothing in either convention).
            "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|none~0|avg_pool_3x3~1|skip_connect~2|",
            // Every edge none.
            "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        ];
        var data = new TheoryData<string, Nb201Dataset>();
        foreach (var cell in cells)
        {
            foreach (var dataset in Enum.GetValues<Nb201Dataset>()) data.Add(cell, dataset);
        }
        return data;
    }

    private static int Classes(Nb201Dataset dataset) => dataset switch
    {
        Nb201Dataset.Cifar10 => 10,
        Nb201Dataset.Cifar100 => 100,
        _ => 120,
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void MultiplyAddsPlusTheClassifierBiasEqualTheTablesFlops(string cell, Nb201Dataset dataset)
    {
        var arch = Nb201Arch.Parse(cell);
        int classes = Classes(dataset);
        var input = Nb201FlopsCheck.BenchmarkInput(dataset);
        using var net = new Nb201Network(new Nb201NetworkConfig(arch) { Classes = classes });
        var summary = NetworkSummary.Of(net, input);

        var check = Nb201FlopsCheck.For(arch, input, classes, summary.TotalMultiplyAdds);
        Assert.NotNull(check);
        Assert.Equal(dataset, check.Dataset);
        Assert.Equal(check.Published, summary.TotalMultiplyAdds + classes);
        Assert.True(check.Matches);
        Assert.Equal(Nb201ParameterCheck.For(net)!.Published, summary.TotalParameters);
    }

    [Fact]
    public void TheDifferenceIsOnlyTheClassifierBias()
    {
        // Cell 0 on CIFAR-10 by hand: stem 3→16 3×3 at 32×32; two 1×1 convs per cell at C·C·HW = 262,144 each in every
        // stage; each residual block 3,670,016 (3×3 stride 2, 3×3, 1×1 shortcut); classifier 64·10. The table: 15.647370 M.
        const long stem = 3 * 16 * 9 * 32 * 32, cells = 15 * 2 * 262_144, blocks = 2 * 3_670_016, classifier = 64 * 10;
        var arch = Nb201Arch.Parse("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|");
        using var net = new Nb201Network(new Nb201NetworkConfig(arch));
        var summary = NetworkSummary.Of(net, new Shape(3, 32, 32));
        Assert.Equal(stem + cells + blocks + classifier, summary.TotalMultiplyAdds);
        Assert.Equal(15_647_370, summary.TotalMultiplyAdds + 10);
        Assert.Equal(new Shape(64, 8, 8), summary["cells.16"].Output);
        Assert.Equal(new Shape(32, 16, 16), summary["cells.5"].Output); // the first residual block
    }

    [Fact]
    public void NoCheckOutsideTheBenchmarksSettings()
    {
        var arch = Nb201Arch.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        Assert.Null(Nb201FlopsCheck.For(arch, new Shape(3, 32, 32), 7, 0));
        Assert.Null(Nb201FlopsCheck.For(arch, new Shape(1, 28, 28), 10, 0));
        Assert.Null(Nb201FlopsCheck.For(arch, new Shape(3, 32, 32), 120, 0)); // ImageNet16-120 is 16×16
    }
}

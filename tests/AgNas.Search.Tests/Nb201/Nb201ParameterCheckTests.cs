using AgNas.Search.Spaces.Nb201;

namespace AgNas.Search.Tests.Nb201;

public class Nb201ParameterCheckTests
{
    private const string Cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

    [Theory]
    [InlineData(10, Nb201Dataset.Cifar10)]
    [InlineData(100, Nb201Dataset.Cifar100)]
    [InlineData(120, Nb201Dataset.ImageNet16)]
    public void ThreeChannelNetworksHaveExactlyThePublishedCount(int classes, Nb201Dataset dataset)
    {
        var arch = Nb201Arch.Parse(Cell);
        using var net = new Nb201Network(new Nb201NetworkConfig(arch) { Classes = classes });
        var check = Nb201ParameterCheck.For(net)!;
        Assert.Equal(dataset, check.Dataset);
        Assert.Equal((long)Math.Round(Nb201Benchmark.Load().Lookup(arch).For(dataset).ParamsM * 1e6), check.Published);
        Assert.Equal(0, check.StemDifference);
        Assert.Equal(net.ParameterCount(), check.Actual);
        Assert.True(check.Matches);
    }

    /// <summary>Greyscale input: only the stem conv (3×3, no bias) shrinks, by 2·9·16 = 288.</summary>
    [Fact]
    public void OneChannelNetworksDifferByTheStem()
    {
        var arch = Nb201Arch.Parse(Cell);
        using var net = new Nb201Network(new Nb201NetworkConfig(arch) { InputChannels = 1 });
        var check = Nb201ParameterCheck.For(net)!;
        Assert.Equal(-288, check.StemDifference);
        Assert.Equal(check.Published - 288, check.Expected);
        Assert.Equal(check.Expected, net.ParameterCount());
        Assert.True(check.Matches);
    }

    [Fact]
    public void NoCheckWithoutABenchmarkNetwork()
    {
        var arch = Nb201Arch.Parse(Cell);
        using (var fourClasses = new Nb201Network(new Nb201NetworkConfig(arch) { Classes = 4 }))
            Assert.Null(Nb201ParameterCheck.For(fourClasses));
        using (var narrow = new Nb201Network(new Nb201NetworkConfig(arch) { Channels = 8, CellsPerStage = 1 }))
            Assert.Null(Nb201ParameterCheck.For(narrow));
    }

    [Fact]
    public void AMismatchIsReportedNotHidden()
    {
        var check = new Nb201ParameterCheck(Nb201Dataset.Cifar10, 1, 16, Published: 1000, Actual: 700);
        Assert.Equal(712, check.Expected);
        Assert.False(check.Matches);
    }
}

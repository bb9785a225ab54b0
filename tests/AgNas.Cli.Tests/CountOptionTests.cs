using AgNas.Cli.Verbs;

namespace AgNas.Cli.Tests;

public class CountOptionTests
{
    [Theory]
    [InlineData("600000000", 600_000_000L)]
    [InlineData("600M", 600_000_000L)]
    [InlineData("5.5M", 5_500_000L)]
    [InlineData("1.2G", 1_200_000_000L)]
    [InlineData("300k", 300_000L)]
    [InlineData("4,500,000", 4_500_000L)]
    public void CountsReadAsPapersWriteThem(string text, long expected) => Assert.Equal(expected, CountOption.Parse(text, "--max-macs"));

    [Fact]
    public void NothingGivenIsNoBound() => Assert.Null(CountOption.Parse("", "--max-macs"));

    [Theory]
    [InlineData("x")]
    [InlineData("0")]
    [InlineData("-5M")]
    [InlineData("1.5")]
    [InlineData("2.0000001M")]
    [InlineData("5T")]
    public void AnythingElseIsAUsageErrorNamingTheOption(string text)
    {
        var e = Assert.Throws<UsageException>(() => CountOption.Parse(text, "--max-params"));
        Assert.Contains($"--max-params '{text}' is not a count", e.Message);
    }
}

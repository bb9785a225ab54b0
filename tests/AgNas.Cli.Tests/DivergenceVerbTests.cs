using AgNas.Cli.Verbs;
using AgNas.Search.Runs;

namespace AgNas.Cli.Tests;

/// <summary>What <c>agnas search</c> says when the supernet diverges or never leaves chance (issue 10 item 3).</summary>
public class DivergenceVerbTests
{
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [Fact]
    public void ASearchAtChanceWarnsAndMarksTheArchitectureUntrustworthy()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var outDir = tmp.Sub("run");
        var (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, outDir, "--lr", "1000"));
        Assert.True(code == ExitCodes.Ok, error + output);
        var metrics = File.ReadAllLines(Path.Combine(outDir, RunFolder.MetricsFile));
        Assert.Contains("\"at_chance\":true", metrics[^1]);
        Assert.Contains("warning: the search diverged or never learned:", Flat(error));
        Assert.Contains("The derived architecture below is untrustworthy", Flat(error));
        Assert.Contains("UNTRUSTWORTHY (supernet at chance level):", output);
    }

    [Fact]
    public void ADivergedSearchEndsWithOneLineNamingEpochAndStep()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var outDir = tmp.Sub("run");
        var (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, outDir, "--lr", "1e30", "--grad-clip", "0"));
        Assert.NotEqual(ExitCodes.Ok, code);
        var flat = Flat(error);
        Assert.Matches(@"Epoch \d+, (step|after step|validation pass)", flat);
        Assert.Contains("diverged", flat);
        Assert.DoesNotContain("Derivation", flat + output);
    }
}

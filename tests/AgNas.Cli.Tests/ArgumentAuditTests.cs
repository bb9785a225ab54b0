namespace AgNas.Cli.Tests;

public class ArgumentAuditTests
{
    /// <summary>
    /// Runs the CLI. Search and train get a data folder that does not exist, so that if the audit
    /// ever let one of these through, the run would stop at once with exit 1 instead of searching.
    /// </summary>
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        if (args[0] is "search" or "train") args = [.. args, "--dataset", "cifar10", "--data-dir", "/nonexistent/agnas-audit"];
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, CliContext.ForWriters(output, error));
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("search", "--lr", "0,05")]
    [InlineData("search", "--lr=0,05")]
    [InlineData("train", "--arch", "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|", "--weight-decay", "5,0e-4")]
    public void ADecimalCommaIsRefusedBeforeAnythingRuns(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("decimal comma", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void AWordAfterASwitchIsRefusedWithTheReason()
    {
        var (code, _, error) = Run("search", "--nesterov", "false");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("unexpected argument 'false': --nesterov is a switch", error);
    }

    [Theory]
    [InlineData("search", "extra-positional")]
    [InlineData("devices", "--json", "extra")]
    [InlineData("lookup", "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|", "second")]
    public void StrayWordsAreRefused(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"unexpected argument '{args[^1]}'", error);
    }

    [Fact]
    public void OptionValuesNegativeNumbersAndPositionalsPass()
    {
        Assert.Null(ArgumentAudit.Check(typeof(Verbs.SearchOptions), ["search", "--seed", "-1", "--lr", "0.05", "--nesterov", "--epochs=3"]));
        Assert.Null(ArgumentAudit.Check(typeof(Verbs.LookupOptions), ["lookup", "ARCH"]));
    }
}

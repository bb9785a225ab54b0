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
        var (code, _, error) = Run("devices", "--json", "false");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("unexpected argument 'false': --json is a switch and takes no value", error);
        // A switch that takes true or false refuses other words.
        (code, _, error) = Run("search", "--nesterov", "maybe");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("unexpected argument 'maybe': --nesterov is a switch: give it alone (on), or followed by true or false.", error);
    }

    [Theory]
    [InlineData("devices", "--json=false", "--json=false: --json is a switch and takes no value")]
    [InlineData("search", "--nesterov=maybe", "--nesterov=maybe: --nesterov is a switch: give it alone (on), or followed by true or false.")]
    public void AValueGluedToASwitchIsRefusedUnlessItTakesTrueOrFalse(string verb, string arg, string message)
    {
        // The parser turns a switch on whatever follows '='; --json=false would have meant --json.
        var (code, _, error) = Run(verb, arg);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void TheAuditRecordsWhichOptionsWereGivenAndHow()
    {
        Assert.Null(ArgumentAudit.Audit(typeof(Verbs.SearchOptions),
            ["search", "--lr", "0.025", "--nesterov", "false", "--no-plots", "--allow-none=true", "--epochs=3", "--clean-validation", "--seed", "-1"], out var given));
        Assert.NotNull(given);
        Assert.Equal(["--lr 0.025", "--nesterov false", "--no-plots", "--allow-none=true", "--epochs=3", "--clean-validation", "--seed -1"], given.Entries.Select(e => e.Typed));
        Assert.Equal(["0.025", "false", null, "true", "3", null, "-1"], given.Entries.Select(e => e.Value));
        Assert.True(given.Contains("lr"));
        Assert.False(given.Contains("momentum")); // left out, though the parser fills in its default

        // Explicit values of switches reach the options object; the parser itself turned them on.
        var options = new Verbs.SearchOptions { Nesterov = true, NoPlots = true, AllowNone = true, CleanValidation = true };
        given.ApplySwitchValues(options);
        Assert.Equal((false, true, true, true), (options.Nesterov, options.NoPlots, options.AllowNone, options.CleanValidation));
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

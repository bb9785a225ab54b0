using AgNas.Cli.Verbs;

namespace AgNas.Cli.Tests;

public class GradcheckAndBenchTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, CliContext.ForWriters(output, error));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void GradcheckPrintsOneRowPerCaseAndPasses()
    {
        var (code, output, error) = Run("gradcheck", "--filter", "relu");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("relu6", output);
        Assert.Contains("pass", output);
        Assert.Contains("Max abs err", output);
        Assert.Contains("checks passed", output);
        Assert.DoesNotContain("FAIL", output);
    }

    [Fact]
    public void GradcheckFilterMatchingNothingIsAUsageError()
    {
        var (code, _, error) = Run("gradcheck", "--filter", "no-such-op");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("no-such-op", error);
    }

    [Fact]
    public void GradcheckOnAnUnavailableDeviceFailsWithTheReason()
    {
        var (code, _, error) = Run("gradcheck", "--device", "cuda:0", "--filter", "relu");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("cuda", error);
    }

    [Fact]
    public void BenchPrintsStepTimeThroughputAndPeakMemory()
    {
        var (code, output, error) = Run("bench", "--model", "cnn", "--batch", "4", "--input", "1x12x12", "--steps", "2", "--warmup", "1");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("ms/step", output);
        Assert.Contains("images/s", output);
        Assert.Contains("peak memory", output);
        Assert.Matches(@"\d+\.\d+ (KiB|MiB|GiB)", output);
    }

    [Fact]
    public void ALongErrorStaysOnOneLine()
    {
        var filter = new string('q', 2 * CliContext.RedirectedWidth);
        var (code, _, error) = Run("gradcheck", "--filter", filter);
        Assert.Equal(ExitCodes.Usage, code);
        var first = error.Split('\n')[0];
        Assert.StartsWith("error: --filter '" + filter + "' matches none", first);
        Assert.EndsWith(").", first.TrimEnd());
    }

    [Fact]
    public void BenchTimesTheNb201Supernet()
    {
        var (code, output, error) = Run("bench", "--space", "nb201", "--batch", "2", "--input", "1x12x12", "--steps", "1", "--warmup", "0");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("--space nb201", output);
        Assert.Contains("nb201 supernet", error);
    }

    [Theory]
    [InlineData("--space", "darts-v9")]
    [InlineData("--input", "3x32")]
    [InlineData("--input", "0x32x32")]
    [InlineData("--batch", "1")]
    [InlineData("--model", "resnet")]
    public void BenchRejectsBadValuesWithUsageErrors(string option, string value)
    {
        var (code, _, error) = Run("bench", option, value, "--steps", "1", "--warmup", "0");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(value, error);
    }

    [Fact]
    public void ParseInputReadsChannelsHeightWidth()
    {
        Assert.Equal(new AgNas.Tensors.Shape(1, 28, 28), BenchRunner.ParseInput("1x28x28"));
    }
}

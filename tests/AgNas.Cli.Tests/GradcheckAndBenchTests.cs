using System.Text.Json;
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

    [Fact]
    public void BenchJsonWritesTheTimingsForScripts()
    {
        var dir = Directory.CreateTempSubdirectory("agnas-bench-json-");
        try
        {
            var file = Path.Combine(dir.FullName, "bench.json");
            var (code, output, error) = Run("bench", "--space", "nb201", "--batch", "2", "--input", "1x12x12", "--steps", "3", "--warmup", "0",
                "--profile", "--json", file);
            Assert.True(code == ExitCodes.Ok, error + output);
            Assert.Contains("--space nb201", output); // the table is still printed

            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement;
            Assert.Equal("agnas", root.GetProperty("impl").GetString());
            Assert.Equal("nb201 supernet", root.GetProperty("what").GetString());
            Assert.Equal("cpu", root.GetProperty("device").GetString());
            Assert.Equal(2, root.GetProperty("batch").GetInt32());
            Assert.Equal("1x12x12", root.GetProperty("input").GetString());
            Assert.Equal(3, root.GetProperty("steps").GetInt32());
            Assert.True(root.GetProperty("params").GetInt64() > 0);
            double median = root.GetProperty("median_ms_per_step").GetDouble();
            Assert.True(median > 0);
            Assert.InRange(median, root.GetProperty("min_ms_per_step").GetDouble(), root.GetProperty("max_ms_per_step").GetDouble());
            Assert.Equal(2 * 1000.0 / median, root.GetProperty("images_per_s").GetDouble(), 6);
            Assert.True(root.GetProperty("peak_bytes").GetInt64() > 0);
            Assert.True(root.GetProperty("profiled").GetBoolean());
            var ops = root.GetProperty("ops").EnumerateArray().ToList();
            Assert.Contains(ops, op => op.GetProperty("op").GetString()!.StartsWith("Conv", StringComparison.Ordinal)
                && op.GetProperty("calls_per_step").GetDouble() > 0);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void BenchJsonWithoutProfileHasNoOpsAndTheAttentionBlockNoParameterCount()
    {
        var dir = Directory.CreateTempSubdirectory("agnas-bench-json-");
        try
        {
            var file = Path.Combine(dir.FullName, "bench.json");
            var (code, output, error) = Run("bench", "--model", "attention", "--batch", "2", "--input", "4x6x6", "--steps", "1", "--warmup", "0",
                "--json", file);
            Assert.True(code == ExitCodes.Ok, error + output);
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Contains("of copy", output);
            Assert.Equal("attention", doc.RootElement.GetProperty("what").GetString());
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("params").ValueKind);
            Assert.False(doc.RootElement.GetProperty("profiled").GetBoolean());
            Assert.False(doc.RootElement.TryGetProperty("ops", out _));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void BenchJsonIntoAMissingFolderIsAUsageErrorBeforeAnyTiming()
    {
        var missing = Path.Combine(Path.GetTempPath(), "agnas-no-such-folder-" + Guid.NewGuid().ToString("N"), "bench.json");
        var (code, output, error) = Run("bench", "--batch", "2", "--input", "1x8x8", "--steps", "1", "--warmup", "0", "--json", missing);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("does not exist", error);
        Assert.DoesNotContain("ms/step", output);
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

namespace AgNas.Cli.Tests;

public class SelftestVerbTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, CliContext.ForWriters(output, error));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void TheCpuAgainstItselfPassesEveryOpAndTheSupernetStep()
    {
        var (code, output, error) = Run("selftest", "--device", "cpu", "--filter", "Relu", "--batch", "2", "--size", "7"); // odd: 7 → 4 → 2
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("ReluBackward", output);
        Assert.Contains("op cases passed", output);
        Assert.Contains("supernet step: all", output);
        Assert.DoesNotContain("Conv2dForward", output); // the filter applies
    }

    [Fact]
    public void OnAMachineWithoutAGpuCudaIsRefusedWithTheReason()
    {
        if (AgNas.Tensors.Backends.TryGet(new AgNas.Tensors.Device(AgNas.Tensors.DeviceType.Cuda, 0), out _, out _)) return; // a GPU machine
        var (code, _, error) = Run("selftest", "--skip-step");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("cuda", error);
    }

    [Theory]
    [InlineData("--batch", "1")]
    [InlineData("--size", "0")]
    [InlineData("--filter", "no-such-op")]
    public void BadValuesAreUsageErrorsNamingTheOption(string option, string value)
    {
        var (code, _, error) = Run("selftest", "--device", "cpu", option, value);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(value, error);
    }
}

public class DeviceOptionAndHelpTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, CliContext.ForWriters(output, error));
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("gradcheck")]
    [InlineData("bench")]
    [InlineData("selftest")]
    public void AnUnknownDeviceNameIsAUsageErrorNamingTheOption(string verb)
    {
        var (code, _, error) = Run(verb, "--device", "gpu");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--device", error);
        Assert.Contains("'gpu'", error);
    }

    [Fact]
    public void AutoPicksTheCpuWhereThereIsNoGpu()
    {
        if (AgNas.Tensors.Backends.ResolveDevice("auto").Type != AgNas.Tensors.DeviceType.Cpu) return; // a GPU machine
        var (code, output, error) = Run("gradcheck", "--device", "auto", "--filter", "relu6");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("on cpu", output);
    }

    [Fact]
    public void DashHIsHelp()
    {
        var (code, output, error) = Run("bench", "-h");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("--device", output + error);
    }

    /// <summary>Odd sizes reach the residual blocks odd (5 → 3 → 2, 7 → 4 → 2): the shortcut pads them (issue 10, item 5).</summary>
    [Theory]
    [InlineData("1x5x5")]
    [InlineData("1x7x6")]
    public void Nb201BenchTakesOddSizes(string input)
    {
        var (code, output, error) = Run("bench", "--space", "nb201", "--input", input, "--batch", "2", "--steps", "1", "--warmup", "0");
        Assert.True(code == ExitCodes.Ok, error + output);
    }

    [Fact]
    public void SpaceAndModelTogetherAreRefused()
    {
        var (code, _, error) = Run("bench", "--space", "nb201", "--model", "attention");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("give one of them", error);
    }

    [Fact]
    public void LookupTrimsAPastedCell()
    {
        var (code, output, error) = Run("lookup", "  |nor_conv_3x3~0|+|skip_connect~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|\n");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("#4951", output);
    }
}

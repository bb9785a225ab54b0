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
        var (code, output, error) = Run("selftest", "--device", "cpu", "--filter", "Relu", "--batch", "2", "--size", "8");
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
    [InlineData("--size", "10")]
    [InlineData("--filter", "no-such-op")]
    public void BadValuesAreUsageErrorsNamingTheOption(string option, string value)
    {
        var (code, _, error) = Run("selftest", "--device", "cpu", option, value);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(value, error);
    }
}

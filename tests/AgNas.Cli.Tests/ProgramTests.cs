using System.Text.Json;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Cuda;
using CommandLine;

// Main() swaps Console.Out; tests/SerialTests.cs keeps the tests of this assembly off each other's consoles.

namespace AgNas.Cli.Tests;

public class ProgramTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => RunWith(Program.Verbs, false, args);

    private static (int Code, string Out, string Err) RunWith(IReadOnlyList<VerbRegistration> verbs, bool debug, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, CliContext.ForWriters(output, error, debug), verbs);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>What the table shows for the BLAS: the library's name, or "none:" when none could be loaded.</summary>
    private static string BlasShown => "BLAS: " + CpuBackend.BlasDescription.Split(' ')[0];

    [Fact]
    public void MainDevicesReturnsZeroAndNamesCpuAndTheBlas()
    {
        var saved = Console.Out;
        var output = new StringWriter();
        int code;
        try
        {
            Console.SetOut(output);
            code = Program.Main(["devices"]);
        }
        finally
        {
            Console.SetOut(saved);
        }
        Assert.Equal(ExitCodes.Ok, code);
        var text = output.ToString();
        Assert.Contains("cpu", text);
        Assert.Contains(BlasShown, text);
        Assert.Contains("cuda", text);
    }

    [Fact]
    public void DevicesTableShowsWhyCudaIsUnavailable()
    {
        var (code, output, error) = Run("devices");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        Assert.Contains(BlasShown, output);
        Assert.Contains($"threads: {Environment.ProcessorCount}", output);
        // The table wraps long reasons across lines, so look for each word of the registry's reason.
        var cuda = Backends.Describe().Single(b => b.Name == "cuda");
        Assert.False(cuda.Available);
        Assert.Contains("unavailable: " + cuda.Reason!.Split(' ')[0], output);
        foreach (var word in cuda.Reason.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length < 30))
            Assert.Contains(word, output);
        Assert.Contains("cuBLAS: ", output);
        Assert.Contains("cuDNN: ", output);
        if (!CudaRuntime.Probe().Driver.Found && !CudaRuntime.Probe().Emulated)
            Assert.Contains("unavailable: libcuda.so.1 not found", output);
    }

    [Fact]
    public void DevicesJsonIsMachineReadable()
    {
        var (code, output, _) = Run("devices", "--json");
        Assert.Equal(ExitCodes.Ok, code);
        using var doc = JsonDocument.Parse(output);
        var cpu = doc.RootElement.EnumerateArray().Single(b => b.GetProperty("name").GetString() == "cpu");
        Assert.True(cpu.GetProperty("available").GetBoolean());
        Assert.Equal(CpuBackend.BlasDescription, cpu.GetProperty("properties").GetProperty("BLAS").GetString());
        var cuda = doc.RootElement.EnumerateArray().Single(b => b.GetProperty("name").GetString() == "cuda");
        Assert.False(cuda.GetProperty("available").GetBoolean());
        Assert.Equal(Backends.Describe().Single(b => b.Name == "cuda").Reason, cuda.GetProperty("reason").GetString());
        var properties = cuda.GetProperty("properties");
        var probe = CudaRuntime.Probe();
        Assert.Equal(probe.Driver.Describe(), properties.GetProperty("driver").GetString());
        Assert.Equal(probe.Cublas.Describe(), properties.GetProperty("cuBLAS").GetString());
        Assert.Equal(probe.Cudnn.Describe(), properties.GetProperty("cuDNN").GetString());
        foreach (var gpu in probe.Gpus) Assert.Equal(gpu.ToString(), properties.GetProperty($"cuda:{gpu.Ordinal}").GetString());
    }

    [Fact]
    public void UnknownVerbIsAUsageErrorThatListsTheVerbs()
    {
        var (code, output, error) = Run("serch");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", output);
        Assert.Contains("'serch'", error);
        Assert.Contains("devices", error);
    }

    [Fact]
    public void NoVerbIsAUsageError()
    {
        var (code, _, error) = Run();
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("devices", error);
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        var (code, _, error) = Run("devices", "--colour");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("colour", error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    public void HelpListsTheVerbs(string help)
    {
        var (code, output, error) = Run(help);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        Assert.Contains("devices", output);
    }

    [Theory]
    [InlineData("devices", "--help")]
    [InlineData("help", "devices")]
    public void VerbHelpListsEveryOptionWithItsDefault(string first, string second)
    {
        var (code, output, _) = Run(first, second);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("--json", output);
        Assert.Contains("(Default: false)", output);
    }

    [Fact]
    public void VersionIsPrinted()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.StartsWith("agnas ", output);
    }

    // ---- errors raised by a runner ------------------------------------------------------------

    [Verb("explode", HelpText = "Test verb that fails.")]
    public sealed class ExplodeOptions
    {
        [Option("usage", Default = false, HelpText = "Fail with a usage error instead.")]
        public bool Usage { get; set; }
    }

    private static int Explode(ExplodeOptions options, CliContext context) =>
        options.Usage ? throw new UsageException("--usage makes no sense here") : throw new InvalidOperationException("boom: the kernel failed");

    private static readonly IReadOnlyList<VerbRegistration> ExplodingVerbs = [VerbRegistration.Of<ExplodeOptions>(Explode)];

    [Fact]
    public void UnexpectedExceptionPrintsOneLineAndExitsOne()
    {
        var (code, output, error) = RunWith(ExplodingVerbs, false, "explode");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Equal("", output);
        Assert.Equal(["error: boom: the kernel failed"], error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void DebugModePrintsTheStackTrace()
    {
        var (code, _, error) = RunWith(ExplodingVerbs, true, "explode");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("System.InvalidOperationException: boom: the kernel failed", error);
        Assert.Contains(" at ", error);
    }

    [Fact]
    public void UsageExceptionExitsTwo()
    {
        var (code, _, error) = RunWith(ExplodingVerbs, false, "explode", "--usage");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("error: --usage makes no sense here", error);
        Assert.Contains("agnas explode --help", error);
    }
}

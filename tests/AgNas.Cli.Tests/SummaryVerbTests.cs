using System.Reflection;
using System.Text.Json;
using AgNas.Cli.Verbs;
using CommandLine;

namespace AgNas.Cli.Tests;

/// <summary><c>agnas summary</c> end to end, through the real parser and error handling.</summary>
public class SummaryVerbTests
{
    private const string Best = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, CliContext.ForWriters(output, error));
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void HelpListsEveryOptionWithItsDefaultAndTheConvention()
    {
        var (code, help, _) = Run("summary", "--help");
        Assert.Equal(ExitCodes.Ok, code);
        foreach (var property in typeof(SummaryOptions).GetProperties())
        {
            if (property.GetCustomAttribute<OptionAttribute>() is { } option) Assert.Contains("--" + option.LongName, help);
        }
        Assert.Contains("(Default: nb201)", help);
        Assert.Contains("Conv2d and Linear layers only", System.Text.RegularExpressions.Regex.Replace(help, @"\s+", " "));
    }

    [Fact]
    public void Nb201PrintsEveryLayerTheTotalsAndTheBenchmarkCheckIn80Columns()
    {
        var (code, output, error) = Run("summary", "--arch", Best);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Equal("", error);
        Assert.Contains("Input 3×32×32, 10 classes (CIFAR-10).", output);
        Assert.Matches(@"│ cells\.5\s+│ ResNetBasicBlock\s+│\s+32×16×16 │", output);
        Assert.Matches(@"│ classifier\s+│ Linear\s+│\s+10 │\s+650 │\s+640 │", output);
        Assert.Matches(@"│ Total\s+│\s+│\s+│\s+1,288,506 │\s+184,730,240 │", output); // the benchmark: 1.288506 M parameters, 184.730250 MFLOPs
        Assert.Contains("(agrees)", output);
        Assert.DoesNotContain("DIFFERS", output);
        Assert.Contains("Conv2d and Linear layers only", output);
        Assert.All(Lines(output).Where(l => !l.Contains(Best, StringComparison.Ordinal)), l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
    }

    [Fact]
    public void DartsShowsTheAuxiliaryHeadOutsideThePublishedTotalsAndWritesJson()
    {
        using var tmp = new TempFolder();
        var json = tmp.Sub("summary.json");
        var (code, output, error) = Run("summary", "--space", "darts", "--genotype", "DARTS_V2", "--json", json);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Matches(@"│ auxiliary_head \*\s+│ DartsAuxiliaryHead │\s+10 │\s+476,426 │", output);
        Assert.Matches(@"│ Total\s+│\s+│\s+│\s+3,349,342 │\s+528,359,040 │", output);
        Assert.Contains("* not in the totals: auxiliary_head", output);
        Assert.All(Lines(output), l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("darts", root.GetProperty("space").GetString());
        Assert.StartsWith("Genotype(normal=[('sep_conv_3x3', 0)", root.GetProperty("architecture").GetString());
        Assert.Equal([3, 32, 32], root.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3_349_342, root.GetProperty("total_parameters").GetInt64());
        Assert.Equal(528_359_040, root.GetProperty("total_multiply_adds").GetInt64());
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(23, layers.Count);
        var head = layers.Single(l => l.GetProperty("name").GetString() == "auxiliary_head");
        Assert.False(head.GetProperty("in_totals").GetBoolean());
        Assert.Equal([576, 8, 8], layers.Single(l => l.GetProperty("name").GetString() == "cells.19").GetProperty("output").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(root.GetProperty("total_parameters").GetInt64(),
            layers.Where(l => l.GetProperty("in_totals").GetBoolean()).Sum(l => l.GetProperty("parameters").GetInt64()));
    }

    [Fact]
    public void AgnasAtTheDefaultsHasItsPublishedCount()
    {
        var (code, output, error) = Run("summary", "--space", "darts", "--genotype", "AGNAS");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Matches(@"│ Total\s+│\s+│\s+│\s+3,611,998 │", output);
    }

    /// <summary>An odd size in the residual blocks (30 → 15 → 8): the shortcut pads it; no benchmark note (not one of its sizes).</summary>
    [Fact]
    public void Nb201TakesOddSizes()
    {
        var (code, output, error) = Run("summary", "--arch", Best, "--input", "3x30x30");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("Input 3×30×30, 10 classes.", output);
    }

    [Fact]
    public void ClassesInputAndSizeOptionsChangeTheNetwork()
    {
        // ImageNet16-120's network: 16×16, 120 classes; still one of the benchmark's, so still checked.
        var (code, output, error) = Run("summary", "--arch", Best, "--classes", "120", "--input", "3x16x16");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("Input 3×16×16, 120 classes.", output);
        Assert.Contains("NAS-Bench-201 table (ImageNet16-120)", output);
        Assert.Contains("(agrees)", output);

        // A small DARTS network on 1×16×16 has no room for the auxiliary head: built without it, and said so.
        (code, output, error) = Run("summary", "--space", "darts", "--genotype", "AGNAS", "--channels", "8", "--layers", "5", "--input", "1x16x16");
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("C=8, 5 cells, no auxiliary head", output);
        Assert.Contains("cells.4", output);
        Assert.DoesNotContain("cells.5", output);
        Assert.DoesNotContain("auxiliary_head", output);
    }

    [Theory]
    [InlineData(new[] { "summary", "--space", "proxy", "--arch", "x" }, "--space 'proxy' is not known; expected one of: nb201, darts")]
    [InlineData(new[] { "summary" }, "--arch is required with --space nb201")]
    [InlineData(new[] { "summary", "--space", "darts" }, "--genotype is required with --space darts")]
    [InlineData(new[] { "summary", "--arch", Best, "--genotype", "AGNAS" }, "--genotype does not apply to --space nb201, which takes --arch")]
    [InlineData(new[] { "summary", "--arch", Best, "--layers", "8" }, "--layers does not apply to --space nb201")]
    [InlineData(new[] { "summary", "--space", "darts", "--genotype", "AGNAS", "--arch", Best }, "--arch does not apply to --space darts, which takes --genotype, --channels, --layers")]
    [InlineData(new[] { "summary", "--arch", Best, "--input", "32x32" }, "--input '32x32': expected CxHxW")]
    [InlineData(new[] { "summary", "--arch", Best, "--classes", "-1" }, "--classes -1: expected 1 or more")]
    [InlineData(new[] { "summary", "--space", "darts", "--genotype", "AGNAS", "--layers", "2" }, "Layers = 2")]
    public void UsageErrorsAreOneLineAndExit2(string[] args, string message)
    {
        var (code, output, error) = Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", output);
        var lines = Lines(error);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(message, lines[0]);
        Assert.Equal("Run 'agnas summary --help' for the options.", lines[^1].TrimEnd());
        Assert.InRange(lines.Length, 1, 2);
    }

    [Theory]
    [InlineData("nb201", "--arch", "|nor_conv_3x3~0|+|conv_5x5~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "unknown op 'conv_5x5'")]
    [InlineData("darts", "--genotype", "Genotype(normal=[('sep_conv_9x9', 0)])", "sep_conv_9x9")]
    [InlineData("darts", "--genotype", "no-such-file.txt", "neither an existing file nor a published name")]
    public void AMalformedArchitectureIsAOneLineUsageError(string space, string option, string value, string problem)
    {
        var (code, output, error) = Run("summary", "--space", space, option, value);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", output);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: ", line);
        Assert.Contains(problem, line);
    }

    [Fact]
    public void EverySpaceOptionBelongsToTheOptionsClass()
    {
        var options = GivenOptions.OptionProperties(typeof(SummaryOptions));
        Assert.All(SummarySpaces.SpaceOptions, o => Assert.True(options.ContainsKey(o), o));
        Assert.All(SummarySpaces.All, s => Assert.Contains(s.ArchOption, SummarySpaces.SpaceOptions));
        Assert.All(SummarySpaces.All.SelectMany(s => s.SizeOptions), o => Assert.Contains(o, SummarySpaces.SpaceOptions));
    }
}

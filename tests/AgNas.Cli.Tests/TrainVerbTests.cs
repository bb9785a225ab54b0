using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using AgNas.Cli.Verbs;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Nb201;
using CommandLine;

namespace AgNas.Cli.Tests;

public class TrainVerbTests
{
    private static string Flat(string text) => TrainCli.Flat(text);

    [Fact]
    public void HelpListsEveryOptionWithItsDefault()
    {
        var output = new StringWriter();
        int code = Program.Run(["train", "--help"], CliContext.ForWriters(output, new StringWriter()));
        Assert.Equal(ExitCodes.Ok, code);
        var help = output.ToString();
        foreach (var property in typeof(TrainOptions).GetProperties())
        {
            var option = property.GetCustomAttribute<OptionAttribute>();
            if (option is null) continue;
            Assert.Contains("--" + option.LongName, help);
        }
        foreach (var value in new[] { "0.9", "nb201", "fashion-mnist" })
            Assert.Contains($"(Default: {value})", help);
        // Options marked RecipeDefault list each space's value, and those are the recipes' (TrainConfig.ForSpace).
        var flat = Flat(help);
        foreach (var property in typeof(TrainOptions).GetProperties().Where(p => p.GetCustomAttribute<RecipeDefaultAttribute>() is not null))
        {
            var option = property.GetCustomAttribute<OptionAttribute>()!;
            var values = TrainRun.Spaces.Select(space => $"{space}: {RecipeText(TrainConfig.ForSpace(space), property.Name)}");
            Assert.Contains($"Default: the recipe of --space ({string.Join(", ", values)})", flat);
            Assert.Contains($"--{option.LongName}", help);
        }
    }

    /// <summary>A recipe value as the help text writes it: config.json's text, "none" for an absent one.</summary>
    private static string RecipeText(TrainConfig recipe, string member) =>
        RunSettings<TrainConfig>.Value(recipe, member) is { } value ? RunSettings.FormatValue(value) : "none";

    [Fact]
    public void ATinyTrainingRunWritesItsRunFolderAndPrintsSettingsParametersRowsAndResult()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var outDir = tmp.Sub("run");
        var (code, output, error) = TrainCli.Run(TrainCli.TinyArgs(data, outDir));
        Assert.True(code == ExitCodes.Ok, error + output);

        // The resolved settings table, with config.json's keys.
        Assert.Contains("learning_rate_min", output);
        Assert.Contains("grad_clip", output);
        Assert.Contains($"Cell: {TrainCli.Cell}", output);
        Assert.Contains("48 training / 48 test images, 6 steps per epoch", output);

        // The parameter count is the network's, and 288 below the benchmark's 3-channel CIFAR-10 network.
        using var net = new Nb201Network(new Nb201NetworkConfig(Nb201Arch.Parse(TrainCli.Cell)) { InputChannels = 1, Classes = 10 });
        var printed = Regex.Match(output, @"Parameters: ([\d,]+)");
        Assert.True(printed.Success, output);
        Assert.Equal(net.ParameterCount(), long.Parse(printed.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        long published = (long)Math.Round(Nb201Benchmark.Load().Lookup(TrainCli.Cell).Cifar10.ParamsM * 1e6);
        Assert.Equal(published - 288, net.ParameterCount());
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"NAS-Bench-201 publishes {published:N0} for this cell's CIFAR-10 network"), Flat(output));
        Assert.Contains("(1 - 3)*9*16 = -288", Flat(output));
        Assert.Contains("(as expected)", Flat(output));
        Assert.DoesNotContain("warning", error);

        // Header and one row per epoch.
        Assert.Contains("epoch          lr    loss  train%  t.loss   test%   best%", output);
        var rows = output.Split('\n').Where(l => Regex.IsMatch(l, @"^\s+\d+\s+0\.\d{6}\s")).ToList();
        Assert.Equal(2, rows.Count);

        // Final and best, each named; the folder.
        var folder = new RunFolder(outDir);
        var metrics = folder.ReadState<TrainState>(TrainState.CurrentFormat).Metrics;
        var last = metrics[^1];
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Final test accuracy (epoch 2, the weights saved in checkpoint.safetensors): {last.TestAccuracy:0.00}%"), output);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Best test accuracy (epoch {last.BestEpoch} of 2): {last.BestTestAccuracy:0.00}%"), output);
        Assert.Contains($"Run folder: {folder.Path}", output);

        foreach (var file in new[] { RunFolder.ConfigFile, RunFolder.MetricsFile, RunFolder.CheckpointFile, RunFolder.OptimizerFile, RunFolder.StateFile, RunFolder.CurvesPlot })
            Assert.True(File.Exists(folder.File(file)), file);
        Assert.Equal(2, File.ReadAllLines(folder.File(RunFolder.MetricsFile)).Length);
        var config = folder.ReadConfig<TrainConfig>();
        Assert.Equal((TrainCli.Cell, "cpu", 2, 8, "mnist", (double?)null, true), (config.Arch, config.Device, config.Epochs, config.BatchSize, config.Dataset, config.GradClip, config.Nesterov));
        Assert.Equal(Path.GetFullPath(data), config.DataDir);
    }

    private sealed class CancelAfterEpoch(CancellationTokenSource cts, int epoch) : TrainObserver
    {
        public override void EpochCompleted(TrainEpochRecord record)
        {
            if (record.Epoch == epoch) cts.Cancel();
        }
    }

    /// <summary>Ctrl-C after epoch 1 (the same token Ctrl-C cancels), then --resume: the same weights, optimizer state and metrics as a run never stopped.</summary>
    [Fact]
    public void AnInterruptedRunSaysHowToResumeAndResumesToTheSameEnd()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var straight = tmp.Sub("straight");
        var broken = tmp.Sub("broken");
        Assert.Equal(ExitCodes.Ok, TrainCli.Run(TrainCli.TinyArgs(data, straight)).Code);

        using var cts = new CancellationTokenSource();
        var (code, output, error) = TrainCli.Run(TrainCli.TinyArgs(data, broken), new CancelAfterEpoch(cts, 1), cts);
        Assert.True(code == RunVerb.InterruptedExitCode, error + output);
        var folder = new RunFolder(broken);
        Assert.Contains($"Interrupted during epoch 2 of 2; epoch 1 is saved in {folder.Path}.", output);
        Assert.Contains($"Resume with: agnas train --resume {folder.Path}", output);
        Assert.Equal(1, folder.ReadState<TrainState>(TrainState.CurrentFormat).CompletedEpochs);

        (code, output, error) = TrainCli.Run(["train", "--resume", broken]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("Resuming at epoch 2 of 2.", output);
        Assert.Contains("agnas train --resume: settings from config.json", output);
        foreach (var file in new[] { RunFolder.CheckpointFile, RunFolder.OptimizerFile })
            Assert.True(File.ReadAllBytes(Path.Combine(straight, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(broken, file))), $"{file} differs");
        static IEnumerable<TrainEpochRecord> Untimed(string dir) =>
            new RunFolder(dir).ReadState<TrainState>(TrainState.CurrentFormat).Metrics.Select(m => m with { Seconds = 0, ImagesPerSecond = 0 });
        Assert.Equal(Untimed(straight), Untimed(broken));
    }

    [Fact]
    public void CancelledBeforeTheFirstEpochSaysThereIsNothingToResume()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var (code, output, _) = TrainCli.Run(TrainCli.TinyArgs(data, tmp.Sub("run")), cancellation: cts);
        Assert.Equal(RunVerb.InterruptedExitCode, code);
        Assert.Contains("nothing was saved to resume", output);
        var (again, _, error) = TrainCli.Run(["train", "--resume", tmp.Sub("run")]);
        Assert.Equal(ExitCodes.Usage, again);
        Assert.Contains("nothing to resume", Flat(error));
    }

    [Theory]
    [InlineData("|nor_conv_3x3~0|+|conv_5x5~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "unknown op 'conv_5x5'")]
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", "expected 3 nodes")]
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~3|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "input node 3 is out of range")]
    public void AMalformedArchIsAOneLineUsageError(string arch, string problem)
    {
        using var tmp = new TempFolder();
        var (code, output, error) = TrainCli.Run(["train", "--arch", arch, "--out", tmp.Sub("run")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: Invalid NB201 arch string", lines[0]);
        Assert.Contains(problem, lines[0]);
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void AMissingArchIsAUsageError()
    {
        using var tmp = new TempFolder();
        var (code, output, error) = TrainCli.Run(["train", "--dataset", "mnist", "--out", tmp.Sub("run")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", output);
        Assert.Contains("--arch is required", Flat(error));
        Assert.Contains("Run 'agnas train --help' for the options.", error);
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Theory]
    [InlineData("--space", "nb301", "--space 'nb301' is not known")]
    [InlineData("--genotype", "DARTS_V2", "--genotype is for --space darts")]
    [InlineData("--channels", "8", "channels 8 is a darts setting")]
    [InlineData("--cutout", "-2", "cutout -2 must be >= 0")]
    [InlineData("--dataset", "svhn", "--dataset 'svhn' is not known")]
    [InlineData("--device", "tpu", "--device 'tpu' is not recognised")]
    [InlineData("--device", "gpu", "--device 'gpu' is not recognised")]
    [InlineData("--batch-size", "1", "--batch-size 1 must be at least 2")]
    [InlineData("--grad-clip", "-1", "--grad-clip -1 must be a finite value > 0")]
    [InlineData("--subset", "1", "--subset 1 must be at least 2")]
    [InlineData("--prefetch", "3", "--prefetch 3 must be 0 (none), 1 or 2 batches")]
    [InlineData("--momentum", "1.5", "--momentum 1.5 must lie in [0, 1)")]
    [InlineData("--nesterov", "maybe", "nesterov")]
    public void BadValuesAreUsageErrors(string option, string value, string message)
    {
        using var tmp = new TempFolder();
        // A data folder that does not exist: a value wrongly accepted fails at loading (exit 1), never trains.
        var (code, _, error) = TrainCli.Run(["train", "--arch", TrainCli.Cell, "--out", tmp.Sub("run"), "--data-dir", "/nonexistent/agnas-bad-values", option, value]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, Flat(error));
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void ResumeRefusesConflictingOptionsAcceptsAgreeingOnesAndNamesASearchFolder()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 16);
        var run = tmp.Sub("run");
        Assert.Equal(ExitCodes.Ok, TrainCli.Run(TrainCli.TinyArgs(data, run, "--epochs", "1", "--nesterov", "false", "--no-plots")).Code);
        Assert.False(new RunFolder(run).ReadConfig<TrainConfig>().Nesterov);

        var (code, _, error) = TrainCli.Run(["train", "--resume", run, "--lr", "0.5", "--arch", "|none~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2|"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--lr 0.5 (the run has 0.1;", Flat(error));
        Assert.Contains($"--arch |none~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2| (the run has {TrainCli.Cell})", Flat(error));

        // The same cell spelt with its inputs in another order agrees with the run; a raised epoch count continues it.
        var reordered = "|nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|skip_connect~2|nor_conv_3x3~1|skip_connect~0|";
        string output;
        (code, output, error) = TrainCli.Run(["train", "--resume", run, "--arch", reordered, "--epochs", "2"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Equal(2, new RunFolder(run).ReadState<TrainState>(TrainState.CurrentFormat).CompletedEpochs);

        // A search run folder is named as such.
        var search = tmp.Sub("search");
        Assert.Equal(ExitCodes.Ok, SearchCli.Run(["search", "--space", "tiny", "--dataset", "mnist", "--data-dir", data, "--epochs", "1", "--batch-size", "4", "--out", search, "--no-plots"]).Code);
        (code, _, error) = TrainCli.Run(["train", "--resume", search]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("holds a search run, not a training run", Flat(error));

        // A new run into a folder holding one is refused.
        (code, _, error) = TrainCli.Run(TrainCli.TinyArgs(data, run));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("already holds a training run", Flat(error));
    }
}

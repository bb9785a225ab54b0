using System.Text.Json;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Proxyless;

namespace AgNas.Cli.Tests;

/// <summary>The ProxylessNAS macro space through the command line: search → train chain, summary, bench and the one-line errors.</summary>
public class ProxylessVerbTests
{
    private static string Flat(string text) => TrainCli.Flat(text);

    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void ASearchFindsAnArchitectureThatTrainTakesFromTheRunFolder()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 8);
        var search = tmp.Sub("search");
        var (code, output, error) = TrainCli.Run(["search", "--space", "proxyless", "--dataset", "mnist", "--data-dir", data, "--epochs", "1",
            "--batch-size", "4", "--no-plots", "--out", search]);
        Assert.True(code == ExitCodes.Ok, error + output);

        // The reference's model_id (21 ids, skip as -1 only where allowed) and one JSON entry per layer.
        var arch = ProxylessArch.Parse(File.ReadAllText(Path.Combine(search, RunFolder.ArchFile)).Trim());
        Assert.Equal(ProxylessLayers.Count, arch.Ids.Length);
        Assert.Equal(arch, ProxylessArch.FromJson(File.ReadAllText(Path.Combine(search, ProxylessArch.JsonFile))));
        Assert.Contains($"Train it with: agnas train --space proxyless --arch {search}", Flat(output));

        // The space's recipe went into config.json, with the stem stride and augmentation resolved for 28-px grey images.
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(search, RunFolder.ConfigFile))))
        {
            var root = config.RootElement;
            Assert.Equal(0.25, root.GetProperty("learning_rate").GetDouble());
            Assert.Equal("linear", root.GetProperty("lr_schedule").GetString());
            Assert.Equal("value", root.GetProperty("grad_clip_mode").GetString());
            Assert.Equal("conv-and-classifier", root.GetProperty("weight_decay_scope").GetString());
            Assert.Equal(16, root.GetProperty("reduction").GetInt32());
            Assert.Equal(1, root.GetProperty("stem_stride").GetInt32());
            Assert.Equal("standard", root.GetProperty("augment").GetString());
            Assert.True(root.GetProperty("clean_validation").GetBoolean());
        }

        // Every layer's importance, with its own candidates (6, or 7 with skip).
        using (var attention = JsonDocument.Parse(File.ReadAllText(Path.Combine(search, "attention", "epoch-001.json"))))
        {
            var edges = attention.RootElement.GetProperty("edges");
            Assert.Equal(ProxylessLayers.Count, edges.GetArrayLength());
            Assert.Equal(ProxylessLayers.All.Select(l => l.SkipAllowed ? 7 : 6), edges.EnumerateArray().Select(e => e.GetProperty("importance").GetArrayLength()));
        }

        var train = tmp.Sub("train");
        (code, output, error) = TrainCli.Run(["train", "--space", "proxyless", "--arch", search, "--dataset", "mnist", "--data-dir", data, "--epochs", "1",
            "--batch-size", "4", "--no-plots", "--out", train]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains($"Architecture (model_id): {arch}", Flat(output));
        using var trained = JsonDocument.Parse(File.ReadAllText(Path.Combine(train, RunFolder.ConfigFile)));
        Assert.Equal(arch.ToString(), trained.RootElement.GetProperty("arch").GetString());
        Assert.Equal(0.2, trained.RootElement.GetProperty("dropout").GetDouble());
    }

    [Fact]
    public void SummaryOfTheAgnasArchitectureGivesThePublishedSize()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(["summary", "--space", "proxyless", "--arch", "AGNAS"], CliContext.ForWriters(output, error));
        Assert.True(code == ExitCodes.Ok, error.ToString());
        var flat = Flat(output.ToString());
        Assert.Contains("Input 3×224×224, 1000 classes (ImageNet)", flat);
        Assert.Contains("6,728,936", flat);
        Assert.Contains("659,130,816", flat);
        Assert.Contains("6,728,936 parameters (agrees), 659,130,816 multiply-adds (agrees)", flat);
        Assert.Contains("blocks.15", flat);
        Assert.DoesNotContain("blocks.16", flat); // AGNAS skips 5 of the 21 layers
    }

    [Theory]
    [InlineData("train")]
    [InlineData("summary")]
    public void AMalformedArchitectureIsOneLineNamingTheLayer(string verb)
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 8);
        // Layer 12 is 112 → 128: skip is not allowed there.
        const string bad = "1 1 -1 2 1 -1 5 1 1 -1 5 1 -1 -1 1 4 3 -1 5 5 5";
        string[] args = verb == "train"
            ? ["train", "--space", "proxyless", "--arch", bad, "--dataset", "mnist", "--data-dir", data, "--out", tmp.Sub("run")]
            : ["summary", "--space", "proxyless", "--arch", bad];
        var (code, _, error) = TrainCli.Run(args);
        if (verb == "summary")
        {
            var err = new StringWriter();
            code = Program.Run(args, CliContext.ForWriters(new StringWriter(), err));
            error = err.ToString();
        }
        Assert.Equal(ExitCodes.Usage, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("layer 12", line);
        Assert.Contains("skip", line);
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void TheDartsMethodIsRefusedInTheMacroSpace()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 8);
        var (code, _, error) = TrainCli.Run(["search", "--space", "proxyless", "--method", "darts", "--dataset", "mnist", "--data-dir", data, "--out", tmp.Sub("run")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--method darts is not built for the proxyless space", Flat(error));
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void BenchTimesTheSupernetAndTheExportedNetwork()
    {
        foreach (var (args, what) in new[]
        {
            (new[] { "--space", "proxyless" }, "proxyless supernet"),
            (new[] { "--model", "proxyless-net" }, "proxyless-net"),
        })
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = Program.Run(["bench", .. args, "--batch", "2", "--input", "1x16x16", "--steps", "1", "--warmup", "0"], CliContext.ForWriters(output, error));
            Assert.True(code == ExitCodes.Ok, error.ToString() + output);
            Assert.Contains($"{what} (", Flat(error.ToString()));
            Assert.Contains("images/s", output.ToString());
        }
    }

    /// <summary>A search run's stem stride follows its architecture into train and summary: the budget was counted with it.</summary>
    [Fact]
    public void TrainAndSummaryTakeTheSearchRunsStemStride()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 8);
        var search = tmp.Sub("search");
        var (code, output, error) = TrainCli.Run(["search", "--space", "proxyless", "--dataset", "mnist", "--data-dir", data, "--epochs", "1",
            "--batch-size", "4", "--no-plots", "--stem-stride", "2", "--out", search]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("stem stride 2", Flat(output));

        var train = tmp.Sub("train");
        (code, output, error) = TrainCli.Run(["train", "--space", "proxyless", "--arch", Path.Combine(search, ProxylessArch.JsonFile), "--dataset", "mnist",
            "--data-dir", data, "--epochs", "1", "--batch-size", "4", "--no-plots", "--out", train]);
        Assert.True(code == ExitCodes.Ok, error + output);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(train, RunFolder.ConfigFile))))
            Assert.Equal(2, config.RootElement.GetProperty("stem_stride").GetInt32());

        var arch = ProxylessArch.Parse(File.ReadAllText(Path.Combine(search, RunFolder.ArchFile)).Trim());
        long macs = ProxylessCost.Network(arch, new ProxylessCostSettings { Resolution = 28, InputChannels = 1, Classes = 10, StemStride = 2 }).Macs;
        var summary = new StringWriter();
        code = Program.Run(["summary", "--space", "proxyless", "--arch", search, "--input", "1x28x28", "--classes", "10"], CliContext.ForWriters(summary, new StringWriter()));
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("stem stride 2", Flat(summary.ToString()));
        Assert.Contains(macs.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), summary.ToString());
    }

    [Fact]
    public void AReductionThatLeavesAnAttentionModuleNoHiddenUnitIsRefused()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 8);
        var (code, _, error) = TrainCli.Run(["search", "--space", "proxyless", "--reduction", "193", "--dataset", "mnist", "--data-dir", data, "--out", tmp.Sub("run")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("smallest attention module (192 channels)", Flat(error));
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void ASearchUnderABudgetSaysWhatTheUnconstrainedChoiceWouldCost()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 8);
        var search = tmp.Sub("search");
        // The cheapest network at 1×28×28 with the stride-1 stem needs 12.6 M MACs; every derived one here needs far more than 20 M.
        var (code, output, error) = TrainCli.Run(["search", "--space", "proxyless", "--dataset", "mnist", "--data-dir", data, "--epochs", "1",
            "--batch-size", "4", "--no-plots", "--max-macs", "20M", "--out", search]);
        Assert.True(code == ExitCodes.Ok, error + output);
        using var budget = JsonDocument.Parse(File.ReadAllText(Path.Combine(search, ProxylessBudgetFile.Name)));
        var unconstrained = budget.RootElement.GetProperty("unconstrained");
        Assert.True(budget.RootElement.GetProperty("chosen").GetProperty("macs").GetInt64() <= 20_000_000);
        Assert.Contains($"Budget at most 20,000,000 MACs: the unconstrained choice {unconstrained.GetProperty("arch").GetString()} would cost " +
            $"{N(unconstrained.GetProperty("parameters").GetInt64())} parameters, {N(unconstrained.GetProperty("macs").GetInt64())} multiply-adds", Flat(output));
    }
}

using AgNas.Autograd.Checkpoints;
using AgNas.Cli.Verbs;
using AgNas.Search.Alpha;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Cli.Tests;

/// <summary><c>agnas search --method darts</c>: the first-order DARTS baseline through the command line.</summary>
public class SearchDartsVerbTests
{
    /// <summary>Program prints errors through Spectre, which wraps them at the console width; compare with whitespace folded.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private sealed class CancelAfterEpoch(CancellationTokenSource cts, int epoch) : SearchObserver
    {
        public override void EpochCompleted(EpochRecord record, AgNas.Search.DerivedArchitecture arch)
        {
            if (record.Epoch == epoch) cts.Cancel();
        }
    }

    [Fact]
    public void HelpDescribesTheMethodOption()
    {
        var output = new StringWriter();
        Assert.Equal(ExitCodes.Ok, Program.Run(["search", "--help"], CliContext.ForWriters(output, new StringWriter())));
        var help = Flat(output.ToString());
        Assert.Contains("--method", help);
        Assert.Contains("first-order DARTS baseline", help);
    }

    [Fact]
    public void ATinyDartsSearchRecordsItsMethodAndSavesAlpha()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var outDir = tmp.Sub("run");
        var (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, outDir, "--method", "darts"));
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("of them alpha", output);
        var folder = new RunFolder(outDir);
        Assert.Equal("darts", folder.ReadConfig().Method);
        Assert.Contains("\"method\": \"darts\"", File.ReadAllText(folder.File(RunFolder.ConfigFile)));
        Assert.True(File.Exists(folder.ArchOptimizer));
        Assert.Contains(File.ReadAllText(folder.File(RunFolder.ArchFile)).Trim(), output);
    }

    [Fact]
    public void ResumingWithAnotherMethodIsAClearUsageErrorAndLeavingItOutKeepsTheRunsMethod()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        foreach (var (ran, other) in new[] { ("agnas", "darts"), ("darts", "agnas") })
        {
            var outDir = tmp.Sub(ran);
            using var cts = new CancellationTokenSource();
            var (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, outDir, "--method", ran), observer: new CancelAfterEpoch(cts, 1), cancellation: cts);
            Assert.True(code == SearchRunner.InterruptedExitCode, error + output);

            (code, _, error) = SearchCli.Run(["search", "--resume", outDir, "--method", other]);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains($"the run's method is {ran}; it cannot continue with --method {other}", Flat(error));
            Assert.Contains($"Leave --method out to resume it as {ran}", Flat(error));
            Assert.Equal(1, new RunFolder(outDir).ReadState().CompletedEpochs);

            (code, output, error) = SearchCli.Run(["search", "--resume", outDir]);
            Assert.True(code == ExitCodes.Ok, error + output);
            var folder = new RunFolder(outDir);
            Assert.Equal(2, folder.ReadState().CompletedEpochs);
            Assert.Equal(ran, folder.ReadConfig().Method);
            Assert.Equal(ran == "darts", File.Exists(folder.ArchOptimizer));

            // Naming the run's own method is accepted.
            (code, output, error) = SearchCli.Run(["search", "--resume", outDir, "--method", ran, "--epochs", "3"]);
            Assert.True(code == ExitCodes.Ok, error + output);
            Assert.Equal(3, folder.ReadState().CompletedEpochs);
        }
    }

    /// <summary>
    /// The built-in NB201 space with the DARTS baseline on the first 192 Fashion-MNIST training images
    /// (96 train the weights, 96 the α; one epoch of two steps), from the dataset's default folder
    /// (scripts/setup.sh installs it): the derived cell, its benchmark look-up, and the run folder's
    /// α files.
    /// </summary>
    [Fact]
    public void Nb201DartsSearchOnAFewHundredFashionMnistImagesDerivesALookedUpCell()
    {
        using var tmp = new TempFolder();
        var run = tmp.Sub("run");
        var (code, output, error) = SearchCli.Run(
            ["search", "--space", "nb201", "--method", "darts", "--dataset", "fashion-mnist", "--subset", "192", "--epochs", "1", "--batch-size", "48", "--out", run, "--no-plots"],
            SearchRunner.BuiltIn);
        Assert.True(code == ExitCodes.Ok, error + output);

        var folder = new RunFolder(run);
        Assert.Equal(("darts", 192), (folder.ReadConfig().Method, folder.ReadConfig().Subset));
        var arch = File.ReadAllText(folder.File(RunFolder.ArchFile)).Trim();
        var parsed = Nb201Arch.Parse(arch);
        Assert.DoesNotContain("none", arch);
        Assert.Contains(arch, Flat(output));
        Assert.Contains("ImageNet16-120", output);
        Assert.Contains($"({parsed.SkipConnectCount} skip_connect)", output);

        var metrics = folder.ReadState().Metrics.Single();
        Assert.Equal((96, 96, arch, parsed.SkipConnectCount), (metrics.TrainImages, metrics.ValidImages, metrics.Arch, metrics.SkipConnectCount));
        var attention = folder.ReadAttention(1);
        Assert.Empty(attention.Modules);
        var alpha = Assert.Single(attention.Alphas!);
        Assert.Equal(Nb201Supernet.ArchParametersName, alpha.Name);
        Assert.Equal(6, alpha.Logits.Count);
        for (int e = 0; e < 6; e++)
        {
            Assert.Equal(5, alpha.Logits[e].Count);
            Assert.Equal(AlphaSet.Softmax(alpha.Logits[e].Select(v => (float)v).ToArray()), attention.Edges[e].Importance);
            Assert.Equal((int)parsed.Ops[e], attention.Edges[e].Chosen);
        }
        // α moved off its start (the run's seed) by the two Adam steps (about 3e-4 each).
        using (var initial = (Nb201Supernet)AgNas.Search.SearchSpaces.Create("nb201", new AgNas.Search.SupernetSpec(1, 10, 8, false, 0, AgNas.Search.SearchMethod.Darts), CpuBackend.Instance))
        {
            var start = initial.AlphaSets[0].Logits();
            var moves = Enumerable.Range(0, 30).Select(i => Math.Abs(alpha.Logits[i / 5][i % 5] - start[i / 5][i % 5])).ToList();
            Assert.All(moves, m => Assert.True(m > 0));
            Assert.InRange(moves.Max(), 2e-4, 1e-3);
        }

        var tensors = Safetensors.Load(folder.Checkpoint, CpuBackend.Instance);
        try
        {
            Assert.Equal(new Shape(6, 5), tensors[Nb201Supernet.ArchParametersName].Shape);
            Assert.DoesNotContain(tensors.Keys, k => k.Contains("attention", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        Assert.Equal(["arch_parameters.exp_avg", "arch_parameters.exp_avg_sq"], Safetensors.ReadHeader(folder.ArchOptimizer).Entries.Select(x => x.Name).Order());
        Assert.Equal(2, folder.ReadState().ArchOptimizer!.Steps[Nb201Supernet.ArchParametersName]);
    }
}

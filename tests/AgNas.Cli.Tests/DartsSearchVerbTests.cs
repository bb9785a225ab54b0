using System.Text.Json;
using AgNas.Cli.Verbs;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;

namespace AgNas.Cli.Tests;

/// <summary><c>agnas search --space darts</c> and <c>agnas bench --space darts</c> through the real parser, on Fashion-MNIST.</summary>
public class DartsSearchVerbTests
{
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private sealed class CancelAfterEpoch(CancellationTokenSource cts, int epoch) : SearchObserver
    {
        public override void EpochCompleted(EpochRecord record, AgNas.Search.DerivedArchitecture arch)
        {
            if (record.Epoch == epoch) cts.Cancel();
        }
    }

    /// <summary>A 2-epoch darts search on the first 240 Fashion-MNIST training images (120 + 120), L = 5, C = 4, batch 24.</summary>
    private static string[] Args(string run, params string[] more) =>
        ["search", "--space", "darts", "--dataset", "fashion-mnist", "--subset", "240", "--layers", "5", "--channels", "4",
            "--epochs", "2", "--batch-size", "24", "--out", run, .. more];

    [Fact]
    public void ATinyDartsSearchOnFashionMnistWritesTheGenotypesAndResumesBitIdentically()
    {
        Assert.True(Directory.Exists(DatasetCatalog.FashionMnistDirectory), "apt-get install dataset-fashion-mnist");
        using var tmp = new TempFolder();
        var run = tmp.Sub("run");
        var (code, output, error) = SearchCli.Run(Args(run), SearchRunner.BuiltIn);
        Assert.True(code == ExitCodes.Ok, error + output);
        var flat = Flat(output);

        // The settings and the supernet layout are logged; the defaults for darts are C = 16, 8 cells unless given.
        Assert.Contains("darts supernet: 5 cells, C = 4/8/16 by stage, reductions at cells 1 and 3 (L/3 and 2L/3), five-cell set from cells 0, 1, 2, 3, 4.", flat);
        Assert.Contains("120 training / 120 validation images, 5 steps per epoch", flat);
        Assert.Contains("70 attention modules", flat);

        var folder = new RunFolder(run);
        var config = folder.ReadConfig();
        Assert.Equal(("darts", (int?)4, (int?)5, 0.025, 3e-4, 5.0), (config.Space, config.Channels, config.Layers, config.LearningRate, config.WeightDecay, config.GradClip));
        foreach (var file in new[] { RunFolder.ConfigFile, RunFolder.MetricsFile, RunFolder.ArchFile, RunFolder.CheckpointFile, RunFolder.OptimizerFile,
                     RunFolder.StateFile, DartsSearchedCells.GenotypeJsonFile, DartsSearchedCells.CellsTextFile, DartsSearchedCells.CellsJsonFile })
            Assert.True(File.Exists(folder.File(file)), $"{file} missing from the run folder");
        Assert.True(File.Exists(folder.File(RunFolder.AttentionPlot)) || File.Exists(folder.File(RunFolder.AttentionCsv)));

        // The result: the five-cell set, printed, in arch.txt and genotype.json, both of which agnas train --genotype reads.
        var fromArch = DartsArchitecture.Resolve(folder.File(RunFolder.ArchFile), "--genotype").FiveCell!;
        var genotypeFile = folder.File(DartsSearchedCells.GenotypeJsonFile);
        Assert.Equal(fromArch, DartsArchitecture.Resolve(genotypeFile, "--genotype").FiveCell);
        Assert.Contains(Flat(fromArch.ToString()), flat);
        Assert.Contains($"Train it with: agnas train --space darts --genotype {genotypeFile}", flat);
        Assert.Contains("cell 3 (reduce)", output);
        Assert.DoesNotContain("none", fromArch.ToString());

        // metrics.jsonl: one line per epoch with the five-cell set, its skip count and every cell's genotype.
        var lines = File.ReadAllLines(folder.File(RunFolder.MetricsFile));
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var five = DartsFiveCellGenotype.Parse(doc.RootElement.GetProperty("arch").GetString()!);
            Assert.Equal(new[] { five.Normal1, five.Normal2, five.Normal3 }.Sum(c => c.CountOf(DartsOp.SkipConnect)), doc.RootElement.GetProperty("skip_connect_count").GetInt32());
            Assert.Equal(5, doc.RootElement.GetProperty("cells").GetArrayLength());
        }

        // Interrupted after epoch 1, then resumed: the same weights, optimiser state, genotypes and importances.
        var resumed = tmp.Sub("resumed");
        using var cts = new CancellationTokenSource();
        (code, output, error) = SearchCli.Run(Args(resumed), SearchRunner.BuiltIn, new CancelAfterEpoch(cts, 1), cts);
        Assert.True(code == SearchRunner.InterruptedExitCode, error + output);
        (code, output, error) = SearchCli.Run(["search", "--resume", resumed], SearchRunner.BuiltIn);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("Resuming at epoch 2 of 2.", output);
        var other = new RunFolder(resumed);
        foreach (var file in new[] { RunFolder.CheckpointFile, RunFolder.OptimizerFile, RunFolder.ArchFile, DartsSearchedCells.GenotypeJsonFile,
                     DartsSearchedCells.CellsJsonFile, DartsSearchedCells.CellsTextFile })
            Assert.True(File.ReadAllBytes(folder.File(file)).SequenceEqual(File.ReadAllBytes(other.File(file))), $"{file} differs after resuming");
        Assert.Equal(File.ReadAllText(folder.AttentionFile(2)), File.ReadAllText(other.AttentionFile(2)));
    }

    [Theory]
    [InlineData("--layers 4", "layers 4 must be at least 5 for the darts space")]
    [InlineData("--channels -2", "channels -2 must be at least 1 for the darts space")]
    [InlineData("--allow-none", "allow-none does not apply to the darts space")]
    public void SettingsTheDartsSpaceCannotTakeAreUsageErrors(string option, string message)
    {
        using var tmp = new TempFolder();
        var (code, _, error) = SearchCli.Run(["search", "--space", "darts", "--out", tmp.Sub("run"), .. option.Split(' ')], SearchRunner.BuiltIn);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, Flat(error));
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void Nb201RefusesASupernetSize()
    {
        using var tmp = new TempFolder();
        var (code, _, error) = SearchCli.Run(["search", "--space", "nb201", "--channels", "8", "--out", tmp.Sub("run")], SearchRunner.BuiltIn);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("must be left unset for nb201", Flat(error));
    }

    [Fact]
    public void DartsDefaultsToTheReferenceSupernetSize()
    {
        var now = new DateTime(2025, 1, 2, 3, 4, 5);
        var darts = SearchRunner.ToConfig(new SearchOptions { Space = "darts" }, now);
        Assert.Equal(((int?)16, (int?)8), (darts.Channels, darts.Layers));
        var given = SearchRunner.ToConfig(new SearchOptions { Space = "darts", Channels = 32, Layers = 11 }, now);
        Assert.Equal(((int?)32, (int?)11), (given.Channels, given.Layers));
        var nb201 = SearchRunner.ToConfig(new SearchOptions(), now);
        Assert.Equal(((int?)null, (int?)null), (nb201.Channels, nb201.Layers));
        Assert.Equal(darts with { Space = "nb201", Channels = null, Layers = null, OutDir = nb201.OutDir }, nb201);
    }

    [Fact]
    public void HelpDocumentsTheDartsSpaceAndTheCleanValidationDefault()
    {
        var output = new StringWriter();
        Assert.Equal(ExitCodes.Ok, Program.Run(["search", "--help"], CliContext.ForWriters(output, new StringWriter())));
        var help = Flat(output.ToString());
        Assert.Contains("or darts", help);
        Assert.Contains("--layers (Default: 0)", help);
        Assert.Contains("Off, the validation images get the training augmentation, as in the reference DARTS-space code", help);
        Assert.Contains("(nb201: false, darts: false, proxyless: true)", help);
    }

    [Fact]
    public void BenchTimesTheDartsSupernet()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(["bench", "--space", "darts", "--batch", "2", "--input", "3x8x8", "--steps", "1", "--warmup", "0"], CliContext.ForWriters(output, error));
        Assert.True(code == ExitCodes.Ok, error.ToString() + output);
        Assert.Contains("darts supernet (5,485,946 parameters)", Flat(error.ToString()));
        Assert.Contains("images/s", output.ToString());
    }

    [Fact]
    public void BenchTimesTheDartsTargetNetworkWithItsAuxiliaryHead()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(["bench", "--model", "darts-net", "--batch", "2", "--steps", "1", "--warmup", "0"], CliContext.ForWriters(output, error));
        Assert.True(code == ExitCodes.Ok, error.ToString() + output);
        // AGNAS' 3,611,998 (agnas-facts §2.2) plus the auxiliary head's 476,426, which the timed step trains.
        Assert.Contains("darts-net (4,088,424 parameters)", Flat(error.ToString()));
        Assert.Contains("images/s", output.ToString());

        error = new StringWriter();
        code = Program.Run(["bench", "--model", "darts-net", "--input", "3x8x8", "--steps", "1", "--warmup", "0"], CliContext.ForWriters(new StringWriter(), error));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("smaller than its 5×5 pool", Flat(error.ToString()));
    }
}

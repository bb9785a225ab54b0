using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using AgNas.Cli.Verbs;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;

namespace AgNas.Cli.Tests;

/// <summary><c>agnas train --space darts</c>: the recipe, a real tiny run, genotype errors, resume.</summary>
public class DartsTrainVerbTests
{
    private static string Flat(string text) => TrainCli.Flat(text);

    /// <summary>
    /// Writes the first <paramref name="train"/> training and <paramref name="test"/> test images of the real
    /// Fashion-MNIST (/usr/share/datasets/fashion-mnist) as raw IDX files, so a run tests on a few images, not 10,000.
    /// </summary>
    private static string FashionMnistSample(string dir, int train, int test)
    {
        Assert.True(Directory.Exists(DatasetCatalog.FashionMnistDirectory),
            $"{DatasetCatalog.FashionMnistDirectory} is missing; install it with `apt-get install dataset-fashion-mnist` (scripts/setup.sh does).");
        Directory.CreateDirectory(dir);
        foreach (var (prefix, isTrain, count) in new[] { ("train", true, train), ("t10k", false, test) })
        {
            var set = DatasetCatalog.Load("fashion-mnist", null, isTrain, subset: count);
            var images = new byte[16 + set.Pixels.Length];
            BinaryPrimitives.WriteInt32BigEndian(images, 0x803);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), set.Count);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), set.Height);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), set.Width);
            set.Pixels.CopyTo(images.AsSpan(16));
            var labels = new byte[8 + set.Count];
            BinaryPrimitives.WriteInt32BigEndian(labels, 0x801);
            BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), set.Count);
            for (int i = 0; i < set.Count; i++) labels[8 + i] = (byte)set.Label(i);
            File.WriteAllBytes(Path.Combine(dir, $"{prefix}-images-idx3-ubyte"), images);
            File.WriteAllBytes(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), labels);
        }
        return dir;
    }

    /// <summary>A 2-epoch AGNAS run at C = 4 with 3 cells on a Fashion-MNIST sample, batch 50, with <paramref name="more"/> options.</summary>
    private static string[] TinyArgs(string dataDir, string outDir, params string[] more) =>
        ["train", "--space", "darts", "--genotype", "AGNAS", "--dataset", "fashion-mnist", "--data-dir", dataDir,
         "--epochs", "2", "--layers", "3", "--channels", "4", "--batch-size", "50", "--out", outDir, "--no-plots", .. more];

    [Fact]
    public void ASearchedFiveCellSetTrainsFromItsRunFolderFile()
    {
        // search → derive → train, through the CLI only: the genotype.json a darts search writes is what train reads.
        using var tmp = new TempFolder();
        var searchRun = tmp.Sub("search");
        var (code, output, error) = SearchCli.Run(["search", "--space", "darts", "--dataset", "fashion-mnist", "--subset", "200", "--layers", "5",
            "--channels", "4", "--epochs", "1", "--batch-size", "25", "--out", searchRun, "--no-plots"], SearchRunner.BuiltIn);
        Assert.True(code == ExitCodes.Ok, error + output);
        // The per-epoch rows show the start of the ~1,200-character five-cell set; only the final result prints all of it.
        var longest = output.Split('\n').Where(l => !l.StartsWith("[Normal_Genotype", StringComparison.Ordinal)).MaxBy(l => l.Length)!;
        Assert.True(longest.Length < 250, $"an output line of {longest.Length} characters: {longest[..Math.Min(80, longest.Length)]}…");
        var genotype = Path.Combine(searchRun, DartsSearchedCells.GenotypeJsonFile);
        var searched = DartsArchitecture.Resolve(genotype, "--genotype").FiveCell!;

        var data = FashionMnistSample(tmp.Sub("fmnist"), train: 200, test: 50);
        (code, output, error) = TrainCli.Run(["train", "--space", "darts", "--genotype", genotype, "--dataset", "fashion-mnist", "--data-dir", data,
            "--epochs", "1", "--layers", "3", "--channels", "4", "--batch-size", "50", "--out", tmp.Sub("train"), "--no-plots"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains($"normal_1: {searched.Normal1.ToText(DartsCellKind.Normal)}", output);
        Assert.Contains("drop-path ramped to 0.2 over 1 epoch.", output);
        Assert.Contains("final", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ATinyDartsRunOnFashionMnistTrainsTheAgnasCellsWithTheDartsRecipe()
    {
        using var tmp = new TempFolder();
        var data = FashionMnistSample(tmp.Sub("fmnist"), train: 300, test: 100);
        var outDir = tmp.Sub("run");
        var (code, output, error) = TrainCli.Run(TinyArgs(data, outDir));
        Assert.True(code == ExitCodes.Ok, error + output);

        Assert.Contains("Architecture: AGNAS, a five-cell architecture", output);
        Assert.Contains($"reduce_2: {DartsGenotypes.Agnas.Reduce2.ToText(DartsCellKind.Reduce)}", output);
        Assert.Contains("Network: C=4, 3 cells, reduction cells 1 and 2, an auxiliary head on cell 2 weighted 0.4; drop-path ramped to 0.2 over 2 epochs.", output);
        Assert.Contains("300 training / 100 test images, 6 steps per epoch", output);
        Assert.Contains("Cutout(16)", output);

        // The printed count is the network's without its auxiliary head.
        using (var net = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.Agnas))
               { InputChannels = 1, ImageHeight = 28, ImageWidth = 28, Classes = 10, Channels = 4, Layers = 3 }))
        {
            var printed = Regex.Match(output, @"Parameters: ([\d,]+) \(");
            Assert.True(printed.Success, output);
            Assert.Equal(net.ParameterCountWithoutAuxiliary(), long.Parse(printed.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"the head has {net.AuxiliaryParameterCount():N0}"), output);
        }

        var folder = new RunFolder(outDir);
        var metrics = folder.ReadState<TrainState>(TrainState.CurrentFormat).Metrics;
        Assert.Equal(2, metrics.Count);
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.TrainLoss) && m.TestImages == 100));
        Assert.Equal([0.025, 0.0125], metrics.Select(m => m.LearningRate)); // cosine to 0 over 2 epochs, epoch e at t = e - 1
        var last = metrics[^1];
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Final test accuracy (epoch 2, the weights saved in checkpoint.safetensors): {last.TestAccuracy:0.00}%"), output);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Best test accuracy (epoch {last.BestEpoch} of 2): {last.BestTestAccuracy:0.00}%"), output);

        // The darts recipe fills in every option not given; config.json holds the cells, not the name.
        var config = folder.ReadConfig<TrainConfig>();
        Assert.Equal(DartsGenotypes.Agnas.ToString(), config.Genotype);
        Assert.Equal((0.025, 0.0, 0.9, false, 3e-4, (double?)5, 16, (double?)0.2, (double?)0.4),
            (config.LearningRate, config.LearningRateMin, config.Momentum, config.Nesterov, config.WeightDecay, config.GradClip, config.Cutout, config.DropPath, config.AuxiliaryWeight));
        Assert.Equal("", config.Arch);
    }

    [Fact]
    public void DefaultsAreTheDartsRetrainRecipeAndEveryValueIsOverridable()
    {
        var now = new DateTime(2025, 1, 2, 3, 4, 5);
        var c = TrainRunner.ToConfig(new TrainOptions { Space = "darts", Genotype = "DARTS_V2" }, now);
        Assert.Equal((600, 96, 0.025, 0.0, 0.9, false, 3e-4, (double?)5), (c.Epochs, c.BatchSize, c.LearningRate, c.LearningRateMin, c.Momentum, c.Nesterov, c.WeightDecay, c.GradClip));
        Assert.Equal((16, (double?)0.2, (double?)0.4, (int?)36, (int?)20), (c.Cutout, c.DropPath, c.AuxiliaryWeight, c.Channels, c.Layers));
        Assert.Equal(Path.Combine("runs", "train-darts-fashion-mnist-20250102-030405"), c.OutDir);

        var o = new TrainOptions
        {
            Space = "darts", Genotype = "DARTS_V2", Epochs = 10, BatchSize = 32, LearningRate = 0.05, LearningRateMin = 0.001, Momentum = 0.8, Nesterov = true,
            WeightDecay = 1e-4, GradClip = 0, Cutout = 0, DropPath = 0.3, AuxiliaryWeight = 0, Channels = 16, Layers = 8,
        };
        c = TrainRunner.ToConfig(o, now);
        Assert.Equal((10, 32, 0.05, 0.001, 0.8, true, 1e-4, (double?)null), (c.Epochs, c.BatchSize, c.LearningRate, c.LearningRateMin, c.Momentum, c.Nesterov, c.WeightDecay, c.GradClip));
        Assert.Equal((0, (double?)0.3, (double?)0.0, (int?)16, (int?)8), (c.Cutout, c.DropPath, c.AuxiliaryWeight, c.Channels, c.Layers));

        // nb201 keeps NAS-Bench-201's recipe and has no darts settings.
        c = TrainRunner.ToConfig(new TrainOptions(), now);
        Assert.Equal((200, 256, 0.1, true, 5e-4, (double?)null, 0), (c.Epochs, c.BatchSize, c.LearningRate, c.Nesterov, c.WeightDecay, c.GradClip, c.Cutout));
        Assert.Equal(((int?)null, (int?)null, (double?)null, (double?)null), (c.Channels, c.Layers, c.DropPath, c.AuxiliaryWeight));
    }

    public static TheoryData<string[], string> BadGenotypes => new()
    {
        { ["--genotype", "Genotype(normal=[('sep_conv_3x3', 0), ('conv_3x3', 1)], normal_concat=range(2, 3), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=range(2, 3))"],
          "error: --genotype: invalid DARTS genotype: normal[1]: op 'conv_3x3' is not in the searched DARTS set (sep_conv_3x3," },
        { ["--genotype", "<BADFILE>"], "error: <BADFILE>: normal_2: invalid DARTS genotype: normal[7]: input 7 is out of range" },
        { ["--genotype", "<MISSING>"], "is neither an existing file nor a published name (DARTS_V2, AGNAS)" },
        { ["--genotype", "DARTS_V3"], "'DARTS_V3' is neither an existing file nor a published name (DARTS_V2, AGNAS)" },
        { [], "--genotype is required with --space darts" },
        { ["--genotype", "AGNAS", "--arch", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"], "--arch is the nb201 cell; --space darts takes --genotype" },
        { ["--genotype", "AGNAS", "--layers", "2"], "layers 2 must be >= 3" },
        { ["--genotype", "AGNAS", "--drop-path", "1"], "--drop-path 1 must be in [0, 1)" },
    };

    [Theory]
    [MemberData(nameof(BadGenotypes))]
    public void BadGenotypeInputIsAUsageErrorNamingTheFileFieldAndValue(string[] args, string message)
    {
        using var tmp = new TempFolder();
        var badFile = tmp.Sub("bad.json");
        File.WriteAllText(badFile, DartsGenotypes.Agnas.ToJson().Replace("('dil_conv_5x5', 4)", "('dil_conv_5x5', 7)"));
        string Fill(string s) => s.Replace("<BADFILE>", badFile).Replace("<MISSING>", tmp.Sub("missing.json"));
        var (code, output, error) = TrainCli.Run(["train", "--space", "darts", "--out", tmp.Sub("run"), .. args.Select(Fill)]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", output);
        Assert.Contains(Fill(message), Flat(error));
        if (message.StartsWith("error:", StringComparison.Ordinal))
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // one line, whatever the console width
        Assert.False(Directory.Exists(tmp.Sub("run")));
    }

    [Fact]
    public void ADartsRunResumesWithItsOwnRecipeAndRefusesAnotherGenotype()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 16);
        var run = tmp.Sub("run");
        string[] args = ["train", "--space", "darts", "--genotype", "DARTS_V2", "--layers", "3", "--channels", "4", "--dataset", "mnist", "--data-dir", data,
            "--epochs", "1", "--batch-size", "8", "--lr", "0.05", "--out", run, "--no-plots"];
        var (code, output, error) = TrainCli.Run(args);
        Assert.True(code == ExitCodes.Ok, error + output);

        (code, _, error) = TrainCli.Run(["train", "--resume", run, "--genotype", "AGNAS"]);
        Assert.Equal(ExitCodes.Usage, code);
        // Compared resolved (the name stands for its cells), named as typed.
        Assert.Contains($"--genotype AGNAS (the run has {DartsGenotypes.DartsV2})", Flat(error));

        // --space darts alone brings the darts recipe's values for the options not given, which are not conflicts (the run's --lr 0.05 stays).
        (code, output, error) = TrainCli.Run(["train", "--resume", run, "--space", "darts", "--genotype", "DARTS_V2", "--epochs", "2"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        var state = new RunFolder(run).ReadState<TrainState>(TrainState.CurrentFormat);
        Assert.Equal(2, state.CompletedEpochs);
        Assert.Equal(0.05, state.Config.LearningRate);

        // --space nb201 is --space's default, but given explicitly it must agree with the run, as must every nb201 recipe value.
        foreach (var (option, value, theirs) in new[] { ("--space", "nb201", "darts"), ("--lr", "0.1", "0.05"), ("--nesterov", "true", "it off"), ("--cutout", "0", "16") })
        {
            (code, _, error) = TrainCli.Run(["train", "--resume", run, option, value]);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains($"{option} {value} (the run has {theirs}", Flat(error));
        }
        (code, _, error) = TrainCli.Run(["train", "--resume", run, "--nesterov"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--nesterov (the run has it off)", Flat(error));
        (code, _, error) = TrainCli.Run(["train", "--resume", run, "--cutout", "4"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--cutout 4 (the run has 16)", Flat(error));
    }
}

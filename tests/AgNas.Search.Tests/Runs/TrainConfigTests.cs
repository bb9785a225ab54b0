using AgNas.Search.Runs;

namespace AgNas.Search.Tests.Runs;

public class TrainConfigTests
{
    [Fact]
    public void DefaultsAreNasBench201sRecipe()
    {
        var c = new TrainConfig();
        Assert.Equal(("nb201", "", "fashion-mnist", 200, 256), (c.Space, c.Arch, c.Dataset, c.Epochs, c.BatchSize));
        Assert.Equal((0.1, 0.0, 0.9, true, 5e-4, (double?)null), (c.LearningRate, c.LearningRateMin, c.Momentum, c.Nesterov, c.WeightDecay, c.GradClip));
        Assert.Equal(((int?)null, 0, "cpu", 2, true), (c.Subset, c.Seed, c.Device, c.Prefetch, c.Plots));
        // No cutout; the darts-only settings are absent.
        Assert.Equal(("", 0, (int?)null, (int?)null, (double?)null, (double?)null), (c.Genotype, c.Cutout, c.Channels, c.Layers, c.DropPath, c.AuxiliaryWeight));
        Assert.Equal(c with { Space = "nb201" }, TrainConfig.ForSpace("nb201"));
    }

    [Fact]
    public void DartsSettingsRoundTripAndAreCheckedInTheirSpaceOnly()
    {
        var darts = TrainConfig.ForSpace("darts") with { Genotype = "AGNAS", OutDir = "/tmp/d" };
        Assert.Empty(darts.Problems());
        var resolved = darts.Resolved();
        Assert.StartsWith("[Normal_Genotype(normal=[('sep_conv_3x3', 0), ('dil_conv_3x3', 1)", resolved.Genotype);
        Assert.Equal(resolved, TrainConfig.FromJson(resolved.ToJson(), "test"));
        Assert.Contains("\"drop_path\": 0.2", resolved.ToJson());
        Assert.Contains("\"auxiliary_weight\": 0.4", resolved.ToJson());
        Assert.Equal("Genotype(x", (darts with { Genotype = "Genotype(x" }).Resolved().Genotype); // left for the run to report

        var bad = darts with { Genotype = "", Arch = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", Channels = 0, Layers = 2, DropPath = 1, AuxiliaryWeight = -1, Cutout = -1 };
        var text = string.Join("\n", bad.Problems());
        foreach (var word in new[] { "genotype is empty", "arch is set, but the darts space takes a genotype", "channels 0", "layers 2", "drop path 1", "auxiliary weight -1", "cutout -1" })
            Assert.Contains(word, text);
        Assert.Contains("layers null", string.Join("\n", (darts with { Layers = null }).Problems()));

        var nb201 = new TrainConfig { Arch = "x", OutDir = "x", Genotype = "DARTS_V2", Layers = 20, AuxiliaryWeight = 0.4 };
        text = string.Join("\n", nb201.Problems());
        foreach (var word in new[] { "genotype is set, but the nb201 space takes an arch", "layers 20 is a darts setting", "auxiliary weight 0.4 is a darts setting" })
            Assert.Contains(word, text);
    }

    [Fact]
    public void JsonRoundTripsEverySetting()
    {
        var c = new TrainConfig
        {
            Space = "nb201", Arch = "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|", Dataset = "cifar10", DataDir = "/data/c10",
            Epochs = 7, BatchSize = 12, LearningRate = 0.05, LearningRateMin = 0.0001, Momentum = 0.8, Nesterov = false, WeightDecay = 3e-4,
            GradClip = 5, Subset = 100, Seed = 9, Device = "cuda:1", OutDir = "/tmp/x", Prefetch = 0, Plots = false,
        };
        var json = c.ToJson();
        Assert.Contains("\"grad_clip\": 5", json);
        Assert.Contains("\"arch\": \"|skip_connect~0|", json);
        Assert.Equal(c, TrainConfig.FromJson(json, "test"));
        Assert.Equal(new TrainConfig(), TrainConfig.FromJson(new TrainConfig().ToJson(), "test"));
        Assert.Contains("\"grad_clip\": null", new TrainConfig().ToJson());
    }

    [Fact]
    public void JsonOfASearchIsRefusedNamingTheDifferences()
    {
        var e = Assert.Throws<InvalidDataException>(() => TrainConfig.FromJson(new SearchConfig().ToJson(), "cfg.json"));
        Assert.Contains("cfg.json", e.Message);
        Assert.Contains("missing settings: arch", e.Message);
        Assert.Contains("unknown settings: train_portion", e.Message);
        Assert.Contains("training run", e.Message);
    }

    [Fact]
    public void ProblemsNameEveryBadSetting()
    {
        var c = new TrainConfig
        {
            Epochs = 0, BatchSize = 1, LearningRate = 0, LearningRateMin = -1, Momentum = 0, Nesterov = true, WeightDecay = -1, GradClip = 0,
            Subset = 1, Seed = -1, Device = "tpu",
        };
        var text = string.Join("\n", c.Problems());
        foreach (var word in new[] { "arch is empty", "epochs 0", "batch size 1", "learning rate 0", "minimum learning rate -1", "Nesterov", "weight decay -1", "gradient clip 0", "subset 1", "seed -1", "tpu", "out dir" })
            Assert.Contains(word, text);
        Assert.Empty((new TrainConfig() with { Arch = "x", OutDir = "x" }).Problems());
    }

    [Fact]
    public void ResolvedMakesPathsAbsoluteAndTheCellCanonical()
    {
        var c = new TrainConfig
        {
            Arch = "|nor_conv_3x3~0|+|nor_conv_3x3~1|nor_conv_3x3~0|+|nor_conv_3x3~2|skip_connect~0|nor_conv_3x3~1|",
            Device = "auto", OutDir = "runs/a", DataDir = "data/fm",
        }.Resolved();
        Assert.Equal("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", c.Arch);
        Assert.True(c.Device is "cpu" or "cuda:0", c.Device);
        Assert.True(Path.IsPathFullyQualified(c.OutDir));
        Assert.Equal(Path.GetFullPath("data/fm"), c.DataDir);
        Assert.Equal("not an arch", (new TrainConfig { Arch = "not an arch" }).Resolved().Arch);
    }

    [Fact]
    public void TheDefaultRunFolderNamesTheVerbSpaceDatasetAndTime() =>
        Assert.Equal(Path.Combine("runs", "train-nb201-cifar10-20250102-030405"), TrainConfig.DefaultOutDir("nb201", "cifar10", new DateTime(2025, 1, 2, 3, 4, 5)));
}

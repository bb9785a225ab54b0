using AgNas.Search.Runs;

namespace AgNas.Search.Tests.Runs;

public class SearchConfigTests
{
    [Fact]
    public void DefaultsAreTheReferenceRecipe()
    {
        var c = new SearchConfig();
        Assert.Equal(("nb201", "fashion-mnist", 50, 64), (c.Space, c.Dataset, c.Epochs, c.BatchSize));
        Assert.Equal((0.025, 0.001, 0.9, false, 3e-4, 5.0), (c.LearningRate, c.LearningRateMin, c.Momentum, c.Nesterov, c.WeightDecay, c.GradClip));
        Assert.Equal((0.5, (int?)null, 0, "cpu", false, 8, false), (c.TrainPortion, c.Subset, c.Seed, c.Device, c.AllowNone, c.Reduction, c.CleanValidation));
    }

    [Fact]
    public void JsonRoundTripsEverySetting()
    {
        var c = new SearchConfig
        {
            Space = "nb201", Dataset = "cifar10", DataDir = "/data/c10", Epochs = 7, BatchSize = 12, LearningRate = 0.1, LearningRateMin = 0.0001,
            Momentum = 0.8, Nesterov = true, WeightDecay = 5e-4, GradClip = 2.5, TrainPortion = 0.25, Subset = 100, Seed = 9,
            Device = "cuda:1", OutDir = "/tmp/x", AllowNone = true, Reduction = 4, CleanValidation = true, Prefetch = 0, Plots = false,
        };
        var json = c.ToJson();
        Assert.Contains("\"learning_rate_min\": 0.0001", json);
        Assert.Contains("\"data_dir\": \"/data/c10\"", json);
        Assert.Equal(c, SearchConfig.FromJson(json, "test"));
        Assert.Equal(new SearchConfig(), SearchConfig.FromJson(new SearchConfig().ToJson(), "test"));
    }

    [Fact]
    public void JsonWithAMissingOrUnknownSettingIsRefusedNamingIt()
    {
        var json = new SearchConfig().ToJson();
        var missing = Assert.Throws<InvalidDataException>(() => SearchConfig.FromJson(json.Replace("\"seed\": 0,", ""), "cfg.json"));
        Assert.Contains("cfg.json", missing.Message);
        Assert.Contains("missing settings: seed", missing.Message);
        var unknown = Assert.Throws<InvalidDataException>(() => SearchConfig.FromJson(json.Replace("\"seed\": 0,", "\"seed\": 0, \"drop_path_prob\": 0.3,"), "cfg.json"));
        Assert.Contains("unknown settings: drop_path_prob", unknown.Message);
        var type = Assert.Throws<InvalidDataException>(() => SearchConfig.FromJson(json.Replace("\"seed\": 0,", "\"seed\": \"zero\","), "cfg.json"));
        Assert.Contains("cfg.json", type.Message);
    }

    [Fact]
    public void ProblemsNameEveryBadSetting()
    {
        var c = new SearchConfig
        {
            Epochs = 0, BatchSize = 1, LearningRate = -1, Momentum = -0.1, GradClip = -1, TrainPortion = 1, Subset = 2, Seed = -1,
            Reduction = 0, Device = "tpu", Prefetch = 3,
        };
        var text = string.Join("\n", c.Problems());
        foreach (var word in new[] { "epochs 0", "batch size 1", "learning rate -1", "momentum -0.1", "gradient clip -1", "train portion 1", "subset 2", "seed -1", "reduction 0", "tpu", "prefetch 3", "out dir" })
            Assert.Contains(word, text);
        Assert.Empty((new SearchConfig() with { OutDir = "x" }).Problems());
        // 0 switches clipping off, as in a training run; momentum 1 never lets the velocity decay.
        Assert.Empty((new SearchConfig() with { OutDir = "x", GradClip = 0 }).Problems());
        Assert.Contains("momentum 1 must lie in [0, 1)", Assert.Single((new SearchConfig() with { OutDir = "x", Momentum = 1 }).Problems()));
        Assert.Contains("gradient clip NaN", Assert.Single((new SearchConfig() with { OutDir = "x", GradClip = double.NaN }).Problems()));
    }

    [Fact]
    public void ResolvedMakesTheDeviceConcreteAndTheFolderAbsolute()
    {
        var c = new SearchConfig { Device = "auto", OutDir = "runs/a", DataDir = "data/fm" }.Resolved();
        Assert.True(c.Device is "cpu" or "cuda:0", c.Device);
        Assert.True(Path.IsPathFullyQualified(c.OutDir));
        Assert.Equal(Path.GetFullPath("data/fm"), c.DataDir);
        Assert.Null(new SearchConfig().Resolved().DataDir);
        Assert.Equal("cuda:0", SearchConfig.ResolveDevice("cuda"));
    }

    [Fact]
    public void DifferencesListTheChangedMembers()
    {
        var a = new SearchConfig();
        var b = a with { Seed = 1, Epochs = 3, Subset = 10 };
        Assert.Equal(["Subset", "Seed"], a.Differences(b, nameof(SearchConfig.Epochs)).Select(d => d.Member));
    }
}

using AgNas.Search.Data;
using AgNas.Search.Runs;

namespace AgNas.Search.Tests.Runs;

/// <summary>The recipe settings of both configs: recipes per space, JSON (and config.json files written before them), checks, stem stride.</summary>
public class RecipeConfigTests
{
    [Fact]
    public void EarlierSpacesKeepTheirRecipesAndTheOldBehaviour()
    {
        foreach (var space in new[] { "nb201", "darts" })
        {
            var s = SearchConfig.ForSpace(space);
            Assert.Equal(new SearchConfig { Space = space, Channels = s.Channels, Layers = s.Layers }, s);
            var t = TrainConfig.ForSpace(space);
            foreach (var c in new[] { s.Recipe() with { LearningRate = 0 }, t.Recipe() with { LearningRate = 0 } })
                Assert.Equal((LrSchedules.Cosine, 0.0, GradClipModes.Norm, WeightDecayScopes.All), (c.LrSchedule, c.LabelSmoothing, c.GradClipMode, c.WeightDecayScope));
            Assert.Null(s.StemStride);
            Assert.Null(t.StemStride);
            Assert.Null(t.Dropout);
        }
        Assert.Equal((16, 8), (SearchConfig.ForSpace("darts").Channels, SearchConfig.ForSpace("darts").Layers));
        Assert.Equal(new SearchConfig(), SearchConfig.ForSpace("nb201"));
    }

    [Fact]
    public void TheProxylessRecipesAreTheReferenceOnes()
    {
        var s = SearchConfig.ForSpace("proxyless");
        Assert.Equal((120, 64, 0.25, 5e-4, "linear"), (s.Epochs, s.BatchSize, s.LearningRate, s.LearningRateMin, s.LrSchedule));
        Assert.Equal((0.9, false, 4e-5, "conv-and-classifier"), (s.Momentum, s.Nesterov, s.WeightDecay, s.WeightDecayScope));
        Assert.Equal((0.1, 5.0, "value", 16), (s.LabelSmoothing, s.GradClip, s.GradClipMode, s.Reduction));
        Assert.Equal(((int?)null, (int?)null), (s.Channels, s.Layers));
        var t = TrainConfig.ForSpace("proxyless");
        Assert.Equal((240, 1024, 0.5, 0.0, "linear"), (t.Epochs, t.BatchSize, t.LearningRate, t.LearningRateMin, t.LrSchedule));
        Assert.Equal((0.9, false, 4e-5, "conv-and-classifier"), (t.Momentum, t.Nesterov, t.WeightDecay, t.WeightDecayScope));
        Assert.Equal((0.1, (double?)5.0, "norm", (double?)0.2), (t.LabelSmoothing, t.GradClip, t.GradClipMode, t.Dropout));
        Assert.Equal((0, (double?)null, (double?)null), (t.Cutout, t.DropPath, t.AuxiliaryWeight));
        // Auto stem stride until resolved: 1 on every catalog dataset (at most 32 px), 2 on larger images.
        Assert.Null(s.StemStride);
        Assert.Equal(1, (s with { Dataset = "cifar10" }).Resolved().StemStride);
        Assert.Equal(1, (t with { Dataset = "fashion-mnist", Arch = "x" }).Resolved().StemStride);
        Assert.All(DatasetCatalog.All, d => Assert.Equal(1, StemStrides.For(d)));
        Assert.Equal(2, StemStrides.For(DatasetCatalog.Cifar10 with { Height = 224, Width = 224 }));
        Assert.Equal(1, StemStrides.For(DatasetCatalog.Cifar10 with { Height = 64, Width = 64 }));
        Assert.Equal(2, (s with { StemStride = 2 }).Resolved().StemStride);
        Assert.Null(new SearchConfig().Resolved().StemStride);
    }

    [Fact]
    public void TheRecipeSettingsRoundTripThroughJson()
    {
        var s = SearchConfig.ForSpace("proxyless") with { Dataset = "cifar10", StemStride = 2, OutDir = "/tmp/s" };
        var json = s.ToJson();
        foreach (var key in new[] { "\"lr_schedule\": \"linear\"", "\"label_smoothing\": 0.1", "\"grad_clip_mode\": \"value\"", "\"weight_decay_scope\": \"conv-and-classifier\"", "\"stem_stride\": 2" })
            Assert.Contains(key, json);
        Assert.Equal(s, SearchConfig.FromJson(json, "config.json"));
        var t = TrainConfig.ForSpace("proxyless") with { Arch = "1 1 -1 2 1 -1 5 1 1 -1 5 1 1 -1 1 4 3 -1 5 5 5", StemStride = 1, OutDir = "/tmp/t" };
        json = t.ToJson();
        Assert.Contains("\"dropout\": 0.2", json);
        Assert.Equal(t, TrainConfig.FromJson(json, "config.json"));
    }

    /// <summary>config.json as written before the recipe settings existed: the same text without their keys.</summary>
    private static string WithoutRecipeKeys(string json, params string[] more)
    {
        foreach (var key in new[] { "lr_schedule", "label_smoothing", "grad_clip_mode", "weight_decay_scope", "stem_stride" }.Concat(more))
        {
            var node = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(json)!;
            Assert.True(node.Remove(key), key);
            json = node.ToJsonString();
        }
        return json;
    }

    [Fact]
    public void AnOldConfigJsonReadsWithTheValuesEveryEarlierRunHad()
    {
        var search = new SearchConfig { Seed = 3, OutDir = "/tmp/old" };
        var read = SearchConfig.FromJson(WithoutRecipeKeys(search.ToJson()), "old/config.json");
        Assert.Equal(search, read);
        Assert.Equal(("cosine", 0.0, "norm", "all", (int?)null), (read.LrSchedule, read.LabelSmoothing, read.GradClipMode, read.WeightDecayScope, read.StemStride));

        var train = TrainConfig.ForSpace("darts") with { Genotype = "DARTS_V2", OutDir = "/tmp/old" };
        var readTrain = TrainConfig.FromJson(WithoutRecipeKeys(train.ToJson(), "dropout"), "old/config.json");
        Assert.Equal(train, readTrain);
        Assert.Null(readTrain.Dropout);

        // Only those may be missing: another absent setting is still refused.
        var e = Assert.Throws<InvalidDataException>(() => TrainConfig.FromJson(WithoutRecipeKeys(train.ToJson(), "seed"), "old/config.json"));
        Assert.Contains("missing settings: seed", e.Message);
    }

    [Fact]
    public void BadRecipeValuesAreProblemsNamingTheSettingAndValue()
    {
        var s = new SearchConfig { OutDir = "x", LrSchedule = "step", LabelSmoothing = 1, GradClipMode = "max", WeightDecayScope = "bn" };
        var text = string.Join("\n", s.Problems());
        foreach (var part in new[] { "lr schedule 'step' is not known; expected cosine or linear", "label smoothing 1 must lie in [0, 1)",
                     "grad clip mode 'max' is not known; expected norm or value", "weight decay scope 'bn' is not known; expected all or conv-and-classifier" })
            Assert.Contains(part, text);
        var t = new TrainConfig { Arch = "a", OutDir = "x", LrSchedule = "Linear", LabelSmoothing = -0.1 };
        Assert.Equal(2, t.Problems().Count);
        Assert.Empty((new SearchConfig { OutDir = "x" } with { LrSchedule = "linear", LabelSmoothing = 0.5, GradClipMode = "value", WeightDecayScope = "conv-and-classifier" }).Problems());
    }

    [Fact]
    public void TheProxylessSearchRefusesSettingsOfOtherSpacesAndTheDartsMethod()
    {
        var ok = SearchConfig.ForSpace("proxyless") with { OutDir = "x" };
        Assert.Empty(ok.Problems());
        var p = (ok with { Channels = 16, Layers = 8, AllowNone = true }).SettingProblems();
        Assert.Equal(["Channels", "Layers", "AllowNone"], p.Select(x => x.Member));
        var darts = Assert.Single((ok with { Method = "darts" }).SettingProblems());
        Assert.Equal("--method darts is not built for the proxyless space; use agnas", darts.Describe("--method"));
        Assert.Contains("stem stride 3 must be 1 or 2", Assert.Single((ok with { StemStride = 3 }).Problems()));
        var uncatalogued = (ok with { Dataset = "quadrants" }).SettingProblems();
        Assert.Equal(["StemStride", "Augment"], uncatalogued.Select(x => x.Member));
        Assert.Contains("auto needs the image size of a catalog dataset", uncatalogued[0].ToString());
        Assert.Contains("auto needs a catalog dataset", uncatalogued[1].ToString());
        Assert.Contains("stem stride 2 is a proxyless setting", Assert.Single((new SearchConfig { OutDir = "x", StemStride = 2 }).Problems()));
    }

    [Fact]
    public void TheProxylessTrainingTakesAnArchAndRefusesOtherSpacesSettings()
    {
        var ok = TrainConfig.ForSpace("proxyless") with { Arch = "1 1 -1 2 1 -1 5 1 1 -1 5 1 1 -1 1 4 3 -1 5 5 5", OutDir = "x" };
        Assert.Empty(ok.Problems());
        Assert.Equal(["Arch"], (ok with { Arch = "" }).SettingProblems().Select(x => x.Member));
        var p = (ok with { Genotype = "DARTS_V2", Channels = 36, Layers = 20, DropPath = 0.2, AuxiliaryWeight = 0.4, Dropout = 1 }).SettingProblems();
        Assert.Equal(["Genotype", "Channels", "Layers", "DropPath", "AuxiliaryWeight", "Dropout"], p.Select(x => x.Member));
        Assert.Contains("dropout 0.2 is a proxyless setting", Assert.Single((new TrainConfig { Arch = "a", OutDir = "x", Dropout = 0.2 }).Problems()));
        Assert.Contains("stem stride 1 is a proxyless setting", Assert.Single((new TrainConfig { Arch = "a", OutDir = "x", StemStride = 1 }).Problems()));
        Assert.Contains(TrainConfig.ProxylessSpace, TrainRun.Spaces);
    }
}

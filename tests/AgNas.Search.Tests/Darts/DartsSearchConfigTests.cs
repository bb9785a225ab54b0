using System.Text.Json.Nodes;
using AgNas.Search.Runs;

namespace AgNas.Search.Tests.Darts;

/// <summary>What <see cref="SearchConfig"/> adds for the darts space: the supernet size, its checks, and old config.json files.</summary>
public class DartsSearchConfigTests
{
    [Fact]
    public void DartsTakesTheReferenceSupernetSizeAndNb201None()
    {
        Assert.Equal(((int?)16, (int?)8), SearchConfig.SupernetDefaults("darts"));
        Assert.Equal(((int?)16, (int?)8), SearchConfig.SupernetDefaults("DARTS"));
        Assert.Equal(((int?)null, (int?)null), SearchConfig.SupernetDefaults("nb201"));
        // The recipe is the same for every space (agnas-facts §3.3).
        var c = new SearchConfig { Space = "darts", Channels = 16, Layers = 8, OutDir = "x" };
        Assert.Equal((50, 64, 0.025, 0.001, 0.9, 3e-4, 5.0, 0.5), (c.Epochs, c.BatchSize, c.LearningRate, c.LearningRateMin, c.Momentum, c.WeightDecay, c.GradClip, c.TrainPortion));
        Assert.Empty(c.Problems());
    }

    [Fact]
    public void ProblemsNameTheSettingsASpaceDoesNotHave()
    {
        string Problems(SearchConfig c) => string.Join("\n", (c with { OutDir = "x" }).Problems());
        var darts = new SearchConfig { Space = "darts", Channels = 16, Layers = 8 };
        Assert.Contains("layers 4 must be at least 5 for the darts space", Problems(darts with { Layers = 4 }));
        Assert.Contains("layers null must be at least 5", Problems(darts with { Layers = null }));
        Assert.Contains("channels 0 must be at least 1", Problems(darts with { Channels = 0 }));
        Assert.Contains("allow-none does not apply to the darts space", Problems(darts with { AllowNone = true }));
        Assert.Contains("must be left unset for nb201", Problems(new SearchConfig { Channels = 8 }));
        Assert.Contains("must be left unset for nb201", Problems(new SearchConfig { Layers = 8 }));
        Assert.Empty(Problems(new SearchConfig()));
        Assert.Empty(Problems(new SearchConfig { Space = "tiny", Channels = 3 }));
    }

    [Fact]
    public void JsonRoundTripsTheSizeAndAConfigWrittenBeforeItReadsAsNull()
    {
        var darts = new SearchConfig { Space = "darts", Channels = 4, Layers = 5, OutDir = "/tmp/x" };
        var json = darts.ToJson();
        Assert.Contains("\"channels\": 4", json);
        Assert.Contains("\"layers\": 5", json);
        Assert.Equal(darts, SearchConfig.FromJson(json, "test"));

        // An nb201 config.json from before the size settings existed.
        var old = JsonNode.Parse(new SearchConfig { OutDir = "/tmp/y" }.ToJson())!.AsObject();
        old.Remove("channels");
        old.Remove("layers");
        var read = SearchConfig.FromJson(old.ToJsonString(), "old.json");
        Assert.Equal(new SearchConfig { OutDir = "/tmp/y" }, read);

        var unknown = Assert.Throws<InvalidDataException>(() => SearchConfig.FromJson(json.Replace("\"layers\": 5,", "\"layers\": 5, \"steps\": 4,"), "cfg.json"));
        Assert.Contains("unknown settings: steps", unknown.Message);
    }
}

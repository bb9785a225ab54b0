using AgNas.Search.Runs;

namespace AgNas.Search.Tests.Runs;

/// <summary>The <c>method</c> setting: its default, its JSON, its checks, and config.json files written before it existed.</summary>
public class SearchConfigMethodTests
{
    [Fact]
    public void TheMethodDefaultsToAgnasAndRoundTrips()
    {
        Assert.Equal("agnas", new SearchConfig().Method);
        Assert.Equal(SearchMethod.Agnas, new SearchConfig().ParsedMethod());
        var darts = new SearchConfig { Method = SearchMethods.Darts };
        var json = darts.ToJson();
        Assert.Contains("\"method\": \"darts\"", json);
        Assert.Equal(darts, SearchConfig.FromJson(json, "config.json"));
        Assert.Equal(SearchMethod.Darts, darts.ParsedMethod());
    }

    [Fact]
    public void AConfigWrittenBeforeTheMethodSettingReadsAsAgnas()
    {
        var json = new SearchConfig { Seed = 4 }.ToJson().Replace("\"method\": \"agnas\",", "");
        Assert.DoesNotContain("method", json);
        var read = SearchConfig.FromJson(json, "old/config.json");
        Assert.Equal((SearchMethods.Agnas, 4), (read.Method, read.Seed));
        // Only the method may be missing: any other absent setting is still refused.
        var e = Assert.Throws<InvalidDataException>(() => SearchConfig.FromJson(json.Replace("\"seed\": 4,", ""), "old/config.json"));
        Assert.Contains("missing settings: seed", e.Message);
    }

    [Theory]
    [InlineData("DARTS")]
    [InlineData("gdas")]
    [InlineData("")]
    public void AnUnknownMethodIsAProblemNamingTheKnownOnes(string method)
    {
        var problems = new SearchConfig { Method = method, OutDir = "x" }.Problems();
        var p = Assert.Single(problems);
        Assert.Contains($"method '{method}' is not known", p);
        Assert.Contains("agnas", p);
        Assert.Contains("darts", p);
        Assert.Throws<ArgumentException>(() => new SearchConfig { Method = method }.ParsedMethod());
    }

    [Fact]
    public void DartsRefusesAReductionItWouldIgnore()
    {
        var darts = new SearchConfig { Method = SearchMethods.Darts, OutDir = "x" };
        Assert.Empty(darts.Problems());
        Assert.Contains("reduction 4 applies to attention modules", Assert.Single((darts with { Reduction = 4 }).Problems()));
        Assert.Empty((darts with { Method = SearchMethods.Agnas, Reduction = 4 }).Problems());
    }
}

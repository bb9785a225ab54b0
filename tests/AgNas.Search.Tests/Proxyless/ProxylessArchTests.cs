using AgNas.Search.Spaces.Proxyless;

namespace AgNas.Search.Tests.Proxyless;

public class ProxylessArchTests
{
    private static ProxylessArchFormatException Fails(string text) => Assert.Throws<ProxylessArchFormatException>(() => ProxylessArch.Parse(text));

    private static string Replace(int layer, string token)
    {
        var tokens = ProxylessArch.AGNAS.Split(' ');
        tokens[layer] = token;
        return string.Join(' ', tokens);
    }

    [Fact]
    public void TheAgnasModelIdRoundTrips()
    {
        var arch = ProxylessArch.Parse(ProxylessArch.AGNAS);
        Assert.Equal(ProxylessArch.AGNAS, arch.ToString());
        Assert.Equal(ProxylessArch.Agnas, arch);
        Assert.Equal(ProxylessArch.Agnas.GetHashCode(), arch.GetHashCode());
        Assert.Equal([1, 1, -1, 2, 1, -1, 5, 1, 1, -1, 5, 1, 1, -1, 1, 4, 3, -1, 5, 5, 5], arch.Ids.ToArray());
        Assert.Equal(5, arch.SkipCount);
        Assert.Equal("mobilenet_5x5_ratio_3", arch[3].Key);
        Assert.Equal(6, arch.CandidateIndex(2));
        Assert.Equal(ProxylessArch.Agnas, ProxylessArch.Parse("\n 1\t1 -1 2 1 -1 5 1 1 -1 5 1 1 -1 1 4 3 -1 5 5 5 \n"));
        Assert.Equal(ProxylessArch.Agnas, ProxylessArch.Parse("1,1,-1,2,1,-1,5,1,1,-1,5,1,1,-1,1,4,3,-1,5,5,5")); // as a Python list prints, brackets aside
        Assert.Equal(ProxylessArch.Agnas, ProxylessArch.Parse("1, 1, -1, 2, 1, -1, 5, 1, 1, -1, 5, 1, 1, -1, 1, 4, 3, -1, 5, 5, 5"));
        Assert.NotEqual(ProxylessArch.Agnas, ProxylessArch.Parse(Replace(0, "0")));
    }

    [Fact]
    public void TheJsonFormRoundTripsAndListsEveryLayer()
    {
        string json = ProxylessArch.Agnas.ToJson();
        Assert.Equal(ProxylessArch.Agnas, ProxylessArch.FromJson(json));
        Assert.Equal(ProxylessArch.Agnas, ProxylessArch.Parse(json));
        Assert.Contains("{\"layer\": 0, \"block\": \"mobilenet_3x3_ratio_6\", \"id\": 1, \"kernel\": 3, \"expansion\": 6, \"in\": 24, \"out\": 32, \"stride\": 2}", json);
        Assert.Contains("{\"layer\": 2, \"block\": \"skip\", \"id\": -1, \"kernel\": null, \"expansion\": null, \"in\": 32, \"out\": 32, \"stride\": 1}", json);
        Assert.Equal(21, json.Split('\n').Count(l => l.Contains("\"layer\"", StringComparison.Ordinal)));
        Assert.Equal(ProxylessArch.Agnas, ProxylessArch.Parse("[" + ProxylessArch.AGNAS.Replace(" ", ", ", StringComparison.Ordinal) + "]"));
    }

    [Fact]
    public void MalformedModelIdsFailWithOneLineNamingTheLayer()
    {
        var skip = Fails(Replace(12, "-1"));
        Assert.Contains("layer 12 (112→128, stride 1) cannot be skip (-1): skip is allowed only where stride is 1 and in == out; allowed ids: 0..5", skip.Message);
        Assert.Equal(12, skip.Layer);
        Assert.Contains("layer 0 (24→32, stride 2) cannot be skip", Fails(Replace(0, "-1")).Message);

        Assert.Contains("expected 21 ids, got 20", Fails(string.Join(' ', ProxylessArch.AGNAS.Split(' ').Skip(1))).Message);
        Assert.Contains("expected 21 ids, got 22", Fails(ProxylessArch.AGNAS + " 1").Message);
        Assert.Contains("expected 21 ids, got 0", Fails("  ").Message);

        var unknown = Fails(Replace(4, "6"));
        Assert.Contains("layer 4 (32→56, stride 2): id 6 is not a block; allowed ids: 0..5", unknown.Message);
        Assert.Contains("layer 5 (56→56, stride 1): id -2 is not a block; allowed ids: 0..5 or -1 (skip)", Fails(Replace(5, "-2")).Message);

        var token = Fails(Replace(7, "x3"));
        Assert.Contains("layer 7 (56→56, stride 1): 'x3' is not an integer; allowed ids: 0..5 or -1 (skip)", token.Message);
        Assert.Contains("'1.5' is not an integer", Fails(Replace(1, "1.5")).Message);

        foreach (var e in new[] { skip, unknown, token })
        {
            Assert.DoesNotContain('\n', e.Message);
            Assert.StartsWith("invalid ProxylessNAS arch: ", e.Message);
        }
        Assert.False(ProxylessArch.TryParse(Replace(0, "-1"), out _));
        Assert.True(ProxylessArch.TryParse(ProxylessArch.AGNAS, out var parsed));
        Assert.Equal(ProxylessArch.Agnas, parsed);
    }

    [Fact]
    public void MalformedJsonFailsNamingTheLayer()
    {
        Assert.Contains("not valid JSON", Fails("[1, 2,").Message);
        Assert.Contains("expected 21 ids, got 2", Fails("[1, 2]").Message);
        string json = ProxylessArch.Agnas.ToJson();
        Assert.Contains("layer 3 (32→32, stride 1): \"block\" is \"mobilenet_3x3_ratio_3\", but id 2 is mobilenet_5x5_ratio_3",
            Fails(json.Replace("\"block\": \"mobilenet_5x5_ratio_3\"", "\"block\": \"mobilenet_3x3_ratio_3\"", StringComparison.Ordinal)).Message);
        Assert.Contains("layer 0 (24→32, stride 2): \"in\" is 16",
            Fails(json.Replace("\"in\": 24", "\"in\": 16", StringComparison.Ordinal)).Message);
        Assert.Contains("unknown key 'colour'", Fails(json.Replace("\"layer\": 20,", "\"layer\": 20, \"colour\": 1,", StringComparison.Ordinal)).Message);
        Assert.Contains("layer 12 (112→128, stride 1) cannot be skip",
            Fails("[" + Replace(12, "-1").Replace(" ", ", ", StringComparison.Ordinal) + "]").Message);
        Assert.Contains("the entry is a String", Fails("[\"1\"" + string.Concat(Enumerable.Repeat(", 1", 20)) + "]").Message);
    }

    [Fact]
    public void ResolveTakesTheNameTextFilesAndRunFolders()
    {
        Assert.Same(ProxylessArch.Agnas, ProxylessArch.Resolve("agnas"));
        Assert.Equal(ProxylessArch.Agnas, ProxylessArch.Resolve(ProxylessArch.AGNAS));
        string dir = Path.Combine(Path.GetTempPath(), "agnas-proxyless-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var other = ProxylessArch.Parse(Replace(0, "0"));
            string text = Path.Combine(dir, "model_id.txt");
            File.WriteAllText(text, other + "\n");
            Assert.Equal(other, ProxylessArch.Resolve(text));
            string json = Path.Combine(dir, "arch.json");
            File.WriteAllText(json, ProxylessArch.Agnas.ToJson());
            Assert.Equal(ProxylessArch.Agnas, ProxylessArch.Resolve(json));
            Assert.Equal(ProxylessArch.Agnas, ProxylessArch.Resolve(dir)); // arch.json alone
            File.WriteAllText(Path.Combine(dir, "arch.txt"), other + "\n");
            Assert.Equal(other, ProxylessArch.Resolve(dir));                // arch.txt first

            File.WriteAllText(text, Replace(12, "-1"));
            var e = Assert.Throws<ProxylessArchFormatException>(() => ProxylessArch.Resolve(text, "--arch"));
            Assert.StartsWith(Path.GetFullPath(text) + ": invalid ProxylessNAS arch: layer 12", e.Message);
            string empty = Path.Combine(dir, "empty");
            Directory.CreateDirectory(empty);
            Assert.Contains("holds neither arch.txt nor arch.json", Assert.Throws<ProxylessArchFormatException>(() => ProxylessArch.Resolve(empty, "--arch")).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.Contains("is neither an existing file or folder nor AGNAS nor a model_id", Assert.Throws<ProxylessArchFormatException>(() => ProxylessArch.Resolve("no/such/file.txt", "--arch")).Message);
        Assert.Contains("--arch is empty", Assert.Throws<ProxylessArchFormatException>(() => ProxylessArch.Resolve(" ", "--arch")).Message);
    }

    [Fact]
    public void ConstructorsCheckTheChain()
    {
        Assert.Contains("expected 21 ids, got 3", Assert.Throws<ArgumentException>(() => new ProxylessArch([1, 2, 3])).Message);
        var candidates = ProxylessArch.Agnas.Ids.Select((id, i) => ProxylessArch.Agnas.CandidateIndex(i)).ToArray();
        Assert.Equal(ProxylessArch.Agnas, ProxylessArch.FromCandidates(candidates));
        candidates[0] = 6;
        Assert.Contains("layer 0 (24→32, stride 2) has candidates 0..5; got 6", Assert.Throws<ArgumentException>(() => ProxylessArch.FromCandidates(candidates)).Message);
    }
}

using AgNas.Search.Spaces.Darts;

namespace AgNas.Search.Tests.Darts;

public sealed class DartsArchitectureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agnas-darts-arch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PublishedNamesResolveToTheConstants()
    {
        Assert.Equal(DartsGenotypes.DartsV2, DartsArchitecture.Resolve("DARTS_V2", "--genotype").Genotype);
        Assert.Equal(DartsGenotypes.Agnas, DartsArchitecture.Resolve(" agnas ", "--genotype").FiveCell);
        Assert.Equal("AGNAS", DartsArchitecture.Of(DartsGenotypes.Agnas).PublishedName);
        Assert.Equal("DARTS_V2", DartsArchitecture.Parse(DartsGenotypeTests.DartsV2Source).PublishedName);
        Assert.Null(DartsArchitecture.Of(DartsFiveCellGenotype.FromGenotype(DartsGenotypes.DartsV2)).PublishedName);
    }

    [Fact]
    public void TextAndFilesOfEveryFormResolveAndTheCanonicalTextRoundTrips()
    {
        var json = Path.Combine(_dir, "agnas.json");
        File.WriteAllText(json, DartsGenotypes.Agnas.ToJson());
        var list = Path.Combine(_dir, "agnas.txt");
        File.WriteAllText(list, DartsGenotypeTests.AgnasListSource + "\n");
        var genotype = Path.Combine(_dir, "darts_v2.txt");
        File.WriteAllText(genotype, "# DARTS (2nd order)\n" + DartsGenotypeTests.DartsV2Source + "\n");

        Assert.Equal(DartsGenotypes.Agnas, DartsArchitecture.Resolve(json, "--genotype").FiveCell);
        Assert.Equal(DartsGenotypes.Agnas, DartsArchitecture.Resolve(list, "--genotype").FiveCell);
        Assert.Equal(DartsGenotypes.DartsV2, DartsArchitecture.Resolve(genotype, "--genotype").Genotype);
        Assert.Equal(DartsGenotypes.DartsV2, DartsArchitecture.Resolve(DartsGenotypeTests.DartsV2Printed, "--genotype").Genotype);
        Assert.Equal(DartsGenotypes.Agnas, DartsArchitecture.Resolve(DartsGenotypeTests.AgnasListSource, "--genotype").FiveCell);

        foreach (var a in new[] { DartsArchitecture.Of(DartsGenotypes.Agnas), DartsArchitecture.Of(DartsGenotypes.DartsV2) })
            Assert.Equal(a, DartsArchitecture.Parse(a.ToString()));
        Assert.Equal(DartsGenotypeTests.DartsV2Printed, DartsArchitecture.Of(DartsGenotypes.DartsV2).ToString());
    }

    [Fact]
    public void BadInputIsOneLineNamingTheFileOrOptionFieldAndValue()
    {
        var bad = Path.Combine(_dir, "bad.txt");
        File.WriteAllText(bad, DartsGenotypeTests.DartsV2Printed.Replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 9)"));
        var e = Assert.Throws<DartsGenotypeFormatException>(() => DartsArchitecture.Resolve(bad, "--genotype"));
        Assert.StartsWith($"{bad}: invalid DARTS genotype: normal[7]: input 9 is out of range", e.Message);

        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsArchitecture.Resolve(Path.Combine(_dir, "missing.json"), "--genotype"));
        Assert.Contains("--genotype: invalid DARTS genotype: '", e.Message);
        Assert.Contains("missing.json' is neither an existing file nor a published name (DARTS_V2, AGNAS)", e.Message);

        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsArchitecture.Resolve(_dir, "--genotype"));
        Assert.Contains("is a folder", e.Message);

        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsArchitecture.Resolve("Genotype(normal=[('sep_conv_9x9', 0)])", "--genotype"));
        Assert.StartsWith("--genotype: invalid DARTS genotype: normal[0]: op 'sep_conv_9x9' is not in the searched DARTS set", e.Message);

        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsArchitecture.Resolve("  ", "--genotype"));
        Assert.Contains("--genotype is empty", e.Message);
        foreach (var message in new[] { e.Message }) Assert.DoesNotContain('\n', message);
    }
}

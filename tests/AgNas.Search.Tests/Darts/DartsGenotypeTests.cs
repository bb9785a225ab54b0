using AgNas.Search.Spaces.Darts;

namespace AgNas.Search.Tests.Darts;

public class DartsGenotypeTests
{
    /// <summary>DARTS_V2 exactly as DARTS' genotypes.py (and AGNAS's DS/genotypes.py) write it.</summary>
    public const string DartsV2Source =
        "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], " +
        "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

    /// <summary>The same genotype as str() prints a derived one (concat as a range).</summary>
    public const string DartsV2Printed =
        "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=range(2, 6), " +
        "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=range(2, 6))";

    /// <summary>AGNAS's searched cells as DS/genotypes.py writes them (Cell_0, Cell_2, Cell_3, Cell_5, Cell_6).</summary>
    public static readonly string[] AgnasCellSources =
    [
        "Normal_Genotype(normal=[('sep_conv_3x3', 0), ('dil_conv_3x3', 1), ('dil_conv_5x5', 0), ('skip_connect', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 3), ('dil_conv_5x5', 0), ('sep_conv_3x3', 3)], normal_concat=range(2, 6))",
        "Reduce_Genotype(reduce=[('max_pool_3x3', 0), ('sep_conv_5x5', 1), ('skip_connect', 0), ('sep_conv_5x5', 1), ('max_pool_3x3', 0), ('skip_connect', 1), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1)], reduce_concat=range(2, 6))",
        "Normal_Genotype(normal=[('skip_connect', 0), ('sep_conv_3x3', 1), ('dil_conv_5x5', 0), ('sep_conv_3x3', 1), ('dil_conv_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_3x3', 1), ('dil_conv_5x5', 4)], normal_concat=range(2, 6))",
        "Reduce_Genotype(reduce=[('skip_connect', 1), ('skip_connect', 0), ('dil_conv_3x3', 1), ('dil_conv_3x3', 0), ('avg_pool_3x3', 0), ('max_pool_3x3', 1), ('avg_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=range(2, 6))",
        "Normal_Genotype(normal=[('skip_connect', 0), ('dil_conv_5x5', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_5x5', 0), ('max_pool_3x3', 2), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1)], normal_concat=range(2, 6))",
    ];

    public static string AgnasListSource => "[" + string.Join(", ", AgnasCellSources) + "]";

    [Fact]
    public void DartsV2ParsesToTheConstantAndPrintsTheDartsFormat()
    {
        var parsed = DartsGenotype.Parse(DartsV2Source);
        Assert.Equal(DartsGenotypes.DartsV2, parsed);
        Assert.Equal(DartsV2Printed, parsed.ToString());
        Assert.Equal(DartsV2Printed, DartsGenotypes.DartsV2.ToString());
        Assert.Equal(DartsGenotypes.DartsV2, DartsGenotype.Parse(DartsV2Printed));
        Assert.Equal(4, DartsGenotypes.DartsV2.Normal.Steps);
        Assert.Equal([2, 3, 4, 5], DartsGenotypes.DartsV2.Reduce.Concat);
        Assert.Equal(new DartsGene(DartsOp.DilConv3x3, 2), DartsGenotypes.DartsV2.Normal.Genes[7]);
    }

    [Fact]
    public void AgnasCellsParseToTheConstantAndRoundTripAsTextAndJson()
    {
        var agnas = DartsGenotypes.Agnas;
        for (int i = 0; i < AgnasCellSources.Length; i++)
        {
            var slot = DartsCellSlots.All[i];
            var kind = DartsCellSlots.Kind(slot);
            Assert.Equal(agnas[slot], DartsCellGenotype.Parse(AgnasCellSources[i], kind));
            Assert.Equal(AgnasCellSources[i], agnas[slot].ToText(kind));
        }
        Assert.Equal([0, 2, 3, 5, 6], DartsCellSlots.All.Select(DartsCellSlots.SearchedCell));

        Assert.Equal(AgnasListSource, agnas.ToString());
        Assert.Equal(agnas, DartsFiveCellGenotype.Parse(AgnasListSource));

        var json = agnas.ToJson();
        Assert.Equal(agnas, DartsFiveCellGenotype.FromJson(json));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(["normal_1", "reduce_1", "normal_2", "reduce_2", "normal_3"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(AgnasCellSources[3], doc.RootElement.GetProperty("reduce_2").GetString());
    }

    [Fact]
    public void AGenotypeIsAFiveCellArchitectureWithItsCellsRepeated()
    {
        var five = DartsFiveCellGenotype.FromGenotype(DartsGenotypes.DartsV2);
        Assert.All([DartsCellSlot.Normal1, DartsCellSlot.Normal2, DartsCellSlot.Normal3], s => Assert.Same(DartsGenotypes.DartsV2.Normal, five[s]));
        Assert.All([DartsCellSlot.Reduce1, DartsCellSlot.Reduce2], s => Assert.Same(DartsGenotypes.DartsV2.Reduce, five[s]));
        Assert.NotEqual(five, DartsGenotypes.Agnas);
        Assert.Equal(five, DartsArchitecture.Of(DartsGenotypes.DartsV2).Cells);
    }

    [Fact]
    public void ParsingAcceptsPythonSpellings()
    {
        // Double quotes, newlines, a comment, fields in another order, trailing commas, ranges spelt as lists.
        var text = """
            Genotype(
              reduce = [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1),
                        ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1),],
              reduce_concat = range(2,6),  # DARTS_V2
              normal = [('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1),
                        ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)],
              normal_concat = [2, 3, 4, 5],
            )
            """;
        Assert.Equal(DartsGenotypes.DartsV2, DartsGenotype.Parse(text));
    }

    [Fact]
    public void AConcatThatIsNotARunPrintsAsAList()
    {
        var cell = new DartsCellGenotype([new(DartsOp.SepConv3x3, 0), new(DartsOp.SepConv3x3, 1), new(DartsOp.SkipConnect, 2), new(DartsOp.None, 0)], [3, 2]);
        var g = new DartsGenotype(cell, DartsGenotypes.DartsV2.Reduce);
        Assert.Contains("normal_concat=[3, 2]", g.ToString());
        Assert.Equal(g, DartsGenotype.Parse(g.ToString()));
        Assert.Equal("range(2, 6)", DartsGenotypes.DartsV2.Normal.ConcatText);
    }

    public static TheoryData<string, string, string> Rejections => new()
    {
        // An op outside the searched set, named with its list and index.
        { DartsV2Printed.Replace("('max_pool_3x3', 1), ('skip_connect', 2)", "('sep_conv_7x7', 1), ('skip_connect', 2)"), "reduce[1]", "op 'sep_conv_7x7' is not in the searched DARTS set" },
        { DartsV2Printed.Replace("('dil_conv_3x3', 2)", "('conv_7x1_1x7', 2)"), "normal[7]", "op 'conv_7x1_1x7' is not in the searched DARTS set (sep_conv_3x3, sep_conv_5x5" },
        // Structure.
        { DartsV2Printed.Replace("('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0)", "('sep_conv_3x3', 5), ('skip_connect', 0), ('skip_connect', 0)"), "normal[4]", "input 5 is out of range: gene 4 belongs to intermediate node 2 (state 4), which may read states 0..3" },
        { DartsV2Printed.Replace(", ('dil_conv_3x3', 2)]", "]"), "normal", "7 gene(s); a cell needs an even number" },
        { DartsV2Printed.Replace("reduce_concat=range(2, 6)", "reduce_concat=range(2, 7)"), "reduce_concat[4]", "state 6 is out of range; a cell of 4 intermediate nodes has states 0..5" },
        { DartsV2Printed.Replace("normal_concat=range(2, 6)", "normal_concat=[2, 3, 3]"), "normal_concat[2]", "state 3 is repeated" },
        { DartsV2Printed.Replace(", reduce_concat=range(2, 6)", ""), "", "the field(s) reduce_concat are missing" },
        { DartsV2Printed.Replace("normal_concat=", "normal_concats="), "normal_concats", "unknown field 'normal_concats'" },
        { DartsV2Printed.Replace("reduce_concat=range(2, 6)", "reduce_concat=range(2, 6), normal=[]"), "normal", "the field is given twice" },
        { DartsV2Printed.Replace("Genotype(", "Genotyp("), "", "expected a DARTS genotype, Genotype(normal=..., normal_concat=..., reduce=..., reduce_concat=...); found 'Genotyp'" },
        { DartsV2Printed.Replace("('sep_conv_3x3', 0)", "(sep_conv_3x3, 0)"), "normal[0]", "expected the op name as a quoted string; found 'sep_conv_3x3'" },
        { DartsV2Printed + ")", "", "unexpected ')' after the end" },
        { DartsV2Printed[..60], "normal[2]", "found the end of the text" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void BadGenotypesAreRejectedWithAOneLineMessageNamingThePlace(string text, string place, string problem)
    {
        var e = Assert.Throws<DartsGenotypeFormatException>(() => DartsGenotype.Parse(text, "genotype.txt"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("genotype.txt: invalid DARTS genotype: ", e.Message);
        if (place.Length > 0) Assert.Contains($": {place}: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.False(DartsGenotype.TryParse(text, out _));
    }

    [Fact]
    public void NasNetUsesOpsOutsideTheSearchedSetAndIsRejectedAtItsFirstOne()
    {
        // NASNet from DS/genotypes.py: in OPS but not in PRIMITIVES (STYLE: the search space and the evaluation op set must not drift apart).
        const string nasnet = "Genotype(normal=[('sep_conv_5x5', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 0), ('sep_conv_3x3', 0), ('avg_pool_3x3', 1), ('skip_connect', 0), " +
            "('avg_pool_3x3', 0), ('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 1)], normal_concat=[2, 3, 4, 5, 6], " +
            "reduce=[('sep_conv_5x5', 1), ('sep_conv_7x7', 0), ('max_pool_3x3', 1), ('sep_conv_7x7', 0), ('avg_pool_3x3', 1), ('sep_conv_5x5', 0), ('skip_connect', 3), ('avg_pool_3x3', 2), ('sep_conv_3x3', 2), ('max_pool_3x3', 1)], reduce_concat=[4, 5, 6])";
        var e = Assert.Throws<DartsGenotypeFormatException>(() => DartsGenotype.Parse(nasnet));
        Assert.Equal(("reduce", 1), (e.Field, e.Index));
        Assert.Contains("op 'sep_conv_7x7' is not in the searched DARTS set", e.Message);
        Assert.NotNull(e.Offset);
        Assert.Equal("'sep_conv_7x7'", nasnet.Substring(e.Offset!.Value, 14));
    }

    [Fact]
    public void FiveCellRejectionsNameTheCell()
    {
        var swapped = "[" + string.Join(", ", AgnasCellSources[1], AgnasCellSources[0], AgnasCellSources[2], AgnasCellSources[3], AgnasCellSources[4]) + "]";
        var e = Assert.Throws<DartsGenotypeFormatException>(() => DartsFiveCellGenotype.Parse(swapped, "--genotype"));
        Assert.Contains("--genotype: normal_1: invalid DARTS genotype: expected cell 1 of 5 (normal_1), Normal_Genotype(normal=..., normal_concat=...); found 'Reduce_Genotype'", e.Message);

        var four = "[" + string.Join(", ", AgnasCellSources.Take(4)) + "]";
        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsFiveCellGenotype.Parse(four));
        Assert.Contains("expected ',' and cell 5 of 5 (normal_3)", e.Message);

        var badOp = AgnasListSource.Replace("('max_pool_3x3', 2)", "('max_pool_5x5', 2)");
        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsFiveCellGenotype.Parse(badOp, "arch.txt"));
        Assert.StartsWith("arch.txt: normal_3: invalid DARTS genotype: normal[5]: op 'max_pool_5x5' is not in the searched DARTS set", e.Message);
    }

    [Fact]
    public void FiveCellJsonRejectionsNameTheFileAndKey()
    {
        var json = DartsGenotypes.Agnas.ToJson();
        var e = Assert.Throws<DartsGenotypeFormatException>(() => DartsFiveCellGenotype.FromJson(json.Replace("\"normal_3\"", "\"normal_4\""), "/tmp/a.json"));
        Assert.Contains("/tmp/a.json: invalid DARTS genotype: unknown key(s) 'normal_4'; expected exactly normal_1, reduce_1, normal_2, reduce_2, normal_3", e.Message);
        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsFiveCellGenotype.FromJson(json.Replace("('dil_conv_3x3', 1)", "('dil_conv_7x7', 1)"), "/tmp/a.json"));
        Assert.StartsWith("/tmp/a.json: normal_1: invalid DARTS genotype: normal[1]: op 'dil_conv_7x7' is not in the searched DARTS set", e.Message);
        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsFiveCellGenotype.FromJson("{\"normal_1\": 3}", "/tmp/a.json"));
        Assert.Contains("'normal_1' is a Number; expected a string", e.Message);
        e = Assert.Throws<DartsGenotypeFormatException>(() => DartsFiveCellGenotype.FromJson("{\"normal_1\": \"x\",", "/tmp/a.json"));
        Assert.Contains("not valid JSON", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ConstructionChecksTheSameRules()
    {
        Assert.Throws<ArgumentException>(() => new DartsCellGenotype([new(DartsOp.SepConv3x3, 0)], [2]));
        var e = Assert.Throws<ArgumentException>(() => new DartsCellGenotype([new(DartsOp.SepConv3x3, 0), new(DartsOp.SepConv3x3, 2)], [2]));
        Assert.Contains("gene 1: input 2 is out of range", e.Message);
        e = Assert.Throws<ArgumentException>(() => new DartsCellGenotype([new((DartsOp)9, 0), new(DartsOp.SepConv3x3, 1)], [2]));
        Assert.Contains("outside the searched set", e.Message);
        Assert.Throws<ArgumentException>(() => new DartsCellGenotype([new(DartsOp.SepConv3x3, 0), new(DartsOp.SepConv3x3, 1)], []));
    }
}

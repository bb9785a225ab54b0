using AgNas.Search.Spaces.Nb201;

namespace AgNas.Search.Tests.Nb201;

public class Nb201ArchTests
{
    internal const string Index1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
    internal const string AllConv3x3 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    [Fact]
    public void ParseAndToStringRoundTrip()
    {
        var arch = Nb201Arch.Parse(Index1);
        Assert.Equal(Index1, arch.ToString());
        Assert.Equal(
            [Nb201Op.NorConv3x3, Nb201Op.NorConv3x3, Nb201Op.AvgPool3x3, Nb201Op.SkipConnect, Nb201Op.NorConv3x3, Nb201Op.SkipConnect],
            arch.Ops);
        Assert.Equal(Nb201Op.AvgPool3x3, arch[Nb201Topology.Edges[2]]);
        Assert.Equal(4, arch.OpIndex(2));
        Assert.Equal(arch, Nb201Arch.FromOpIndices(3, 3, 4, 1, 3, 1));
    }

    [Fact]
    public void EveryCellRoundTripsThroughItsString()
    {
        var seen = new HashSet<Nb201Arch>();
        Span<int> digits = stackalloc int[Nb201Topology.EdgeCount];
        for (int code = 0; code < Nb201Arch.SpaceSize; code++)
        {
            for (int e = 0, c = code; e < digits.Length; e++, c /= Nb201Ops.Count) digits[e] = c % Nb201Ops.Count;
            var arch = Nb201Arch.FromOpIndices(digits);
            for (int e = 0; e < digits.Length; e++) Assert.Equal(digits[e], arch.OpIndex(e));
            Assert.Equal(arch, Nb201Arch.Parse(arch.ToString()));
            Assert.True(seen.Add(arch));
        }
        Assert.Equal(15625, seen.Count);
    }

    [Fact]
    public void InputsInAnyOrderGiveTheCanonicalCell()
    {
        const string shuffled = "|nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|skip_connect~2|skip_connect~0|nor_conv_3x3~1|";
        var arch = Nb201Arch.Parse(shuffled);
        Assert.Equal(Nb201Arch.Parse(Index1), arch);
        Assert.Equal(Index1, arch.ToString());
        Assert.Equal(Nb201Arch.Parse(Index1).GetHashCode(), arch.GetHashCode());
        Assert.True(Nb201Arch.TryParse("|nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|nor_conv_3x3~1|skip_connect~0|skip_connect~2|", out var other));
        Assert.Equal(arch, other);
    }

    [Fact]
    public void ValueEqualityAndWith()
    {
        var a = Nb201Arch.Parse(AllConv3x3);
        var b = new Nb201Arch(Nb201Op.NorConv3x3, Nb201Op.NorConv3x3, Nb201Op.NorConv3x3, Nb201Op.NorConv3x3, Nb201Op.NorConv3x3, Nb201Op.NorConv3x3);
        Assert.Equal(a, b);
        Assert.True(a == b);
        var c = a.With(5, Nb201Op.NorConv1x1);
        Assert.NotEqual(a, c);
        Assert.Equal(Nb201Op.NorConv1x1, c[5]);
        Assert.Equal(Nb201Op.NorConv3x3, a[5]);
        Assert.Equal("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", default(Nb201Arch).ToString());
    }

    [Fact]
    public void ConstructorRejectsWrongLengthsAndOps()
    {
        Assert.Throws<ArgumentException>(() => new Nb201Arch(Nb201Op.None, Nb201Op.None));
        Assert.Throws<ArgumentException>(() => Nb201Arch.FromOpIndices(0, 0, 0, 0, 0, 5));
        Assert.Throws<ArgumentException>(() => Nb201Arch.FromOpIndices(0, 0, 0, 0, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => default(Nb201Arch)[6]);
    }

    [Fact]
    public void SkipConnectCountCountsSkipEdges()
    {
        Assert.Equal(2, Nb201Arch.Parse(Index1).SkipConnectCount);
        Assert.Equal(0, Nb201Arch.Parse(AllConv3x3).SkipConnectCount);
        Assert.Equal(6, Nb201Arch.Parse("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|").SkipConnectCount);
        Assert.Equal(3, Nb201Arch.Parse(Index1).CountOf(Nb201Op.NorConv3x3));
    }

    [Fact]
    public void ParametricEdgesAreTheConvolutions()
    {
        Assert.Equal(3, Nb201Arch.Parse(Index1).ParametricEdgeCount);
        Assert.Equal(6, Nb201Arch.Parse(AllConv3x3).ParametricEdgeCount);
        Assert.Equal(1, Nb201Arch.Parse("|none~0|+|skip_connect~0|avg_pool_3x3~1|+|nor_conv_1x1~0|none~1|skip_connect~2|").ParametricEdgeCount);
        Assert.Equal(0, Nb201Arch.Parse("|skip_connect~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|skip_connect~1|avg_pool_3x3~2|").ParametricEdgeCount);
    }

    public static TheoryData<string, string, int?, int?> Malformed => new()
    {
        // input string, words the message must contain, node, input position
        { "", "empty", null, null },
        { "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", "expected 3 nodes separated by '+', found 2", null, null },
        { AllConv3x3 + "+|none~0|", "expected 3 nodes separated by '+', found 4", null, null },
        { "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "unknown op 'conv'; valid ops: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3", 1, 1 },
        { "|none~0|+|none~0|none~1|+|none~0|Skip_Connect~1|none~2|", "unknown op 'Skip_Connect'", 3, 2 },
        { "|none~0|+|none~0|+|none~0|none~1|none~2|", "node 2 needs exactly 2 input(s)", 2, null },
        { "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|none~3|", "node 3 needs exactly 3 input(s)", 3, null },
        { "|none~0|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "node 1 needs exactly 1 input(s)", 1, null },
        { "||+|none~0|none~1|+|none~0|none~1|none~2|", "node 1 needs exactly 1 input(s)", 1, null },
        { "|none~0|+|none~0|none~2|+|none~0|none~1|none~2|", "input node 2 is out of range; node 2 takes inputs from nodes 0, 1 (j must be < 2)", 2, 2 },
        { "|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "input node 1 is out of range", 1, 1 },
        { "|none~0|+|none~0|none~0|+|none~0|none~1|none~2|", "duplicated input ~0", 2, 2 },
        { "|none~0|+|none~0|none~1|+|none~2|none~1|none~2|", "duplicated input ~2", 3, 3 },
        { "|none~0|+|none|none~1|+|none~0|none~1|none~2|", "missing '~j'", 2, 1 },
        { "|none~0|+|none~0|none~|+|none~0|none~1|none~2|", "missing the input node number j after '~'", 2, 2 },
        { "|none~0|+|none~0|none~x|+|none~0|none~1|none~2|", "input node 'x' is not a non-negative integer", 2, 2 },
        { "|none~0|+|none~0|none~-1|+|none~0|none~1|none~2|", "input node '-1' is not a non-negative integer", 2, 2 },
        { "none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "missing the leading '|'", 1, null },
        { "|none~0|+|none~0|none~1|+|none~0|none~1|none~2", "missing the trailing '|'", 3, null },
        { "|none~0|+none~0|none~1|+|none~0|none~1|none~2|", "missing the leading '|'", 2, null },
        { "|none~0|+|none~0|none~1+|none~0|none~1|none~2|", "missing the trailing '|'", 2, null },
        { "|none~0|++|none~0|none~1|none~2|", "the node is empty; expected |op~j|…| with 2 input(s), one from each of nodes 0, 1", 2, null },
        { "|none~0||none~0|none~1|+|none~0|none~1|none~2|", "expected 3 nodes separated by '+', found 2", null, null },
        { "|none~0|+|none~0||none~1|+|none~0|none~1|none~2|", "empty input between two '|'", 2, 2 },
        { "|none~0|+|+|none~0|none~1|none~2|", "missing the trailing '|'", 2, null },
        { "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|\n", "missing the trailing '|'", 3, null },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedStringsNameTheProblemAndWhere(string text, string problem, int? node, int? input)
    {
        var e = Assert.Throws<Nb201ArchFormatException>(() => Nb201Arch.Parse(text));
        Assert.IsAssignableFrom<FormatException>(e);
        Assert.DoesNotContain('\n', e.Message);                       // one line
        Assert.Contains(problem, e.Message);
        Assert.Equal(node, e.Node);
        Assert.Equal(input, e.Input);
        if (node is int n) Assert.Contains($"node {n}", e.Message);
        if (input is int i) Assert.Contains($"input {i}", e.Message);
        if (node is not null) Assert.NotNull(e.Offset);                 // node-level problems carry a character offset
        Assert.False(Nb201Arch.TryParse(text, out _));
    }

    [Fact]
    public void ErrorOffsetsPointAtTheToken()
    {
        const string text = "|none~0|+|none~0|conv~1|+|none~0|none~1|none~2|";
        var e = Assert.Throws<Nb201ArchFormatException>(() => Nb201Arch.Parse(text));
        Assert.Equal(text.IndexOf("conv~1", StringComparison.Ordinal), e.Offset);
        Assert.Equal("conv~1", e.Token);
        Assert.Contains("token \"conv~1\"", e.Message);
        Assert.Contains($"at offset {e.Offset}", e.Message);
    }

    [Fact]
    public void NullIsAnArgumentError()
    {
        Assert.Throws<ArgumentNullException>(() => Nb201Arch.Parse(null!));
        Assert.False(Nb201Arch.TryParse(null, out _));
    }
}

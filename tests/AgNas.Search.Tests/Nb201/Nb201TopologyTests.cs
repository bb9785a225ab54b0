using AgNas.Search.Spaces.Nb201;

namespace AgNas.Search.Tests.Nb201;

public class Nb201TopologyTests
{
    [Fact]
    public void OpsAreInTheBenchmarksCanonicalOrder()
    {
        Assert.Equal(["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"], Nb201Ops.Names);
        Assert.Equal(5, Nb201Ops.Count);
        Assert.Equal(Enum.GetValues<Nb201Op>(), Nb201Ops.All);
        foreach (var op in Nb201Ops.All)
        {
            Assert.Equal(Nb201Ops.Names[(int)op], Nb201Ops.Name(op));
            Assert.Equal(op, Nb201Ops.Parse(Nb201Ops.Name(op)));
        }
        Assert.Equal(3, (int)Nb201Op.NorConv3x3);
        var e = Assert.Throws<FormatException>(() => Nb201Ops.Parse("sep_conv_3x3"));
        Assert.Contains("none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Nb201Ops.Name((Nb201Op)5));
    }

    [Fact]
    public void EdgeListIsInTheBenchmarksOrder()
    {
        (int To, int From)[] expected = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)];
        Assert.Equal(expected.Length, Nb201Topology.EdgeCount);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(new Nb201Edge(i, expected[i].To, expected[i].From), Nb201Topology.Edges[i]);
        Assert.Equal("0:1<-0", Nb201Topology.Edges[0].ToString());
    }

    [Fact]
    public void DerivedMembersAgreeWithTheEdgeList()
    {
        Assert.Equal(0, Nb201Topology.InputNode);
        Assert.Equal(3, Nb201Topology.OutputNode);
        Assert.Equal(4, Nb201Topology.NodeCount);
        Assert.Equal([1, 2, 3], Nb201Topology.ComputedNodes);
        Assert.Empty(Nb201Topology.InputsOf(0));
        foreach (int node in Nb201Topology.ComputedNodes)
        {
            var inputs = Nb201Topology.InputsOf(node);
            Assert.Equal(Enumerable.Range(0, node), inputs.Select(e => e.From));   // a complete DAG: node i reads 0..i-1
            Assert.All(inputs, e => Assert.Equal(node, e.To));
        }
        foreach (var e in Nb201Topology.Edges)
        {
            Assert.True(Nb201Topology.TryGetEdge(e.To, e.From, out var found));
            Assert.Equal(e, found);
        }
        Assert.False(Nb201Topology.TryGetEdge(2, 2, out _));
        Assert.False(Nb201Topology.TryGetEdge(1, 1, out _));
        Assert.False(Nb201Topology.TryGetEdge(4, 0, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => Nb201Topology.InputsOf(4));
    }
}

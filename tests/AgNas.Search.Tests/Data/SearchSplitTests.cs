using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data;

public class SearchSplitTests
{
    [Fact]
    public void DefaultTakesTheFirstPortionInIndexOrder()
    {
        var s = SearchSplit.Create(50_000);
        Assert.Equal(25_000, s.Train.Count);
        Assert.Equal(25_000, s.Valid.Count);
        Assert.Equal(Enumerable.Range(0, 25_000), s.Train);
        Assert.Equal(Enumerable.Range(25_000, 25_000), s.Valid);
    }

    [Theory]
    [InlineData(11, 0.5, 5)]
    [InlineData(10, 0.25, 2)]
    [InlineData(7, 0.9, 6)]
    public void SizesAreFloorAndRest(int count, double portion, int train)
    {
        var s = SearchSplit.Create(count, portion);
        Assert.Equal(train, s.Train.Count);
        Assert.Equal(count - train, s.Valid.Count);
        Assert.Equal(Enumerable.Range(0, count), s.Train.Concat(s.Valid).Order());
    }

    [Fact]
    public void SeedDoesNotMatterWithoutShuffle()
    {
        Assert.Equal(SearchSplit.Create(100, seed: 1).Train, SearchSplit.Create(100, seed: 2).Train);
    }

    [Fact]
    public void ShuffledSplitIsDisjointDeterministicAndSeedDependent()
    {
        var a = SearchSplit.Create(1000, 0.3, seed: 5, shuffle: true);
        var b = SearchSplit.Create(1000, 0.3, seed: 5, shuffle: true);
        var c = SearchSplit.Create(1000, 0.3, seed: 6, shuffle: true);
        Assert.Equal(300, a.Train.Count);
        Assert.Equal(700, a.Valid.Count);
        Assert.Empty(a.Train.Intersect(a.Valid));
        Assert.Equal(Enumerable.Range(0, 1000), a.Train.Concat(a.Valid).Order());
        Assert.Equal(a.Train, b.Train);
        Assert.NotEqual(a.Train, c.Train);
        Assert.NotEqual(Enumerable.Range(0, 300), a.Train);
        Assert.Equal(a.Train.Order(), a.Train);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void PortionOutsideOpenIntervalIsRejected(double portion)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SearchSplit.Create(100, portion));
        Assert.Contains("strictly between 0 and 1", e.Message);
    }

    [Fact]
    public void EmptyPartIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SearchSplit.Create(3, 0.1));
        Assert.Contains("0 training and 3 validation", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SearchSplit.Create(1, 0.5));
    }
}

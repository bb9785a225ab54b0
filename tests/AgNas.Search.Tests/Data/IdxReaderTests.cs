using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data;

public class IdxReaderTests
{
    private static readonly byte[] Labels5 = [3, 0, 9, 1, 7];

    private static (string Images, string Labels) Write(TempDir dir, byte[] images, byte[] labels, bool gzip)
    {
        string i = dir.File(gzip ? "images.gz" : "images"), l = dir.File(gzip ? "labels.gz" : "labels");
        File.WriteAllBytes(i, gzip ? DataFiles.Gzip(images) : images);
        File.WriteAllBytes(l, gzip ? DataFiles.Gzip(labels) : labels);
        return (i, l);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesAndLabelsRawOrGzip(bool gzip)
    {
        using var dir = new TempDir();
        var (i, l) = Write(dir, DataFiles.IdxImages(5, 4, 3), DataFiles.IdxLabels(Labels5), gzip);
        var ds = IdxReader.Load(i, l, "tiny");
        Assert.Equal((5, 1, 4, 3, 10), (ds.Count, ds.Channels, ds.Height, ds.Width, ds.ClassCount));
        Assert.Equal(Labels5.Select(b => (int)b), ds.Labels.ToArray());
        for (int n = 0; n < 5; n++)
        for (int y = 0; y < 4; y++)
        for (int x = 0; x < 3; x++)
            Assert.Equal(DataFiles.Pixel(n, 0, y, x), ds.Image(n)[y * 3 + x]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedImagesFileNamesLengthAndOffset(bool gzip)
    {
        using var dir = new TempDir();
        var images = DataFiles.IdxImages(5, 4, 3);
        var (i, l) = Write(dir, images[..^7], DataFiles.IdxLabels(Labels5), gzip);
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.Load(i, l, "tiny"));
        Assert.Contains(i, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains($"length of {16 + 60} bytes", e.Message);
        Assert.Contains($"byte offset {16 + 60 - 7}", e.Message);
    }

    [Fact]
    public void GzipCutMidStreamIsAFormatErrorNamingTheFile()
    {
        using var dir = new TempDir();
        var gz = DataFiles.Gzip(DataFiles.IdxImages(50, 28, 28));
        var path = dir.File("cut.gz");
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        using var dir = new TempDir();
        var path = dir.File("long");
        File.WriteAllBytes(path, [.. DataFiles.IdxLabels(Labels5), 1, 2]);
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("longer than its header says", e.Message);
        Assert.Contains("13 bytes", e.Message);
    }

    [Fact]
    public void WrongMagicSaysFoundAndExpected()
    {
        using var dir = new TempDir();
        // The labels file given where the images file belongs.
        var (i, l) = Write(dir, DataFiles.IdxLabels(Labels5), DataFiles.IdxLabels(Labels5), gzip: true);
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.Load(i, l, "tiny"));
        Assert.Contains(i, e.Message);
        Assert.Contains("byte offset 0", e.Message);
        Assert.Contains("found 0x00000801", e.Message);
        Assert.Contains("expected 0x00000803", e.Message);

        File.WriteAllBytes(l, DataFiles.IdxImages(5, 4, 3, magic: 0x0000_0802));
        var e2 = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(l));
        Assert.Contains("found 0x00000802", e2.Message);
        Assert.Contains("expected 0x00000801", e2.Message);
    }

    [Fact]
    public void HeaderShorterThanSixteenBytesIsTruncated()
    {
        using var dir = new TempDir();
        var path = dir.File("stub");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0]);
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("header needs 16 bytes, the file holds 6", e.Message);
    }

    [Fact]
    public void CountMismatchNamesBothFiles()
    {
        using var dir = new TempDir();
        var (i, l) = Write(dir, DataFiles.IdxImages(6, 4, 3), DataFiles.IdxLabels(Labels5), gzip: false);
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.Load(i, l, "tiny"));
        Assert.Contains(l, e.Message);
        Assert.Contains(i, e.Message);
        Assert.Contains("is 5", e.Message);
        Assert.Contains("holds 6 images", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeNamesRecordAndOffset()
    {
        using var dir = new TempDir();
        var (i, l) = Write(dir, DataFiles.IdxImages(5, 4, 3), DataFiles.IdxLabels([3, 0, 9, 10, 7]), gzip: true);
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.Load(i, l, "tiny"));
        Assert.Contains(l, e.Message);
        Assert.Contains("label 10 of record 3 (byte offset 11 after decompression)", e.Message);
        Assert.Contains("expected 0..9", e.Message);
    }

    [Fact]
    public void ZeroImageSizeIsRejected()
    {
        using var dir = new TempDir();
        var path = dir.File("flat");
        File.WriteAllBytes(path, DataFiles.IdxImages(2, 0, 3));
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("0x3", e.Message);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        using var dir = new TempDir();
        var path = dir.File("nope-idx3-ubyte.gz");
        var e = Assert.Throws<DatasetNotFoundException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.Path);
    }
}

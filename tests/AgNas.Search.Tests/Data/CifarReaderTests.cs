using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data;

public class CifarReaderTests
{
    [Fact]
    public void Cifar10RecordsBecomeChwImagesInFileOrder()
    {
        using var dir = new TempDir();
        string a = dir.File("data_batch_1.bin"), b = dir.File("data_batch_2.bin");
        File.WriteAllBytes(a, DataFiles.Cifar10([6, 9]));
        File.WriteAllBytes(b, DataFiles.Cifar10([0], firstImage: 2));
        var ds = CifarReader.LoadCifar10([a, b]);
        Assert.Equal((3, 3, 32, 32, 10), (ds.Count, ds.Channels, ds.Height, ds.Width, ds.ClassCount));
        Assert.Equal([6, 9, 0], ds.Labels.ToArray());
        for (int n = 0; n < 3; n++)
        {
            var img = ds.Image(n);
            foreach (var (c, y, x) in new[] { (0, 0, 0), (0, 31, 31), (1, 5, 7), (2, 31, 0), (2, 13, 29) })
                Assert.Equal(DataFiles.Pixel(n, c, y, x), img[(c * 32 + y) * 32 + x]);
        }
    }

    [Fact]
    public void Cifar100UsesFineLabelsByDefaultAndCoarseOnRequest()
    {
        using var dir = new TempDir();
        var path = dir.File("train.bin");
        File.WriteAllBytes(path, DataFiles.Cifar100([(19, 99), (4, 30), (0, 0)]));
        var fine = CifarReader.LoadCifar100([path]);
        Assert.Equal(100, fine.ClassCount);
        Assert.Equal([99, 30, 0], fine.Labels.ToArray());
        var coarse = CifarReader.LoadCifar100([path], coarseLabels: true);
        Assert.Equal(20, coarse.ClassCount);
        Assert.Equal([19, 4, 0], coarse.Labels.ToArray());
        Assert.Equal(DataFiles.Pixel(1, 2, 3, 4), fine.Image(1)[(2 * 32 + 3) * 32 + 4]);
    }

    [Fact]
    public void WrongRecordSizeSaysLengthRecordSizeAndLeftover()
    {
        using var dir = new TempDir();
        var path = dir.File("data_batch_1.bin");
        File.WriteAllBytes(path, DataFiles.Cifar10([1, 2])[..^100]);
        var e = Assert.Throws<DatasetFormatException>(() => CifarReader.LoadCifar10([path]));
        Assert.Contains(path, e.Message);
        Assert.Contains($"file length {2 * 3073 - 100} bytes is not a multiple of the CIFAR-10 record size 3073", e.Message);
        Assert.Contains("1 whole records", e.Message);
        Assert.Contains("byte offset 3073", e.Message);
    }

    [Fact]
    public void Cifar100FileGivenAsCifar10IsRecognised()
    {
        using var dir = new TempDir();
        var path = dir.File("test_batch.bin");
        File.WriteAllBytes(path, DataFiles.Cifar100([(1, 1), (2, 2), (3, 3)]));
        var e = Assert.Throws<DatasetFormatException>(() => CifarReader.LoadCifar10([path]));
        Assert.Contains("looks like a CIFAR-100 file", e.Message);
    }

    [Fact]
    public void EmptyFileIsAnError()
    {
        using var dir = new TempDir();
        var path = dir.File("test.bin");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<DatasetFormatException>(() => CifarReader.LoadCifar100([path]));
        Assert.Contains("empty", e.Message);
        Assert.Contains("3074", e.Message);
    }

    [Fact]
    public void Cifar10LabelOutOfRangeNamesRecordAndOffset()
    {
        using var dir = new TempDir();
        var path = dir.File("data_batch_3.bin");
        File.WriteAllBytes(path, DataFiles.Cifar10([1, 2, 10]));
        var e = Assert.Throws<DatasetFormatException>(() => CifarReader.LoadCifar10([path]));
        Assert.Contains(path, e.Message);
        Assert.Contains($"label 10 of record 2 (byte offset {2 * 3073})", e.Message);
        Assert.Contains("expected 0..9", e.Message);
    }

    [Fact]
    public void Cifar100ChecksBothLabelBytes()
    {
        using var dir = new TempDir();
        var path = dir.File("train.bin");
        File.WriteAllBytes(path, DataFiles.Cifar100([(1, 1), (20, 5)]));
        var e = Assert.Throws<DatasetFormatException>(() => CifarReader.LoadCifar100([path]));
        Assert.Contains("coarse label 20 of record 1 (byte offset 3074)", e.Message);
        Assert.Contains("expected 0..19", e.Message);

        File.WriteAllBytes(path, DataFiles.Cifar100([(1, 100)]));
        var e2 = Assert.Throws<DatasetFormatException>(() => CifarReader.LoadCifar100([path], coarseLabels: true));
        Assert.Contains("fine label 100 of record 0 (byte offset 1)", e2.Message);
        Assert.Contains("expected 0..99", e2.Message);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        using var dir = new TempDir();
        var path = dir.File("data_batch_1.bin");
        var e = Assert.Throws<DatasetNotFoundException>(() => CifarReader.LoadCifar10([path]));
        Assert.Contains(path, e.Message);
    }
}

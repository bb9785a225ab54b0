using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data;

public class DatasetCatalogTests
{
    [Fact]
    public void RealFashionMnistTestSetLoads()
    {
        // Not a silent skip: the project's setup script installs the Debian package, so a missing
        // folder is a broken machine and must fail loudly.
        Assert.True(Directory.Exists(DatasetCatalog.FashionMnistDirectory),
            $"{DatasetCatalog.FashionMnistDirectory} is missing; install it with `apt-get install dataset-fashion-mnist` (the setup script should have).");
        var ds = DatasetCatalog.Load("fashion-mnist", dataDir: null, train: false);
        Assert.Equal((10_000, 1, 28, 28, 10), (ds.Count, ds.Channels, ds.Height, ds.Width, ds.ClassCount));
        Assert.Equal("fashion-mnist-test", ds.Name);
        var perClass = new int[10];
        foreach (var l in ds.Labels) perClass[l]++;
        Assert.All(perClass, n => Assert.Equal(1000, n));   // the test set is balanced
        // Mean pixel of the test set is close to the catalog's (training-set) mean.
        double mean = 0;
        foreach (var p in ds.Pixels) mean += p / 255.0;
        Assert.InRange(mean / ds.Pixels.Length, 0.27, 0.30);
    }

    [Fact]
    public void SubsetKeepsTheFirstImages()
    {
        Assert.True(Directory.Exists(DatasetCatalog.FashionMnistDirectory), "apt-get install dataset-fashion-mnist");
        var all = DatasetCatalog.Load("fashion-mnist", null, train: false);
        var sub = DatasetCatalog.Load("fashion-mnist", null, train: false, subset: 100);
        Assert.Equal(100, sub.Count);
        Assert.Equal(all.Labels[..100].ToArray(), sub.Labels.ToArray());
        Assert.True(all.Pixels[..(100 * 784)].SequenceEqual(sub.Pixels));
    }

    [Fact]
    public void SeededSampleIsDeterministicSortedAndDistinct()
    {
        var pixels = Enumerable.Range(0, 50).Select(i => (byte)i).ToArray();
        var ds = new ImageDataset("t", pixels, Enumerable.Range(0, 50).Select(i => i % 10).ToArray(), 1, 1, 1, 10);
        var a = ds.Sample(20, seed: 7);
        var b = ds.Sample(20, seed: 7);
        var c = ds.Sample(20, seed: 8);
        Assert.Equal(a.Pixels.ToArray(), b.Pixels.ToArray());
        Assert.NotEqual(a.Pixels.ToArray(), c.Pixels.ToArray());
        Assert.Equal(a.Pixels.ToArray().Order(), a.Pixels.ToArray());
        Assert.Equal(20, a.Pixels.ToArray().Distinct().Count());
    }

    [Fact]
    public void MissingIdxFileSaysWhereItLookedAndHowToGetIt()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load("fashion-mnist", dir.Path, train: true));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("/usr/share/datasets/fashion-mnist", e.Message);
    }

    [Fact]
    public void MissingDataDirectoryIsNamed()
    {
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "no-such");
        var e = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load("cifar10", missing, train: true));
        Assert.Contains(missing, e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.Contains("binary version", e.Message);
    }

    [Fact]
    public void CifarWithoutDataDirTellsTheUserToPassOne()
    {
        var e = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load("cifar100", null, train: false));
        Assert.Contains("--data-dir", e.Message);
        Assert.Contains("CIFAR-100 binary version", e.Message);
    }

    [Fact]
    public void IdxFilesInDataDirLoadRawOrGzipAndDimsAreChecked()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("t10k-images-idx3-ubyte"), DataFiles.IdxImages(3, 28, 28));
        File.WriteAllBytes(dir.File("t10k-labels-idx1-ubyte.gz"), DataFiles.Gzip(DataFiles.IdxLabels([1, 2, 3])));
        var ds = DatasetCatalog.Load("mnist", dir.Path, train: false);
        Assert.Equal(3, ds.Count);
        Assert.Equal("mnist-test", ds.Name);

        File.WriteAllBytes(dir.File("t10k-images-idx3-ubyte"), DataFiles.IdxImages(3, 32, 32));
        var e = Assert.Throws<DatasetFormatException>(() => DatasetCatalog.Load("mnist", dir.Path, train: false));
        Assert.Contains("1x32x32", e.Message);
        Assert.Contains("1x28x28", e.Message);
    }

    [Fact]
    public void Cifar10FolderIsFoundUnderDataDirAndMissingBatchIsNamed()
    {
        using var dir = new TempDir();
        var sub = Path.Combine(dir.Path, "cifar-10-batches-bin");
        Directory.CreateDirectory(sub);
        for (int i = 1; i <= 5; i++) File.WriteAllBytes(Path.Combine(sub, $"data_batch_{i}.bin"), DataFiles.Cifar10([(byte)i, (byte)(i + 1)]));
        File.WriteAllBytes(Path.Combine(sub, "test_batch.bin"), DataFiles.Cifar10([9]));

        var train = DatasetCatalog.Load("cifar10", dir.Path, train: true);
        Assert.Equal([1, 2, 2, 3, 3, 4, 4, 5, 5, 6], train.Labels.ToArray());
        Assert.Equal((3, 32, 32, 10), (train.Channels, train.Height, train.Width, train.ClassCount));
        var test = DatasetCatalog.Load("CIFAR10", sub, train: false);   // the folder itself works too; names are case-insensitive
        Assert.Equal([9], test.Labels.ToArray());
        Assert.Equal(2, DatasetCatalog.Load("cifar10", dir.Path, train: true, subset: 2).Count);

        File.Delete(Path.Combine(sub, "data_batch_4.bin"));
        var e = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load("cifar10", dir.Path, train: true));
        Assert.Contains(Path.Combine(sub, "data_batch_4.bin"), e.Message);
        Assert.DoesNotContain("data_batch_3.bin,", e.Message.Split("(looked")[0]);
    }

    [Fact]
    public void Cifar100LoadsFineOrCoarse()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("test.bin"), DataFiles.Cifar100([(3, 42), (7, 77)]));
        Assert.Equal([42, 77], DatasetCatalog.Load("cifar100", dir.Path, train: false).Labels.ToArray());
        var coarse = DatasetCatalog.Load("cifar100", dir.Path, train: false, coarseLabels: true);
        Assert.Equal([3, 7], coarse.Labels.ToArray());
        Assert.Equal(20, coarse.ClassCount);
        Assert.Throws<ArgumentException>(() => DatasetCatalog.Load("cifar10", dir.Path, train: false, coarseLabels: true));
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Get("imagenet"));
        Assert.Contains("fashion-mnist, mnist, cifar10, cifar100", e.Message);
    }

    [Fact]
    public void ConstantsAndDefaults()
    {
        var c10 = DatasetCatalog.Get("cifar10");
        Assert.Equal([0.49139968f, 0.48215827f, 0.44653124f], c10.Mean);
        Assert.Equal([0.24703233f, 0.24348505f, 0.26158768f], c10.Std);
        Assert.Equal([0.5071f, 0.4865f, 0.4409f], DatasetCatalog.Cifar100.Mean);
        Assert.Equal([0.2673f, 0.2564f, 0.2762f], DatasetCatalog.Cifar100.Std);
        Assert.Equal((0.2860f, 0.3530f), (DatasetCatalog.FashionMnist.Mean[0], DatasetCatalog.FashionMnist.Std[0]));
        Assert.Equal((0.1307f, 0.3081f), (DatasetCatalog.Mnist.Mean[0], DatasetCatalog.Mnist.Std[0]));
        Assert.True(c10.FlipByDefault && DatasetCatalog.Cifar100.FlipByDefault);
        Assert.False(DatasetCatalog.FashionMnist.FlipByDefault || DatasetCatalog.Mnist.FlipByDefault);
        Assert.Equal(4, c10.CropPadding);
    }
}

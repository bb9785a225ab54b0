using AgNas.Search.Data;
using AgNas.Search.Tests.Data;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Data.Augment;

/// <summary>The inception pipeline depends only on (seed, epoch, sample index): not on threads, prefetch or batch order.</summary>
[Collection(LiveTensorCollection.Name)]
public class AugmentDeterminismTests
{
    private static ImageDataset Noise(int count, int h, int w)
    {
        var pixels = new byte[count * 3 * h * w];
        new Random(2).NextBytes(pixels);
        return new ImageDataset("noise", pixels, Enumerable.Range(0, count).Select(i => i % 10).ToArray(), 3, h, w, 10);
    }

    private static readonly Augmentation Inception = Augmentation.Inception(DatasetCatalog.Cifar10, 16, flip: true);

    private static float[] One(ImageDataset data, int index, ulong seed, int epoch)
    {
        var dst = new float[3 * 16 * 16];
        Inception.Apply(data.Image(index), dst, new float[Inception.ScratchSize(3, data.Height, data.Width)],
            3, data.Height, data.Width, seed, epoch, index);
        return dst;
    }

    [Fact]
    public void SameSampleAndEpochGiveTheSamePixelsOnAnyThread()
    {
        var data = Noise(24, 20, 28);
        var sequential = Enumerable.Range(0, data.Count).Select(i => One(data, i, 7, 3)).ToArray();
        var parallel = new float[data.Count][];
        Parallel.For(0, data.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[data.Count - 1 - i] = One(data, data.Count - 1 - i, 7, 3));
        for (int i = 0; i < data.Count; i++) Assert.Equal(sequential[i], parallel[i]);
        Assert.NotEqual(One(data, 0, 7, 3), One(data, 0, 7, 4));
        Assert.NotEqual(One(data, 0, 7, 3), One(data, 0, 8, 3));
        Assert.All(sequential, img => Assert.Equal(768, img.Length));
    }

    [Fact]
    public void TheLoaderDeliversTheResizedShapeWhateverThePrefetch()
    {
        var data = Noise(22, 20, 28);
        Dictionary<int, float[]> Images(int prefetch, int batchSize)
        {
            using var loader = new DataLoader(data, CpuBackend.Instance,
                new DataLoaderOptions { BatchSize = batchSize, Seed = 7, Prefetch = prefetch, Augmentation = Inception });
            Assert.Equal((3, 16, 16), loader.ImageShape);
            var result = new Dictionary<int, float[]>();
            foreach (var batch in loader.Epoch(3))
            {
                using (batch)
                {
                    Assert.Equal([batch.Count, 3, 16, 16], batch.Images.Shape.ToArray());
                    var all = batch.Images.ToArray();
                    for (int i = 0; i < batch.Count; i++) result[batch.Indices[i]] = all[(i * 768)..((i + 1) * 768)];
                }
            }
            return result;
        }

        var reference = Images(0, 5);
        Assert.Equal(22, reference.Count);
        foreach (var (i, img) in reference) Assert.Equal(One(data, i, 7, 3), img);
        foreach (var (prefetch, batch) in new[] { (2, 5), (1, 8), (2, 22) })
        {
            var other = Images(prefetch, batch);
            foreach (var (i, img) in reference) Assert.Equal(img, other[i]);
        }
    }
}

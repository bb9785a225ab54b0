using AgNas.Search.Data;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Data;

/// <summary>
/// Runs alone: one test reads the process-wide live-tensor counter, which other tests of this
/// assembly would move while running in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveTensorCollection
{
    public const string Name = "live tensor counters";
}

[Collection(LiveTensorCollection.Name)]
public class DataLoaderTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    /// <summary>Image i is 1×2×2 with every pixel = i (so i survives as round(value·255)); label i % 10.</summary>
    private static ImageDataset Numbered(int count)
    {
        var pixels = new byte[count * 4];
        for (int i = 0; i < count; i++) pixels.AsSpan(i * 4, 4).Fill((byte)i);
        return new ImageDataset("numbered", pixels, Enumerable.Range(0, count).Select(i => i % 10).ToArray(), 1, 2, 2, 10);
    }

    private static DataLoaderOptions Opts(int batch, bool training = true, bool shuffle = true, ulong seed = 0, int prefetch = 2) =>
        new() { BatchSize = batch, Training = training, Shuffle = shuffle, Seed = seed, Prefetch = prefetch };

    /// <summary>Runs one epoch, checks every batch's tensors against its indices, returns the index lists.</summary>
    private static List<int[]> Run(DataLoader loader, int epoch)
    {
        var batches = new List<int[]>();
        foreach (var batch in loader.Epoch(epoch))
        {
            using (batch)
            {
                int n = batch.Count;
                Assert.Equal(new Shape(n, 1, 2, 2), batch.Images.Shape);
                Assert.Equal(DType.Float32, batch.Images.DType);
                Assert.Equal(new Shape(n), batch.Labels.Shape);
                Assert.Equal(DType.Int32, batch.Labels.DType);
                Assert.Equal(batches.Count, batch.Number);
                Assert.Equal(epoch, batch.Epoch);
                var images = batch.Images.ToArray();
                var labels = batch.Labels.ToInt32Array();
                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(batch.Indices[i], (int)MathF.Round(images[i * 4] * 255f));
                    Assert.Equal(batch.Indices[i] % 10, labels[i]);
                }
                batches.Add(batch.Indices.ToArray());
            }
        }
        return batches;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void EveryIndexExactlyOncePerEpochWithMatchingImagesAndLabels(int prefetch)
    {
        using var loader = new DataLoader(Numbered(103), Cpu, Opts(10, prefetch: prefetch));
        Assert.Equal(11, loader.BatchesPerEpoch);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var batches = Run(loader, epoch);
            Assert.Equal(11, batches.Count);
            Assert.Equal(Enumerable.Range(0, 103), batches.SelectMany(b => b).Order());
        }
    }

    [Fact]
    public void LoaderOverASplitDeliversOnlyThatSplit()
    {
        var data = Numbered(60);
        var split = SearchSplit.Create(data.Count);
        using var train = new DataLoader(data, split.Train, Cpu, Opts(8));
        using var valid = new DataLoader(data, split.Valid, Cpu, Opts(8, training: false, shuffle: false));
        Assert.Equal(Enumerable.Range(0, 30), Run(train, 0).SelectMany(b => b).Order());
        Assert.Equal(Enumerable.Range(30, 30), Run(valid, 0).SelectMany(b => b));
    }

    [Fact]
    public void SameSeedSameOrderOtherEpochOrSeedOtherOrder()
    {
        var data = Numbered(100);
        using var a = new DataLoader(data, Cpu, Opts(16, seed: 4));
        using var b = new DataLoader(data, Cpu, Opts(16, seed: 4, prefetch: 0));
        using var c = new DataLoader(data, Cpu, Opts(16, seed: 5));
        var a0 = Run(a, 0).SelectMany(x => x).ToArray();
        Assert.Equal(a0, Run(a, 0).SelectMany(x => x));          // the same loader again
        Assert.Equal(a0, Run(b, 0).SelectMany(x => x));          // another loader, no prefetch
        Assert.NotEqual(a0, Run(a, 1).SelectMany(x => x));       // next epoch
        Assert.NotEqual(a0, Run(c, 0).SelectMany(x => x));       // other seed
        Assert.NotEqual(Enumerable.Range(0, 100), a0);
        Assert.Equal(a.EpochOrder(0), a0);

        using var ordered = new DataLoader(data, Cpu, Opts(16, shuffle: false));
        Assert.Equal(Enumerable.Range(0, 100), Run(ordered, 3).SelectMany(x => x));
    }

    [Fact]
    public void LastPartialBatchIsKept()
    {
        using var loader = new DataLoader(Numbered(23), Cpu, Opts(10, shuffle: false));
        Assert.Equal(3, loader.BatchesPerEpoch);
        Assert.Equal([10, 10, 3], Run(loader, 0).Select(b => b.Length));
    }

    [Fact]
    public void LoneLastImageIsDroppedInTrainingAndKeptInEvaluation()
    {
        var data = Numbered(21);
        using var train = new DataLoader(data, Cpu, Opts(10, shuffle: false));
        Assert.Equal(2, train.BatchesPerEpoch);
        Assert.Equal(20, train.ImagesPerEpoch);
        var t = Run(train, 0);
        Assert.Equal([10, 10], t.Select(b => b.Length));
        Assert.DoesNotContain(20, t.SelectMany(b => b));

        using var eval = new DataLoader(data, Cpu, Opts(10, training: false, shuffle: false));
        Assert.Equal(3, eval.BatchesPerEpoch);
        Assert.Equal([10, 10, 1], Run(eval, 0).Select(b => b.Length));

        // Batch size 1 has no partial batch: nothing is dropped.
        using var single = new DataLoader(data, Cpu, Opts(1));
        Assert.Equal(21, single.BatchesPerEpoch);
        Assert.Equal(21, Run(single, 0).Count);
    }

    private sealed class ThrowAt(int sampleValue) : IImageTransform
    {
        public bool IsRandom => false;

        public void Apply(ImageBuffer image, ref CounterGenerator random)
        {
            if ((int)MathF.Round(image.Pixels[0] * 255f) == sampleValue) Fail();
        }

        private static void Fail() => throw new InvalidDataException("bad sample 57");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void BackgroundExceptionSurfacesOnTheConsumerAfterTheGoodBatches(int prefetch)
    {
        var options = Opts(10, shuffle: false, prefetch: prefetch) with { Augmentation = new Augmentation(new ThrowAt(57)) };
        using var loader = new DataLoader(Numbered(100), Cpu, options);
        int delivered = 0;
        int consumerThread = Environment.CurrentManagedThreadId;
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var batch in loader.Epoch(0))
            {
                using (batch) delivered++;
                Assert.Equal(consumerThread, Environment.CurrentManagedThreadId);
            }
        });
        Assert.Equal("bad sample 57", e.Message);
        Assert.Contains(nameof(ThrowAt), e.StackTrace);   // the original stack is kept
        Assert.Equal(5, delivered);
    }

    private sealed class Counting : IImageTransform
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);
        public bool IsRandom => false;
        public void Apply(ImageBuffer image, ref CounterGenerator random) => Interlocked.Increment(ref _calls);
    }

    [Fact]
    public void DisposingTheEnumeratorStopsTheWorker()
    {
        var counting = new Counting();
        var options = Opts(10, prefetch: 2) with { Augmentation = new Augmentation(counting) };
        using var loader = new DataLoader(Numbered(200), Cpu, options);
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            Thread.Sleep(50);   // let the worker run ahead as far as it may
            break;
        }
        int after = counting.Calls;
        // 1 consumed batch + at most prefetch + 1 = 3 buffered ones.
        Assert.InRange(after, 10, 40);
        Thread.Sleep(100);
        Assert.Equal(after, counting.Calls);
    }

    [Fact]
    public void DisposingTheLoaderStopsRunningEpochsAndRefusesNewOnes()
    {
        var counting = new Counting();
        var loader = new DataLoader(Numbered(200), Cpu, Opts(10) with { Augmentation = new Augmentation(counting) });
        using var e = loader.Epoch(0).GetEnumerator();
        Assert.True(e.MoveNext());
        e.Current.Dispose();
        loader.Dispose();
        int after = counting.Calls;
        Thread.Sleep(100);
        Assert.Equal(after, counting.Calls);
        Assert.False(e.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => loader.Epoch(1));
    }

    /// <summary>Holds every image from <paramref name="fromValue"/> on until the gate opens (10 s at most).</summary>
    private sealed class Gate(int fromValue) : IImageTransform
    {
        public ManualResetEventSlim Open { get; } = new();
        public bool IsRandom => false;

        public void Apply(ImageBuffer image, ref CounterGenerator random)
        {
            if ((int)MathF.Round(image.Pixels[0] * 255f) >= fromValue) Open.Wait(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void DisposingTheLoaderFromAnotherThreadReleasesAWaitingConsumer()
    {
        var gate = new Gate(10);
        var loader = new DataLoader(Numbered(100), Cpu, Opts(10, shuffle: false) with { Augmentation = new Augmentation(gate) });
        using var e = loader.Epoch(0).GetEnumerator();
        Assert.True(e.MoveNext());
        e.Current.Dispose();
        // Batch 1 cannot be ready before the gate opens, and the gate opens only after the consumer was released.
        var disposer = new Thread(() =>
        {
            Thread.Sleep(50);
            loader.Dispose();
        });
        disposer.Start();
        var ex = Assert.Throws<ObjectDisposedException>(() => e.MoveNext());
        Assert.Contains("epoch 0 was disposed", ex.Message);
        gate.Open.Set();
        disposer.Join();
    }

    [Fact]
    public void LiveTensorsReturnToBaselineAfterAnEpochOfDisposedBatches()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var stats = Cpu.Stats;
        long tensors = stats.LiveTensors, bytes = stats.LiveBytes;
        using (var loader = new DataLoader(Numbered(95), Cpu, Opts(8, prefetch: 2)))
        {
            foreach (var batch in loader.Epoch(0))
            {
                using (batch)
                    Assert.Equal(tensors + 2, stats.LiveTensors);
            }
            // A consumer that breaks early leaves nothing behind either.
            foreach (var batch in loader.Epoch(1))
            {
                batch.Dispose();
                break;
            }
        }
        Assert.Equal(tensors, stats.LiveTensors);
        Assert.Equal(bytes, stats.LiveBytes);
    }

    [Fact]
    public void BatchesAreNotOwnedByTheConsumersScope()
    {
        using var loader = new DataLoader(Numbered(20), Cpu, Opts(10));
        var kept = new List<ImageBatch>();
        using (TensorScope.Begin())
        {
            foreach (var batch in loader.Epoch(0)) kept.Add(batch);
        }
        Assert.All(kept, b => Assert.False(b.Images.IsDisposed || b.Labels.IsDisposed));
        foreach (var b in kept) b.Dispose();
        Assert.All(kept, b => Assert.True(b.Images.IsDisposed && b.Labels.IsDisposed));
    }

    [Fact]
    public void AugmentedBatchesDoNotDependOnPrefetchOrBatchOrder()
    {
        var rng = new Random(1);
        var pixels = new byte[40 * 3072];
        rng.NextBytes(pixels);
        var data = new ImageDataset("noise", pixels, Enumerable.Range(0, 40).Select(i => i % 10).ToArray(), 3, 32, 32, 10);
        var aug = Augmentation.Training(DatasetCatalog.Cifar10, cutout: 16);

        Dictionary<int, float[]> Images(int prefetch, int batchSize)
        {
            using var loader = new DataLoader(data, Cpu, Opts(batchSize, seed: 11, prefetch: prefetch) with { Augmentation = aug });
            var result = new Dictionary<int, float[]>();
            foreach (var batch in loader.Epoch(2))
            {
                using (batch)
                {
                    var all = batch.Images.ToArray();
                    for (int i = 0; i < batch.Count; i++) result[batch.Indices[i]] = all[(i * 3072)..((i + 1) * 3072)];
                }
            }
            return result;
        }

        var reference = Images(0, 8);
        foreach (var (prefetch, batch) in new[] { (2, 8), (1, 7), (2, 40) })
        {
            var other = Images(prefetch, batch);
            Assert.Equal(40, other.Count);
            foreach (var (i, img) in reference) Assert.Equal(img, other[i]);
        }
    }

    [Fact]
    public void BadArgumentsAreRejectedClearly()
    {
        var data = Numbered(10);
        Assert.Contains("index 10 at position 1", Assert.Throws<ArgumentException>(() => new DataLoader(data, [0, 10], Cpu)).Message);
        Assert.Contains("batch size 0", Assert.Throws<ArgumentException>(() => new DataLoader(data, Cpu, Opts(0))).Message);
        Assert.Contains("prefetch 3", Assert.Throws<ArgumentException>(() => new DataLoader(data, Cpu, Opts(4, prefetch: 3))).Message);
        Assert.Throws<ArgumentException>(() => new DataLoader(data, Cpu, Opts(4) with { Augmentation = Augmentation.Evaluation(DatasetCatalog.Cifar10) }));
    }
}

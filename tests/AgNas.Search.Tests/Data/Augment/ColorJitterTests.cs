using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data.Augment;

public class ColorJitterTests
{
    private static float[] Image(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 3 * 4 * 6).Select(_ => rng.NextSingle()).ToArray();
    }

    [Fact]
    public void DrawsTheOrderThenFourFactorsFromItsGenerator()
    {
        var jitter = new ColorJitter(0.4, 0.4, 0.4, 0.2);
        for (int sample = 0; sample < 20; sample++)
        {
            var src = Image(sample);
            var viaJitter = (float[])src.Clone();
            var random = new CounterGenerator(5, RandomStreams.Augment, 1, sample);
            var replay = random;    // a copy: the same draws
            jitter.Apply(new ImageBuffer(viaJitter, new float[src.Length], 3, 4, 6), ref random);

            Span<int> order = [0, 1, 2, 3];
            replay.Shuffle(order);
            static double Factor(double u) => (1 - 0.4) + u * ((1 + 0.4) - (1 - 0.4));   // U[1 − 0.4, 1 + 0.4)
            double b = Factor(replay.NextDouble()), c = Factor(replay.NextDouble()), s = Factor(replay.NextDouble());
            double h = 0.2 * (2 * replay.NextDouble() - 1);
            Assert.InRange(h, -0.2, 0.2);
            var expected = (float[])src.Clone();
            ColorJitter.Adjust(new ImageBuffer(expected, new float[src.Length], 3, 4, 6), order, (float)b, (float)c, (float)s, (float)h);
            Assert.Equal(expected, viaJitter);
            Assert.Equal(replay.NextUInt64(), random.NextUInt64());    // both stand at the same position
        }
    }

    [Fact]
    public void ZeroStrengthsLeaveTheImageAloneAndRangesFollowTorchvision()
    {
        var src = Image(1);
        var copy = (float[])src.Clone();
        var rng = new CounterGenerator(1, 2);
        var none = new ColorJitter();
        Assert.False(none.IsRandom);
        none.Apply(new ImageBuffer(copy, new float[src.Length], 3, 4, 6), ref rng);
        Assert.Equal(src, copy);
        // Brightness 1.5: factor in [max(0, 1 − 1.5), 2.5) = [0, 2.5); all values stay in [0, 1].
        var strong = new ColorJitter(brightness: 1.5);
        for (int i = 0; i < 50; i++)
        {
            var p = Image(i);
            var r = new CounterGenerator(9, 9, 0, i);
            strong.Apply(new ImageBuffer(p, new float[p.Length], 3, 4, 6), ref r);
            Assert.All(p, v => Assert.InRange(v, 0f, 1f));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColorJitter(hue: 0.6));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColorJitter(contrast: -1));
    }

    [Fact]
    public void MustComeBeforeNormalizeAndNeedsOneOrThreeChannels()
    {
        var info = DatasetCatalog.Cifar10;
        var wrongOrder = new Augmentation(new Normalize(info.Mean, info.Std), new ColorJitter(0.4));
        Assert.Contains("put it before Normalize", Assert.Throws<ArgumentException>(() => wrongOrder.Validate(3, 32, 32)).Message);
        new Augmentation(new ColorJitter(0.4), new Normalize(info.Mean, info.Std)).Validate(3, 32, 32);
        Assert.Contains("not 4 channels", Assert.Throws<ArgumentException>(() => new Augmentation(new ColorJitter(0.4)).Validate(4, 8, 8)).Message);
    }
}

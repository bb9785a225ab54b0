using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data.Augment;

public class RandomResizedCropTests
{
    /// <summary>22 uniforms: the given (area, ratio) attempts first, the rest of the attempts as <paramref name="filler"/>, then row and column.</summary>
    private static double[] Draws((double Area, double Ratio)[] attempts, (double Area, double Ratio) filler, double row, double col)
    {
        var u = new double[RandomResizedCrop.DrawsPerImage];
        for (int k = 0; k < RandomResizedCrop.Attempts; k++)
        {
            var (a, r) = k < attempts.Length ? attempts[k] : filler;
            u[2 * k] = a;
            u[2 * k + 1] = r;
        }
        u[^2] = row;
        u[^1] = col;
        return u;
    }

    private static readonly RandomResizedCrop Default = new(224);

    [Fact]
    public void FirstAttemptThatFitsGivesTheBox()
    {
        // Area 100·100·(0.08 + 0.5·0.92) = 5400, aspect exp(mid of ±ln(4/3)) = 1: w = h = round(√5400 = 73.48) = 73;
        // top ⌊0.5·28⌋ = 14, left ⌊0.25·28⌋ = 7.
        Assert.Equal(new CropBox(14, 7, 73, 73), Default.SampleBox(100, 100, Draws([(0.5, 0.5)], (0.5, 0.5), 0.5, 0.25)));
        // Smallest area and ratio: area 800, aspect 3/4: w = round(√600 = 24.49) = 24, h = round(√1066.7 = 32.66) = 33;
        // top ⌊0.999·68⌋ = 67, left ⌊0.999·77⌋ = 76.
        Assert.Equal(new CropBox(67, 76, 33, 24), Default.SampleBox(100, 100, Draws([(0, 0)], (0, 0), 0.999, 0.999)));
    }

    [Fact]
    public void AttemptsThatDoNotFitAreSkipped()
    {
        // Full area at aspect ≈ 4/3 is 115 wide on a 100×100 image: rejected three times, then the fourth attempt fits.
        var draws = Draws([(0.999, 0.999), (0.999, 0.999), (0.999, 0.001), (0.5, 0.5)], (0.999, 0.999), 0, 0);
        Assert.Equal(new CropBox(0, 0, 73, 73), Default.SampleBox(100, 100, draws));
    }

    [Fact]
    public void WhenNoAttemptFitsTheCentralCropClampedToTheRatioRange()
    {
        var never = Draws([], (0.999, 0.999), 0.5, 0.5);
        // Square: the whole image.
        Assert.Equal(new CropBox(0, 0, 100, 100), Default.SampleBox(100, 100, never));
        // Wide (W/H = 10 > 4/3): h = 10, w = round(10·4/3 = 13.3) = 13, centred: left (100 − 13) / 2 = 43.
        Assert.Equal(new CropBox(0, 43, 10, 13), Default.SampleBox(10, 100, never));
        // Tall (W/H = 0.1 < 3/4): w = 10, h = round(10 / 0.75 = 13.3) = 13, top 43.
        Assert.Equal(new CropBox(43, 0, 13, 10), Default.SampleBox(100, 10, Draws([], (0.999, 0.001), 0.5, 0.5)));
        Assert.Equal(new CropBox(43, 0, 13, 10), RandomResizedCrop.CentralBox(100, 10, 0.75, 4.0 / 3.0));
    }

    [Fact]
    public void SidesRoundHalfToEvenAsPython()
    {
        // Ratio fixed at 1 and scale fixed: √(100·0.0625) = 2.5 → 2; √(16·49/64) = 3.5 → 4.
        var u = Draws([], (0.3, 0.7), 0, 0);
        Assert.Equal(new CropBox(0, 0, 2, 2), RandomResizedCrop.SampleBox(10, 10, u, 0.0625, 0.0625, 1, 1));
        Assert.Equal(new CropBox(0, 0, 4, 4), RandomResizedCrop.SampleBox(4, 4, u, 49.0 / 64, 49.0 / 64, 1, 1));
    }

    [Fact]
    public void BoxesStayInsideAndCoverTheRange()
    {
        var crop = new RandomResizedCrop(16);
        var areas = new List<double>();
        Span<double> u = stackalloc double[RandomResizedCrop.DrawsPerImage];
        for (int i = 0; i < 2000; i++)
        {
            var rng = new CounterGenerator(1, 2, 3, i);
            for (int k = 0; k < u.Length; k++) u[k] = rng.NextDouble();
            var box = crop.SampleBox(48, 64, u);
            Assert.True(box.FitsIn(48, 64), $"{box}");
            areas.Add(box.Height * box.Width / (48.0 * 64));
            double aspect = (double)box.Width / box.Height;
            Assert.InRange(aspect, 0.6, 1.6);   // 3/4..4/3 up to rounding of small boxes
        }
        Assert.InRange(areas.Min(), 0.07, 0.12);
        Assert.InRange(areas.Max(), 0.9, 1.0);
    }

    [Fact]
    public void ResamplesTheDrawnBoxToTheOutputSize()
    {
        var src = Enumerable.Range(0, 3 * 20 * 30).Select(i => (float)(i % 97) / 97f).ToArray();
        var crop = new RandomResizedCrop(12);
        var rng = new CounterGenerator(4, RandomStreams.Augment, 0, 7);
        var replay = rng;
        var dst = new float[3 * 12 * 12];
        crop.Apply(new ImageBuffer((float[])src.Clone(), new float[3 * 20 * 30], 3, 20, 30), dst, ref rng);

        Span<double> u = stackalloc double[RandomResizedCrop.DrawsPerImage];
        for (int k = 0; k < u.Length; k++) u[k] = replay.NextDouble();
        var box = crop.SampleBox(20, 30, u);
        var expected = new float[dst.Length];
        BilinearResampler.Resize(src, 3, 20, 30, box, expected, 12, 12, new float[3 * 20 * 30]);
        Assert.Equal(expected, dst);
        Assert.Equal(replay.NextUInt64(), rng.NextUInt64());    // exactly DrawsPerImage draws
    }
}

using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data;

public class AugmentationTests
{
    private static float[] Seq(int n) => Enumerable.Range(1, n).Select(i => (float)i).ToArray();

    private static float[] Cropped(float[] pixels, int c, int h, int w, int pad, int dy, int dx)
    {
        var p = (float[])pixels.Clone();
        RandomCrop.Crop(new ImageBuffer(p, new float[p.Length], c, h, w), pad, dy, dx);
        return p;
    }

    [Fact]
    public void CropWithPaddingShiftsPixelsAndFillsZeros()
    {
        var img = Seq(9);   // 1 2 3 / 4 5 6 / 7 8 9
        Assert.Equal([0, 0, 0, 0, 1, 2, 0, 4, 5], Cropped(img, 1, 3, 3, pad: 1, dy: 0, dx: 0));
        Assert.Equal([4, 5, 6, 7, 8, 9, 0, 0, 0], Cropped(img, 1, 3, 3, pad: 1, dy: 2, dx: 1));
        Assert.Equal([2, 3, 0, 5, 6, 0, 8, 9, 0], Cropped(img, 1, 3, 3, pad: 1, dy: 1, dx: 2));
        Assert.Equal(img, Cropped(img, 1, 3, 3, pad: 1, dy: 1, dx: 1));
        Assert.All(Cropped(img, 1, 3, 3, pad: 4, dy: 0, dx: 8), v => Assert.Equal(0f, v));   // window entirely in the padding

        // Two channels of a 2x3 image move together: out[c,y,x] = in[c, y+dy-pad, x+dx-pad].
        var two = Seq(12);  // c0: 1 2 3 / 4 5 6   c1: 7 8 9 / 10 11 12
        Assert.Equal([0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 7, 8], Cropped(two, 2, 2, 3, pad: 1, dy: 0, dx: 0));
    }

    [Fact]
    public void RandomCropDrawsEveryOffsetInRangeAndNoOther()
    {
        const int pad = 2;
        var img = Seq(25);
        var crop = new RandomCrop(pad);
        var seen = new HashSet<(int, int)>();
        for (int s = 0; s < 400; s++)
        {
            var p = (float[])img.Clone();
            var rng = new CounterGenerator((ulong)s, 1, 0, 0);
            crop.Apply(new ImageBuffer(p, new float[25], 1, 5, 5), ref rng);
            var match = (from dy in Enumerable.Range(0, 2 * pad + 1)
                         from dx in Enumerable.Range(0, 2 * pad + 1)
                         where Cropped(img, 1, 5, 5, pad, dy, dx).SequenceEqual(p)
                         select (dy, dx)).ToList();
            Assert.Single(match);
            seen.Add(match[0]);
        }
        Assert.Equal(25, seen.Count);
    }

    [Fact]
    public void FlipMirrorsEveryRowOfEveryChannel()
    {
        var p = Seq(12);    // 2 channels of 2x3
        HorizontalFlip.Mirror(new ImageBuffer(p, new float[12], 2, 2, 3));
        Assert.Equal([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], p);
    }

    [Fact]
    public void FlipProbabilityIsHonoured()
    {
        int Flips(double prob)
        {
            int n = 0;
            var flip = new HorizontalFlip(prob);
            for (int s = 0; s < 2000; s++)
            {
                var p = new float[] { 1, 2 };
                var rng = new CounterGenerator(9, 9, s, 0);
                flip.Apply(new ImageBuffer(p, new float[2], 1, 1, 2), ref rng);
                if (p[0] == 2) n++;
            }
            return n;
        }
        Assert.Equal(0, Flips(0));
        Assert.Equal(2000, Flips(1));
        Assert.InRange(Flips(0.5), 900, 1100);
    }

    [Fact]
    public void NormalisationDividesBy255ThenAppliesMeanAndStdPerChannel()
    {
        var aug = new Augmentation(new Normalize([0.5f, 0.2f], [0.25f, 0.1f]));
        byte[] src = [0, 255, 51, 102, /* c1 */ 0, 255, 51, 102];
        var dst = new float[8];
        aug.Apply(src, dst, new float[8], 2, 2, 2, seed: 0, epoch: 0, sampleIndex: 0);
        float[] expected = [-2f, 2f, -1.2f, -0.4f, -2f, 8f, 0f, 2f];
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], dst[i], 5);
    }

    [Fact]
    public void NormaliseRejectsAChannelCountMismatch()
    {
        var aug = Augmentation.Evaluation(DatasetCatalog.Cifar10);
        var e = Assert.Throws<ArgumentException>(() => aug.Validate(1, 28, 28));
        Assert.Contains("3 channel means for 1-channel images", e.Message);
    }

    private static float[] Erased(int c, int h, int w, int cy, int cx, int length)
    {
        var p = Enumerable.Repeat(1f, c * h * w).ToArray();
        Cutout.Erase(new ImageBuffer(p, new float[p.Length], c, h, w), cy, cx, length);
        return p;
    }

    private static void AssertZeroExactly(float[] p, int c, int h, int w, int y1, int y2, int x1, int x2)
    {
        for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            bool inside = y >= y1 && y < y2 && x >= x1 && x < x2;
            Assert.True((inside ? 0f : 1f) == p[(ch * h + y) * w + x], $"pixel c{ch} y{y} x{x}: {p[(ch * h + y) * w + x]}, expected {(inside ? 0 : 1)}");
        }
    }

    [Fact]
    public void CutoutZeroesTheSquareAroundTheCentreInEveryChannel()
    {
        AssertZeroExactly(Erased(2, 8, 8, cy: 3, cx: 4, length: 4), 2, 8, 8, y1: 1, y2: 5, x1: 2, x2: 6);
    }

    [Fact]
    public void CutoutIsClippedAtTheBorders()
    {
        AssertZeroExactly(Erased(1, 8, 8, cy: 0, cx: 7, length: 4), 1, 8, 8, y1: 0, y2: 2, x1: 5, x2: 8);
        AssertZeroExactly(Erased(1, 32, 32, cy: 31, cx: 2, length: 16), 1, 32, 32, y1: 23, y2: 32, x1: 0, x2: 10);
        // DARTS uses length // 2: an odd length cuts a square of side length - 1.
        AssertZeroExactly(Erased(1, 8, 8, cy: 4, cx: 4, length: 3), 1, 8, 8, y1: 3, y2: 5, x1: 3, x2: 5);
    }

    [Fact]
    public void CutoutRunsAfterNormalisationSoItsSquareIsZeroNotMinusMeanOverStd()
    {
        var info = DatasetCatalog.Cifar10;
        var aug = Augmentation.Training(info, flip: false, cropPadding: 0, cutout: 8);
        Assert.IsType<Cutout>(aug.Transforms[^1]);
        var src = Enumerable.Repeat((byte)200, 3072).ToArray();
        var dst = new float[3072];
        aug.Apply(src, dst, new float[3072], 3, 32, 32, seed: 1, epoch: 0, sampleIndex: 5);
        int zeros = dst.Count(v => v == 0f);
        Assert.InRange(zeros, 3 * 4 * 4, 3 * 8 * 8);   // at least a quarter of the square survives the clip
        Assert.Equal(0, zeros % 3);
        for (int c = 0; c < 3; c++)
        {
            float v = (200f / 255f - info.Mean[c]) / info.Std[c];
            Assert.Equal(3072 / 3 - zeros / 3, dst.Skip(c * 1024).Take(1024).Count(x => Math.Abs(x - v) < 1e-6f));
        }
    }

    [Fact]
    public void CropPaddingIsBlackBeforeNormalisation()
    {
        var info = DatasetCatalog.Cifar10;
        var aug = Augmentation.Training(info, flip: false);
        var src = Enumerable.Repeat((byte)200, 3072).ToArray();
        var dst = new float[3072];
        bool sawPadding = false;
        for (int i = 0; i < 10 && !sawPadding; i++)
        {
            aug.Apply(src, dst, new float[3072], 3, 32, 32, seed: 3, epoch: 0, sampleIndex: i);
            for (int c = 0; c < 3; c++)
            {
                float image = (200f / 255f - info.Mean[c]) / info.Std[c], pad = -info.Mean[c] / info.Std[c];
                foreach (var v in dst.Skip(c * 1024).Take(1024))
                {
                    Assert.True(Math.Abs(v - image) < 1e-5f || Math.Abs(v - pad) < 1e-5f, $"value {v} is neither image {image} nor padding {pad}");
                    sawPadding |= Math.Abs(v - pad) < 1e-5f;
                }
            }
        }
        Assert.True(sawPadding);
    }

    [Fact]
    public void SameSeedEpochAndIndexGiveTheSamePixels()
    {
        var aug = Augmentation.Training(DatasetCatalog.Cifar10, cutout: 16);
        var src = Enumerable.Range(0, 3072).Select(i => (byte)(i * 7)).ToArray();
        float[] Run(ulong seed, int epoch, int index)
        {
            var d = new float[3072];
            aug.Apply(src, d, new float[3072], 3, 32, 32, seed, epoch, index);
            return d;
        }
        Assert.Equal(Run(1, 2, 3), Run(1, 2, 3));
        Assert.NotEqual(Run(1, 2, 3), Run(1, 3, 3));
        Assert.NotEqual(Run(1, 2, 3), Run(1, 2, 4));
        Assert.NotEqual(Run(1, 2, 3), Run(2, 2, 3));
    }

    [Fact]
    public void StandardPipelinesFollowTheDatasetDefaults()
    {
        Assert.Equal("ToFloat(/255) → RandomCrop(pad 4) → HorizontalFlip(p 0.5) → Normalize(mean [0.49139968, 0.48215827, 0.44653124], std [0.24703233, 0.24348505, 0.26158768]) → Cutout(16)",
            Augmentation.Training(DatasetCatalog.Cifar10, cutout: 16).ToString());
        var fm = Augmentation.Training(DatasetCatalog.FashionMnist);
        Assert.DoesNotContain(fm.Transforms, t => t is HorizontalFlip);
        Assert.Equal(2, Assert.IsType<RandomCrop>(fm.Transforms[0]).Padding);
        Assert.Contains(Augmentation.Training(DatasetCatalog.FashionMnist, flip: true).Transforms, t => t is HorizontalFlip);
        Assert.False(Augmentation.Evaluation(DatasetCatalog.Cifar10).IsRandom);
    }
}

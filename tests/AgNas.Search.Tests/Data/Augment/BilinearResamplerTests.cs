using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data.Augment;

public class BilinearResamplerTests
{
    private static float[] Resize(float[] src, int c, int h, int w, CropBox box, int oh, int ow)
    {
        var dst = new float[c * oh * ow];
        BilinearResampler.Resize(src, c, h, w, box, dst, oh, ow, new float[Math.Max(c * h * w, c * oh * ow)]);
        return dst;
    }

    [Fact]
    public void UpscalingInterpolatesBetweenPixelCentresAndClampsAtTheEdges()
    {
        // Width 2 → 4: output centres at 0.25, 0.75, 1.25, 1.75 → source coordinates −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        Assert.Equal([0f, 0.25f, 0.75f, 1f], Resize([0, 1], 1, 1, 2, new CropBox(0, 0, 1, 2), 1, 4));
        // 2×2 → 4×4: separable, value = 2·t(y) + t(x) with t = 0, 0.25, 0.75, 1.
        float[] t = [0, 0.25f, 0.75f, 1];
        var expected = (from y in t from x in t select 2 * y + x).ToArray();
        Assert.Equal(expected, Resize([0, 1, 2, 3], 1, 2, 2, new CropBox(0, 0, 2, 2), 4, 4));
    }

    [Fact]
    public void DownscalingAveragesWithAWidenedTriangle()
    {
        // Width 4 → 2 (scale 2): output 0 centred at 1 reads pixels 0..2 with tri(|j + 0.5 − 1| / 2) = 3/4, 3/4, 1/4,
        // normalised by 7/4; output 1 centred at 3 reads pixels 1..3 with 1/4, 3/4, 3/4.
        var actual = Resize([0, 1, 2, 3], 1, 1, 4, new CropBox(0, 0, 1, 4), 1, 2);
        Assert.Equal(5f / 7f, actual[0], 6);
        Assert.Equal(16f / 7f, actual[1], 6);
    }

    [Fact]
    public void SameSizeIsACopyOfTheBox()
    {
        var src = Enumerable.Range(0, 2 * 4 * 5).Select(i => (float)i).ToArray();
        var box = new CropBox(1, 2, 2, 3);
        var expected = (from c in Enumerable.Range(0, 2) from y in Enumerable.Range(1, 2) from x in Enumerable.Range(2, 3) select (float)(c * 20 + y * 5 + x)).ToArray();
        Assert.Equal(expected, Resize(src, 2, 4, 5, box, 2, 3));
    }

    [Fact]
    public void MatchesTorchvisionResizeAndResizedCrop()
    {
        var data = TorchvisionCases.Load("resize");
        foreach (var name in new[] { "up_no_aa", "up_aa", "down_aa", "down_rows_aa", "mixed_aa", "resized_crop", "resized_crop_down" })
        {
            var e = data.Case(name);
            var (shape, src) = data.Input(e.GetProperty("input").GetString()!);
            var cfg = e.GetProperty("config");
            int Get(string key, int fallback) => cfg.TryGetProperty(key, out var v) ? v.GetInt32() : fallback;
            var box = new CropBox(Get("top", 0), Get("left", 0), Get("box_height", shape[1]), Get("box_width", shape[2]));
            var (_, expected) = TorchvisionCases.Tensor(e.GetProperty("output"));
            var actual = Resize(src, shape[0], shape[1], shape[2], box, cfg.GetProperty("height").GetInt32(), cfg.GetProperty("width").GetInt32());
            TorchvisionCases.AssertClose(expected, actual, 1e-5, 1e-5, name);
        }
    }

    [Fact]
    public void RejectsABoxOutsideTheImageAndShortBuffers()
    {
        var src = new float[12];
        Assert.Contains("does not lie inside", Assert.Throws<ArgumentException>(() =>
            BilinearResampler.Resize(src, 1, 3, 4, new CropBox(1, 0, 3, 4), new float[4], 2, 2, new float[12])).Message);
        Assert.Contains("temp of 1 floats", Assert.Throws<ArgumentException>(() =>
            BilinearResampler.Resize(src, 1, 3, 4, new CropBox(0, 0, 3, 4), new float[4], 2, 2, new float[1])).Message);
    }
}

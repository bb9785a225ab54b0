using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data.Augment;

public class ResizeAndCenterCropTests
{
    private static float[] Run(IResizeTransform t, float[] src, int c, int h, int w)
    {
        var (oh, ow) = t.OutputSize(h, w);
        var dst = new float[c * oh * ow];
        var scratch = new float[Math.Max(src.Length, dst.Length)];
        var rng = new CounterGenerator(0, 0);
        t.Apply(new ImageBuffer((float[])src.Clone(), scratch, c, h, w), dst, ref rng);
        return dst;
    }

    [Fact]
    public void ResizeTakesTheShorterSideToSizeAndScalesTheLongerDown()
    {
        var r = new Resize(256);
        Assert.Equal((256, 341), r.OutputSize(375, 500));    // int(256 · 500 / 375) = 341
        Assert.Equal((384, 256), r.OutputSize(600, 400));
        Assert.Equal((256, 256), r.OutputSize(32, 32));
        Assert.Equal((4, 5), new Resize(4).OutputSize(5, 7));   // int(4 · 7 / 5) = 5
        Assert.Equal((9, 11), new Resize(9, 11).OutputSize(5, 7));
        Assert.False(r.IsRandom);
    }

    [Fact]
    public void CenterCropOffsetsRoundHalfToEvenAndPadWithIntegerDivision()
    {
        Assert.Equal(1, CenterCrop.Offset(5, 3));
        Assert.Equal(2, CenterCrop.Offset(9, 4));     // round(2.5) = 2
        Assert.Equal(4, CenterCrop.Offset(11, 4));    // round(3.5) = 4
        Assert.Equal(16, CenterCrop.Offset(256, 224));
        Assert.Equal(-1, CenterCrop.Offset(5, 8));    // pad (8 − 5) // 2 = 1 on top, 2 below
    }

    [Fact]
    public void MatchTorchvision()
    {
        var data = TorchvisionCases.Load("resize");
        foreach (var name in new[] { "shorter_side_4", "center_crop_4", "center_crop_3x4", "center_crop_pad_8x10" })
        {
            var e = data.Case(name);
            var (shape, src) = data.Input(e.GetProperty("input").GetString()!);
            var cfg = e.GetProperty("config");
            IResizeTransform t = name.StartsWith("shorter", StringComparison.Ordinal)
                ? new Resize(cfg.GetProperty("shorter").GetInt32())
                : new CenterCrop(cfg.GetProperty("height").GetInt32(), cfg.GetProperty("width").GetInt32());
            var (outShape, expected) = TorchvisionCases.Tensor(e.GetProperty("output"));
            Assert.Equal((outShape[1], outShape[2]), t.OutputSize(shape[1], shape[2]));
            TorchvisionCases.AssertClose(expected, Run(t, src, shape[0], shape[1], shape[2]), 1e-5, 1e-5, name);
        }
    }

    [Fact]
    public void InPlaceUseWorksOnlyWhenTheSizeStays()
    {
        var src = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        var same = (float[])src.Clone();
        var rng = new CounterGenerator(0, 0);
        ((IImageTransform)new CenterCrop(4)).Apply(new ImageBuffer(same, new float[16], 1, 4, 4), ref rng);
        Assert.Equal(src, same);
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            var r = new CounterGenerator(0, 0);
            ((IImageTransform)new CenterCrop(2)).Apply(new ImageBuffer((float[])src.Clone(), new float[16], 1, 4, 4), ref r);
        });
        Assert.Contains("turns 4x4 images into 2x2", e.Message);
    }
}

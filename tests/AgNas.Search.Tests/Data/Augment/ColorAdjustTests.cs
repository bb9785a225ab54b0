using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data.Augment;

public class ColorAdjustTests
{
    [Fact]
    public void EachAdjustmentMatchesTorchvisionFunctional()
    {
        var data = TorchvisionCases.Load("colour");
        int checkedCases = 0;
        foreach (var e in data.Cases)
        {
            string op = e.GetProperty("op").GetString()!;
            if (op == "jitter") continue;
            var (shape, input) = data.Input(e.GetProperty("input").GetString()!);
            float f = e.GetProperty("factor").GetSingle();
            var pixels = (float[])input.Clone();
            var image = new ImageBuffer(pixels, new float[pixels.Length], shape[0], shape[1], shape[2]);
            double tolerance = 1e-5;
            switch (op)
            {
                case "brightness": ColorAdjust.Brightness(image, f); break;
                case "contrast": ColorAdjust.Contrast(image, f); break;
                case "saturation": ColorAdjust.Saturation(image, f); break;
                case "hue": ColorAdjust.Hue(image, f); tolerance = 1e-4; break;
                default: throw new InvalidOperationException($"unknown op {op}");
            }
            var (_, expected) = TorchvisionCases.Tensor(e.GetProperty("output"));
            TorchvisionCases.AssertClose(expected, pixels, tolerance, tolerance, $"{op} {f} on {e.GetProperty("input").GetString()}");
            checkedCases++;
        }
        Assert.Equal(16, checkedCases);
    }

    [Fact]
    public void JitterInAFixedOrderMatchesTorchvision()
    {
        var data = TorchvisionCases.Load("colour");
        var e = data.Cases.Single(c => c.GetProperty("op").GetString() == "jitter");
        var (shape, input) = data.Input("rgb");
        var pixels = (float[])input.Clone();
        int[] order = e.GetProperty("order").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        ColorJitter.Adjust(new ImageBuffer(pixels, new float[pixels.Length], shape[0], shape[1], shape[2]), order,
            e.GetProperty("brightness").GetSingle(), e.GetProperty("contrast").GetSingle(),
            e.GetProperty("saturation").GetSingle(), e.GetProperty("hue").GetSingle());
        var (_, expected) = TorchvisionCases.Tensor(e.GetProperty("output"));
        TorchvisionCases.AssertClose(expected, pixels, 1e-4, 1e-4, "jitter");
    }

    [Fact]
    public void HsvRoundTripsAndGreyHasNoHue()
    {
        var rng = new Random(3);
        for (int i = 0; i < 1000; i++)
        {
            float r = rng.NextSingle(), g = rng.NextSingle(), b = rng.NextSingle();
            var (h, s, v) = ColorAdjust.RgbToHsv(r, g, b);
            Assert.InRange(h, 0f, 1f - 1e-7f);
            var (r2, g2, b2) = ColorAdjust.HsvToRgb(h, s, v);
            Assert.Equal(r, r2, 1e-6f);
            Assert.Equal(g, g2, 1e-6f);
            Assert.Equal(b, b2, 1e-6f);
        }
        Assert.Equal((0f, 0f, 0.5f), ColorAdjust.RgbToHsv(0.5f, 0.5f, 0.5f));
    }

    [Fact]
    public void GreyImagesTakeBrightnessAndContrastOnlyAndOtherChannelCountsAreRefused()
    {
        var grey = new float[] { 0.2f, 0.4f, 0.6f, 0.8f };
        var copy = (float[])grey.Clone();
        ColorAdjust.Saturation(new ImageBuffer(copy, new float[4], 1, 2, 2), 0.1f);
        ColorAdjust.Hue(new ImageBuffer(copy, new float[4], 1, 2, 2), 0.3f);
        Assert.Equal(grey, copy);
        ColorAdjust.Contrast(new ImageBuffer(copy, new float[4], 1, 2, 2), 0.5f);   // mean 0.5: halfway towards it
        Assert.Equal([0.35f, 0.45f, 0.55f, 0.65f], copy.Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Contains("not 2 channels", Assert.Throws<ArgumentException>(() =>
            ColorAdjust.Brightness(new ImageBuffer(new float[8], new float[8], 2, 2, 2), 1.1f)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ColorAdjust.Hue(new ImageBuffer(new float[3], new float[3], 3, 1, 1), 0.6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => ColorAdjust.Brightness(new ImageBuffer(new float[3], new float[3], 3, 1, 1), -0.1f));
    }
}

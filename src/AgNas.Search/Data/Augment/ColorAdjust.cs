namespace AgNas.Search.Data;

/// <summary>
/// torchvision.transforms.functional's colour adjustments on float CHW images with values in
/// [0, 1] (before <see cref="Normalize"/>), in place. Each blend is
/// clamp(f·img + (1 − f)·other, 0, 1) (torchvision's <c>_blend</c>); grey is
/// 0.2989·R + 0.587·G + 0.114·B (<c>rgb_to_grayscale</c>). 1-channel images are accepted as
/// torchvision accepts them: brightness and contrast apply, saturation and hue leave them unchanged.
/// </summary>
public static class ColorAdjust
{
    public const float RedWeight = 0.2989f, GreenWeight = 0.587f, BlueWeight = 0.114f;

    /// <summary><c>adjust_brightness</c>: img ← clamp(f·img, 0, 1) (a blend with black).</summary>
    /// <exception cref="ArgumentOutOfRangeException">f &lt; 0.</exception>
    public static void Brightness(ImageBuffer image, float factor)
    {
        CheckFactor(factor, "brightness");
        CheckChannels(image);
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i++) p[i] = Clamp01(factor * p[i]);
    }

    /// <summary>
    /// <c>adjust_contrast</c>: a blend with m, the mean over the whole image of its grey version
    /// (RGB) or of the image itself (1 channel).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">f &lt; 0.</exception>
    public static void Contrast(ImageBuffer image, float factor)
    {
        CheckFactor(factor, "contrast");
        CheckChannels(image);
        int plane = image.Height * image.Width;
        var p = image.Pixels;
        double sum = 0;
        if (image.Channels == 1)
        {
            for (int i = 0; i < plane; i++) sum += p[i];
        }
        else
        {
            for (int i = 0; i < plane; i++) sum += Grey(p[i], p[plane + i], p[2 * plane + i]);
        }
        float other = (1f - factor) * (float)(sum / plane);
        for (int i = 0; i < p.Length; i++) p[i] = Clamp01(factor * p[i] + other);
    }

    /// <summary><c>adjust_saturation</c>: a per-pixel blend with the pixel's grey value; 1-channel images are left unchanged.</summary>
    /// <exception cref="ArgumentOutOfRangeException">f &lt; 0.</exception>
    public static void Saturation(ImageBuffer image, float factor)
    {
        CheckFactor(factor, "saturation");
        CheckChannels(image);
        if (image.Channels == 1) return;
        int plane = image.Height * image.Width;
        var r = image.Pixels[..plane];
        var g = image.Pixels.Slice(plane, plane);
        var b = image.Pixels.Slice(2 * plane, plane);
        float keep = 1f - factor;
        for (int i = 0; i < plane; i++)
        {
            float grey = keep * Grey(r[i], g[i], b[i]);
            r[i] = Clamp01(factor * r[i] + grey);
            g[i] = Clamp01(factor * g[i] + grey);
            b[i] = Clamp01(factor * b[i] + grey);
        }
    }

    /// <summary>
    /// <c>adjust_hue</c>: each pixel goes to HSV, its hue h becomes (h + f) mod 1, and back to RGB;
    /// 1-channel images are left unchanged. Pixels are assumed in [0, 1] (the HSV round trip is
    /// defined there; the result stays in [0, 1]).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">f outside [−0.5, 0.5].</exception>
    public static void Hue(ImageBuffer image, float factor)
    {
        if (!(factor >= -0.5f && factor <= 0.5f))
            throw new ArgumentOutOfRangeException(nameof(factor), $"ColorAdjust: hue factor {factor} must be in [-0.5, 0.5].");
        CheckChannels(image);
        if (image.Channels == 1) return;
        int plane = image.Height * image.Width;
        var r = image.Pixels[..plane];
        var g = image.Pixels.Slice(plane, plane);
        var b = image.Pixels.Slice(2 * plane, plane);
        for (int i = 0; i < plane; i++)
        {
            var (h, s, v) = RgbToHsv(r[i], g[i], b[i]);
            h += factor;
            h -= MathF.Floor(h);            // Python's %: the result lies in [0, 1)
            if (h >= 1f) h = 0f;            // -tiny + 1 can round up to 1
            (r[i], g[i], b[i]) = HsvToRgb(h, s, v);
        }
    }

    /// <summary>The grey value of one RGB pixel (<c>rgb_to_grayscale</c>).</summary>
    public static float Grey(float r, float g, float b) => RedWeight * r + GreenWeight * g + BlueWeight * b;

    /// <summary>
    /// Hexcone HSV of an RGB pixel in [0, 1]: v = max, s = (max − min) / max (0 when max = min),
    /// h in [0, 1) from the sector of the largest channel (red wins ties, then green); grey pixels get h = 0.
    /// </summary>
    public static (float H, float S, float V) RgbToHsv(float r, float g, float b)
    {
        float max = MathF.Max(r, MathF.Max(g, b));
        float min = MathF.Min(r, MathF.Min(g, b));
        float chroma = max - min;
        if (chroma == 0f) return (0f, 0f, max);
        float s = chroma / max;
        float sector;                       // position on the hexagon in [−1, 5]
        if (max == r) sector = (g - b) / chroma;
        else if (max == g) sector = 2f + (b - r) / chroma;
        else sector = 4f + (r - g) / chroma;
        float h = sector / 6f + 1f;
        h -= MathF.Floor(h);
        return (h, s, max);
    }

    /// <summary>The inverse of <see cref="RgbToHsv"/> for h in [0, 1); p, q, t are clamped to [0, 1].</summary>
    public static (float R, float G, float B) HsvToRgb(float h, float s, float v)
    {
        float scaled = h * 6f;
        float sectorFloor = MathF.Floor(scaled);
        float f = scaled - sectorFloor;
        int sector = ((int)sectorFloor % 6 + 6) % 6;
        float p = Clamp01(v * (1f - s));
        float q = Clamp01(v * (1f - s * f));
        float t = Clamp01(v * (1f - s * (1f - f)));
        return sector switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    private static float Clamp01(float x) => x < 0f ? 0f : x > 1f ? 1f : x;

    private static void CheckFactor(float factor, string what)
    {
        if (!(factor >= 0f) || float.IsPositiveInfinity(factor))
            throw new ArgumentOutOfRangeException(nameof(factor), $"ColorAdjust: {what} factor {factor} must be a finite number ≥ 0.");
    }

    private static void CheckChannels(ImageBuffer image)
    {
        if (image.Channels is not (1 or 3))
            throw new ArgumentException($"ColorAdjust: colour adjustments need 1- or 3-channel images, not {image.Channels} channels.");
    }
}

namespace AgNas.Search.Data;

/// <summary>
/// torchvision's <c>ColorJitter(brightness, contrast, saturation, hue)</c> on float CHW images in
/// [0, 1]: per image, factors b, c, s ~ U[max(0, 1 − x), 1 + x] for x = brightness, contrast,
/// saturation and h ~ U[−hue, hue], then the four <see cref="ColorAdjust"/> functions in a random
/// order (torchvision's <c>randperm(4)</c>); an adjustment whose parameter is 0 is skipped, as
/// torchvision skips it. Results are clamped to [0, 1], so it must run BEFORE <see cref="Normalize"/>
/// (<see cref="Validate"/> cannot see the order; <see cref="Augmentation"/> checks it).
/// <para><b>Grey images</b> are accepted, as torchvision accepts them: brightness and contrast apply,
/// saturation and hue leave a 1-channel image unchanged. The presets leave ColorJitter out for grey data.</para>
/// <para>Draws per image: always 3 for the order (Fisher–Yates on 4) and 4 factors, used or not.</para>
/// </summary>
public sealed class ColorJitter : IImageTransform
{
    /// <summary>Order indices as torchvision numbers them: 0 brightness, 1 contrast, 2 saturation, 3 hue.</summary>
    public const int BrightnessIndex = 0, ContrastIndex = 1, SaturationIndex = 2, HueIndex = 3;

    /// <exception cref="ArgumentOutOfRangeException">brightness, contrast or saturation &lt; 0, or hue outside [0, 0.5].</exception>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0)
    {
        CheckStrength(brightness, nameof(brightness));
        CheckStrength(contrast, nameof(contrast));
        CheckStrength(saturation, nameof(saturation));
        if (!(hue >= 0 && hue <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(hue), $"ColorJitter: hue {hue} must be in [0, 0.5].");
        Brightness = brightness;
        Contrast = contrast;
        Saturation = saturation;
        Hue = hue;
    }

    public double Brightness { get; }
    public double Contrast { get; }
    public double Saturation { get; }
    public double Hue { get; }
    public bool IsRandom => Brightness > 0 || Contrast > 0 || Saturation > 0 || Hue > 0;

    public void Validate(int channels, int height, int width)
    {
        if (channels is not (1 or 3))
            throw new ArgumentException($"ColorJitter: needs 3-channel RGB (or 1-channel grey) images, not {channels} channels.");
    }

    public void Apply(ImageBuffer image, ref CounterGenerator random)
    {
        Span<int> order = [BrightnessIndex, ContrastIndex, SaturationIndex, HueIndex];
        random.Shuffle(order);
        float b = (float)FactorRange(Brightness, random.NextDouble());
        float c = (float)FactorRange(Contrast, random.NextDouble());
        float s = (float)FactorRange(Saturation, random.NextDouble());
        float h = (float)(Hue * (2 * random.NextDouble() - 1));
        Adjust(image, order, Brightness > 0 ? b : null, Contrast > 0 ? c : null, Saturation > 0 ? s : null, Hue > 0 ? h : null);
    }

    /// <summary>
    /// Applies the given factors in <paramref name="order"/> (a permutation of 0..3, see
    /// <see cref="BrightnessIndex"/>); a null factor is skipped. torchvision's <c>ColorJitter.forward</c>
    /// with the draws supplied.
    /// </summary>
    public static void Adjust(ImageBuffer image, ReadOnlySpan<int> order, float? brightness, float? contrast, float? saturation, float? hue)
    {
        foreach (int step in order)
        {
            switch (step)
            {
                case BrightnessIndex when brightness is float f: ColorAdjust.Brightness(image, f); break;
                case ContrastIndex when contrast is float f: ColorAdjust.Contrast(image, f); break;
                case SaturationIndex when saturation is float f: ColorAdjust.Saturation(image, f); break;
                case HueIndex when hue is float f: ColorAdjust.Hue(image, f); break;
            }
        }
    }

    /// <summary>A factor ~ U[max(0, 1 − x), 1 + x] from a uniform u in [0, 1).</summary>
    private static double FactorRange(double x, double u)
    {
        double lo = Math.Max(0, 1 - x), hi = 1 + x;
        return lo + u * (hi - lo);
    }

    private static void CheckStrength(double value, string name)
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(name, $"ColorJitter: {name} {value} must be a finite number ≥ 0.");
    }

    public override string ToString() => $"ColorJitter(brightness {Brightness}, contrast {Contrast}, saturation {Saturation}, hue {Hue})";
}

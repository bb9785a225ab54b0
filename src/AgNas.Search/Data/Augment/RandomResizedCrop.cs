namespace AgNas.Search.Data;

/// <summary>
/// torchvision's <c>RandomResizedCrop(size, scale, ratio, BILINEAR)</c>: a random box of the C×H×W
/// image is resampled to C×size×size by <see cref="BilinearResampler"/> (antialiased when the box
/// is larger than the output, as with antialias=True or PIL). The box follows
/// <c>RandomResizedCrop.get_params</c>; see <see cref="SampleBox(int, int, ReadOnlySpan{double})"/>.
/// <para>Draws per image: always <see cref="DrawsPerImage"/> uniforms (10 attempts × 2, then the
/// row and column), whether or not an attempt succeeds, so later transforms see the same stream
/// position whatever the image.</para>
/// <para>Place it first, as torchvision's Inception recipe does: <see cref="ColorJitter"/> and
/// <see cref="Normalize"/> then work on the size×size output.</para>
/// </summary>
public sealed class RandomResizedCrop : IResizeTransform
{
    /// <summary>Attempts before the central-crop fallback (torchvision: 10).</summary>
    public const int Attempts = 10;

    /// <summary>Uniform draws consumed per image: two per attempt, then row and column.</summary>
    public const int DrawsPerImage = 2 * Attempts + 2;

    /// <param name="size">Output height and width.</param>
    /// <param name="scaleMin">Smallest area fraction of the box (torchvision 0.08).</param>
    /// <param name="scaleMax">Largest area fraction (1.0).</param>
    /// <param name="ratioMin">Smallest width/height ratio (3/4).</param>
    /// <param name="ratioMax">Largest width/height ratio (4/3).</param>
    /// <exception cref="ArgumentOutOfRangeException">size ≤ 0, scale not 0 ≤ min ≤ max, or ratio not 0 &lt; min ≤ max.</exception>
    public RandomResizedCrop(int size, double scaleMin = 0.08, double scaleMax = 1.0, double ratioMin = 3.0 / 4.0, double ratioMax = 4.0 / 3.0)
        : this(size, size, scaleMin, scaleMax, ratioMin, ratioMax)
    {
    }

    /// <summary>A non-square output (torchvision's size = (h, w)).</summary>
    public RandomResizedCrop(int height, int width, double scaleMin, double scaleMax, double ratioMin, double ratioMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (!(scaleMin >= 0 && scaleMin <= scaleMax && double.IsFinite(scaleMax)))
            throw new ArgumentOutOfRangeException(nameof(scaleMin), $"RandomResizedCrop: scale ({scaleMin}, {scaleMax}) must satisfy 0 ≤ min ≤ max.");
        if (!(ratioMin > 0 && ratioMin <= ratioMax && double.IsFinite(ratioMax)))
            throw new ArgumentOutOfRangeException(nameof(ratioMin), $"RandomResizedCrop: ratio ({ratioMin}, {ratioMax}) must satisfy 0 < min ≤ max.");
        Height = height;
        Width = width;
        ScaleMin = scaleMin;
        ScaleMax = scaleMax;
        RatioMin = ratioMin;
        RatioMax = ratioMax;
    }

    public int Height { get; }
    public int Width { get; }
    public double ScaleMin { get; }
    public double ScaleMax { get; }
    public double RatioMin { get; }
    public double RatioMax { get; }
    public bool IsRandom => true;

    public (int Height, int Width) OutputSize(int height, int width) => (Height, Width);

    public void Apply(ImageBuffer image, Span<float> destination, ref CounterGenerator random)
    {
        Span<double> draws = stackalloc double[DrawsPerImage];
        for (int i = 0; i < draws.Length; i++) draws[i] = random.NextDouble();
        var box = SampleBox(image.Height, image.Width, draws);
        BilinearResampler.Resize(image.Pixels, image.Channels, image.Height, image.Width, box, destination, Height, Width, image.Scratch);
    }

    /// <summary>
    /// torchvision's <c>get_params</c> on given uniforms in [0, 1). Attempt k (k &lt; 10) reads
    /// u[2k] and u[2k+1]: area = H·W·(scaleMin + u[2k]·(scaleMax − scaleMin)), aspect =
    /// exp(ln ratioMin + u[2k+1]·(ln ratioMax − ln ratioMin)), w = round(√(area·aspect)),
    /// h = round(√(area / aspect)) (round half to even, as Python's round); it is accepted when
    /// 0 &lt; w ≤ W and 0 &lt; h ≤ H, and then top = ⌊u[20]·(H − h + 1)⌋, left = ⌊u[21]·(W − w + 1)⌋.
    /// If no attempt fits, the central crop with the aspect clamped to [ratioMin, ratioMax]: W/H below
    /// the range keeps w = W, h = round(W / ratioMin); above it keeps h = H, w = round(H·ratioMax);
    /// otherwise the whole image; top = (H − h) / 2, left = (W − w) / 2 (integer division).
    /// <paramref name="uniforms"/> holds at least <see cref="DrawsPerImage"/> values in [0, 1).
    /// </summary>
    /// <exception cref="ArgumentException">Too few uniforms or an empty image.</exception>
    public CropBox SampleBox(int height, int width, ReadOnlySpan<double> uniforms) =>
        SampleBox(height, width, uniforms, ScaleMin, ScaleMax, RatioMin, RatioMax);

    /// <inheritdoc cref="SampleBox(int, int, ReadOnlySpan{double})"/>
    public static CropBox SampleBox(int height, int width, ReadOnlySpan<double> uniforms,
        double scaleMin, double scaleMax, double ratioMin, double ratioMax)
    {
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"RandomResizedCrop: cannot crop a {height}x{width} image.");
        if (uniforms.Length < DrawsPerImage)
            throw new ArgumentException($"RandomResizedCrop: {uniforms.Length} uniforms; a box needs {DrawsPerImage}.");
        double area = (double)height * width;
        double logMin = Math.Log(ratioMin), logMax = Math.Log(ratioMax);
        for (int k = 0; k < Attempts; k++)
        {
            double target = area * (scaleMin + uniforms[2 * k] * (scaleMax - scaleMin));
            double aspect = Math.Exp(logMin + uniforms[2 * k + 1] * (logMax - logMin));
            int w = (int)Math.Round(Math.Sqrt(target * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(target / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = Math.Min((int)(uniforms[2 * Attempts] * (height - h + 1)), height - h);
                int left = Math.Min((int)(uniforms[2 * Attempts + 1] * (width - w + 1)), width - w);
                return new CropBox(top, left, h, w);
            }
        }
        return CentralBox(height, width, ratioMin, ratioMax);
    }

    /// <summary>The fallback of <see cref="SampleBox(int, int, ReadOnlySpan{double})"/>: the central crop with its aspect clamped to [ratioMin, ratioMax].</summary>
    public static CropBox CentralBox(int height, int width, double ratioMin, double ratioMax)
    {
        double inRatio = (double)width / height;
        int w = width, h = height;
        if (inRatio < ratioMin) h = (int)Math.Round(w / ratioMin, MidpointRounding.ToEven);
        else if (inRatio > ratioMax) w = (int)Math.Round(h * ratioMax, MidpointRounding.ToEven);
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    public override string ToString() =>
        $"RandomResizedCrop({(Height == Width ? $"{Height}" : $"{Height}x{Width}")}, scale ({ScaleMin}, {ScaleMax}), ratio ({RatioMin:0.####}, {RatioMax:0.####}))";
}

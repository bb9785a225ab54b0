namespace AgNas.Search.Data;

/// <summary>
/// torchvision's <c>Resize(size, BILINEAR)</c>, deterministic: with one size the shorter side
/// becomes <c>size</c> and the longer one ⌊size·long / short⌋ (torchvision's
/// <c>_compute_resized_output_size</c>); with (height, width) the image is resized to exactly that.
/// Resampling by <see cref="BilinearResampler"/> (antialiased when shrinking, like antialias=True
/// and PIL; see there). C×H×W in, C×OH×OW out.
/// </summary>
public sealed class Resize : IResizeTransform
{
    /// <param name="size">The length of the shorter side after resizing.</param>
    /// <exception cref="ArgumentOutOfRangeException">size ≤ 0.</exception>
    public Resize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ShorterSide = size;
    }

    /// <summary>A fixed output size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size ≤ 0.</exception>
    public Resize(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        FixedSize = (height, width);
    }

    /// <summary>The shorter side's target length, or null when <see cref="FixedSize"/> is set.</summary>
    public int? ShorterSide { get; }

    /// <summary>The exact output size, or null when <see cref="ShorterSide"/> is set.</summary>
    public (int Height, int Width)? FixedSize { get; }

    public bool IsRandom => false;

    public (int Height, int Width) OutputSize(int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"Resize: cannot resize a {height}x{width} image.");
        if (FixedSize is { } fixedSize) return fixedSize;
        int size = ShorterSide!.Value;
        int shorter = Math.Min(height, width), longer = Math.Max(height, width);
        int newLonger = (int)((double)size * longer / shorter);
        return height <= width ? (size, newLonger) : (newLonger, size);
    }

    public void Validate(int channels, int height, int width) => OutputSize(height, width);

    public void Apply(ImageBuffer image, Span<float> destination, ref CounterGenerator random)
    {
        var (h, w) = OutputSize(image.Height, image.Width);
        BilinearResampler.Resize(image.Pixels, image.Channels, image.Height, image.Width,
            new CropBox(0, 0, image.Height, image.Width), destination, h, w, image.Scratch);
    }

    public override string ToString() => FixedSize is { } s ? $"Resize({s.Height}x{s.Width})" : $"Resize({ShorterSide})";
}

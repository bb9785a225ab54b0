namespace AgNas.Search.Data;

/// <summary>
/// One image being augmented: float pixels in CHW order, plus a scratch span of the same size that
/// a transform may overwrite freely (the crop uses it). Both belong to the caller.
/// </summary>
public readonly ref struct ImageBuffer
{
    public ImageBuffer(Span<float> pixels, Span<float> scratch, int channels, int height, int width)
    {
        if (pixels.Length != channels * height * width)
            throw new ArgumentException($"ImageBuffer: {pixels.Length} pixels for a {channels}x{height}x{width} image; expected {channels * height * width}.");
        if (scratch.Length < pixels.Length)
            throw new ArgumentException($"ImageBuffer: scratch of {scratch.Length} floats is smaller than the image ({pixels.Length}).");
        Pixels = pixels;
        Scratch = scratch;
        Channels = channels;
        Height = height;
        Width = width;
    }

    public Span<float> Pixels { get; }
    public Span<float> Scratch { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Row <paramref name="y"/> of channel <paramref name="c"/>.</summary>
    public Span<float> Row(int c, int y) => Pixels.Slice((c * Height + y) * Width, Width);
}

/// <summary>
/// An in-place image transform of the augmentation pipeline. Random transforms draw only from the
/// generator they are handed, which <see cref="Augmentation"/> derives from (seed, epoch, sample
/// index), so results do not depend on threads or prefetching. Transforms that change the image's
/// height and width implement <see cref="IResizeTransform"/>.
/// </summary>
public interface IImageTransform
{
    /// <summary>True when the transform draws random numbers.</summary>
    bool IsRandom { get; }

    void Apply(ImageBuffer image, ref CounterGenerator random);

    /// <summary>Throws <see cref="ArgumentException"/> when the transform cannot handle C×H×W images.</summary>
    void Validate(int channels, int height, int width) { }
}

namespace AgNas.Search.Data;

/// <summary>
/// A transform whose output may differ in height and width from its input (crops, resizes). The
/// channels never change. <see cref="Augmentation"/> calls
/// <see cref="Apply(ImageBuffer, Span{float}, ref CounterGenerator)"/> with a separate destination
/// and tracks the image size from one transform to the next.
/// </summary>
public interface IResizeTransform : IImageTransform
{
    /// <summary>The output (height, width) for an input of <paramref name="height"/>×<paramref name="width"/>.</summary>
    /// <exception cref="ArgumentException">The transform cannot handle that size.</exception>
    (int Height, int Width) OutputSize(int height, int width);

    /// <summary>
    /// Reads <paramref name="image"/>.Pixels (C×H×W) and writes the C×OH×OW result, (OH, OW) =
    /// <see cref="OutputSize"/>, into <paramref name="destination"/> (CHW, exactly C·OH·OW floats).
    /// <paramref name="image"/>.Scratch is working space: it must hold max(C·H·W, C·OH·OW) floats.
    /// </summary>
    void Apply(ImageBuffer image, Span<float> destination, ref CounterGenerator random);

    /// <summary>
    /// In-place use, for an output of the input's own size only (e.g. RandomResizedCrop(32) on a 32×32
    /// image); goes through a pooled buffer.
    /// </summary>
    /// <exception cref="InvalidOperationException">The output size differs from the input's; run the transform inside an <see cref="Augmentation"/>.</exception>
    void IImageTransform.Apply(ImageBuffer image, ref CounterGenerator random)
    {
        var (h, w) = OutputSize(image.Height, image.Width);
        if (h != image.Height || w != image.Width)
            throw new InvalidOperationException(
                $"{this}: turns {image.Height}x{image.Width} images into {h}x{w}, so it cannot work in place; run it inside an Augmentation.");
        var rented = System.Buffers.ArrayPool<float>.Shared.Rent(image.Pixels.Length);
        try
        {
            var output = rented.AsSpan(0, image.Pixels.Length);
            Apply(image, output, ref random);
            output.CopyTo(image.Pixels);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
    }
}

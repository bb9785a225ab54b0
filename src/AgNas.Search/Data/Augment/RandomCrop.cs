namespace AgNas.Search.Data;

/// <summary>
/// torchvision's <c>RandomCrop(size, padding)</c> with the output size equal to the input size:
/// the image is padded by <see cref="Padding"/> zero pixels on every side and an H×W window is
/// taken at an offset (dy, dx) drawn uniformly from [0, 2·padding]² (dy first). Equivalently, the
/// content shifts by (padding − dy, padding − dx) and uncovered pixels become 0.
/// Run it before <see cref="Normalize"/>: the padding is then black (0 in [0, 1]), as in
/// torchvision where padding is applied to the uint8 image.
/// </summary>
public sealed class RandomCrop : IImageTransform
{
    public RandomCrop(int padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Padding = padding;
    }

    public int Padding { get; }
    public bool IsRandom => Padding > 0;

    public void Apply(ImageBuffer image, ref CounterGenerator random)
    {
        if (Padding == 0) return;
        int dy = random.NextInt(2 * Padding + 1);
        int dx = random.NextInt(2 * Padding + 1);
        Crop(image, Padding, dy, dx);
    }

    /// <summary>
    /// Takes the window at (dy, dx) of the image zero-padded by <paramref name="padding"/>:
    /// out[c, y, x] = in[c, y + dy − padding, x + dx − padding], or 0 outside the image.
    /// </summary>
    public static void Crop(ImageBuffer image, int padding, int dy, int dx)
    {
        int h = image.Height, w = image.Width;
        int sy = dy - padding, sx = dx - padding;    // source offset of the window
        if (sy == 0 && sx == 0) return;
        var src = image.Scratch[..image.Pixels.Length];
        image.Pixels.CopyTo(src);
        image.Pixels.Clear();
        // Columns x of the output whose source column x + sx lies in [0, w).
        int x0 = Math.Max(0, -sx), x1 = Math.Min(w, w - sx);
        if (x0 >= x1) return;
        for (int c = 0; c < image.Channels; c++)
        for (int y = 0; y < h; y++)
        {
            int srcY = y + sy;
            if (srcY < 0 || srcY >= h) continue;
            src.Slice((c * h + srcY) * w + x0 + sx, x1 - x0).CopyTo(image.Row(c, y)[x0..x1]);
        }
    }

    public override string ToString() => $"RandomCrop(pad {Padding})";
}

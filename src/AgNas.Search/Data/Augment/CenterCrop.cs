namespace AgNas.Search.Data;

/// <summary>
/// torchvision's <c>CenterCrop(size)</c>, deterministic: out[c, y, x] = in[c, y + top, x + left]
/// with top = round((H − h) / 2), left = round((W − w) / 2) (round half to even, as Python's
/// round). A crop larger than the image pads it with zeros first, as <c>F.center_crop</c> does:
/// (h − H) / 2 rows on top (integer division), the rest at the bottom, likewise for columns.
/// Run it before <see cref="Normalize"/> so the padding is black. C×H×W in, C×h×w out.
/// </summary>
public sealed class CenterCrop : IResizeTransform
{
    /// <exception cref="ArgumentOutOfRangeException">size ≤ 0.</exception>
    public CenterCrop(int size) : this(size, size)
    {
    }

    /// <exception cref="ArgumentOutOfRangeException">A size ≤ 0.</exception>
    public CenterCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
    }

    public int Height { get; }
    public int Width { get; }
    public bool IsRandom => false;

    public (int Height, int Width) OutputSize(int height, int width) => (Height, Width);

    /// <summary>The offset of the output's (0, 0) in the input; negative where the output starts in the padding.</summary>
    public static int Offset(int inSize, int outSize) =>
        outSize > inSize ? -((outSize - inSize) / 2) : (int)Math.Round((inSize - outSize) / 2.0, MidpointRounding.ToEven);

    public void Apply(ImageBuffer image, Span<float> destination, ref CounterGenerator random)
    {
        int h = image.Height, w = image.Width;
        if (destination.Length != image.Channels * Height * Width)
            throw new ArgumentException($"CenterCrop: {destination.Length} destination floats for {image.Channels}x{Height}x{Width}.");
        int top = Offset(h, Height), left = Offset(w, Width);
        // Output columns x whose source column x + left lies in [0, w).
        int x0 = Math.Max(0, -left), x1 = Math.Min(Width, w - left);
        for (int c = 0; c < image.Channels; c++)
        for (int y = 0; y < Height; y++)
        {
            var row = destination.Slice((c * Height + y) * Width, Width);
            int sy = y + top;
            if (sy < 0 || sy >= h || x0 >= x1)
            {
                row.Clear();
                continue;
            }
            row[..x0].Clear();
            row[x1..].Clear();
            image.Row(c, sy).Slice(x0 + left, x1 - x0).CopyTo(row[x0..x1]);
        }
    }

    public override string ToString() => Height == Width ? $"CenterCrop({Height})" : $"CenterCrop({Height}x{Width})";
}

namespace AgNas.Search.Data;

/// <summary>
/// DARTS <c>utils.Cutout(length)</c>: a centre (cy, cx) is drawn uniformly over the image (cy
/// first), and rows [cy − L/2, cy + L/2) × columns [cx − L/2, cx + L/2), clipped at the borders,
/// are set to 0 in every channel. L/2 is integer division, as in DARTS, so an odd L cuts a square
/// of side L − 1. Put it after <see cref="Normalize"/> (zero is then the mean colour), as DARTS does.
/// </summary>
public sealed class Cutout : IImageTransform
{
    public Cutout(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
    }

    public int Length { get; }
    public bool IsRandom => true;

    public void Apply(ImageBuffer image, ref CounterGenerator random)
    {
        int cy = random.NextInt(image.Height);
        int cx = random.NextInt(image.Width);
        Erase(image, cy, cx, Length);
    }

    /// <summary>Zeroes the square of side <paramref name="length"/> centred at (cy, cx), clipped to the image.</summary>
    public static void Erase(ImageBuffer image, int cy, int cx, int length)
    {
        int half = length / 2;
        int y1 = Math.Clamp(cy - half, 0, image.Height), y2 = Math.Clamp(cy + half, 0, image.Height);
        int x1 = Math.Clamp(cx - half, 0, image.Width), x2 = Math.Clamp(cx + half, 0, image.Width);
        for (int c = 0; c < image.Channels; c++)
        for (int y = y1; y < y2; y++)
            image.Row(c, y)[x1..x2].Clear();
    }

    public override string ToString() => $"Cutout({Length})";
}

namespace AgNas.Search.Data;

/// <summary>
/// A rectangle of an image in pixels: rows [Top, Top + Height), columns [Left, Left + Width); the
/// (i, j, h, w) that torchvision's crop functions take.
/// </summary>
public readonly record struct CropBox(int Top, int Left, int Height, int Width)
{
    /// <summary>True when the box lies inside an image of <paramref name="height"/>×<paramref name="width"/> and is not empty.</summary>
    public bool FitsIn(int height, int width) =>
        Height > 0 && Width > 0 && Top >= 0 && Left >= 0 && Top + Height <= height && Left + Width <= width;

    public override string ToString() => $"(top {Top}, left {Left}, {Height}x{Width})";
}

namespace AgNas.Search.Data;

/// <summary>
/// torchvision's <c>Normalize(mean, std)</c>: x ← (x − mean[c]) / std[c] per channel, on pixels
/// already scaled to [0, 1] (<see cref="Augmentation"/> divides the bytes by 255 first).
/// </summary>
public sealed class Normalize : IImageTransform
{
    private readonly float[] _mean, _std;

    public Normalize(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"Normalize: {mean.Count} means and {std.Count} stds; expected one of each per channel.");
        if (std.Any(s => !(s > 0)))
            throw new ArgumentException($"Normalize: std ({string.Join(", ", std)}) must be positive.");
        _mean = mean.ToArray();
        _std = std.ToArray();
    }

    public IReadOnlyList<float> Mean => _mean;
    public IReadOnlyList<float> Std => _std;
    public bool IsRandom => false;

    public void Validate(int channels, int height, int width)
    {
        if (channels != _mean.Length)
            throw new ArgumentException($"Normalize: {_mean.Length} channel means for {channels}-channel images.");
    }

    public void Apply(ImageBuffer image, ref CounterGenerator random)
    {
        Validate(image.Channels, image.Height, image.Width);
        int plane = image.Height * image.Width;
        for (int c = 0; c < image.Channels; c++)
        {
            float m = _mean[c], inv = 1f / _std[c];
            var p = image.Pixels.Slice(c * plane, plane);
            for (int i = 0; i < p.Length; i++) p[i] = (p[i] - m) * inv;
        }
    }

    public override string ToString() => $"Normalize(mean [{string.Join(", ", _mean)}], std [{string.Join(", ", _std)}])";
}

namespace AgNas.Search.Data;

/// <summary>torchvision's <c>RandomHorizontalFlip(p)</c>: mirrors every row with probability p (one draw per image).</summary>
public sealed class HorizontalFlip : IImageTransform
{
    public HorizontalFlip(double probability = 0.5)
    {
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), $"HorizontalFlip: probability {probability} must be in [0, 1].");
        Probability = probability;
    }

    public double Probability { get; }
    public bool IsRandom => true;

    public void Apply(ImageBuffer image, ref CounterGenerator random)
    {
        if (random.NextDouble() < Probability) Mirror(image);
    }

    /// <summary>out[c, y, x] = in[c, y, W − 1 − x].</summary>
    public static void Mirror(ImageBuffer image)
    {
        for (int c = 0; c < image.Channels; c++)
        for (int y = 0; y < image.Height; y++)
            image.Row(c, y).Reverse();
    }

    public override string ToString() => $"HorizontalFlip(p {Probability})";
}

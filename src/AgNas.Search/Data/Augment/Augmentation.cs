namespace AgNas.Search.Data;

/// <summary>
/// The per-image pipeline: bytes → float / 255 (torchvision's ToTensor), then the transforms in
/// order. The random draws of image i in epoch e come from
/// <c>new CounterGenerator(seed, RandomStreams.Augment, e, i)</c> (i = index in the dataset), so the
/// same seed and epoch give the same pixels whatever the batch order, thread or prefetch depth.
/// </summary>
public sealed class Augmentation
{
    private readonly IImageTransform[] _transforms;

    public Augmentation(params IEnumerable<IImageTransform> transforms)
    {
        _transforms = transforms.ToArray();
    }

    /// <summary>Only the conversion to [0, 1]; no normalisation.</summary>
    public static Augmentation None { get; } = new();

    public IReadOnlyList<IImageTransform> Transforms => _transforms;
    public bool IsRandom => _transforms.Any(t => t.IsRandom);

    /// <summary>
    /// The training pipeline of DARTS / AGNAS: RandomCrop(pad) → HorizontalFlip(0.5) → Normalize →
    /// Cutout(L). Defaults come from <paramref name="info"/> (crop padding, flip on/off); cutout
    /// 0 = off (the search uses none; retraining uses 16).
    /// </summary>
    public static Augmentation Training(DatasetInfo info, bool? flip = null, int? cropPadding = null, int cutout = 0)
    {
        var list = new List<IImageTransform>();
        int pad = cropPadding ?? info.CropPadding;
        if (pad > 0) list.Add(new RandomCrop(pad));
        if (flip ?? info.FlipByDefault) list.Add(new HorizontalFlip(0.5));
        list.Add(new Normalize(info.Mean, info.Std));
        if (cutout > 0) list.Add(new Cutout(cutout));
        return new Augmentation(list);
    }

    /// <summary>Evaluation: normalisation only.</summary>
    public static Augmentation Evaluation(DatasetInfo info) => new(new Normalize(info.Mean, info.Std));

    /// <exception cref="ArgumentException">A transform cannot handle C×H×W images (e.g. wrong number of channel means).</exception>
    public void Validate(int channels, int height, int width)
    {
        foreach (var t in _transforms) t.Validate(channels, height, width);
    }

    /// <summary>
    /// Writes the augmented image <paramref name="sampleIndex"/> into <paramref name="destination"/>
    /// (C·H·W floats, CHW). <paramref name="scratch"/> needs C·H·W floats and is overwritten.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> source, Span<float> destination, Span<float> scratch,
        int channels, int height, int width, ulong seed, int epoch, int sampleIndex)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Augmentation: {source.Length} source bytes for {destination.Length} destination floats.");
        for (int i = 0; i < source.Length; i++) destination[i] = source[i] / 255f;
        if (_transforms.Length == 0) return;
        var image = new ImageBuffer(destination, scratch, channels, height, width);
        var random = new CounterGenerator(seed, RandomStreams.Augment, epoch, sampleIndex);
        foreach (var t in _transforms) t.Apply(image, ref random);
    }

    public override string ToString() =>
        string.Join(" → ", new[] { "ToFloat(/255)" }.Concat(_transforms.Select(t => t.ToString() ?? t.GetType().Name)));
}

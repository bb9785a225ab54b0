namespace AgNas.Search.Data;

/// <summary>
/// The per-image pipeline: bytes → float / 255 (torchvision's ToTensor), then the transforms in
/// order. The random draws of image i in epoch e come from
/// <c>new CounterGenerator(seed, RandomStreams.Augment, e, i)</c> (i = index in the dataset), so the
/// same seed and epoch give the same pixels whatever the batch order, thread or prefetch depth.
/// <para>Transforms that resize (<see cref="IResizeTransform"/>: <see cref="RandomResizedCrop"/>,
/// <see cref="Resize"/>, <see cref="CenterCrop"/>) change the image size from one step to the next;
/// <see cref="OutputShape"/> gives the final C×H×W and <see cref="ScratchSize"/> the working space
/// that <see cref="Apply"/> needs. The named pipelines live in <see cref="AugmentationPresets"/>.</para>
/// </summary>
public sealed class Augmentation
{
    private readonly IImageTransform[] _transforms;
    private readonly bool _resizes;

    public Augmentation(params IEnumerable<IImageTransform> transforms)
    {
        _transforms = transforms.ToArray();
        _resizes = _transforms.Any(t => t is IResizeTransform);
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

    /// <summary>
    /// The Inception-style training pipeline of ImageNet NAS (ProxylessNAS, AGNAS's macro search,
    /// agnas-facts §4.3): RandomResizedCrop(size) → HorizontalFlip(0.5) → ColorJitter(0.4, 0.4, 0.4,
    /// 0.2) → Normalize. ColorJitter only for RGB data; the flip follows <paramref name="flip"/>, by
    /// default <see cref="DatasetInfo.FlipByDefault"/> (off for the greyscale sets).
    /// <paramref name="imageSize"/> is the output height and width; null = the stored height (the
    /// catalog's images are square).
    /// </summary>
    public static Augmentation Inception(DatasetInfo info, int? imageSize = null, bool? flip = null)
    {
        int size = imageSize ?? info.Height;
        var list = new List<IImageTransform> { new RandomResizedCrop(size) };
        if (flip ?? info.FlipByDefault) list.Add(new HorizontalFlip(0.5));
        if (info.Channels == 3) list.Add(new ColorJitter(0.4, 0.4, 0.4, 0.2));
        list.Add(new Normalize(info.Mean, info.Std));
        return new Augmentation(list);
    }

    /// <summary>
    /// The evaluation pipeline matching <see cref="Inception"/>: Resize(⌈size / 0.875⌉) →
    /// CenterCrop(size) → Normalize (ImageNet's Resize 256 → CenterCrop 224), or Normalize alone when
    /// the stored images already are size×size.
    /// </summary>
    public static Augmentation InceptionEvaluation(DatasetInfo info, int? imageSize = null)
    {
        int size = imageSize ?? info.Height;
        if (info.Height == size && info.Width == size) return Evaluation(info);
        return new Augmentation(new Resize(EvaluationResizeFor(size)), new CenterCrop(size), new Normalize(info.Mean, info.Std));
    }

    /// <summary>⌈size / 0.875⌉ = ⌈8·size / 7⌉, the shorter side before the evaluation centre crop (224 → 256).</summary>
    public static int EvaluationResizeFor(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return (int)((8L * size + 6) / 7);
    }

    /// <summary>The C×H×W of the images <see cref="Apply"/> writes for C×H×W inputs.</summary>
    /// <exception cref="ArgumentException">A transform cannot handle the image it would receive.</exception>
    public (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        Validate(channels, height, width);
        var (h, w) = FinalSize(height, width);
        return (channels, h, w);
    }

    private (int Height, int Width) FinalSize(int height, int width)
    {
        foreach (var t in _transforms)
        {
            if (t is IResizeTransform r) (height, width) = r.OutputSize(height, width);
        }
        return (height, width);
    }

    /// <summary>
    /// Floats of scratch that <see cref="Apply"/> needs for C×H×W inputs: C·H·W when no transform
    /// resizes, otherwise 3·M, M the largest C·h·w along the pipeline.
    /// </summary>
    public int ScratchSize(int channels, int height, int width)
    {
        if (!_resizes) return channels * height * width;
        long max = (long)channels * height * width;
        foreach (var t in _transforms)
        {
            if (t is IResizeTransform r) (height, width) = r.OutputSize(height, width);
            max = Math.Max(max, (long)channels * height * width);
        }
        return checked((int)(3 * max));
    }

    /// <summary>
    /// Checks every transform against the C×H×W image it will receive, and that nothing that needs
    /// pixels in [0, 1] (<see cref="ColorJitter"/>) comes after <see cref="Normalize"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A transform cannot handle its input (e.g. wrong number of channel means), or the order is wrong.</exception>
    public void Validate(int channels, int height, int width)
    {
        bool normalised = false;
        foreach (var t in _transforms)
        {
            if (t is ColorJitter && normalised)
                throw new ArgumentException($"Augmentation: {t} needs pixels in [0, 1]; put it before Normalize ({this}).");
            normalised |= t is Normalize;
            t.Validate(channels, height, width);
            if (t is IResizeTransform r) (height, width) = r.OutputSize(height, width);
        }
    }

    /// <summary>
    /// Writes the augmented image <paramref name="sampleIndex"/> into <paramref name="destination"/>
    /// (the C·H·W floats of <see cref="OutputShape"/>, CHW). <paramref name="source"/> holds the
    /// C×H×W bytes; <paramref name="scratch"/> needs <see cref="ScratchSize"/> floats and is overwritten.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer has the wrong length.</exception>
    public void Apply(ReadOnlySpan<byte> source, Span<float> destination, Span<float> scratch,
        int channels, int height, int width, ulong seed, int epoch, int sampleIndex)
    {
        int size = channels * height * width;
        if (source.Length != size)
            throw new ArgumentException($"Augmentation: {source.Length} source bytes for a {channels}x{height}x{width} image.");
        var random = new CounterGenerator(seed, RandomStreams.Augment, epoch, sampleIndex);
        if (!_resizes)
        {
            if (destination.Length != size)
                throw new ArgumentException($"Augmentation: {source.Length} source bytes for {destination.Length} destination floats.");
            for (int i = 0; i < source.Length; i++) destination[i] = source[i] / 255f;
            if (_transforms.Length == 0) return;
            var image = new ImageBuffer(destination, scratch, channels, height, width);
            foreach (var t in _transforms) t.Apply(image, ref random);
            return;
        }

        // Resizing pipeline: the image lives in `current`, a resize writes into `next` and the two
        // swap; `work` is every transform's scratch. Each third holds the largest stage.
        var (outHeight, outWidth) = FinalSize(height, width);
        int outputSize = channels * outHeight * outWidth;
        if (destination.Length != outputSize)
            throw new ArgumentException($"Augmentation: {destination.Length} destination floats; {this} makes {outputSize} from {channels}x{height}x{width} images.");
        int third = ScratchSize(channels, height, width) / 3;
        if (scratch.Length < 3 * third)
            throw new ArgumentException($"Augmentation: scratch of {scratch.Length} floats; {this} needs {3 * third} for {channels}x{height}x{width} images.");
        var current = scratch[..third];
        var next = scratch.Slice(third, third);
        var work = scratch.Slice(2 * third, third);
        for (int i = 0; i < size; i++) current[i] = source[i] / 255f;
        foreach (var t in _transforms)
        {
            var image = new ImageBuffer(current[..(channels * height * width)], work, channels, height, width);
            if (t is IResizeTransform r)
            {
                var (h, w) = r.OutputSize(height, width);
                r.Apply(image, next[..(channels * h * w)], ref random);
                var previous = current;
                current = next;
                next = previous;
                (height, width) = (h, w);
            }
            else
            {
                t.Apply(image, ref random);
            }
        }
        current[..destination.Length].CopyTo(destination);
    }

    public override string ToString() =>
        string.Join(" → ", new[] { "ToFloat(/255)" }.Concat(_transforms.Select(t => t.ToString() ?? t.GetType().Name)));
}

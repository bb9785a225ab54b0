namespace AgNas.Search.Data;

/// <summary>
/// A named pair of pipelines, training and evaluation, that a run's <c>Augment</c> setting selects
/// by <see cref="Name"/> (see <see cref="AugmentationPresets"/>).
/// </summary>
/// <param name="Name">The setting's value ("standard", "inception").</param>
/// <param name="Summary">One line for --help and config tables.</param>
/// <param name="TrainingFor">The training pipeline for a dataset and an output size (height = width).</param>
/// <param name="EvaluationFor">The evaluation pipeline for a dataset and an output size.</param>
public sealed record AugmentationPreset(
    string Name,
    string Summary,
    Func<DatasetInfo, int, Augmentation> TrainingFor,
    Func<DatasetInfo, int, Augmentation> EvaluationFor)
{
    /// <summary>The training pipeline; <paramref name="imageSize"/> null = the stored height (catalog images are square).</summary>
    /// <exception cref="ArgumentException">The preset cannot produce that size from the dataset's images.</exception>
    public Augmentation Training(DatasetInfo info, int? imageSize = null) => TrainingFor(info, imageSize ?? info.Height);

    /// <summary>The evaluation pipeline; <paramref name="imageSize"/> as in <see cref="Training"/>.</summary>
    /// <exception cref="ArgumentException">The preset cannot produce that size from the dataset's images.</exception>
    public Augmentation Evaluation(DatasetInfo info, int? imageSize = null) => EvaluationFor(info, imageSize ?? info.Height);

    public override string ToString() => Name;
}

/// <summary>The augmentation presets by name.</summary>
public static class AugmentationPresets
{
    /// <summary>
    /// DARTS / AGNAS on CIFAR: <see cref="Augmentation.Training"/> (pad-crop, flip where the dataset
    /// flips, normalise) and <see cref="Augmentation.Evaluation"/>; keeps the stored image size.
    /// </summary>
    public static readonly AugmentationPreset Standard = new(
        "standard", "pad-and-crop, flip (RGB sets), normalise; evaluation: normalise",
        (info, size) => Augmentation.Training(CheckStoredSize(info, size)),
        (info, size) => Augmentation.Evaluation(CheckStoredSize(info, size)));

    /// <summary>
    /// ImageNet NAS (agnas-facts §4.3): <see cref="Augmentation.Inception"/> and
    /// <see cref="Augmentation.InceptionEvaluation"/>.
    /// </summary>
    public static readonly AugmentationPreset Inception = new(
        "inception", "RandomResizedCrop, flip (RGB sets), ColorJitter(0.4, 0.4, 0.4, 0.2) (RGB), normalise; evaluation: resize to size/0.875, centre crop, normalise",
        (info, size) => Augmentation.Inception(info, size),
        (info, size) => Augmentation.InceptionEvaluation(info, size));

    public static IReadOnlyList<AugmentationPreset> All { get; } = [Standard, Inception];

    public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToArray();

    /// <summary>The preset of that name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static AugmentationPreset Get(string name)
    {
        foreach (var p in All)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p;
        }
        throw new ArgumentException($"Unknown augmentation '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name));
    }

    private static DatasetInfo CheckStoredSize(DatasetInfo info, int size)
    {
        if (info.Height != size || info.Width != size)
            throw new ArgumentException(
                $"Augmentation 'standard' keeps {info.Name}'s stored {info.Height}x{info.Width} images; image size {size} needs 'inception', which resizes.");
        return info;
    }
}

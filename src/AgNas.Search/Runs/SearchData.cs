using AgNas.Search.Data;

namespace AgNas.Search.Runs;

/// <summary>
/// The images a search splits into its weight-training and validation parts (a dataset's training
/// set; the test set is never touched), with the dataset's facts (normalisation, crop padding, flip).
/// </summary>
/// <param name="Images">The training set, whole: <see cref="SearchConfig.Subset"/> is applied by the run.</param>
/// <param name="Info">Its catalog entry (or an equivalent record for in-memory data).</param>
public sealed record SearchData(ImageDataset Images, DatasetInfo Info)
{
    /// <summary>The training set of <see cref="SearchConfig.Dataset"/> from <see cref="SearchConfig.DataDir"/> (or the dataset's default folder).</summary>
    /// <exception cref="DatasetNotFoundException">Files missing; the message says where it looked and how to get them.</exception>
    /// <exception cref="DatasetFormatException">A file is malformed.</exception>
    public static SearchData Load(SearchConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SearchData(DatasetCatalog.Load(config.Dataset, config.DataDir, train: true), DatasetCatalog.Get(config.Dataset));
    }
}

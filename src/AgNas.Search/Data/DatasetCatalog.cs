namespace AgNas.Search.Data;

/// <summary>
/// What AgNas knows about one dataset: image size, classes, normalisation constants and
/// augmentation defaults, where its files live and how to get them.
/// </summary>
/// <param name="Name">Catalog name ("fashion-mnist", "mnist", "cifar10", "cifar100").</param>
/// <param name="Channels">Channels per image (1 greyscale, 3 RGB).</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="ClassCount">Number of classes; labels lie in [0, ClassCount).</param>
/// <param name="Mean">Per-channel mean of the training pixels in [0, 1] (applied after bytes/255).</param>
/// <param name="Std">Per-channel standard deviation, same convention.</param>
/// <param name="FlipByDefault">
/// Whether random horizontal flips are on by default. On for CIFAR (natural images are mirror
/// invariant; DARTS and AGNAS use it). Off for the 1-channel sets: digits are not mirror invariant,
/// and although most Fashion-MNIST items are roughly symmetric, flipping is kept off for every
/// greyscale set so that they all behave alike. Either default can be overridden.
/// </param>
/// <param name="CropPadding">
/// Default zero padding of the random crop: 4 for the 32×32 CIFAR images (DARTS, AGNAS), 2 for the
/// 28×28 greyscale sets (a shift of up to ±2 px, enough for centred digits and garments).
/// </param>
/// <param name="TrainCount">Images in the official training set.</param>
/// <param name="TestCount">Images in the official test set.</param>
/// <param name="SubFolder">The folder the official archive unpacks to, also searched under --data-dir.</param>
/// <param name="DefaultDirectory">Where the data is looked for without --data-dir (null: nowhere).</param>
/// <param name="HowToGet">One sentence telling the user how to obtain the files.</param>
public sealed record DatasetInfo(
    string Name,
    int Channels,
    int Height,
    int Width,
    int ClassCount,
    IReadOnlyList<float> Mean,
    IReadOnlyList<float> Std,
    bool FlipByDefault,
    int CropPadding,
    int TrainCount,
    int TestCount,
    string SubFolder,
    string? DefaultDirectory,
    string HowToGet);

/// <summary>
/// The datasets AgNas can load by name, and <see cref="Load"/> to read one from disk.
/// </summary>
public static class DatasetCatalog
{
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    public static readonly DatasetInfo FashionMnist = new(
        "fashion-mnist", 1, 28, 28, 10, [0.2860f], [0.3530f], FlipByDefault: false, CropPadding: 2,
        TrainCount: 60_000, TestCount: 10_000, SubFolder: "fashion-mnist", DefaultDirectory: FashionMnistDirectory,
        HowToGet: $"Install it with `apt-get install dataset-fashion-mnist` (files go to {FashionMnistDirectory}), " +
                  "or pass --data-dir DIR with the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-…).");

    public static readonly DatasetInfo Mnist = new(
        "mnist", 1, 28, 28, 10, [0.1307f], [0.3081f], FlipByDefault: false, CropPadding: 2,
        TrainCount: 60_000, TestCount: 10_000, SubFolder: "mnist", DefaultDirectory: "/usr/share/datasets/mnist",
        HowToGet: "Download the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, " +
                  "t10k-labels-idx1-ubyte.gz) from the MNIST site and pass --data-dir DIR.");

    public static readonly DatasetInfo Cifar10 = new(
        "cifar10", 3, 32, 32, 10,
        [0.49139968f, 0.48215827f, 0.44653124f], [0.24703233f, 0.24348505f, 0.26158768f],
        FlipByDefault: true, CropPadding: 4, TrainCount: 50_000, TestCount: 10_000,
        SubFolder: "cifar-10-batches-bin", DefaultDirectory: null,
        HowToGet: "Download the \"CIFAR-10 binary version (suitable for C programs)\" from the CIFAR site " +
                  "(cifar-10-binary.tar.gz), unpack it and pass --data-dir DIR (the folder holding cifar-10-batches-bin, or that folder itself). " +
                  "The Python version is not read.");

    public static readonly DatasetInfo Cifar100 = new(
        "cifar100", 3, 32, 32, 100,
        [0.5071f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2762f],
        FlipByDefault: true, CropPadding: 4, TrainCount: 50_000, TestCount: 10_000,
        SubFolder: "cifar-100-binary", DefaultDirectory: null,
        HowToGet: "Download the \"CIFAR-100 binary version (suitable for C programs)\" from the CIFAR site " +
                  "(cifar-100-binary.tar.gz), unpack it and pass --data-dir DIR (the folder holding cifar-100-binary, or that folder itself). " +
                  "The Python version is not read.");

    public static IReadOnlyList<DatasetInfo> All { get; } = [FashionMnist, Mnist, Cifar10, Cifar100];

    public static IReadOnlyList<string> Names { get; } = All.Select(d => d.Name).ToArray();

    /// <summary>The entry for a name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static DatasetInfo Get(string name) =>
        Find(name) ?? throw new ArgumentException($"Unknown dataset '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>The entry for a name (case-insensitive), or null when the catalog has no such dataset.</summary>
    public static DatasetInfo? Find(string? name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads the train or test set of a catalog dataset.
    /// <para>Files are looked for in <paramref name="dataDir"/> and in its sub-folder named by
    /// <see cref="DatasetInfo.SubFolder"/>; without a data dir, in <see cref="DatasetInfo.DefaultDirectory"/>.
    /// IDX files may be gzip-compressed or raw (<c>train-images-idx3-ubyte[.gz]</c>, also the
    /// <c>train-images.idx3-ubyte</c> spelling).</para>
    /// <para><paramref name="subset"/> keeps the FIRST N images in file order (deterministic, no
    /// seed); use <see cref="ImageDataset.Sample"/> for a seeded random subset.</para>
    /// </summary>
    /// <param name="name">A catalog name (<see cref="Names"/>), case-insensitive.</param>
    /// <param name="dataDir">The folder holding the files (or their archive folder); null = the dataset's default location.</param>
    /// <param name="train">The training set (true) or the test set.</param>
    /// <param name="subset">Keep only the first N images (file order); null = all.</param>
    /// <param name="coarseLabels">CIFAR-100 only: the 20 superclasses instead of the 100 fine classes.</param>
    /// <exception cref="DatasetNotFoundException">The directory or a file is missing; the message says where it looked and how to get the data.</exception>
    /// <exception cref="DatasetFormatException">A file is malformed or does not match the dataset's image size.</exception>
    public static ImageDataset Load(string name, string? dataDir, bool train, int? subset = null, bool coarseLabels = false)
    {
        var info = Get(name);
        if (coarseLabels && info != Cifar100)
            throw new ArgumentException($"coarseLabels applies to cifar100 only, not '{info.Name}'.", nameof(coarseLabels));
        if (subset is < 0) throw new ArgumentOutOfRangeException(nameof(subset), $"subset {subset} must be ≥ 0.");

        string split = train ? "train" : "test";
        string setName = $"{info.Name}-{split}";
        var dirs = CandidateDirectories(info, dataDir);
        ImageDataset data;
        if (info.Channels == 1)
        {
            string prefix = train ? "train" : "t10k";
            var images = FindFile(info, dirs, $"{split} images", $"{prefix}-images-idx3-ubyte.gz", $"{prefix}-images-idx3-ubyte", $"{prefix}-images.idx3-ubyte");
            var labels = FindFile(info, dirs, $"{split} labels", $"{prefix}-labels-idx1-ubyte.gz", $"{prefix}-labels-idx1-ubyte", $"{prefix}-labels.idx1-ubyte");
            data = IdxReader.Load(images, labels, setName, info.ClassCount);
        }
        else if (info == Cifar10)
        {
            string[] names = train ? Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray() : ["test_batch.bin"];
            var dir = FindDirectoryWith(info, dirs, names);
            data = CifarReader.LoadCifar10(names.Select(n => Path.Combine(dir, n)).ToArray(), setName);
        }
        else
        {
            string file = train ? "train.bin" : "test.bin";
            var dir = FindDirectoryWith(info, dirs, [file]);
            data = CifarReader.LoadCifar100([Path.Combine(dir, file)], coarseLabels, setName + (coarseLabels ? "-coarse" : ""));
        }

        if (data.Channels != info.Channels || data.Height != info.Height || data.Width != info.Width)
            throw new DatasetFormatException(setName,
                $"images are {data.Channels}x{data.Height}x{data.Width}; {info.Name} images are {info.Channels}x{info.Height}x{info.Width}.");
        return subset is int n ? data.Take(n) : data;
    }

    private static List<string> CandidateDirectories(DatasetInfo info, string? dataDir)
    {
        if (dataDir is null)
        {
            if (info.DefaultDirectory is null)
                throw new DatasetNotFoundException("(no --data-dir)",
                    $"{info.Name}: no data directory given and this dataset has no default location. {info.HowToGet}");
            return [info.DefaultDirectory];
        }
        if (!Directory.Exists(dataDir))
            throw new DatasetNotFoundException(Path.GetFullPath(dataDir),
                $"{info.Name}: data directory {Path.GetFullPath(dataDir)} does not exist. {info.HowToGet}");
        return [dataDir, Path.Combine(dataDir, info.SubFolder)];
    }

    private static string FindFile(DatasetInfo info, List<string> dirs, string what, params string[] names)
    {
        foreach (var dir in dirs)
        foreach (var n in names)
        {
            var p = Path.Combine(dir, n);
            if (File.Exists(p)) return p;
        }
        var looked = dirs.Select(Path.GetFullPath).ToArray();
        throw new DatasetNotFoundException(Path.Combine(looked[0], names[0]),
            $"{info.Name}: {what} not found. Looked for {string.Join(" or ", names)} in {string.Join(" and ", looked)}. {info.HowToGet}");
    }

    private static string FindDirectoryWith(DatasetInfo info, List<string> dirs, string[] names)
    {
        foreach (var dir in dirs)
        {
            if (names.All(n => File.Exists(Path.Combine(dir, n)))) return dir;
        }
        var looked = dirs.Select(Path.GetFullPath).ToArray();
        // Name the first missing file of the most complete candidate, so a half-copied set is obvious.
        var best = looked.OrderByDescending(d => names.Count(n => File.Exists(Path.Combine(d, n)))).First();
        var missing = names.Where(n => !File.Exists(Path.Combine(best, n))).ToArray();
        throw new DatasetNotFoundException(Path.Combine(best, missing[0]),
            $"{info.Name}: missing {string.Join(", ", missing.Select(m => Path.Combine(best, m)))} " +
            $"(looked in {string.Join(" and ", looked)} for {string.Join(", ", names)}). {info.HowToGet}");
    }
}

using System.Globalization;
using System.Reflection;
using AgNas.Search.Data;
using AgNas.Search.Spaces.Nb201;

namespace AgNas.Search.Runs;

/// <summary>
/// Every setting of a training run from scratch of one architecture (<see cref="TrainRun"/>), with its
/// default, in one place. <c>agnas train</c> builds one from its options, prints it, and writes it to
/// the run folder's <c>config.json</c>; <c>--resume</c> reads it back from there.
/// <para>The defaults are NAS-Bench-201's own training recipe (AutoDL <c>configs/nas-benchmark/hyper-opts/200E.config</c>
/// with <c>procedures/funcs_nasbench.py</c>): 200 epochs, batch 256, SGD lr 0.1 with Nesterov momentum 0.9,
/// weight decay 5e-4 on every parameter, cosine to 0 stepped once per epoch (epoch e at t = e − 1, as
/// <c>scheduler.update(epoch, 0.0)</c> does there), and <b>no gradient clipping</b>: the benchmark's
/// training step is zero_grad → forward → loss → backward → step. <see cref="GradClip"/> can switch
/// clipping on (5 is the value of the DARTS-style search recipes).</para>
/// <para>Augmentation is not a setting: training images get the dataset catalog's random crop
/// (<see cref="DatasetInfo.CropPadding"/>) and horizontal flip (<see cref="DatasetInfo.FlipByDefault"/>)
/// and its normalisation, test images the normalisation only (for CIFAR, NB201's own transforms).
/// <see cref="Dataset"/> therefore fixes them.</para>
/// </summary>
public sealed record TrainConfig : IRunConfig<TrainConfig>
{
    public const string DefaultSpace = SearchSpaces.Nb201;
    public const string DefaultDataset = "fashion-mnist";
    public const int DefaultEpochs = 200;
    public const int DefaultBatchSize = 256;
    public const double DefaultLearningRate = 0.1;
    public const double DefaultLearningRateMin = 0;
    public const double DefaultMomentum = 0.9;
    public const bool DefaultNesterov = true;
    public const double DefaultWeightDecay = 5e-4;
    public const int DefaultSeed = 0;
    public const string DefaultDevice = "cpu";
    public const int DefaultPrefetch = 2;

    /// <summary>The space whose evaluation network is trained (only "nb201": NAS-Bench-201's <c>TinyNetwork</c>, C = 16, N = 5).</summary>
    public string Space { get; init; } = DefaultSpace;

    /// <summary>The architecture in the space's format (NB201: <c>|op~0|+|op~0|op~1|+|op~0|op~1|op~2|</c>). No default: it must be given.</summary>
    public string Arch { get; init; } = "";

    /// <summary>Catalog dataset name (see <see cref="DatasetCatalog.Names"/>); the network trains on its whole training set and is tested on its test set.</summary>
    public string Dataset { get; init; } = DefaultDataset;

    /// <summary>Folder of the dataset's files; null = the dataset's default location.</summary>
    public string? DataDir { get; init; }

    /// <summary>Total epochs; the cosine schedule spans them.</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Images per training step (and per test batch).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Initial SGD learning rate.</summary>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>eta_min of the cosine schedule (NB201: 0).</summary>
    public double LearningRateMin { get; init; } = DefaultLearningRateMin;

    public double Momentum { get; init; } = DefaultMomentum;

    /// <summary>Nesterov momentum (on in NB201's recipe).</summary>
    public bool Nesterov { get; init; } = DefaultNesterov;

    /// <summary>L2 weight decay on every parameter (BN and classifier included, as NB201 does).</summary>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Maximum global L2 norm of the gradients (torch.nn.utils.clip_grad_norm_); null = no clipping, NB201's recipe.</summary>
    public double? GradClip { get; init; }

    /// <summary>Train on only the first N images of the training set (file order); null = all. The test set is always used whole.</summary>
    public int? Subset { get; init; }

    /// <summary>Seeds the weight initialisation, the per-epoch data order and every augmentation draw.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>"cpu", "cuda", "cuda:N" or "auto" (CUDA when available, else the CPU). A run records the resolved device.</summary>
    public string Device { get; init; } = DefaultDevice;

    /// <summary>The run folder. Empty means "not chosen yet"; the CLI fills in runs/train-&lt;space&gt;-&lt;dataset&gt;-&lt;yyyyMMdd-HHmmss&gt;.</summary>
    public string OutDir { get; init; } = "";

    /// <summary>Batches the data loader prepares ahead on a background thread: 0, 1 or 2 (checked by the DataLoader). Results do not depend on it.</summary>
    public int Prefetch { get; init; } = DefaultPrefetch;

    /// <summary>Write curves.png after every epoch.</summary>
    public bool Plots { get; init; } = true;

    /// <summary>runs/train-&lt;space&gt;-&lt;dataset&gt;-&lt;yyyyMMdd-HHmmss&gt; (relative to the working directory).</summary>
    public static string DefaultOutDir(string space, string dataset, DateTime time) =>
        Path.Combine("runs", $"train-{space}-{dataset}-{time.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");

    /// <summary>
    /// This config with the device resolved (<see cref="RunSettings.ResolveDevice"/>), <see cref="DataDir"/>
    /// and <see cref="OutDir"/> made absolute, and a valid NB201 <see cref="Arch"/> in its canonical form
    /// (each node's inputs ascending), so that config.json means the same from any working directory and
    /// two spellings of one cell compare equal. A malformed arch is left as it is, for <see cref="TrainRun"/> to report.
    /// </summary>
    /// <exception cref="FormatException">The device is not a device name.</exception>
    public TrainConfig Resolved() => this with
    {
        Arch = string.Equals(Space, SearchSpaces.Nb201, StringComparison.OrdinalIgnoreCase) && Nb201Arch.TryParse(Arch, out var cell) ? cell.ToString() : Arch,
        Device = RunSettings.ResolveDevice(Device),
        DataDir = RunSettings.FullPath(DataDir),
        OutDir = RunSettings.FullPath(OutDir)!,
    };

    /// <summary>
    /// Every problem with the values, each naming the setting; empty when the config can run. The
    /// arch string is only checked for being there: its space parses it (<see cref="TrainRun"/>) and
    /// reports a malformed one with its own message.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (string.IsNullOrWhiteSpace(Space)) p.Add("space is empty");
        if (string.IsNullOrWhiteSpace(Arch)) p.Add("arch is empty");
        if (string.IsNullOrWhiteSpace(Dataset)) p.Add("dataset is empty");
        RunSettings.AddSgdProblems(p, Epochs, BatchSize, LearningRate, LearningRateMin, Momentum, Nesterov, WeightDecay);
        if (GradClip is double clip && !(clip > 0)) p.Add($"gradient clip {RunSettings.Fmt(clip)} must be > 0 (or absent: no clipping)");
        if (Subset is < 2) p.Add($"subset {Subset} must be at least 2 images (batch norm in training)");
        if (Seed < 0) p.Add($"seed {Seed} must be >= 0");
        if (RunSettings.DeviceProblem(Device) is { } device) p.Add(device);
        if (OutDir.Length == 0) p.Add("the run folder (out dir) is not set");
        return p;
    }

    /// <summary>Throws when <see cref="Problems"/> finds any.</summary>
    /// <exception cref="ArgumentException">Listing every problem.</exception>
    public void Validate()
    {
        var p = Problems();
        if (p.Count > 0) throw new ArgumentException($"Training settings: {string.Join("; ", p)}.");
    }

    // ---- JSON and comparison (RunSettings<TrainConfig>) ------------------------------------------

    /// <summary>The settings' properties in declaration order, as written to config.json.</summary>
    public static IReadOnlyList<PropertyInfo> Members => RunSettings<TrainConfig>.Members;

    /// <summary>The settings as (config.json key, value text) pairs in declaration order, for display.</summary>
    public IReadOnlyList<(string Key, string Value)> Rows() => RunSettings<TrainConfig>.Rows(this);

    /// <summary>The members whose values differ between this config and <paramref name="other"/>, except those named in <paramref name="ignore"/>.</summary>
    public IReadOnlyList<(string Member, object? Mine, object? Theirs)> Differences(TrainConfig other, params string[] ignore) =>
        RunSettings<TrainConfig>.Differences(this, other, ignore);

    public string ToJson() => RunSettings<TrainConfig>.ToJson(this);

    /// <summary>Reads config.json text; every setting must be present and no other key may appear.</summary>
    /// <exception cref="InvalidDataException">Not a JSON object, a missing or unknown key, or a value of the wrong type; the message names <paramref name="source"/>.</exception>
    public static TrainConfig FromJson(string json, string source) => RunSettings<TrainConfig>.FromJson(json, source, "training");
}

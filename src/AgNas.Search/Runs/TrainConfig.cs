using System.Globalization;
using System.Reflection;
using AgNas.Search.Data;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;

namespace AgNas.Search.Runs;

/// <summary>
/// Every setting of a training run from scratch of one architecture (<see cref="TrainRun"/>), with its
/// default, in one place. <c>agnas train</c> builds one from its options, prints it, and writes it to
/// the run folder's <c>config.json</c>; <c>--resume</c> reads it back from there. Each space has its own
/// recipe (<see cref="ForSpace"/>): the record's initial values are the nb201 one, the <c>Darts*</c>
/// constants the darts one.
/// <para>The nb201 defaults are NAS-Bench-201's own training recipe (AutoDL <c>configs/nas-benchmark/hyper-opts/200E.config</c>
/// with <c>procedures/funcs_nasbench.py</c>): 200 epochs, batch 256, SGD lr 0.1 with Nesterov momentum 0.9,
/// weight decay 5e-4 on every parameter, cosine to 0 stepped once per epoch (epoch e at t = e − 1, as
/// <c>scheduler.update(epoch, 0.0)</c> does there), and <b>no gradient clipping</b>: the benchmark's
/// training step is zero_grad → forward → loss → backward → step. <see cref="GradClip"/> can switch
/// clipping on (5 is the value of the DARTS-style search recipes).</para>
/// <para>The darts recipe is DARTS' / AGNAS's retraining (agnas-facts §3.4, <c>DS/train.py</c>): 600 epochs, batch 96,
/// SGD lr 0.025 (momentum 0.9, not Nesterov) cosine to 0, weight decay 3e-4, gradient L2 norm clipped at 5,
/// cutout 16, drop-path ramped linearly to 0.2, auxiliary head weighted 0.4, C = 36, 20 cells.</para>
/// <para>The proxyless recipe is the AGNAS/ProxylessNAS ImageNet retrain (agnas-facts §4.4, <c>PR/retrain.py</c>): 240 epochs, batch 1024,
/// SGD lr 0.5 (momentum 0.9, not Nesterov), weight decay 4e-5 on the conv weights and the classifier only, a per-step linear decay to 0,
/// label smoothing 0.1 (the test pass uses plain cross-entropy), gradient L2 norm clipped at 5, dropout 0.2 before the classifier, and
/// the stem stride of <see cref="StemStride"/>. The four recipe settings <see cref="LrSchedule"/>, <see cref="LabelSmoothing"/>,
/// <see cref="GradClipMode"/> and <see cref="WeightDecayScope"/> are <see cref="TrainingRecipe"/>'s, shared with <see cref="SearchConfig"/>.</para>
/// <para>Augmentation: training images get the dataset catalog's random crop (<see cref="DatasetInfo.CropPadding"/>)
/// and horizontal flip (<see cref="DatasetInfo.FlipByDefault"/>), its normalisation, then <see cref="Cutout"/> when
/// above 0; test images the normalisation only (for CIFAR, NB201's and DARTS' own transforms).</para>
/// <para>Settings of one space only (<see cref="Genotype"/>, <see cref="Channels"/>, <see cref="Layers"/>,
/// <see cref="DropPath"/>, <see cref="AuxiliaryWeight"/> are darts-only; <see cref="Arch"/> is nb201's and proxyless's;
/// <see cref="Dropout"/> and <see cref="StemStride"/> are proxyless-only) are empty or null in the others, and <see cref="Problems"/>
/// refuses them there.</para>
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
    public const int DefaultCutout = 0;
    public const string DefaultLrSchedule = LrSchedules.Cosine;
    public const double DefaultLabelSmoothing = 0;
    public const string DefaultGradClipMode = GradClipModes.Norm;
    public const string DefaultWeightDecayScope = WeightDecayScopes.All;

    // The darts recipe (agnas-facts §3.4).
    public const int DartsEpochs = 600;
    public const int DartsBatchSize = 96;
    public const double DartsLearningRate = 0.025;
    public const double DartsLearningRateMin = 0;
    public const double DartsMomentum = 0.9;
    public const bool DartsNesterov = false;
    public const double DartsWeightDecay = 3e-4;
    public const double DartsGradClip = 5;
    public const int DartsCutout = 16;
    public const double DartsDropPath = 0.2;
    public const double DartsAuxiliaryWeight = 0.4;
    public const int DartsChannels = 36;
    public const int DartsLayers = 20;

    /// <summary>The DARTS space's name.</summary>
    public const string DartsSpace = "darts";

    // The proxyless recipe (agnas-facts §4.4, PR/retrain.py, PR/run_retrain.sh).
    public const int ProxylessEpochs = 240;
    public const int ProxylessBatchSize = 1024;
    public const double ProxylessLearningRate = 0.5;
    public const double ProxylessLearningRateMin = 0;
    public const string ProxylessLrSchedule = LrSchedules.Linear;
    public const double ProxylessMomentum = 0.9;
    public const bool ProxylessNesterov = false;
    public const double ProxylessWeightDecay = 4e-5;
    public const string ProxylessWeightDecayScope = WeightDecayScopes.ConvAndClassifier;
    public const double ProxylessLabelSmoothing = 0.1;
    public const double ProxylessGradClip = 5;
    public const string ProxylessGradClipMode = GradClipModes.Norm;
    public const double ProxylessDropout = 0.2;

    /// <summary>The ProxylessNAS macro space's name (as <see cref="SearchConfig.ProxylessSpace"/>).</summary>
    public const string ProxylessSpace = SearchConfig.ProxylessSpace;

    /// <summary>The space whose evaluation network is trained: "nb201" (NAS-Bench-201's <c>TinyNetwork</c>, C = 16, N = 5) or "darts" (<see cref="DartsNetwork"/>).</summary>
    public string Space { get; init; } = DefaultSpace;

    /// <summary>
    /// nb201: the cell, <c>|op~0|+|op~0|op~1|+|op~0|op~1|op~2|</c>; proxyless: the architecture (a model_id string, a name, or a
    /// file; agnas-facts §4.5). No default: it must be given. Empty in the darts space.
    /// </summary>
    public string Arch { get; init; } = "";

    /// <summary>
    /// darts: the architecture (<see cref="DartsArchitecture.Resolve"/>: DARTS_V2, AGNAS, a DARTS genotype, a five-cell list, or a file
    /// holding one or a five-cell JSON object). <see cref="Resolved"/> stores its canonical text, so config.json holds the cells
    /// themselves. No default: it must be given. Empty in the nb201 space.
    /// </summary>
    public string Genotype { get; init; } = "";

    /// <summary>darts: C, the first stage's cell width (recipe 36). Null in the nb201 space (fixed at C = 16).</summary>
    public int? Channels { get; init; }

    /// <summary>darts: cells L (recipe 20; cells L/3 and 2L/3 reduce). Null in the nb201 space (fixed at 3 × 5 cells).</summary>
    public int? Layers { get; init; }

    /// <summary>proxyless: the stem convolution's stride, 1 or 2 (null before resolving = auto, <see cref="StemStrides"/>: 1 for images up to 64 px). Null in other spaces.</summary>
    public int? StemStride { get; init; }

    /// <summary>
    /// The augmentation preset (<see cref="Augments"/>): "standard" (pad-crop, flip, normalise at the stored size; nb201 and darts) or
    /// "inception" (RandomResizedCrop, flip, colour jitter; ImageNet NAS); "auto" before resolving (the proxyless recipe: inception on RGB
    /// data, standard on grey).
    /// </summary>
    public string Augment { get; init; } = Augments.Standard;

    /// <summary>Catalog dataset name (see <see cref="DatasetCatalog.Names"/>); the network trains on its whole training set and is tested on its test set.</summary>
    public string Dataset { get; init; } = DefaultDataset;

    /// <summary>Folder of the dataset's files; null = the dataset's default location.</summary>
    public string? DataDir { get; init; }

    /// <summary>Total epochs; the learning-rate schedule spans them.</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Images per training step (and per test batch).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Initial SGD learning rate.</summary>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>The rate the schedule ends at: eta_min of the cosine, the floor of the linear decay (NB201, darts, proxyless: 0).</summary>
    public double LearningRateMin { get; init; } = DefaultLearningRateMin;

    /// <summary>"cosine" (per epoch, epoch e at t = e − 1) or "linear" (ProxylessNAS's per-step decay to the floor); see <see cref="RunSchedule"/>.</summary>
    public string LrSchedule { get; init; } = DefaultLrSchedule;

    public double Momentum { get; init; } = DefaultMomentum;

    /// <summary>Nesterov momentum (on in NB201's recipe).</summary>
    public bool Nesterov { get; init; } = DefaultNesterov;

    /// <summary>L2 weight decay of the parameters <see cref="WeightDecayScope"/> selects (nb201: every one, BN and classifier included, as NB201 does).</summary>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>"all" (every parameter) or "conv-and-classifier" (4-D conv weights and the classifier's weight and bias only; ProxylessNAS); see <see cref="WeightDecayScopes"/>.</summary>
    public string WeightDecayScope { get; init; } = DefaultWeightDecayScope;

    /// <summary>The gradient clip (<see cref="GradClipMode"/>: the global L2 norm's maximum, or each element's bound); null = no clipping, NB201's recipe (darts, proxyless: 5).</summary>
    public double? GradClip { get; init; }

    /// <summary>"norm" (torch.nn.utils.clip_grad_norm_) or "value" (clip_grad_value_, each element to ±<see cref="GradClip"/>).</summary>
    public string GradClipMode { get; init; } = DefaultGradClipMode;

    /// <summary>ε of the label-smoothed cross-entropy the network is trained on, in [0, 1); the test pass uses plain cross-entropy.</summary>
    public double LabelSmoothing { get; init; } = DefaultLabelSmoothing;

    /// <summary>Side of the cutout square on training images (DARTS <c>Cutout(16)</c>, after normalisation); 0 = none (nb201's recipe; darts: 16).</summary>
    public int Cutout { get; init; } = DefaultCutout;

    /// <summary>darts: the drop-path probability reached at the last epoch; epoch e (1-based) of E uses DropPath·(e − 1)/E (DARTS' ramp). Null in the nb201 space.</summary>
    public double? DropPath { get; init; }

    /// <summary>darts: weight of the auxiliary head's cross-entropy in the training loss; 0 = no auxiliary head. Null in the nb201 space.</summary>
    public double? AuxiliaryWeight { get; init; }

    /// <summary>proxyless: the dropout probability before the classifier, in training only (recipe 0.2; agnas-facts §4.4). Null in other spaces.</summary>
    public double? Dropout { get; init; }

    /// <summary>Train on only the first N images of the training set (file order); null = all. The test set is always used whole.</summary>
    public int? Subset { get; init; }

    /// <summary>Seeds the weight initialisation, the per-epoch data order and every augmentation draw.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>"cpu", "cuda", "cuda:N" or "auto" (CUDA when available, else the CPU). A run records the resolved device.</summary>
    public string Device { get; init; } = DefaultDevice;

    /// <summary>The run folder. Empty means "not chosen yet"; the CLI fills in runs/train-&lt;space&gt;-&lt;dataset&gt;-&lt;yyyyMMdd-HHmmss&gt;.</summary>
    public string OutDir { get; init; } = "";

    /// <summary>Batches the data loader prepares ahead on a background thread: 0, 1 or 2. Results do not depend on it, and a resumed run may change it.</summary>
    public int Prefetch { get; init; } = DefaultPrefetch;

    /// <summary>Write curves.png after every epoch.</summary>
    public bool Plots { get; init; } = true;

    /// <summary>runs/train-&lt;space&gt;-&lt;dataset&gt;-&lt;yyyyMMdd-HHmmss&gt; (relative to the working directory).</summary>
    public static string DefaultOutDir(string space, string dataset, DateTime time) =>
        Path.Combine("runs", $"train-{space}-{dataset}-{time.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The recipe of <paramref name="space"/> (case-insensitive): the nb201 defaults of this record, the darts recipe, or the proxyless
    /// one (stem stride auto); an unknown space gets the nb201 ones.
    /// </summary>
    public static TrainConfig ForSpace(string space)
    {
        if (string.Equals(space, DartsSpace, StringComparison.OrdinalIgnoreCase))
            return new TrainConfig
            {
                Space = DartsSpace, Epochs = DartsEpochs, BatchSize = DartsBatchSize, LearningRate = DartsLearningRate, LearningRateMin = DartsLearningRateMin,
                Momentum = DartsMomentum, Nesterov = DartsNesterov, WeightDecay = DartsWeightDecay, GradClip = DartsGradClip, Cutout = DartsCutout,
                DropPath = DartsDropPath, AuxiliaryWeight = DartsAuxiliaryWeight, Channels = DartsChannels, Layers = DartsLayers,
            };
        if (SearchConfig.IsProxyless(space))
            return new TrainConfig
            {
                Space = ProxylessSpace, Epochs = ProxylessEpochs, BatchSize = ProxylessBatchSize, LearningRate = ProxylessLearningRate,
                LearningRateMin = ProxylessLearningRateMin, LrSchedule = ProxylessLrSchedule, Momentum = ProxylessMomentum, Nesterov = ProxylessNesterov,
                WeightDecay = ProxylessWeightDecay, WeightDecayScope = ProxylessWeightDecayScope, GradClip = ProxylessGradClip,
                GradClipMode = ProxylessGradClipMode, LabelSmoothing = ProxylessLabelSmoothing, Dropout = ProxylessDropout,
                Augment = Augments.Auto,
            };
        return new TrainConfig { Space = space };
    }

    /// <summary>The optimisation settings as the shared <see cref="TrainingRecipe"/> (a method: every property is a setting in config.json).</summary>
    public TrainingRecipe Recipe() => new()
    {
        LearningRate = LearningRate, LearningRateMin = LearningRateMin, LrSchedule = LrSchedule, Momentum = Momentum, Nesterov = Nesterov,
        WeightDecay = WeightDecay, WeightDecayScope = WeightDecayScope, LabelSmoothing = LabelSmoothing, GradClip = GradClip, GradClipMode = GradClipMode,
    };

    /// <summary>Whether <see cref="Space"/> is the darts space.</summary>
    public bool IsDartsSpace() => string.Equals(Space, DartsSpace, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Space"/> is the proxyless space.</summary>
    public bool IsProxylessSpace() => SearchConfig.IsProxyless(Space);

    /// <summary>Whether <see cref="Space"/> is the nb201 space.</summary>
    public bool IsNb201Space() => string.Equals(Space, SearchSpaces.Nb201, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// This config with the device resolved (<see cref="RunSettings.ResolveDevice"/>), <see cref="DataDir"/>
    /// and <see cref="OutDir"/> made absolute, a valid NB201 <see cref="Arch"/> in its canonical form
    /// (each node's inputs ascending), a valid proxyless <see cref="Arch"/> (AGNAS, a file or a run folder) as its model_id string, and a valid DARTS <see cref="Genotype"/> (name, file or text) as its canonical text,
    /// so that config.json means the same from any working directory and two spellings of one architecture compare
    /// equal, and (proxyless) an auto <see cref="StemStride"/> made the number it means for the dataset (<see cref="StemStrides.Resolve"/>).
    /// A malformed arch or genotype is left as it is, for <see cref="TrainRun"/> to report.
    /// </summary>
    /// <exception cref="FormatException">The device is not a device name.</exception>
    public TrainConfig Resolved() => this with
    {
        StemStride = StemStrides.Resolve(Space, StemStride, Dataset, Arch),
        Augment = Augments.Resolve(Augment, Dataset),
        Arch = IsProxylessSpace() ? TryResolveProxyless(Arch)?.ToString() ?? Arch : Nb201Arch.TryParse(Arch, out var cell) ? cell.ToString() : Arch,
        Genotype = Genotype.Length > 0 && TryResolveGenotype(Genotype) is { } architecture ? architecture.ToString() : Genotype,
        Device = RunSettings.ResolveDevice(Device),
        DataDir = RunSettings.FullPath(DataDir),
        OutDir = RunSettings.FullPath(OutDir)!,
    };

    private static ProxylessArch? TryResolveProxyless(string arch)
    {
        try
        {
            return arch.Length > 0 ? ProxylessArch.Resolve(arch) : null;
        }
        catch (ProxylessArchFormatException)
        {
            return null;
        }
    }

    private static DartsArchitecture? TryResolveGenotype(string genotype)
    {
        try
        {
            return DartsArchitecture.Resolve(genotype, "genotype");
        }
        catch (DartsGenotypeFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Every problem with the values, each naming the setting in words; empty when the config can run. The
    /// arch and genotype are only checked for being there (in their space) and absent in the other: the space
    /// parses them (<see cref="TrainRun"/>) and reports a malformed one with its own message.
    /// </summary>
    public IReadOnlyList<string> Problems() => SettingProblems().Select(p => p.ToString()).ToList();

    /// <summary>As <see cref="Problems"/>, each with the setting it is about (<see cref="SettingProblem"/>).</summary>
    public IReadOnlyList<SettingProblem> SettingProblems()
    {
        var p = new List<SettingProblem>();
        if (string.IsNullOrWhiteSpace(Space)) p.Add(new(nameof(Space), "is empty"));
        if (IsDartsSpace())
        {
            if (string.IsNullOrWhiteSpace(Genotype)) p.Add(new(nameof(Genotype), "is empty (the darts space trains a DARTS genotype or five-cell architecture)"));
            if (!string.IsNullOrEmpty(Arch)) p.Add(new(nameof(Arch), "is set, but the darts space takes a genotype (arch is the nb201 cell)"));
            if (Channels is not >= 1) p.Add(new(nameof(Channels), $"{Fmt(Channels)} must be >= 1"));
            if (Layers is not >= DartsStages.MinLayers) p.Add(new(nameof(Layers), $"{Fmt(Layers)} must be >= {DartsStages.MinLayers} (two reduction cells after a normal one)"));
            if (DropPath is not (>= 0 and < 1)) p.Add(new(nameof(DropPath), $"{Fmt(DropPath)} must be in [0, 1)"));
            if (AuxiliaryWeight is not double w || !(w >= 0 && double.IsFinite(w))) p.Add(new(nameof(AuxiliaryWeight), $"{Fmt(AuxiliaryWeight)} must be a finite value >= 0 (0: no auxiliary head)"));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(Arch)) p.Add(new(nameof(Arch), "is empty"));
            if (!string.IsNullOrEmpty(Genotype)) p.Add(new(nameof(Genotype), $"is set, but the {Space} space takes an arch (genotype is for the darts space)"));
            foreach (var (member, value) in new (string, object?)[] { (nameof(Channels), Channels), (nameof(Layers), Layers), (nameof(DropPath), DropPath), (nameof(AuxiliaryWeight), AuxiliaryWeight) })
            {
                if (value is not null) p.Add(new(member, $"{RunSettings.FormatValue(value)} is a darts setting; the {Space} space's network is fixed (leave it out)"));
            }
        }
        if (IsProxylessSpace())
        {
            if (Dropout is not (>= 0 and < 1)) p.Add(new(nameof(Dropout), $"{Fmt(Dropout)} must be in [0, 1) (0: no dropout)"));
        }
        else if (Dropout is not null)
        {
            p.Add(new(nameof(Dropout), $"{Fmt(Dropout)} is a proxyless setting; the {Space} space's network has no dropout (leave it out)"));
        }
        if (StemStrides.Problem(Space, StemStride, Dataset) is { } stem) p.Add(stem);
        if (Augments.Problem(Augment, Dataset) is { } augment) p.Add(augment);
        else if (Cutout > 0 && !string.Equals(Augments.Resolve(Augment, Dataset), Augments.Standard, StringComparison.OrdinalIgnoreCase))
            p.Add(new(nameof(Cutout), $"{Cutout} applies to the standard augmentation (DARTS' pipeline); augment is {Augments.Resolve(Augment, Dataset)} (use --cutout 0, or --augment standard)"));
        if (string.IsNullOrWhiteSpace(Dataset)) p.Add(new(nameof(Dataset), "is empty"));
        RunSettings.AddSgdProblems(p, Epochs, BatchSize, LearningRate, LearningRateMin, Momentum, Nesterov, WeightDecay);
        TrainingRecipe.AddProblems(p, LrSchedule, LabelSmoothing, GradClipMode, WeightDecayScope);
        if (GradClip is double clip && !(clip > 0 && double.IsFinite(clip))) p.Add(new(nameof(GradClip), $"{RunSettings.Fmt(clip)} must be a finite value > 0 (or absent: no clipping)"));
        if (Cutout < 0) p.Add(new(nameof(Cutout), $"{Cutout} must be >= 0 (0: none)"));
        if (Subset is < 2) p.Add(new(nameof(Subset), $"{Subset} must be at least 2 images (batch norm in training)"));
        if (Seed < 0) p.Add(new(nameof(Seed), $"{Seed} must be >= 0"));
        if (RunSettings.DeviceProblem(Device) is { } device) p.Add(device);
        if (RunSettings.PrefetchProblem(Prefetch) is { } prefetch) p.Add(prefetch);
        if (OutDir.Length == 0) p.Add(new(nameof(OutDir), "is not set"));
        return p;
    }

    private static string Fmt(object? value) => RunSettings.FormatValue(value);

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

    /// <summary>
    /// Reads config.json text. Every setting must be present and no other key may appear, except the settings added after runs
    /// were first written, read with the value every earlier run had: the recipe settings (<see cref="RunSettings.LegacyRecipeKeys"/>:
    /// cosine, no label smoothing, norm clipping, weight decay on all parameters, no stem stride) and <c>dropout</c> (null).
    /// </summary>
    /// <exception cref="InvalidDataException">Not a JSON object, a missing or unknown key, or a value of the wrong type; the message names <paramref name="source"/>.</exception>
    public static TrainConfig FromJson(string json, string source) =>
        RunSettings<TrainConfig>.FromJson(RunSettings.WithLegacyKeys(json, [.. RunSettings.LegacyRecipeKeys(), (RunSettings.JsonName(nameof(Dropout)), null)]), source, "training");
}

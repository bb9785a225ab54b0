using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgNas.Search.Data;
using AgNas.Search.Spaces.Darts;

namespace AgNas.Search.Runs;

/// <summary>
/// Every setting of a search, with its default, in one place: an attention-guided search (AGNAS
/// Algorithm 1) or, with <see cref="Method"/> = darts, the first-order DARTS baseline in the same
/// supernet. <c>agnas search</c> builds one from its options, prints it, and writes it to the run
/// folder's <c>config.json</c>; <c>--resume</c> reads it back from there. The defaults are the
/// DARTS-space recipe of the reference code (agnas-facts §3.3): 50 epochs, batch 64, SGD lr 0.025
/// cosine to 0.001, momentum 0.9, weight decay 3e-4 on every parameter, gradient-norm clip 5, the
/// first half of the training set trains the weights, seed 0. DARTS' architecture optimiser is fixed
/// at its published values (<see cref="AlphaStep"/>: Adam lr 3e-4, betas (0.5, 0.999), weight decay
/// 1e-3), as the reference scripts leave them.
/// <para>The recipe holds for every space: the AGNAS paper searches NAS-Bench-201 with "hyper-parameters
/// as DARTS" (agnas-facts §9). What differs by space is the supernet's size (<see cref="SupernetDefaults"/>):
/// the darts space takes <see cref="Channels"/> = 16 and <see cref="Layers"/> = 8 by default (agnas-facts
/// §3.2); nb201's supernet is fixed (C = 16, 3 × 5 cells) and leaves both null.</para>
/// <para>The proxyless space (ProxylessNAS's macro space on ImageNet) has its own recipe (<see cref="ForSpace"/>, the <c>Proxyless*</c>
/// constants; agnas-facts §4.3): 120 epochs, batch 64, SGD lr 0.25, momentum 0.9 (no Nesterov), weight decay 4e-5 on the conv weights
/// and the classifier only, a per-step linear decay to a floor of 5e-4, label smoothing 0.1, gradient values clipped at ±5, attention
/// reduction 16, and the stem stride of <see cref="StemStride"/>. The four recipe settings <see cref="LrSchedule"/>,
/// <see cref="LabelSmoothing"/>, <see cref="GradClipMode"/> and <see cref="WeightDecayScope"/> are <see cref="TrainingRecipe"/>'s, shared
/// with <see cref="TrainConfig"/>.</para>
/// </summary>
public sealed record SearchConfig : IRunConfig<SearchConfig>
{
    public const string DefaultSpace = SearchSpaces.Nb201;
    public const string DefaultMethod = SearchMethods.Agnas;
    public const string DefaultDataset = "fashion-mnist";
    public const int DefaultEpochs = 50;
    public const int DefaultBatchSize = 64;
    public const double DefaultLearningRate = 0.025;
    public const double DefaultLearningRateMin = 0.001;
    public const double DefaultMomentum = 0.9;
    public const double DefaultWeightDecay = 3e-4;
    public const double DefaultGradClip = 5;
    public const double DefaultTrainPortion = 0.5;
    public const int DefaultSeed = 0;
    public const string DefaultDevice = "cpu";
    public const int DefaultReduction = 8;
    public const int DefaultPrefetch = 2;
    public const string DefaultLrSchedule = LrSchedules.Cosine;
    public const double DefaultLabelSmoothing = 0;
    public const string DefaultGradClipMode = GradClipModes.Norm;
    public const string DefaultWeightDecayScope = WeightDecayScopes.All;

    /// <summary>The ProxylessNAS macro space's name (SearchSpaces.Proxyless once that space is merged; the lead reconciles the two).</summary>
    public const string ProxylessSpace = SearchSpaces.Proxyless;

    // The proxyless supernet-training recipe (agnas-facts §4.3, PS/train.py, PS/utils.py, PS/run_train.sh).
    public const int ProxylessEpochs = 120;
    public const int ProxylessBatchSize = 64;
    public const double ProxylessLearningRate = 0.25;
    public const double ProxylessLearningRateMin = 5e-4;
    public const string ProxylessLrSchedule = LrSchedules.Linear;
    public const double ProxylessMomentum = 0.9;
    public const bool ProxylessNesterov = false;
    public const double ProxylessWeightDecay = 4e-5;
    public const string ProxylessWeightDecayScope = WeightDecayScopes.ConvAndClassifier;
    public const double ProxylessLabelSmoothing = 0.1;
    public const double ProxylessGradClip = 5;
    public const string ProxylessGradClipMode = GradClipModes.Value;
    public const int ProxylessReduction = 16;

    /// <summary>The device name that picks CUDA when it is available and the CPU otherwise.</summary>
    public const string AutoDevice = RunSettings.AutoDevice;

    /// <summary>Search space (see <see cref="SearchSpaces.Names"/>).</summary>
    public string Space { get; init; } = DefaultSpace;

    /// <summary>Catalog dataset name (see <see cref="DatasetCatalog.Names"/>); its training set is split into the two search parts.</summary>
    public string Dataset { get; init; } = DefaultDataset;

    /// <summary>Folder of the dataset's files; null = the dataset's default location.</summary>
    public string? DataDir { get; init; }

    /// <summary>Total epochs of weight training; the learning-rate schedule spans them.</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Images per training step (and per validation batch).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Initial SGD learning rate.</summary>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>The rate the schedule ends at: eta_min of the cosine (reached at epoch <see cref="Epochs"/>), the floor of the linear decay (reached at the last step).</summary>
    public double LearningRateMin { get; init; } = DefaultLearningRateMin;

    /// <summary>"cosine" (per epoch, epoch e at t = e − 1) or "linear" (ProxylessNAS's per-step decay to the floor); see <see cref="RunSchedule"/>.</summary>
    public string LrSchedule { get; init; } = DefaultLrSchedule;

    public double Momentum { get; init; } = DefaultMomentum;

    /// <summary>Nesterov momentum (off in the AGNAS reference; on in NAS-Bench-201's own one-shot recipe).</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 weight decay on every parameter (attention FCs included, as in the reference DARTS-space search; with darts, every parameter but α, which has its own optimiser).</summary>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>"all" (every parameter) or "conv-and-classifier" (4-D conv weights and the classifier's weight and bias only; ProxylessNAS); see <see cref="WeightDecayScopes"/>.</summary>
    public string WeightDecayScope { get; init; } = DefaultWeightDecayScope;

    /// <summary>The gradient clip (<see cref="GradClipMode"/>: the global L2 norm's maximum, or each element's bound); 0 = no clipping (as <c>agnas train --grad-clip 0</c>).</summary>
    public double GradClip { get; init; } = DefaultGradClip;

    /// <summary>"norm" (torch.nn.utils.clip_grad_norm_) or "value" (clip_grad_value_, each element to ±<see cref="GradClip"/>).</summary>
    public string GradClipMode { get; init; } = DefaultGradClipMode;

    /// <summary>ε of the label-smoothed cross-entropy the weights are trained on, in [0, 1); the validation pass uses plain cross-entropy.</summary>
    public double LabelSmoothing { get; init; } = DefaultLabelSmoothing;

    /// <summary>Fraction of the (subset of the) training set that trains the weights: the first floor(p·n) images; the rest is the validation part.</summary>
    public double TrainPortion { get; init; } = DefaultTrainPortion;

    /// <summary>Use only the first N images of the training set (file order) before splitting; null = all.</summary>
    public int? Subset { get; init; }

    /// <summary>Seeds the weight initialisation, the per-epoch data order and every augmentation draw.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>"cpu", "cuda", "cuda:N" or "auto" (CUDA when available, else the CPU). A run records the resolved device.</summary>
    public string Device { get; init; } = DefaultDevice;

    /// <summary>The run folder. Empty means "not chosen yet"; the CLI fills in runs/&lt;space&gt;-&lt;dataset&gt;-&lt;yyyyMMdd-HHmmss&gt;.</summary>
    public string OutDir { get; init; } = "";

    /// <summary>
    /// "agnas" (<see cref="SearchMethod.Agnas"/>: attention modules trained with the weights, the
    /// architecture read from their importance on the validation part) or "darts"
    /// (<see cref="SearchMethod.Darts"/>: α per edge, one Adam step of α on a validation batch before
    /// every SGD step of the weights, the architecture read from softmax(α)). A run keeps its method.
    /// </summary>
    public string Method { get; init; } = DefaultMethod;

    /// <summary>Whether derivation may choose the <c>none</c> op (off: excluded, as the reference code does in the DARTS space).</summary>
    public bool AllowNone { get; init; }

    /// <summary>r of every attention module: hidden width floor(K·C / r). 8 as the reference uses in the DARTS space. Only the default is accepted with darts, which has no attention modules.</summary>
    public int Reduction { get; init; } = DefaultReduction;

    /// <summary>darts: C of the supernet's first stage (default 16; the stages have C, 2C, 4C). Null for nb201, whose supernet is fixed.</summary>
    public int? Channels { get; init; }

    /// <summary>darts: the supernet's cell count L (default 8; cells L/3 and 2L/3 reduce, at least 5). Null for nb201, whose supernet is fixed.</summary>
    public int? Layers { get; init; }

    /// <summary>proxyless: the stem convolution's stride, 1 or 2 (null before resolving = auto, <see cref="StemStrides"/>: 1 for images up to 64 px). Null in other spaces.</summary>
    public int? StemStride { get; init; }

    /// <summary>
    /// The augmentation preset (<see cref="Augments"/>): "standard" (pad-crop, flip, normalise at the stored size; nb201 and darts) or
    /// "inception" (RandomResizedCrop, flip, colour jitter; ImageNet NAS); "auto" before resolving (the proxyless recipe: inception on RGB
    /// data, standard on grey).
    /// </summary>
    public string Augment { get; init; } = Augments.Standard;

    /// <summary>
    /// proxyless: derive under a budget of this many multiply-adds (conv and FC) of the exported network, counted at the searched images'
    /// size, classes and stem stride (<see cref="Spaces.Proxyless.ProxylessBudgetedDerivation"/>: the blocks of highest total importance that
    /// fit); null = no bound. It changes only the derivation, so a run keeps its value. Null in other spaces.
    /// </summary>
    public long? MaxMacs { get; init; }

    /// <summary>proxyless: derive under this many parameters of the exported network (as <see cref="MaxMacs"/>); null = no bound. Null in other spaces.</summary>
    public long? MaxParameters { get; init; }

    /// <summary>
    /// Batches of the epoch's training order on which every BatchNorm2d's running statistics are re-estimated before each validation pass
    /// (<see cref="BatchNormRecalibration"/>); 0 = off, the reference's behaviour: the validation accuracy and the importance then use the
    /// statistics training left, which lag a supernet whose weights move.
    /// </summary>
    public int BnRecalibrate { get; init; }

    /// <summary>
    /// Collect the attention importance on un-augmented validation images (normalisation only); with
    /// darts, the α steps' validation batches are un-augmented too.
    /// Off by default: the validation part then goes through the same random crop (and flip, where
    /// the dataset uses it) as training, as the reference code does because its validation split is
    /// drawn from the augmenting training dataset object (agnas-facts §6 item 5; DARTS' own valid_queue
    /// uses the training transform likewise).
    /// </summary>
    public bool CleanValidation { get; init; }

    /// <summary>Batches the data loader prepares ahead on a background thread: 0, 1 or 2. Results do not depend on it, and a resumed run may change it.</summary>
    public int Prefetch { get; init; } = DefaultPrefetch;

    /// <summary>Write curves.png and attention.png after every epoch.</summary>
    public bool Plots { get; init; } = true;

    /// <summary>
    /// The supernet size a space takes when <see cref="Channels"/> and <see cref="Layers"/> are not given: darts (16, 8),
    /// the reference CIFAR-10 supernet (agnas-facts §3.2); every other space (null, null).
    /// </summary>
    public static (int? Channels, int? Layers) SupernetDefaults(string space) =>
        SearchSpaces.Is(space, SearchSpaces.Darts) ? (DartsSupernetConfig.DefaultChannels, DartsSupernetConfig.DefaultLayers) : (null, null);

    /// <summary>Whether <paramref name="space"/> names the proxyless space (case-insensitive).</summary>
    public static bool IsProxyless(string? space) => SearchSpaces.Is(space, ProxylessSpace);

    /// <summary>
    /// The recipe of <paramref name="space"/> (case-insensitive): the record's defaults with the space's supernet size
    /// (<see cref="SupernetDefaults"/>) for nb201 and darts, the <c>Proxyless*</c> recipe for proxyless (stem stride auto);
    /// an unknown space gets the defaults.
    /// </summary>
    public static SearchConfig ForSpace(string space)
    {
        var (channels, layers) = SupernetDefaults(space);
        return IsProxyless(space)
            ? new SearchConfig
            {
                Space = space, Epochs = ProxylessEpochs, BatchSize = ProxylessBatchSize, LearningRate = ProxylessLearningRate,
                LearningRateMin = ProxylessLearningRateMin, LrSchedule = ProxylessLrSchedule, Momentum = ProxylessMomentum, Nesterov = ProxylessNesterov,
                WeightDecay = ProxylessWeightDecay, WeightDecayScope = ProxylessWeightDecayScope, GradClip = ProxylessGradClip,
                GradClipMode = ProxylessGradClipMode, LabelSmoothing = ProxylessLabelSmoothing, Reduction = ProxylessReduction,
                Augment = Augments.Auto, CleanValidation = true,
            }
            : new SearchConfig { Space = space, Channels = channels, Layers = layers };
    }

    /// <summary>The optimisation settings as the shared <see cref="TrainingRecipe"/> (a method: every property is a setting in config.json); GradClip 0 is no clip.</summary>
    public TrainingRecipe Recipe() => new()
    {
        LearningRate = LearningRate, LearningRateMin = LearningRateMin, LrSchedule = LrSchedule, Momentum = Momentum, Nesterov = Nesterov,
        WeightDecay = WeightDecay, WeightDecayScope = WeightDecayScope, LabelSmoothing = LabelSmoothing,
        GradClip = GradClip > 0 ? GradClip : null, GradClipMode = GradClipMode,
    };

    /// <summary>runs/&lt;space&gt;-&lt;dataset&gt;-&lt;yyyyMMdd-HHmmss&gt; (relative to the working directory).</summary>
    public static string DefaultOutDir(string space, string dataset, DateTime time) =>
        Path.Combine("runs", $"{space}-{dataset}-{time.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");

    /// <summary>
    /// "auto" → "cuda:0" when a CUDA backend is available, else "cpu"; any other name is parsed and
    /// written in its canonical form ("cuda" → "cuda:0"). See <see cref="RunSettings.ResolveDevice"/>.
    /// </summary>
    /// <exception cref="FormatException">Not a device name.</exception>
    public static string ResolveDevice(string device) => RunSettings.ResolveDevice(device);

    /// <summary>
    /// This config with the device resolved (<see cref="ResolveDevice"/>), <see cref="DataDir"/>
    /// and <see cref="OutDir"/> made absolute, so that config.json means the same from any working directory, and
    /// (proxyless) an auto <see cref="StemStride"/> made the number it means for the dataset (<see cref="StemStrides.Resolve"/>).
    /// </summary>
    /// <exception cref="FormatException">The device is not a device name.</exception>
    public SearchConfig Resolved() => this with
    {
        StemStride = StemStrides.Resolve(Space, StemStride, Dataset),
        Augment = Augments.Resolve(Augment, Dataset),
        Device = ResolveDevice(Device),
        DataDir = RunSettings.FullPath(DataDir),
        OutDir = RunSettings.FullPath(OutDir)!,
    };

    /// <summary>Every problem with the values, each naming the setting in words; empty when the config can run.</summary>
    public IReadOnlyList<string> Problems() => SettingProblems().Select(p => p.ToString()).ToList();

    /// <summary>Every problem with the values, each with the setting it is about (<see cref="SettingProblem"/>); empty when the config can run.</summary>
    public IReadOnlyList<SettingProblem> SettingProblems()
    {
        var p = new List<SettingProblem>();
        if (string.IsNullOrWhiteSpace(Space)) p.Add(new(nameof(Space), "is empty"));
        if (string.IsNullOrWhiteSpace(Dataset)) p.Add(new(nameof(Dataset), "is empty"));
        if (!SearchMethods.TryParse(Method, out var method)) p.Add(new(nameof(Method), SearchMethods.UnknownMessage(Method)["method ".Length..]));
        else if (method == SearchMethod.Darts && IsProxyless(Space))
            p.Add(new(nameof(Method), $"{Method} is not built for the {ProxylessSpace} space; use {SearchMethods.Agnas}"));
        else if (method == SearchMethod.Darts && Reduction != DefaultReduction)
            p.Add(new(nameof(Reduction), $"{Reduction} applies to attention modules, which the darts method does not have (leave it at {DefaultReduction})"));
        RunSettings.AddSgdProblems(p, Epochs, BatchSize, LearningRate, LearningRateMin, Momentum, Nesterov, WeightDecay);
        TrainingRecipe.AddProblems(p, LrSchedule, LabelSmoothing, GradClipMode, WeightDecayScope);
        if (!(GradClip >= 0) || double.IsInfinity(GradClip)) p.Add(new(nameof(GradClip), $"{Fmt(GradClip)} must be a finite value >= 0 (0: no clipping)"));
        if (!(TrainPortion > 0 && TrainPortion < 1)) p.Add(new(nameof(TrainPortion), $"{Fmt(TrainPortion)} must lie strictly between 0 and 1"));
        if (Subset is < 4) p.Add(new(nameof(Subset), $"{Subset} must be at least 4 images (two per part, for batch norm)"));
        if (Seed < 0) p.Add(new(nameof(Seed), $"{Seed} must be >= 0"));
        if (Reduction < 1) p.Add(new(nameof(Reduction), $"{Reduction} must be at least 1"));
        else if (SmallestAttentionWidth() is int kc && Reduction > kc)
            p.Add(new(nameof(Reduction), $"{Reduction} leaves the smallest attention module ({kc} channels) a hidden width of ⌊{kc}/{Reduction}⌋ = 0; r must be at most {kc}"));
        if (SearchSpaces.Is(Space, SearchSpaces.Nb201))
        {
            const string fixedSupernet = "must be left unset for nb201: its supernet is NAS-Bench-201's skeleton, fixed at C = 16 and 3 × 5 cells";
            if (Channels is not null) p.Add(new(nameof(Channels), $"{Fmt(Channels)} {fixedSupernet}"));
            if (Layers is not null) p.Add(new(nameof(Layers), $"{Fmt(Layers)} {fixedSupernet}"));
        }
        if (SearchSpaces.Is(Space, SearchSpaces.Darts))
        {
            if (Channels is not >= 1) p.Add(new(nameof(Channels), $"{Fmt(Channels)} must be at least 1 for the darts space"));
            if (Layers is not >= DartsSupernetConfig.MinLayers)
                p.Add(new(nameof(Layers), $"{Fmt(Layers)} must be at least {DartsSupernetConfig.MinLayers} for the darts space (reductions at L/3 and 2L/3 must leave a normal cell in each of the three stages)"));
            if (AllowNone) p.Add(new(nameof(AllowNone), "does not apply to the darts space: its derivation never chooses 'none' (agnas-facts §2.1)"));
        }
        else if (IsProxyless(Space))
        {
            const string fixedSkeleton = "must be left unset for proxyless: its supernet is ProxylessNAS-GPU's fixed skeleton (agnas-facts §4.2)";
            if (Channels is not null) p.Add(new(nameof(Channels), $"{Fmt(Channels)} {fixedSkeleton}"));
            if (Layers is not null) p.Add(new(nameof(Layers), $"{Fmt(Layers)} {fixedSkeleton}"));
            if (AllowNone) p.Add(new(nameof(AllowNone), "does not apply to the proxyless space: its candidates are MBConv blocks and, where a layer may be skipped, the identity"));
        }
        else
        {
            if (Channels is < 1) p.Add(new(nameof(Channels), $"{Fmt(Channels)} must be at least 1 where given"));
            if (Layers is < 1) p.Add(new(nameof(Layers), $"{Fmt(Layers)} must be at least 1 where given"));
        }
        if (StemStrides.Problem(Space, StemStride, Dataset) is { } stem) p.Add(stem);
        if (Augments.Problem(Augment, Dataset) is { } augment) p.Add(augment);
        p.AddRange(BudgetProblems());
        if (BnRecalibrate < 0) p.Add(new(nameof(BnRecalibrate), $"{BnRecalibrate} must be 0 (off) or a number of training batches"));
        if (RunSettings.DeviceProblem(Device) is { } device) p.Add(device);
        if (RunSettings.PrefetchProblem(Prefetch) is { } prefetch) p.Add(prefetch);
        if (OutDir.Length == 0) p.Add(new(nameof(OutDir), "is not set"));
        return p;
    }

    /// <summary>
    /// The budget's problems: only proxyless has one; bounds are positive; and, for a catalog dataset, some network of the space must fit it
    /// at the dataset's image size, classes and stem stride (the message names the cheapest network's cost).
    /// </summary>
    private IEnumerable<SettingProblem> BudgetProblems()
    {
        if (MaxMacs is null && MaxParameters is null) yield break;
        if (!IsProxyless(Space))
        {
            yield return new(MaxMacs is null ? nameof(MaxParameters) : nameof(MaxMacs), $"is a proxyless setting; the {Space} space has no budgeted derivation (leave it out)");
            yield break;
        }
        if (MaxMacs is <= 0) { yield return new(nameof(MaxMacs), $"{MaxMacs} must be a positive number of multiply-adds"); yield break; }
        if (MaxParameters is <= 0) { yield return new(nameof(MaxParameters), $"{MaxParameters} must be a positive number of parameters"); yield break; }
        var info = DatasetCatalog.Find(Dataset);
        if (info is null || StemStrides.Resolve(Space, StemStride, Dataset) is not int stride) yield break;
        var settings = new Spaces.Proxyless.ProxylessCostSettings { Resolution = info.Height, InputChannels = info.Channels, Classes = info.ClassCount, StemStride = stride };
        if (Spaces.Proxyless.ProxylessBudgetedDerivation.Problem(new(MaxMacs, MaxParameters), settings) is { } problem)
            yield return new(MaxMacs is null ? nameof(MaxParameters) : nameof(MaxMacs), problem.TrimEnd('.'));
    }

    /// <summary>K·C of the space's narrowest attention module (nb201: 5 ops × 16; darts: 8 ops × C; proxyless: layer 0's 6 blocks × 32), or null for other spaces.</summary>
    private int? SmallestAttentionWidth() =>
        SearchSpaces.Is(Space, SearchSpaces.Nb201) ? Spaces.Nb201.Nb201Ops.Count * new Spaces.Nb201.Nb201SupernetConfig().Channels
        : SearchSpaces.Is(Space, SearchSpaces.Darts) ? Spaces.Darts.DartsOps.Count * (Channels ?? DartsSupernetConfig.DefaultChannels)
        : IsProxyless(Space) ? Spaces.Proxyless.ProxylessLayers.All.Min(l => l.CandidateCount * l.OutChannels)
        : null;

    /// <summary>Throws when <see cref="Problems"/> finds any.</summary>
    /// <exception cref="ArgumentException">Listing every problem.</exception>
    public void Validate()
    {
        var p = Problems();
        if (p.Count > 0) throw new ArgumentException($"Search settings: {string.Join("; ", p)}.");
    }

    // ---- JSON and comparison (RunSettings<SearchConfig>) -----------------------------------------

    /// <summary>The settings' properties in declaration order, as written to config.json.</summary>
    public static IReadOnlyList<PropertyInfo> Members => RunSettings<SearchConfig>.Members;

    /// <summary>The config.json key of a member ("LearningRateMin" → "learning_rate_min").</summary>
    public static string JsonName(string member) => RunSettings.JsonName(member);

    /// <summary>The settings as (config.json key, value text) pairs in declaration order, for display.</summary>
    public IReadOnlyList<(string Key, string Value)> Rows() => RunSettings<SearchConfig>.Rows(this);

    /// <summary>The members whose values differ between this config and <paramref name="other"/>, except those named in <paramref name="ignore"/>.</summary>
    public IReadOnlyList<(string Member, object? Mine, object? Theirs)> Differences(SearchConfig other, params string[] ignore) =>
        RunSettings<SearchConfig>.Differences(this, other, ignore);

    /// <summary>A value as config.json shows it (invariant culture; null as "null").</summary>
    public static string FormatValue(object? value) => RunSettings.FormatValue(value);

    public string ToJson() => RunSettings<SearchConfig>.ToJson(this);

    /// <summary>The search method as an enum (a method, not a property: every property is a setting in config.json).</summary>
    /// <exception cref="ArgumentException"><see cref="Method"/> is not a method's name.</exception>
    public SearchMethod ParsedMethod() => SearchMethods.Parse(Method);

    /// <summary>
    /// Reads config.json text. Every setting must be present and no other key may appear, so that a
    /// resumed run never silently takes a default that differs from the one the run started with.
    /// The exceptions are keys added after runs were first written, each read with the value every earlier run had:
    /// <c>method</c> (absent: "agnas", the only method then), <c>channels</c> and <c>layers</c> (absent: null, as
    /// every earlier run was an nb201 one, which has neither), and the recipe settings (<see cref="RunSettings.LegacyRecipeKeys"/>:
    /// cosine, no label smoothing, norm clipping, weight decay on all parameters, no stem stride, standard augmentation), and
    /// <c>max_macs</c> and <c>max_parameters</c> (absent: null, no budget) and <c>bn_recalibrate</c> (absent: 0, off).
    /// </summary>
    /// <exception cref="InvalidDataException">Not a JSON object, a missing or unknown key, or a value of the wrong type; the message names <paramref name="source"/>.</exception>
    public static SearchConfig FromJson(string json, string source) =>
        RunSettings<SearchConfig>.FromJson(WithLegacyKeys(json), source, "search");

    /// <summary>The JSON with the keys of <see cref="FromJson"/>'s exceptions added, with their legacy values, where an object lacks them; otherwise unchanged.</summary>
    private static string WithLegacyKeys(string json) => RunSettings.WithLegacyKeys(json,
    [
        (JsonName(nameof(Method)), JsonValue.Create(SearchMethods.Agnas)),
        (JsonName(nameof(Channels)), null),
        (JsonName(nameof(Layers)), null),
        (JsonName(nameof(MaxMacs)), null),
        (JsonName(nameof(MaxParameters)), null),
        (JsonName(nameof(BnRecalibrate)), JsonValue.Create(0)),
        .. RunSettings.LegacyRecipeKeys(),
    ]);

    private static string Fmt(double d) => RunSettings.Fmt(d);

    private static string Fmt(int? i) => i?.ToString(CultureInfo.InvariantCulture) ?? "null";
}

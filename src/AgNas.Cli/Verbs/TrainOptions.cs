using AgNas.Search.Runs;
using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>
/// Options of <c>agnas train</c>. Each property is named like the <see cref="TrainConfig"/> member it
/// sets (except <see cref="NoPlots"/>, the inverse of <see cref="TrainConfig.Plots"/>, and
/// <see cref="Resume"/>, which the runner reads itself); the defaults are TrainConfig's constants, and
/// options marked <see cref="RecipeDefaultAttribute"/> default to the recipe of --space
/// (<see cref="TrainConfig.ForSpace"/>). <see cref="TrainRunner.ToConfig"/> is the one mapping.
/// </summary>
[Verb("train", HelpText = "Train one architecture's evaluation network from scratch with its space's recipe (nb201: NAS-Bench-201's network of the cell, C=16, N=5, " +
    "the benchmark's 200-epoch recipe; darts: the DARTS/AGNAS network of a genotype, C=36, 20 cells, auxiliary head, drop-path, the 600-epoch DARTS retrain recipe; " +
    "proxyless: the ProxylessNAS-space network of an architecture, dropout 0.2, the 240-epoch ImageNet retrain recipe) " +
    "on a dataset's whole training set, testing on its test set after every epoch; save everything to a run folder (resumable).")]
public sealed class TrainOptions
{
    /// <summary>The help text's tail for options that default to the --space's recipe.</summary>
    private const string Recipe = " Default: the recipe of --space";

    public const string DefaultArch = "";
    public const string DefaultGenotype = "";
    public const string DefaultDataDir = "";
    public const int DefaultSubset = 0;
    public const string DefaultOutDir = "";
    public const string DefaultResume = "";
    public const string DefaultStemStride = StemStrides.Auto;

    [Option("space", Default = TrainConfig.DefaultSpace, HelpText = "Space of the architecture: nb201 (NAS-Bench-201 cell, --arch), darts (DARTS genotype or AGNAS five-cell architecture, --genotype) or proxyless (ProxylessNAS macro architecture, --arch: AGNAS, a model_id string of 21 block ids, or a file or search run folder). It chooses the recipe of the options marked 'Default: the recipe of --space'.")]
    public string Space { get; set; } = TrainConfig.DefaultSpace;

    [Option("arch", Default = DefaultArch, HelpText = "nb201 and proxyless: required (except with --resume). nb201: the cell as |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with ops none, skip_connect, " +
        "nor_conv_1x1, nor_conv_3x3, avg_pool_3x3 (a node's inputs in any order). proxyless: the architecture's model_id string (one block id per layer), a name, or a file. Quote it in the shell.")]
    public string Arch { get; set; } = DefaultArch;

    [Option("genotype", Default = DefaultGenotype, HelpText = "darts: required (except with --resume). DARTS_V2 or AGNAS (the published architectures); a DARTS genotype " +
        "\"Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))\"; an AGNAS five-cell list " +
        "\"[Normal_Genotype(...), Reduce_Genotype(...), Normal_Genotype(...), Reduce_Genotype(...), Normal_Genotype(...)]\"; or a FILE holding one of these, " +
        "or a JSON object with the keys normal_1, reduce_1, normal_2, reduce_2, normal_3 (each a cell in that format). Ops: sep_conv_3x3, sep_conv_5x5, " +
        "dil_conv_3x3, dil_conv_5x5, skip_connect, avg_pool_3x3, max_pool_3x3, none.")]
    public string Genotype { get; set; } = DefaultGenotype;

    [RecipeDefault]
    [Option("channels", HelpText = "darts: C, the width of the first stage's cells (doubled at each reduction cell)." + Recipe + " (nb201: none, darts: 36, proxyless: none); nb201's network is fixed at C=16.")]
    public int? Channels { get; set; }

    [RecipeDefault]
    [Option("layers", HelpText = "darts: the number of cells L; cells L/3 and 2L/3 reduce, the auxiliary head reads cell 2L/3 (>= 3)." + Recipe + " (nb201: none, darts: 20, proxyless: none).")]
    public int? Layers { get; set; }

    [Option("dataset", Default = TrainConfig.DefaultDataset, HelpText = "fashion-mnist, mnist, cifar10 or cifar100: trained on its training set, tested on its test set.")]
    public string Dataset { get; set; } = TrainConfig.DefaultDataset;

    [Option("data-dir", Default = DefaultDataDir, HelpText = "Folder with the dataset's files; empty = the dataset's default location (/usr/share/datasets/fashion-mnist for fashion-mnist).")]
    public string DataDir { get; set; } = DefaultDataDir;

    [RecipeDefault]
    [Option("epochs", HelpText = "Training epochs (the learning-rate schedule and the drop-path ramp span them). With --resume it may be raised to extend a run." + Recipe + " (nb201: 200, darts: 600, proxyless: 240).")]
    public int? Epochs { get; set; }

    [RecipeDefault]
    [Option("batch-size", HelpText = "Images per training step and per test batch (>= 2)." + Recipe + " (nb201: 256, darts: 96, proxyless: 1024).")]
    public int? BatchSize { get; set; }

    [RecipeDefault]
    [Option("lr", HelpText = "Initial SGD learning rate." + Recipe + " (nb201: 0.1, darts: 0.025, proxyless: 0.5).")]
    public double? LearningRate { get; set; }

    [Option("lr-min", Default = TrainConfig.DefaultLearningRateMin, HelpText = "Final learning rate of the schedule: the cosine's (epoch e runs at the cosine value for t = e - 1), or the linear decay's floor.")]
    public double LearningRateMin { get; set; } = TrainConfig.DefaultLearningRateMin;

    [RecipeDefault]
    [Option("lr-schedule", HelpText = "cosine: one rate per epoch, cosine from --lr to --lr-min; or linear: ProxylessNAS's per-step decay lr·(1 − t/Δ) from --lr, with Δ chosen so that it reaches --lr-min as the last epoch ends (a resumed run with more --epochs stretches it from the next epoch)." + Recipe + " (nb201: cosine, darts: cosine, proxyless: linear).")]
    public string? LrSchedule { get; set; }

    [Option("momentum", Default = TrainConfig.DefaultMomentum, HelpText = "SGD momentum.")]
    public double Momentum { get; set; } = TrainConfig.DefaultMomentum;

    /// <summary>
    /// A switch like search's --nesterov, so a bool (CommandLineParser cannot read a bare nullable bool followed by
    /// another option); whether it was given, and so whether the recipe decides, comes from the command line
    /// (<see cref="GivenOptions"/>), and <c>--nesterov false</c> switches it off (<see cref="SwitchValueAttribute"/>).
    /// </summary>
    [RecipeDefault]
    [SwitchValue]
    [Option("nesterov", HelpText = "Nesterov momentum. A switch; --nesterov true and --nesterov false also work (false turns off the nb201 recipe's)." + Recipe + " (nb201: true, darts: false, proxyless: false).")]
    public bool Nesterov { get; set; }

    [RecipeDefault]
    [Option("weight-decay", HelpText = "L2 weight decay of the parameters --weight-decay-scope names." + Recipe + " (nb201: 0.0005, darts: 0.0003, proxyless: 4e-05).")]
    public double? WeightDecay { get; set; }

    [RecipeDefault]
    [Option("weight-decay-scope", HelpText = "all: weight decay on every parameter, BN included; or conv-and-classifier: on the 4-D conv weights and the classifier's weight and bias only (ProxylessNAS)." + Recipe + " (nb201: all, darts: all, proxyless: conv-and-classifier).")]
    public string? WeightDecayScope { get; set; }

    [RecipeDefault]
    [Option("grad-clip", HelpText = "The gradient clip (--grad-clip-mode says how); 0 = no clipping." + Recipe + " (nb201: none, darts: 5, proxyless: 5).")]
    public double? GradClip { get; set; }

    [RecipeDefault]
    [Option("grad-clip-mode", HelpText = "norm: scale the gradients to a global L2 norm of at most --grad-clip; or value: clamp every gradient element to +-(--grad-clip)." + Recipe + " (nb201: norm, darts: norm, proxyless: norm).")]
    public string? GradClipMode { get; set; }

    [RecipeDefault]
    [Option("augment", HelpText = "Augmentation of the training images: standard (pad-and-crop, flip on RGB sets, normalise; the stored size) or inception (RandomResizedCrop, flip and ColorJitter(0.4, 0.4, 0.4, 0.2) on RGB sets, normalise); auto = inception on RGB data, standard on grey." + Recipe + " (nb201: standard, darts: standard, proxyless: auto).")]
    public string? Augment { get; set; }

    [RecipeDefault]
    [Option("label-smoothing", HelpText = "Label smoothing of the cross-entropy the network is trained on, in [0, 1); the test pass uses plain cross-entropy." + Recipe + " (nb201: 0, darts: 0, proxyless: 0.1).")]
    public double? LabelSmoothing { get; set; }

    [RecipeDefault]
    [Option("cutout", HelpText = "Side of the square cut out of every training image after normalisation (DARTS Cutout); 0 = none." + Recipe + " (nb201: 0, darts: 16, proxyless: 0).")]
    public int? Cutout { get; set; }

    [RecipeDefault]
    [Option("drop-path", HelpText = "darts: drop-path probability of the last epoch; epoch e of E uses it times (e-1)/E, on every op but the identity, in training only." + Recipe + " (nb201: none, darts: 0.2, proxyless: none).")]
    public double? DropPath { get; set; }

    [RecipeDefault]
    [Option("aux-weight", HelpText = "darts: weight of the auxiliary head's loss (the head reads cell 2L/3); 0 = no auxiliary head." + Recipe + " (nb201: none, darts: 0.4, proxyless: none).")]
    public double? AuxiliaryWeight { get; set; }

    [RecipeDefault]
    [Option("dropout", HelpText = "proxyless: the dropout probability before the classifier, in training only." + Recipe + " (nb201: none, darts: none, proxyless: 0.2).")]
    public double? Dropout { get; set; }

    [Option("stem-stride", Default = DefaultStemStride, HelpText = "proxyless: the stride of the stem convolution, 1 or 2; auto = the search run's when --arch is a run folder (or a file in one), else 1 for images of at most 64 px on a side (every catalog dataset) and 2 above (ProxylessNAS on ImageNet). Other spaces have no stem stride (auto).")]
    public string StemStride { get; set; } = DefaultStemStride;

    [Option("subset", Default = DefaultSubset, HelpText = "Train on only the first N training images (file order); 0 = all. The test set is always used whole.")]
    public int Subset { get; set; } = DefaultSubset;

    [Option("seed", Default = TrainConfig.DefaultSeed, HelpText = "Seed of the initial weights, the data order and the augmentation.")]
    public int Seed { get; set; } = TrainConfig.DefaultSeed;

    [Option("device", Default = TrainConfig.DefaultDevice, HelpText = "cpu, cuda, cuda:N, or auto (CUDA when available, else cpu).")]
    public string Device { get; set; } = TrainConfig.DefaultDevice;

    [Option("out", Default = DefaultOutDir, HelpText = "Run folder; empty = runs/train-<space>-<dataset>-<yyyyMMdd-HHmmss>.")]
    public string OutDir { get; set; } = DefaultOutDir;

    [Option("resume", Default = DefaultResume, HelpText = "Continue the run in this folder from its last completed epoch, with its config.json. Options left out are the run's (not the --space recipe's); options given must agree with it, " +
        "except --epochs, which may raise the epoch count, --lr, which may lower the learning rate (to continue a run that diverged from its last good epoch), " +
        "and --data-dir, --device, --prefetch and --no-plots, which do not change the results and may differ (e.g. on another machine).")]
    public string Resume { get; set; } = DefaultResume;

    [Option("prefetch", Default = TrainConfig.DefaultPrefetch, HelpText = "Batches prepared ahead on a background thread: 0, 1 or 2 (results do not depend on it).")]
    public int Prefetch { get; set; } = TrainConfig.DefaultPrefetch;

    [SwitchValue]
    [Option("no-plots", Default = false, HelpText = "Do not draw curves.png after each epoch (with --resume, --no-plots false draws it again).")]
    public bool NoPlots { get; set; }
}

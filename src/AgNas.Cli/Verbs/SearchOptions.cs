using AgNas.Search.Runs;
using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>
/// Options of <c>agnas search</c>. Each property is named like the <see cref="SearchConfig"/> member it
/// sets (except <see cref="NoPlots"/>, the inverse of <see cref="SearchConfig.Plots"/>, and
/// <see cref="Resume"/>, which the runner reads itself); the defaults are SearchConfig's constants,
/// except <see cref="Method"/>'s, which is empty (agnas for a new run, the run's method when resuming), and those marked
/// <see cref="RecipeDefaultAttribute"/>, which default to the recipe of --space (<see cref="SearchConfig.ForSpace"/>).
/// <see cref="SearchRunner.ToConfig"/> is the one mapping. The switches also take an explicit true or false
/// (<see cref="SwitchValueAttribute"/>).
/// </summary>
[Verb("search", HelpText = "Attention-guided architecture search (AGNAS Algorithm 1): train a supernet's weights and attention modules by SGD on half of a dataset's training set, " +
    "derive the architecture from the attention importance on the other half after every epoch, and save everything to a run folder (resumable). " +
    "--method darts runs the first-order DARTS baseline in the same supernet instead.")]
public sealed class SearchOptions
{
    public const string DefaultDataDir = "";
    public const int DefaultSubset = 0;
    public const string DefaultOutDir = "";
    public const string DefaultResume = "";
    public const string DefaultMethod = "";
    public const int DefaultChannels = 0;
    public const int DefaultLayers = 0;
    public const string DefaultStemStride = StemStrides.Auto;
    public const string NoBudget = "";
    public const int DefaultBnRecalibrate = 0;

    /// <summary>The help text's tail for options that default to the --space's recipe.</summary>
    private const string Recipe = " Default: the recipe of --space";

    [Option("space", Default = SearchConfig.DefaultSpace, HelpText = "Search space: nb201 (NAS-Bench-201 cell; the benchmark's skeleton, C=16, 3x5 cells), darts " +
        "(the DARTS cell of the AGNAS CIFAR-10 search: a supernet of --layers cells with reductions at L/3 and 2L/3, one genotype derived per cell, " +
        "the five-cell set of cells 0, L/3, L/3+1, 2L/3, 2L/3+1 written to arch.txt and genotype.json for agnas train --space darts --genotype) or proxyless " +
        "(the ProxylessNAS macro space of the AGNAS ImageNet search: 21 layers of six MBConv candidates and skip, the model_id written to arch.txt and arch.json " +
        "for agnas train --space proxyless --arch; its own recipe, see the options marked 'Default: the recipe of --space'; docs/proxyless.md).")]
    public string Space { get; set; } = SearchConfig.DefaultSpace;

    [Option("method", Default = DefaultMethod, HelpText = "agnas (empty = agnas; any case): attention modules trained with the weights, the architecture from their importance on the validation half; " +
        "or darts: the first-order DARTS baseline, softmax(alpha) per edge, alpha updated by Adam (lr 3e-4, betas 0.5/0.999, weight decay 1e-3) on a validation batch before every SGD step of the weights, the architecture from argmax softmax(alpha). " +
        "A run keeps its method: --resume takes it from the run and refuses another.")]
    public string Method { get; set; } = DefaultMethod;

    [Option("dataset", Default = SearchConfig.DefaultDataset, HelpText = "fashion-mnist, mnist, cifar10 or cifar100; its training set is split into the weight-training and validation parts (the test set is not used).")]
    public string Dataset { get; set; } = SearchConfig.DefaultDataset;

    [Option("data-dir", Default = DefaultDataDir, HelpText = "Folder with the dataset's files; empty = the dataset's default location (/usr/share/datasets/fashion-mnist for fashion-mnist).")]
    public string DataDir { get; set; } = DefaultDataDir;

    [RecipeDefault]
    [Option("epochs", HelpText = "Training epochs (the learning-rate schedule spans them). With --resume it may be raised to extend a run." + Recipe + " (nb201: 50, darts: 50, proxyless: 120).")]
    public int? Epochs { get; set; }

    [Option("batch-size", Default = SearchConfig.DefaultBatchSize, HelpText = "Images per training step and per validation batch (>= 2).")]
    public int BatchSize { get; set; } = SearchConfig.DefaultBatchSize;

    [RecipeDefault]
    [Option("lr", HelpText = "Initial SGD learning rate." + Recipe + " (nb201: 0.025, darts: 0.025, proxyless: 0.25).")]
    public double? LearningRate { get; set; }

    [RecipeDefault]
    [Option("lr-min", HelpText = "Final learning rate of the schedule: the cosine's (epoch e runs at the cosine value for t = e - 1), or the linear decay's floor." + Recipe + " (nb201: 0.001, darts: 0.001, proxyless: 0.0005).")]
    public double? LearningRateMin { get; set; }

    [RecipeDefault]
    [Option("lr-schedule", HelpText = "cosine: one rate per epoch, cosine from --lr to --lr-min; or linear: ProxylessNAS's per-step decay lr·(1 − t/Δ) from --lr, with Δ chosen so that it reaches --lr-min as the last epoch ends (a resumed run with more --epochs stretches it from the next epoch)." + Recipe + " (nb201: cosine, darts: cosine, proxyless: linear).")]
    public string? LrSchedule { get; set; }

    [Option("momentum", Default = SearchConfig.DefaultMomentum, HelpText = "SGD momentum.")]
    public double Momentum { get; set; } = SearchConfig.DefaultMomentum;

    [SwitchValue]
    [Option("nesterov", Default = false, HelpText = "Nesterov momentum (NAS-Bench-201's one-shot recipe uses it; the AGNAS reference does not). A switch; --nesterov true and --nesterov false also work.")]
    public bool Nesterov { get; set; }

    [RecipeDefault]
    [Option("weight-decay", HelpText = "L2 weight decay of the parameters --weight-decay-scope names." + Recipe + " (nb201: 0.0003, darts: 0.0003, proxyless: 4e-05).")]
    public double? WeightDecay { get; set; }

    [RecipeDefault]
    [Option("weight-decay-scope", HelpText = "all: weight decay on every parameter, attention FCs and BN included; or conv-and-classifier: on the 4-D conv weights and the classifier's weight and bias only (ProxylessNAS)." + Recipe + " (nb201: all, darts: all, proxyless: conv-and-classifier).")]
    public string? WeightDecayScope { get; set; }

    [Option("grad-clip", Default = SearchConfig.DefaultGradClip, HelpText = "The gradient clip (--grad-clip-mode says how); 0 = no clipping.")]
    public double GradClip { get; set; } = SearchConfig.DefaultGradClip;

    [RecipeDefault]
    [Option("grad-clip-mode", HelpText = "norm: scale the gradients to a global L2 norm of at most --grad-clip; or value: clamp every gradient element to +-(--grad-clip)." + Recipe + " (nb201: norm, darts: norm, proxyless: value).")]
    public string? GradClipMode { get; set; }

    [RecipeDefault]
    [Option("augment", HelpText = "Augmentation of the training images: standard (pad-and-crop, flip on RGB sets, normalise; the stored size) or inception (RandomResizedCrop, flip and ColorJitter(0.4, 0.4, 0.4, 0.2) on RGB sets, normalise); auto = inception on RGB data, standard on grey." + Recipe + " (nb201: standard, darts: standard, proxyless: auto).")]
    public string? Augment { get; set; }

    [RecipeDefault]
    [Option("label-smoothing", HelpText = "Label smoothing of the cross-entropy the weights are trained on, in [0, 1); the validation pass uses plain cross-entropy." + Recipe + " (nb201: 0, darts: 0, proxyless: 0.1).")]
    public double? LabelSmoothing { get; set; }

    [Option("train-portion", Default = SearchConfig.DefaultTrainPortion, HelpText = "Fraction of the training images (the first ones, in file order) that train the weights; the rest collect the attention importance (darts: train alpha).")]
    public double TrainPortion { get; set; } = SearchConfig.DefaultTrainPortion;

    [Option("subset", Default = DefaultSubset, HelpText = "Use only the first N training images (file order) before splitting; 0 = all.")]
    public int Subset { get; set; } = DefaultSubset;

    [Option("seed", Default = SearchConfig.DefaultSeed, HelpText = "Seed of the initial weights, the data order and the augmentation.")]
    public int Seed { get; set; } = SearchConfig.DefaultSeed;

    [Option("device", Default = SearchConfig.DefaultDevice, HelpText = "cpu, cuda, cuda:N, or auto (CUDA when available, else cpu).")]
    public string Device { get; set; } = SearchConfig.DefaultDevice;

    [Option("out", Default = DefaultOutDir, HelpText = "Run folder; empty = runs/<space>-<dataset>-<yyyyMMdd-HHmmss>.")]
    public string OutDir { get; set; } = DefaultOutDir;

    [Option("resume", Default = DefaultResume, HelpText = "Continue the run in this folder from its last completed epoch, with its config.json. Options left out are the run's; options given must agree with it, " +
        "except --epochs, which may raise the epoch count, --lr, which may lower the learning rate (to continue a run that diverged from its last good epoch), " +
        "and --data-dir, --device, --prefetch and --no-plots, which do not change the results and may differ (e.g. on another machine).")]
    public string Resume { get; set; } = DefaultResume;

    [SwitchValue]
    [Option("allow-none", Default = false, HelpText = "Let the derivation choose the 'none' op (by default it is excluded, as the reference code does).")]
    public bool AllowNone { get; set; }

    [RecipeDefault]
    [Option("reduction", HelpText = "Reduction ratio r of the attention modules (hidden width K*C/r); agnas only." + Recipe + " (nb201: 8, darts: 8, proxyless: 16).")]
    public int? Reduction { get; set; }

    [Option("channels", Default = DefaultChannels, HelpText = "darts: C of the supernet's first stage (the stages have C, 2C, 4C); 0 = the space's default (darts: 16). nb201's supernet is fixed at C=16.")]
    public int Channels { get; set; } = DefaultChannels;

    [Option("layers", Default = DefaultLayers, HelpText = "darts: cells L of the supernet (>= 5); cells L/3 and 2L/3 reduce; 0 = the space's default (darts: 8, reductions at cells 2 and 5). nb201's supernet is fixed at 3x5 cells.")]
    public int Layers { get; set; } = DefaultLayers;

    [Option("max-macs", Default = NoBudget, HelpText = "proxyless: derive under this many multiply-adds (conv and FC) of the exported network at the searched images' size, classes and stem stride, " +
        "choosing the blocks of highest total importance that fit (exact over the 21 layers); e.g. 300M. Empty = no bound; budget.json tells what the unconstrained choice would cost.")]
    public string MaxMacs { get; set; } = NoBudget;

    [Option("max-params", Default = NoBudget, HelpText = "proxyless: derive under this many parameters of the exported network (as --max-macs; both may be given); e.g. 4.5M. Empty = no bound.")]
    public string MaxParameters { get; set; } = NoBudget;

    [Option("bn-recalibrate", Default = DefaultBnRecalibrate, HelpText = "Before each validation pass, re-estimate every batch norm's running statistics on this many training batches " +
        "(training mode, no gradients, no weight changed), as one-shot NAS does before evaluating a supernet; 0 = off, as the reference code: the validation accuracy and the " +
        "importance then use the statistics training left, which lag the moving weights early in a search.")]
    public int BnRecalibrate { get; set; } = DefaultBnRecalibrate;

    [Option("stem-stride", Default = DefaultStemStride, HelpText = "proxyless: the stride of the stem convolution, 1 or 2; auto = 1 for images of at most 64 px on a side (every catalog dataset), else 2 (ProxylessNAS on ImageNet). Other spaces have no stem stride (auto).")]
    public string StemStride { get; set; } = DefaultStemStride;

    [SwitchValue]
    [RecipeDefault]
    [Option("clean-validation", HelpText = "Collect the attention importance (--method darts: take the alpha steps) on un-augmented validation images (normalisation only). Off, the validation images get the " +
        "training augmentation, as in the reference DARTS-space code, whose validation split is drawn from the augmenting training set; the ProxylessNAS-space reference collects on un-augmented images (agnas-facts §2.3). A switch; --clean-validation false also works." + Recipe + " (nb201: false, darts: false, proxyless: true).")]
    public bool CleanValidation { get; set; }

    [Option("prefetch", Default = SearchConfig.DefaultPrefetch, HelpText = "Batches prepared ahead on a background thread: 0, 1 or 2 (results do not depend on it).")]
    public int Prefetch { get; set; } = SearchConfig.DefaultPrefetch;

    [SwitchValue]
    [Option("no-plots", Default = false, HelpText = "Do not draw curves.png and attention.png after each epoch (with --resume, --no-plots false draws them again).")]
    public bool NoPlots { get; set; }
}

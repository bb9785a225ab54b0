using AgNas.Search.Runs;
using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>
/// Options of <c>agnas train</c>. Each property is named like the <see cref="TrainConfig"/> member it
/// sets (except <see cref="NoPlots"/>, the inverse of <see cref="TrainConfig.Plots"/>, and
/// <see cref="Resume"/>, which the runner reads itself); the defaults are TrainConfig's constants.
/// <see cref="TrainRunner.ToConfig"/> is the one mapping.
/// </summary>
[Verb("train", HelpText = "Train one architecture's evaluation network from scratch with NAS-Bench-201's recipe (nb201: the benchmark's network of the cell, C=16, N=5) " +
    "on a dataset's whole training set, testing on its test set after every epoch; save everything to a run folder (resumable).")]
public sealed class TrainOptions
{
    public const string DefaultArch = "";
    public const string DefaultDataDir = "";
    public const double DefaultGradClip = 0;
    public const int DefaultSubset = 0;
    public const string DefaultOutDir = "";
    public const string DefaultResume = "";

    [Option("space", Default = TrainConfig.DefaultSpace, HelpText = "Space of the architecture: nb201 (NAS-Bench-201 cell).")]
    public string Space { get; set; } = TrainConfig.DefaultSpace;

    [Option("arch", Default = DefaultArch, HelpText = "Required (except with --resume). The cell as |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with ops none, skip_connect, " +
        "nor_conv_1x1, nor_conv_3x3, avg_pool_3x3 (a node's inputs in any order). Quote it in the shell.")]
    public string Arch { get; set; } = DefaultArch;

    [Option("dataset", Default = TrainConfig.DefaultDataset, HelpText = "fashion-mnist, mnist, cifar10 or cifar100: trained on its training set, tested on its test set.")]
    public string Dataset { get; set; } = TrainConfig.DefaultDataset;

    [Option("data-dir", Default = DefaultDataDir, HelpText = "Folder with the dataset's files; empty = the dataset's default location (/usr/share/datasets/fashion-mnist for fashion-mnist).")]
    public string DataDir { get; set; } = DefaultDataDir;

    [Option("epochs", Default = TrainConfig.DefaultEpochs, HelpText = "Training epochs (the cosine schedule spans them). With --resume it may be raised to extend a run.")]
    public int Epochs { get; set; } = TrainConfig.DefaultEpochs;

    [Option("batch-size", Default = TrainConfig.DefaultBatchSize, HelpText = "Images per training step and per test batch (>= 2).")]
    public int BatchSize { get; set; } = TrainConfig.DefaultBatchSize;

    [Option("lr", Default = TrainConfig.DefaultLearningRate, HelpText = "Initial SGD learning rate.")]
    public double LearningRate { get; set; } = TrainConfig.DefaultLearningRate;

    [Option("lr-min", Default = TrainConfig.DefaultLearningRateMin, HelpText = "Final learning rate of the cosine schedule (epoch e runs at the cosine value for t = e - 1).")]
    public double LearningRateMin { get; set; } = TrainConfig.DefaultLearningRateMin;

    [Option("momentum", Default = TrainConfig.DefaultMomentum, HelpText = "SGD momentum.")]
    public double Momentum { get; set; } = TrainConfig.DefaultMomentum;

    [Option("nesterov", Default = TrainConfig.DefaultNesterov, HelpText = "Nesterov momentum: true or false.")]
    public bool? Nesterov { get; set; } = TrainConfig.DefaultNesterov;

    [Option("weight-decay", Default = TrainConfig.DefaultWeightDecay, HelpText = "L2 weight decay on every parameter.")]
    public double WeightDecay { get; set; } = TrainConfig.DefaultWeightDecay;

    [Option("grad-clip", Default = DefaultGradClip, HelpText = "Maximum global L2 norm of the gradients; 0 = no clipping (NAS-Bench-201's recipe does not clip; the search recipes use 5).")]
    public double GradClip { get; set; } = DefaultGradClip;

    [Option("subset", Default = DefaultSubset, HelpText = "Train on only the first N training images (file order); 0 = all. The test set is always used whole.")]
    public int Subset { get; set; } = DefaultSubset;

    [Option("seed", Default = TrainConfig.DefaultSeed, HelpText = "Seed of the initial weights, the data order and the augmentation.")]
    public int Seed { get; set; } = TrainConfig.DefaultSeed;

    [Option("device", Default = TrainConfig.DefaultDevice, HelpText = "cpu, cuda, cuda:N, or auto (CUDA when available, else cpu).")]
    public string Device { get; set; } = TrainConfig.DefaultDevice;

    [Option("out", Default = DefaultOutDir, HelpText = "Run folder; empty = runs/train-<space>-<dataset>-<yyyyMMdd-HHmmss>.")]
    public string OutDir { get; set; } = DefaultOutDir;

    [Option("resume", Default = DefaultResume, HelpText = "Continue the run in this folder from its last completed epoch, with its config.json. Other options must be left out or agree with it; --epochs may raise the epoch count.")]
    public string Resume { get; set; } = DefaultResume;

    [Option("prefetch", Default = TrainConfig.DefaultPrefetch, HelpText = "Batches prepared ahead on a background thread: 0, 1 or 2 (results do not depend on it).")]
    public int Prefetch { get; set; } = TrainConfig.DefaultPrefetch;

    [Option("no-plots", Default = false, HelpText = "Do not draw curves.png after each epoch.")]
    public bool NoPlots { get; set; }
}

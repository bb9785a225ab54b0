using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>Options of <c>agnas bench</c>.</summary>
[Verb("bench", HelpText = "Time training steps (forward, backward, gradient clipping, SGD) on random data and print median ms/step, images/s and peak memory.")]
public sealed class BenchOptions
{
    public const string DefaultModel = "cnn";
    public const string DefaultSpace = "";
    public const int DefaultBatch = 64;
    public const string DefaultInput = "3x32x32";
    public const int DefaultSteps = 10;
    public const int DefaultWarmup = 2;
    public const string DefaultDevice = "cpu";
    public const int DefaultSeed = 0;
    public const bool DefaultProfile = false;
    public const string DefaultJson = "";

    [Option("model", Default = DefaultModel, HelpText = "What to time: cnn (three conv-BN-ReLU blocks, GAP, linear), attention (the attention module alone, K = 5 candidates of --input C×H×W each), " +
        "darts-net (the DARTS-space target network of the AGNAS genotype that agnas train --space darts builds: 20 cells, C=36, auxiliary head weighted 0.4, drop-path 0.2; the DARTS retrain batch is 96), " +
        "or proxyless-net (the ProxylessNAS-space network of the AGNAS architecture that agnas train --space proxyless builds, dropout 0.2, stepped with its retrain recipe: SGD lr 0.5, label smoothing 0.1, clip by norm 5).")]
    public string Model { get; set; } = DefaultModel;

    [Option("space", Default = DefaultSpace, HelpText = "Time a search space's supernet instead of --model: nb201 (C=16, 3x5 cells) darts (the AGNAS DARTS-space supernet, C=16, 8 cells, 112 attention modules) or proxyless (the ProxylessNAS-space supernet, 21 choice layers, 21 attention modules, stepped with its search recipe: SGD lr 0.25, label smoothing 0.1, clip by value 5; stem stride 1 at 64 px or less).")]
    public string Space { get; set; } = DefaultSpace;

    [Option("batch", Default = DefaultBatch, HelpText = "Images per step (>= 2).")]
    public int Batch { get; set; } = DefaultBatch;

    [Option("input", Default = DefaultInput, HelpText = "Image shape CxHxW, e.g. 3x32x32 or 1x28x28.")]
    public string Input { get; set; } = DefaultInput;

    [Option("steps", Default = DefaultSteps, HelpText = "Timed steps (the median is reported).")]
    public int Steps { get; set; } = DefaultSteps;

    [Option("warmup", Default = DefaultWarmup, HelpText = "Untimed steps first (JIT, allocator cache).")]
    public int Warmup { get; set; } = DefaultWarmup;

    [Option("device", Default = DefaultDevice, HelpText = DeviceOption.HelpText)]
    public string Device { get; set; } = DefaultDevice;

    [Option("profile", Default = DefaultProfile, HelpText = "Also print the time per backend op (ms per step, calls per step, share).")]
    public bool Profile { get; set; } = DefaultProfile;

    [Option("json", Default = DefaultJson, HelpText = "Also write the result as one JSON object to this file (ms/step, images/s, peak bytes, and the per-op times with --profile), for scripts.")]
    public string Json { get; set; } = DefaultJson;

    [Option("seed", Default = DefaultSeed, HelpText = "Seed of the initial weights.")]
    public int Seed { get; set; } = DefaultSeed;
}

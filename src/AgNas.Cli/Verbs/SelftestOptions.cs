using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>Options of <c>agnas selftest</c>.</summary>
[Verb("selftest", HelpText = "Compare a backend with the CPU reference: every backend op on small shapes (the equivalence suite the tests run), then a supernet training step (NAS-Bench-201, or with --space proxyless the ProxylessNAS-space supernet); exit code 1 if anything differs beyond its tolerance.")]
public sealed class SelftestOptions
{
    public const string DefaultDevice = "cuda";
    public const string DefaultFilter = "";
    public const int DefaultBatch = 8;
    public const int DefaultSize = 16;
    public const bool DefaultSkipStep = false;
    public const string DefaultSpace = "nb201";

    [Option("device", Default = DefaultDevice, HelpText = "Backend to test against the CPU: cuda, cuda:N, auto, or cpu (the CPU against itself).")]
    public string Device { get; set; } = DefaultDevice;

    [Option("filter", Default = DefaultFilter, HelpText = "Only the op cases whose name (op/variant) contains this text.")]
    public string Filter { get; set; } = DefaultFilter;

    [Option("batch", Default = DefaultBatch, HelpText = "Images in the supernet step (>= 2).")]
    public int Batch { get; set; } = DefaultBatch;

    [Option("size", Default = DefaultSize, HelpText = "Image height and width in the supernet step (any positive size).")]
    public int Size { get; set; } = DefaultSize;

    [Option("space", Default = DefaultSpace, HelpText = "The supernet of the step: nb201 (C=16, 3 cells per stage, the micro search recipe) or proxyless (the full " +
        "ProxylessNAS-space supernet, 30.8 M parameters at 1,000 classes, with its search recipe; the stem stride is 1 up to 64 px; slow under the CUDA emulator).")]
    public string Space { get; set; } = DefaultSpace;

    [Option("skip-step", Default = DefaultSkipStep, HelpText = "Only the op cases, no supernet step.")]
    public bool SkipStep { get; set; } = DefaultSkipStep;
}

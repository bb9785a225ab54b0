using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>Options of <c>agnas summary</c>. The space-specific ones (--arch, --genotype, --channels, --layers) are checked against <see cref="SummarySpaces"/>.</summary>
[Verb("summary", HelpText = "Print a network's parameters, output shape (C×H×W) and multiply-adds per layer or cell, and the totals, for one image of the space's " +
    "default data (nb201, darts: CIFAR-10, 10 classes, 3×32×32; proxyless: ImageNet, 1,000 classes, 3×224×224). Multiply-adds count Conv2d and Linear layers only (batch norm, activations, pools, " +
    "additions and bias additions are not counted), from one batch-1 forward pass in evaluation mode on the CPU.")]
public sealed class SummaryOptions
{
    public const string DefaultSpace = "nb201";
    public const string DefaultArch = "";
    public const string DefaultGenotype = "";
    public const int DefaultChannels = 0;
    public const int DefaultLayers = 0;
    public const int DefaultClasses = 0;
    public const string DefaultInput = "";
    public const string DefaultJson = "";
    public const string DefaultStemStride = "auto";

    [Option("space", Default = DefaultSpace, HelpText = "Space of the network: nb201 (NAS-Bench-201's network of a cell, C=16, N=5; --arch), darts (the DARTS/AGNAS evaluation network of a genotype; --genotype) or proxyless (the ProxylessNAS-space network of an architecture; --arch). " +
        "Each row gives a layer's parameters, output C×H×W and multiply-adds per image, counting Conv2d and Linear layers only (batch norm, activations, " +
        "pools, additions and bias additions are not counted).")]
    public string Space { get; set; } = DefaultSpace;

    [Option("arch", Default = DefaultArch, HelpText = "nb201: required. The cell as |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with ops none, skip_connect, nor_conv_1x1, " +
        "nor_conv_3x3, avg_pool_3x3. Quote it in the shell. proxyless: required. AGNAS, a model_id of 21 block ids (0..5, -1 = skip; quoted), or a file " +
        "(model_id text or arch.json) or a search run folder (whose stem stride it takes).")]
    public string Arch { get; set; } = DefaultArch;

    [Option("genotype", Default = DefaultGenotype, HelpText = "darts: required. DARTS_V2 or AGNAS; a DARTS genotype \"Genotype(normal=[...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))\"; " +
        "an AGNAS five-cell list \"[Normal_Genotype(...), ...]\"; or a FILE holding one of these or a five-cell JSON object (as agnas train --genotype).")]
    public string Genotype { get; set; } = DefaultGenotype;

    [Option("channels", Default = DefaultChannels, HelpText = "darts: C, the first stage's cell width; 0 = 36.")]
    public int Channels { get; set; } = DefaultChannels;

    [Option("layers", Default = DefaultLayers, HelpText = "darts: cells L (>= 3; cells L/3 and 2L/3 reduce, the auxiliary head reads cell 2L/3); 0 = 20. " +
        "The auxiliary head is shown on its own line and left out of the totals.")]
    public int Layers { get; set; } = DefaultLayers;

    [Option("stem-stride", Default = DefaultStemStride, HelpText = "proxyless: the stem convolution's stride, 1 or 2; auto = the search run's when --arch is a run folder " +
        "(or a file in one), else 2 above 64 px and 1 below.")]
    public string StemStride { get; set; } = DefaultStemStride;

    [Option("classes", Default = DefaultClasses, HelpText = "Classifier outputs; 0 = the space's default (nb201, darts: 10; proxyless: 1000).")]
    public int Classes { get; set; } = DefaultClasses;

    [Option("input", Default = DefaultInput, HelpText = "Image shape CxHxW, e.g. 3x32x32 or 1x28x28; empty = the space's default (nb201, darts: 3x32x32; proxyless: 3x224x224).")]
    public string Input { get; set; } = DefaultInput;

    [Option("json", Default = DefaultJson, HelpText = "Also write the rows and totals as one JSON object to this file, for scripts.")]
    public string Json { get; set; } = DefaultJson;
}

using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>Options of <c>agnas lookup</c>.</summary>
[Verb("lookup", HelpText = "Look up a NAS-Bench-201 cell in the benchmark table: test accuracy after 200 epochs on CIFAR-10, CIFAR-100 and ImageNet16-120, its rank among the 15,625 cells, parameters and FLOPs.")]
public sealed class LookupOptions
{
    [Value(0, MetaName = "ARCH", Required = true,
        HelpText = "The cell as |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with ops none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3 (a node's inputs in any order). Quote it in the shell.")]
    public string Arch { get; set; } = "";
}

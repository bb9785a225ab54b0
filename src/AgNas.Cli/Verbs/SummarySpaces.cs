using System.Globalization;
using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Analysis;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors;

namespace AgNas.Cli.Verbs;

/// <summary>What the command line of <c>agnas summary</c> asks a space to build, defaults applied.</summary>
/// <param name="Architecture">The value of the space's <see cref="SummarySpace.ArchOption"/> (not empty).</param>
/// <param name="Input">The image shape (C, H, W).</param>
/// <param name="Classes">Classifier outputs.</param>
/// <param name="Channels">--channels, or null for the space's default (only spaces that list it in <see cref="SummarySpace.SizeOptions"/>).</param>
/// <param name="Layers">--layers, or null for the space's default (likewise).</param>
/// <param name="StemStride">--stem-stride, or null for auto (only spaces that list it in <see cref="SummarySpace.SizeOptions"/>).</param>
public sealed record SummaryRequest(string Architecture, Shape Input, int Classes, int? Channels, int? Layers, int? StemStride = null);

/// <summary>A network built for <c>agnas summary</c> and how to count it (<see cref="NetworkSummary.Of"/>).</summary>
/// <param name="Network">The network (disposed with this).</param>
/// <param name="Description">One line naming what was built (space, architecture, size).</param>
/// <param name="Architecture">The architecture's canonical text (for --json).</param>
/// <param name="Forward">The forward pass to observe; null for <see cref="Module.Forward"/>.</param>
/// <param name="NotInTotals">Layers shown but left out of the totals, each with the reason printed under the table.</param>
/// <param name="Notes">Lines printed under the table once the network is counted (e.g. a check against published figures); null for none.</param>
public sealed record SummaryNetwork(Module Network, string Description, string Architecture, Action<Var>? Forward = null,
    IReadOnlyList<(string Layer, string Reason)>? NotInTotals = null, Func<NetworkSummary, IEnumerable<string>>? Notes = null) : IDisposable
{
    public void Dispose() => Network.Dispose();
}

/// <summary>One space <c>agnas summary</c> can build a network of.</summary>
/// <param name="Name">The --space value.</param>
/// <param name="DefaultData">The dataset whose shape the defaults are ("CIFAR-10").</param>
/// <param name="DefaultClasses">Classes without --classes.</param>
/// <param name="DefaultInput">Image shape (C, H, W) without --input.</param>
/// <param name="ArchOption">The option (long name) that names the architecture; required.</param>
/// <param name="SizeOptions">The other space-specific options it reads ("channels", "layers"); the rest are usage errors.</param>
/// <param name="Build">Builds the network on the CPU. Throws <see cref="ArgumentException"/> for a setting that does not fit
/// (printed as a usage error) and the space's format exception for a malformed architecture (printed on one line).</param>
public sealed record SummarySpace(string Name, string DefaultData, int DefaultClasses, Shape DefaultInput, string ArchOption,
    IReadOnlyList<string> SizeOptions, Func<SummaryRequest, SummaryNetwork> Build);

/// <summary>
/// The spaces of <c>agnas summary</c>: one <see cref="SummarySpace"/> each, the only place a space is wired to the
/// verb. A space adds itself with one entry in <see cref="All"/>: its default data, the option naming the
/// architecture, and a builder of its evaluation network; counting is <see cref="NetworkSummary"/>'s, the same
/// for every space (its layers are the network's children, lists expanded; a network reports its cells to
/// <see cref="ForwardTrace"/> in its forward, or each layer's last conv or linear output stands for its shape).
/// </summary>
public static class SummarySpaces
{
    /// <summary>Every option that belongs to some space (the rest, --classes, --input, --json, apply to all).</summary>
    public static IReadOnlyList<string> SpaceOptions { get; } = ["arch", "genotype", "channels", "layers", "stem-stride"];

    public static IReadOnlyList<SummarySpace> All { get; } =
    [
        new("nb201", "CIFAR-10", 10, new Shape(3, 32, 32), "arch", [], BuildNb201),
        new("darts", "CIFAR-10", 10, new Shape(3, 32, 32), "genotype", ["channels", "layers"], BuildDarts),
        new("proxyless", "ImageNet", 1000, new Shape(3, 224, 224), "arch", ["stem-stride"], BuildProxyless),
    ];

    /// <summary>The space named <paramref name="name"/> (any case), or null.</summary>
    public static SummarySpace? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>NAS-Bench-201's network of the cell (C = 16, N = 5); the note compares it with the benchmark's FLOPs and parameters.</summary>
    private static SummaryNetwork BuildNb201(SummaryRequest request)
    {
        var arch = Nb201Arch.Parse(request.Architecture.Trim());
        var net = new Nb201Network(new Nb201NetworkConfig(arch) { InputChannels = request.Input[0], Classes = request.Classes });
        IEnumerable<string> Notes(NetworkSummary summary)
        {
            if (Nb201FlopsCheck.For(arch, request.Input, request.Classes, summary.TotalMultiplyAdds) is not { } flops) yield break;
            var parameters = Nb201ParameterCheck.For(net)!;
            yield return $"NAS-Bench-201 table ({DatasetName(flops.Dataset)}): {N(parameters.Expected)} parameters ({Agrees(parameters.Matches)}); " +
                $"{N(flops.Published)} FLOPs, AutoDL's count: the multiply-adds + {flops.ClassifierBiasAdditions} classifier bias additions " +
                $"= {N(flops.Expected)} ({Agrees(flops.Matches)}).";
        }
        return new SummaryNetwork(net, $"nb201: NAS-Bench-201 network (C=16, N=5) of {arch}", arch.ToString(), Notes: Notes);
    }

    /// <summary>The DARTS-space evaluation network with its auxiliary head (left out of the totals) when the images are large enough for it.</summary>
    private static SummaryNetwork BuildDarts(SummaryRequest request)
    {
        var architecture = DartsArchitecture.Resolve(request.Architecture, "--genotype");
        var config = new DartsNetworkConfig(architecture)
        {
            InputChannels = request.Input[0], ImageHeight = request.Input[1], ImageWidth = request.Input[2], Classes = request.Classes,
        };
        config = config with { Channels = request.Channels ?? config.Channels, Layers = request.Layers ?? config.Layers };
        var (auxHeight, auxWidth) = DartsNetwork.AuxiliaryInputSize(config);
        bool auxiliary = auxHeight >= DartsAuxiliaryHead.PoolKernel && auxWidth >= DartsAuxiliaryHead.PoolKernel;
        if (!auxiliary) config = config with { AuxiliaryWeight = 0 };
        var net = new DartsNetwork(config);
        string name = architecture.PublishedName ?? "the given architecture";
        string head = auxiliary ? "" : $", no auxiliary head ({auxHeight}×{auxWidth} at cell {DartsStages.AuxiliaryLayer(config.Layers)} is under its 5×5 pool)";
        return new SummaryNetwork(net, $"darts: DARTS-space network (C={config.Channels}, {config.Layers} cells{head}) of {name}",
            architecture.ToString(), x => net.ForwardWithAuxiliary(x),
            auxiliary ? [("auxiliary_head", "training only; published counts leave it out")] : null);
    }

    /// <summary>
    /// The exported ProxylessNAS-space network (stem, fixed block, the chosen blocks, head; agnas-facts §4.4) at --stem-stride (auto:
    /// the search run's when --arch is one, else 2 above 64 px and 1 below); the notes map the rows to the search's layers and compare
    /// the count with the space's analytic cost table (<see cref="ProxylessCost"/>), which the budgeted derivation uses.
    /// </summary>
    private static SummaryNetwork BuildProxyless(SummaryRequest request)
    {
        var arch = ProxylessArch.Resolve(request.Architecture, "--arch");
        var (h, w) = (request.Input[1], request.Input[2]);
        int stemStride = request.StemStride ?? ProxylessArch.RunStemStride(request.Architecture) ?? StemStrides.ForSize(h, w);
        var net = new ProxylessNetwork(new ProxylessNetworkConfig(arch)
        {
            InputChannels = request.Input[0], Classes = request.Classes, StemStride = stemStride,
        });
        string name = arch.Equals(ProxylessArch.Agnas) ? ProxylessArch.AgnasName : "the given architecture";
        IEnumerable<string> Notes(NetworkSummary summary)
        {
            var kept = net.BlockLayers.Select((layer, j) => j == layer ? null : $"blocks.{j} = layer {layer}").OfType<string>().ToList();
            yield return kept.Count == 0
                ? "blocks.j is layer j of the search (no layer skipped)."
                : $"blocks.j is the j-th kept layer of the search ({RunVerb.Count(arch.SkipCount, "layer")} skipped): {string.Join(", ", kept)}.";
            if (h != w) yield break;
            var analytic = ProxylessCost.Network(arch, new ProxylessCostSettings
            {
                Resolution = h, InputChannels = request.Input[0], Classes = request.Classes, StemStride = stemStride,
            });
            yield return $"The space's analytic cost table (budgeted derivation): {N(analytic.Parameters)} parameters " +
                $"({Agrees(analytic.Parameters == summary.TotalParameters)}), {N(analytic.Macs)} multiply-adds ({Agrees(analytic.Macs == summary.TotalMultiplyAdds)}).";
        }
        return new SummaryNetwork(net,
            $"proxyless: ProxylessNAS-space network of {name} ({RunVerb.Count(ProxylessLayers.Count - arch.SkipCount, "block")}, stem stride {stemStride}): {arch}",
            arch.ToString(), Notes: Notes);
    }

    private static string Agrees(bool matches) => matches ? "agrees" : "DIFFERS";

    private static string DatasetName(Nb201Dataset dataset) => dataset switch
    {
        Nb201Dataset.Cifar10 => "CIFAR-10",
        Nb201Dataset.Cifar100 => "CIFAR-100",
        _ => "ImageNet16-120",
    };

    /// <summary>"3x32x32".</summary>
    public static string Format(Shape input) => string.Join("x", input);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

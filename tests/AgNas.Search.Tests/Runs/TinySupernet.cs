using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search;
using AgNas.Search.Attention;
using AgNas.Tensors;
using static AgNas.Autograd.Functional;

// Also compiled into AgNas.Cli.Tests (linked from its csproj), hence the neutral namespace.
namespace AgNas.TestSupport;

/// <summary>
/// A stand-in for a real space's supernet, small enough for search tests that take seconds: a
/// stride-2 conv stem (conv → BN → ReLU), then two edges in a chain, each with the candidates
/// none (zeros), skip_connect (identity) and conv_3x3 (ReLU → conv 3×3 → BN without affine)
/// concatenated into one <see cref="AttentionModule"/>, then GAP → linear. Derivation takes the
/// argmax of each edge's channel-mean importance, excluding <c>none</c> unless
/// <see cref="SupernetSpec.AllowNone"/>.
/// </summary>
public sealed class TinySupernet : ISearchSupernet, IDisposable
{
    public const string SpaceName = "tiny";

    /// <summary>Same network with 12 channels per edge instead of 8 (a second space for tests that switch --space).</summary>
    public const string WideSpaceName = "tiny-wide";

    public static IReadOnlyList<string> Candidates { get; } = ["none", "skip_connect", "conv_3x3"];

    private readonly TinyNet _net;

    public TinySupernet(SupernetSpec spec, IBackend backend, int channels = 8)
    {
        Spec = spec;
        _net = new TinyNet(spec, channels, new Generator((ulong)spec.Seed), backend);
    }

    /// <summary>Builds "tiny" (8 channels) and "tiny-wide" (12); <see cref="Built"/> is called with every supernet made.</summary>
    public static SupernetFactory Factory(Action<TinySupernet>? built = null) => (space, spec, backend) =>
    {
        var s = space switch
        {
            SpaceName => new TinySupernet(spec, backend),
            WideSpaceName => new TinySupernet(spec, backend, channels: 12),
            _ => throw new ArgumentException($"TinySupernet: unknown space '{space}'."),
        };
        built?.Invoke(s);
        return s;
    };

    public SupernetSpec Spec { get; }

    public Module Network => _net;

    public IReadOnlyList<AttentionModule> AttentionModules => _net.Attention;

    public void Dispose() => _net.Dispose();

    /// <summary>When set, the logits become NaN (to test the non-finite loss stop).</summary>
    public bool Poison
    {
        get => _net.Poison;
        set => _net.Poison = value;
    }

    public DerivedArchitecture Derive(IReadOnlyList<double[]> importance)
    {
        if (importance.Count != _net.Attention.Count)
            throw new ArgumentException($"TinySupernet.Derive: {importance.Count} importance vectors for {_net.Attention.Count} edges.");
        var edges = new List<EdgeImportance>();
        for (int e = 0; e < importance.Count; e++)
        {
            var mean = importance[e].Select(v => v / _net.Channels).ToArray();
            int chosen = -1;
            for (int k = Spec.AllowNone ? 0 : 1; k < mean.Length; k++)
            {
                if (chosen < 0 || mean[k] > mean[chosen]) chosen = k;
            }
            edges.Add(new EdgeImportance($"edge{e}", mean, chosen));
        }
        var text = string.Join("|", edges.Select(e => $"{e.Edge}={Candidates[e.Chosen]}"));
        return new DerivedArchitecture(text, edges.Count(e => e.Chosen == 1), Candidates, edges);
    }

    private sealed class TinyNet : Module
    {
        private readonly Conv2d _stem;
        private readonly BatchNorm2d _stemBn;
        private readonly Linear _head;
        private readonly TinyEdge[] _edges;

        public TinyNet(SupernetSpec spec, int channels, Generator generator, IBackend backend)
        {
            Channels = channels;
            _stem = RegisterModule("stem", new Conv2d(spec.InputChannels, channels, 3, stride: 2, padding: 1, bias: false, generator: generator, backend: backend));
            _stemBn = RegisterModule("stem_bn", new BatchNorm2d(channels, backend: backend));
            _edges = new TinyEdge[2];
            for (int e = 0; e < _edges.Length; e++)
                _edges[e] = RegisterModule($"edge{e}", new TinyEdge(channels, spec.Reduction, generator, backend));
            _head = RegisterModule("head", new Linear(channels, spec.Classes, generator: generator, backend: backend));
        }

        public int Channels { get; }
        public bool Poison { get; set; }
        public IReadOnlyList<AttentionModule> Attention => _edges.Select(e => e.Attention).ToArray();

        public override Var Forward(Var x)
        {
            var h = Relu(_stemBn.Forward(_stem.Forward(x)));
            foreach (var edge in _edges) h = edge.Forward(h);
            var logits = _head.Forward(GlobalAvgPool(h));
            return Poison ? Scale(logits, float.NaN) : logits;
        }
    }

    private sealed class TinyEdge : Module
    {
        private readonly Conv2d _conv;
        private readonly BatchNorm2d _bn;

        public TinyEdge(int channels, int reduction, Generator generator, IBackend backend)
        {
            _conv = RegisterModule("conv", new Conv2d(channels, channels, 3, padding: 1, bias: false, generator: generator, backend: backend));
            _bn = RegisterModule("bn", new BatchNorm2d(channels, affine: false, backend: backend));
            Attention = RegisterModule("attention", new AttentionModule(Candidates.Count, channels, reduction, generator, backend));
        }

        public AttentionModule Attention { get; }

        public override Var Forward(Var x)
        {
            var none = Zeros(x.Shape, x.Backend);
            var conv = _bn.Forward(_conv.Forward(Relu(x)));
            return Attention.Forward(Concat([none, x, conv]));
        }
    }
}

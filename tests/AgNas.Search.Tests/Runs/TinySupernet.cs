using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search;
using AgNas.Search.Alpha;
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
/// <para>With <see cref="SupernetSpec.Method"/> = darts the edges mix with the rows of one
/// <see cref="AlphaSet"/> (2, 3) named <c>arch_parameters</c> instead, drawn after the weights, and
/// derivation takes the argmax of softmax(α) per edge by the same rule: the few lines a space needs.</para>
/// </summary>
public sealed class TinySupernet : IAlphaSupernet, IDisposable
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

    public IReadOnlyList<AlphaSet> AlphaSets => _net.Alphas is null ? [] : [_net.Alphas];

    public DerivedArchitecture DeriveFromAlphas() =>
        Choose((_net.Alphas ?? throw new InvalidOperationException("TinySupernet: built for attention, no α.")).Weights());

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
        return Choose(importance.Select(v => v.Select(x => x / _net.Channels).ToArray()).ToList());
    }

    private DerivedArchitecture Choose(IReadOnlyList<double[]> edgeValues)
    {
        var edges = new List<EdgeImportance>();
        for (int e = 0; e < edgeValues.Count; e++)
        {
            var mean = edgeValues[e];
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
            if (spec.Method == SearchMethod.Darts) Alphas = new AlphaSet("arch_parameters", _edges.Length, Candidates.Count, backend);
            for (int e = 0; e < _edges.Length; e++)
            {
                int row = e;
                Func<ICandidateMixer> mixer = Alphas is null
                    ? () => new AttentionModule(Candidates.Count, channels, spec.Reduction, generator, backend)
                    : () => Alphas.Mixer(row);
                _edges[e] = RegisterModule($"edge{e}", new TinyEdge(channels, mixer, generator, backend));
            }
            _head = RegisterModule("head", new Linear(channels, spec.Classes, generator: generator, backend: backend));
            if (Alphas is not null)
            {
                Alphas.Initialize(generator);
                RegisterParameter(Alphas.Name, Alphas.Alpha);
            }
        }

        public int Channels { get; }
        public bool Poison { get; set; }
        public AlphaSet? Alphas { get; }
        public IReadOnlyList<AttentionModule> Attention => _edges.Select(e => e.Mixer).OfType<AttentionModule>().ToArray();

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

        public TinyEdge(int channels, Func<ICandidateMixer> mixer, Generator generator, IBackend backend)
        {
            _conv = RegisterModule("conv", new Conv2d(channels, channels, 3, padding: 1, bias: false, generator: generator, backend: backend));
            _bn = RegisterModule("bn", new BatchNorm2d(channels, affine: false, backend: backend));
            Mixer = mixer();
            if (Mixer is AttentionModule attention) RegisterModule("attention", attention);
        }

        public ICandidateMixer Mixer { get; }

        public override Var Forward(Var x)
        {
            var none = Zeros(x.Shape, x.Backend);
            var conv = _bn.Forward(_conv.Forward(Relu(x)));
            return Mixer.Mix(Concat([none, x, conv]));
        }
    }
}

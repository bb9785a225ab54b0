using System.Collections.Immutable;
using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Alpha;
using AgNas.Search.Attention;
using AgNas.Search.Ops;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The AGNAS supernet over the DARTS space (<c>DS/model_search.py:66-169</c>; agnas-facts §1.2, §3.2): stem conv 3×3
/// C_in→3C (pad 1, no bias) + BN (affine: the supernet's only affine BN); L <see cref="DartsSearchCell"/>s, cells
/// L/3 and 2L/3 reducing (H, W halve, C doubles: 16 → 32 → 64 at C = 16), each cell reading the outputs of the two
/// cells before it (the stem's output for the first two); every edge of every cell carries the eight candidates and
/// its own attention module (8C → floor(8C/r) → 8C; 14 × L modules, none shared); global average pool → Linear(4·4C →
/// classes, with bias). Child names: <c>stem</c>, <c>cells</c>, <c>classifier</c>; weights are drawn from the one
/// generator in that order (PyTorch's default initialisations).
/// </summary>
/// <remarks>
/// Size at the reference settings (3×32×32 input, 10 classes, C = 16, L = 8, r = 8): 5,485,946 parameters, of which
/// 3,555,328 are the 112 attention modules' FCs (16C² per edge) and 1,930,618 the DARTS supernet around them — the
/// "5.49 M / 3.56 M / 1.93 M" of agnas-facts §1.2. With 1-channel images the stem has 864 fewer.
/// <para>Built for <see cref="SearchMethod.Darts"/> (<see cref="DartsSupernetConfig.Method"/>), the edges have no attention
/// modules: as in DARTS' own search network, every edge of a normal cell mixes with softmax of its row of α
/// <c>alphas_normal</c> (14, 8) and every edge of a reduction cell with its row of <c>alphas_reduce</c> (14, 8), both
/// parameters of this module (<see cref="AlphaSets"/>), drawn as 1e-3·N(0, 1) after the weights, normal first. The
/// candidates, cells and skeleton are the same; derivation applies the same rule (<see cref="DartsDerivation"/>) to softmax(α),
/// so every normal cell gets the same genotype and so does every reduction cell.</para>
/// </remarks>
public sealed class DartsSupernet : Module, IAlphaSupernet
{
    /// <summary>The state-dict name of the normal cells' α (DARTS <c>alphas_normal</c>).</summary>
    public const string AlphasNormalName = "alphas_normal";

    /// <summary>The state-dict name of the reduction cells' α (DARTS <c>alphas_reduce</c>).</summary>
    public const string AlphasReduceName = "alphas_reduce";

    /// <summary>Builds the supernet with weights drawn from <c>config.Seed</c>.</summary>
    /// <param name="config">Every setting (validated).</param>
    /// <param name="backend">Where the tensors live; null is the CPU.</param>
    /// <exception cref="ArgumentException">An invalid setting.</exception>
    public DartsSupernet(DartsSupernetConfig config, IBackend? backend = null)
        : this(Checked(config), new Generator(config.Seed), backend ?? CpuBackend.Instance)
    {
    }

    private DartsSupernet(DartsSupernetConfig config, Generator generator, IBackend backend)
    {
        Config = config;
        AlphaSet? normalAlphas = null, reduceAlphas = null;
        if (config.Method == SearchMethod.Darts)
        {
            normalAlphas = new AlphaSet(AlphasNormalName, DartsTopology.EdgeCount, DartsOps.Count, backend);
            reduceAlphas = new AlphaSet(AlphasReduceName, DartsTopology.EdgeCount, DartsOps.Count, backend);
        }
        int c = config.Channels, stem = DartsSupernetConfig.StemMultiplier * c;
        Stem = RegisterModule("stem", new Sequential(
            new Conv2d(config.InputChannels, stem, kernelSize: 3, stride: 1, padding: 1, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(stem, backend: backend)));

        Cells = RegisterModule("cells", new ModuleList<DartsSearchCell>());
        int previousPrevious = stem, previous = stem, width = c;
        bool reductionPrevious = false;
        for (int i = 0; i < config.Layers; i++)
        {
            bool reduction = DartsStages.IsReduction(i, config.Layers);
            if (reduction) width *= 2;
            var alphas = reduction ? reduceAlphas : normalAlphas;
            int cellWidth = width;
            var cell = new DartsSearchCell(previousPrevious, previous, width, reduction ? DartsCellKind.Reduce : DartsCellKind.Normal,
                reductionPrevious, generator, backend,
                edge => alphas is null ? new AttentionModule(DartsOps.Count, cellWidth, config.Reduction, generator, backend) : alphas.Mixer(edge.Index));
            Cells.Append(cell);
            reductionPrevious = reduction;
            (previousPrevious, previous) = (previous, cell.OutputChannels);
        }
        OutputChannels = previous;
        Classifier = RegisterModule("classifier", new Linear(previous, config.Classes, bias: true, generator, backend));

        CellChannels = Cells.Items.Select(cell => cell.Channels).ToImmutableArray();
        AttentionModules = Cells.Items
            .SelectMany(cell => DartsTopology.Edges.Select(e => cell.Edge(e).Mixer))
            .OfType<AttentionModule>()
            .ToImmutableArray();
        if (normalAlphas is null || reduceAlphas is null)
        {
            AlphaSets = [];
        }
        else
        {
            normalAlphas.Initialize(generator);
            reduceAlphas.Initialize(generator);
            RegisterParameter(normalAlphas.Name, normalAlphas.Alpha);
            RegisterParameter(reduceAlphas.Name, reduceAlphas.Alpha);
            AlphaSets = [normalAlphas, reduceAlphas];
        }
    }

    private static DartsSupernetConfig Checked(DartsSupernetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }

    /// <summary>The settings this supernet was built from.</summary>
    public DartsSupernetConfig Config { get; }

    /// <summary>Conv 3×3 C_in→3C then BN (child <c>stem</c>, PyTorch names <c>stem.0</c>, <c>stem.1</c>).</summary>
    public Sequential Stem { get; }

    /// <summary>The L search cells in forward order.</summary>
    public ModuleList<DartsSearchCell> Cells { get; }

    public Linear Classifier { get; }

    /// <summary>Channels entering the classifier: 4 × the last cell's C (256 at C = 16).</summary>
    public int OutputChannels { get; }

    /// <summary>C of each cell, in <see cref="Cells"/> order.</summary>
    public IReadOnlyList<int> CellChannels { get; }

    /// <inheritdoc/>
    public Module Network => this;

    /// <summary>
    /// The L × 14 attention modules in (cell, edge) order: cell by cell over <see cref="Cells"/>, and within a cell edge by
    /// edge in DARTS order (<see cref="DartsTopology.Edges"/>: node0 j = 0, 1; node1 j = 0..2; node2 j = 0..3; node3 j = 0..4).
    /// Module 14c + e is cell c's edge e. Empty for a supernet built for <see cref="SearchMethod.Darts"/>.
    /// </summary>
    public IReadOnlyList<AttentionModule> AttentionModules { get; }

    /// <summary>
    /// Every cell's genotype and the five-cell architecture, by <see cref="DartsDerivation"/> (agnas-facts §2.1), from one
    /// importance vector (K = 8) per attention module in <see cref="AttentionModules"/> order.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong number or length of vectors, or a non-finite value.</exception>
    public DerivedArchitecture Derive(IReadOnlyList<double[]> importance) => DartsDerivation.Derive(importance, Config.Layers);

    /// <summary>DARTS' α of a supernet built for <see cref="SearchMethod.Darts"/>: <c>alphas_normal</c>, then <c>alphas_reduce</c> (each (14, 8)); empty for AGNAS.</summary>
    public IReadOnlyList<AlphaSet> AlphaSets { get; }

    /// <summary>
    /// Every cell's genotype and the five-cell set by the same rule as <see cref="Derive"/>, on softmax(α) of the cell's type per
    /// edge (DARTS <c>Network.genotype</c>: none excluded from the edge ranking and the op choice). Every normal cell
    /// shares one genotype, and every reduction cell the other.
    /// </summary>
    /// <exception cref="InvalidOperationException">The supernet was built for attention (no α).</exception>
    public DerivedArchitecture DeriveFromAlphas()
    {
        if (AlphaSets.Count == 0)
            throw new InvalidOperationException("DartsSupernet: built for attention (Method = Agnas), it has no α to derive from.");
        double[][] normal = AlphaSets[0].Weights(), reduce = AlphaSets[1].Weights();
        var rows = Cells.Items.SelectMany(cell => cell.Kind == DartsCellKind.Reduce ? reduce : normal).ToList();
        return DartsDerivation.Derive(rows, Config.Layers);
    }

    /// <summary>Images (B, C_in, H, W) → logits (B, classes). H and W may be odd (28 → 14 → 7 works).</summary>
    /// <exception cref="ArgumentException">x is not (B, C_in, H, W).</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != Config.InputChannels)
            throw new ArgumentException($"DartsSupernet: input has shape {x.Shape}; expected (B, {Config.InputChannels}, H, W).");
        var s0 = Stem.Forward(x);
        var s1 = s0;
        foreach (var cell in Cells.Items) (s0, s1) = (s1, cell.Forward(s0, s1));
        return Classifier.Forward(Functional.GlobalAvgPool(s1));
    }

    /// <summary>A new supernet built from <see cref="Config"/> on <paramref name="backend"/> (null: this one's), holding a copy of this one's parameters and buffers.</summary>
    public DartsSupernet Clone(IBackend? backend = null)
    {
        var copy = new DartsSupernet(Config, backend ?? Classifier.Weight.Backend);
        copy.LoadStateDict(StateDict());
        copy.Train(IsTraining);
        return copy;
    }

    protected override string ExtraRepr =>
        $"C_in={Config.InputChannels}, classes={Config.Classes}, C={Config.Channels}, layers={Config.Layers}, " +
        (AlphaSets.Count == 0 ? $"r={Config.Reduction}" : $"method={SearchMethods.Name(Config.Method)}");
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// A cell of the DARTS evaluation network with one fixed op per gene (DARTS <c>model.py</c> <c>Cell</c>;
/// agnas-facts §3.4): the two inputs are preprocessed to C channels (preprocess0 = FactorizedReduce when the
/// previous cell reduced, else ReLUConvBN 1×1; preprocess1 = ReLUConvBN 1×1; all BN affine), intermediate
/// node i sums its two genes' ops applied to the states they read, and the output concatenates the
/// concat states: (B, |concat|·C, H', W'). In a reduction cell the genes reading states 0 and 1 have
/// stride 2. Children <c>preprocess0</c>, <c>preprocess1</c>, <c>_ops</c> (PyTorch's names).
/// </summary>
/// <remarks>
/// Drop-path (training only, probability p &gt; 0): every op output except an identity is multiplied by a
/// per-sample Bernoulli(1 − p) mask divided by 1 − p (DARTS <c>drop_path</c>, <c>DS/model.py:41-60</c>); the
/// masks are drawn from <see cref="CounterRandom"/> keyed by the caller's seed and the gene index, so
/// a step is reproducible. In evaluation mode the output does not depend on p.
/// </remarks>
public sealed class DartsCell : Module
{
    private readonly bool[] _dropPathApplies;

    /// <param name="genotype">The genes and concat of this cell's kind.</param>
    /// <param name="previousPreviousChannels">Channels of state 0 (the output of cell k − 2, or the stem).</param>
    /// <param name="previousChannels">Channels of state 1 (the output of cell k − 1, or the stem).</param>
    /// <param name="channels">C of this cell.</param>
    /// <param name="reduction">This cell halves H, W (stride 2 on the genes reading states 0 and 1).</param>
    /// <param name="reductionPrevious">The previous cell reduced, so state 0 is twice the size of state 1 and is reduced by preprocess0.</param>
    /// <param name="generator">Source of the initial weights (preprocess0, preprocess1, then the ops in gene order).</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">A reduction cell whose concat names state 0 or 1 (they are not reduced), or an invalid size.</exception>
    public DartsCell(DartsCellGenotype genotype, int previousPreviousChannels, int previousChannels, int channels,
        bool reduction, bool reductionPrevious, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(genotype);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        if (reduction && genotype.Concat.Any(s => s < 2))
            throw new ArgumentException($"DARTS reduction cell: the concat {genotype.ConcatText} names an input state (0 or 1), which a reduction cell does not reduce; concatenate intermediate nodes (2..{genotype.Steps + 1}) only.");
        Genotype = genotype;
        Channels = channels;
        Reduction = reduction;
        Preprocess0 = RegisterModule<Module>("preprocess0", reductionPrevious
            ? new FactorizedReduce(previousPreviousChannels, channels, affine: true, generator, backend)
            : new ReLUConvBN(previousPreviousChannels, channels, 1, 1, 0, 1, affine: true, trackRunningStats: true, convBias: false, generator, backend));
        Preprocess1 = RegisterModule("preprocess1",
            new ReLUConvBN(previousChannels, channels, 1, 1, 0, 1, affine: true, trackRunningStats: true, convBias: false, generator, backend));
        Ops = RegisterModule("_ops", new ModuleList<Module>());
        _dropPathApplies = new bool[genotype.Genes.Count];
        for (int g = 0; g < genotype.Genes.Count; g++)
        {
            var gene = genotype.Genes[g];
            int stride = StrideOf(gene);
            Ops.Append(DartsOpRegistry.Create(gene.Op, channels, stride, affine: true, generator, backend));
            _dropPathApplies[g] = !DartsOpRegistry.Get(gene.Op).IsIdentityAt(stride);
        }
    }

    public DartsCellGenotype Genotype { get; }

    /// <summary>C.</summary>
    public int Channels { get; }

    public bool Reduction { get; }

    /// <summary>Output channels: |concat|·C.</summary>
    public int OutputChannels => Genotype.Multiplier * Channels;

    public Module Preprocess0 { get; }
    public ReLUConvBN Preprocess1 { get; }

    /// <summary>One op per gene, in gene order.</summary>
    public ModuleList<Module> Ops { get; }

    /// <summary>The stride of a gene's op: 2 for a reduction cell's genes reading state 0 or 1, else 1.</summary>
    public int StrideOf(DartsGene gene) => Reduction && gene.Input < 2 ? 2 : 1;

    /// <summary>Whether drop-path multiplies gene <paramref name="gene"/>'s output (every op but an identity).</summary>
    public bool DropPathApplies(int gene) => _dropPathApplies[gene];

    /// <summary>
    /// s0 (B, C_pp, H0, W0), s1 (B, C_p, H, W) → (B, |concat|·C, H', W'), H' = ⌈H/2⌉ in a reduction cell, else H.
    /// </summary>
    /// <param name="s0">The output of cell k − 2 (or the stem).</param>
    /// <param name="s1">The output of cell k − 1 (or the stem).</param>
    /// <param name="dropPath">Drop-path probability p in [0, 1]; used in training mode only.</param>
    /// <param name="seed">Seed of this forward's drop-path masks.</param>
    /// <exception cref="ArgumentException">An input does not have the channels the cell was built for, or the sizes do not match.</exception>
    public Var Forward(Var s0, Var s1, float dropPath, ulong seed)
    {
        var states = new List<Var>(2 + Genotype.Steps) { Preprocess0.Forward(s0), Preprocess1.Forward(s1) };
        bool drop = IsTraining && dropPath > 0f;
        for (int node = 0; node < Genotype.Steps; node++)
        {
            Var? sum = null;
            for (int g = 2 * node; g < 2 * node + 2; g++)
            {
                var h = Ops[g].Forward(states[Genotype.Genes[g].Input]);
                if (drop && _dropPathApplies[g]) h = Functional.DropPath(h, dropPath, training: true, CounterRandom.Hash(seed, (ulong)g));
                sum = sum is null ? h : Functional.Add(sum, h);
            }
            states.Add(sum!);
        }
        return Functional.Concat(Genotype.Concat.Select(s => states[s]).ToList());
    }

    /// <exception cref="NotSupportedException">Always: a cell takes two inputs; call <see cref="Forward(Var, Var, float, ulong)"/>.</exception>
    public override Var Forward(Var x) =>
        throw new NotSupportedException("A DARTS cell takes two inputs (the outputs of the two previous cells); call Forward(s0, s1, dropPath, seed).");

    protected override string ExtraRepr => $"{(Reduction ? "reduce" : "normal")}, C={Channels}, {Genotype}";
}

using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// The genotype of one DARTS cell type: its genes (two per intermediate node, node i's pair at 2i and
/// 2i + 1) and the states concatenated into its output (agnas-facts §2.1). An immutable value with
/// value equality. The cell has <see cref="Steps"/> = genes/2 intermediate nodes and
/// <see cref="Multiplier"/> = |concat| times C output channels.
/// </summary>
/// <remarks>
/// Rules (checked on construction and on parsing): an even, non-zero number of genes; gene g belongs to
/// node g/2 (state g/2 + 2) and may read states 0 .. g/2 + 1; every op is one of the eight of
/// <see cref="DartsOps"/>; the concat is non-empty, without repeats, and names states 0 .. Steps + 1.
/// </remarks>
public sealed class DartsCellGenotype : IEquatable<DartsCellGenotype>
{
    private readonly ImmutableArray<DartsGene> _genes;
    private readonly ImmutableArray<int> _concat;

    /// <exception cref="ArgumentException">The genes or the concat break a rule (see the remarks); the message names the gene or concat entry.</exception>
    public DartsCellGenotype(IEnumerable<DartsGene> genes, IEnumerable<int> concat)
    {
        ArgumentNullException.ThrowIfNull(genes);
        ArgumentNullException.ThrowIfNull(concat);
        _genes = genes.ToImmutableArray();
        _concat = concat.ToImmutableArray();
        if (CountProblem(_genes.Length) is { } count) throw new ArgumentException($"DARTS cell: {count}.", nameof(genes));
        for (int g = 0; g < _genes.Length; g++)
        {
            if (!DartsOps.IsDefined(_genes[g].Op))
                throw new ArgumentException($"DARTS cell: gene {g}: op index {(int)_genes[g].Op} is outside the searched set ({DartsOps.ValidNamesText}).", nameof(genes));
            if (InputProblem(g, _genes[g].Input) is { } input) throw new ArgumentException($"DARTS cell: gene {g}: {input}.", nameof(genes));
        }
        if (ConcatProblem(_concat, Steps) is { } problem) throw new ArgumentException($"DARTS cell: concat: {problem.Problem}.", nameof(concat));
    }

    /// <summary>The genes in order: node i's two edges at 2i and 2i + 1.</summary>
    public IReadOnlyList<DartsGene> Genes => _genes;

    /// <summary>The states concatenated (in this order) into the cell's output.</summary>
    public IReadOnlyList<int> Concat => _concat;

    /// <summary>Intermediate nodes: genes / 2.</summary>
    public int Steps => _genes.Length / 2;

    /// <summary>Output channels in units of C: |concat|.</summary>
    public int Multiplier => _concat.Length;

    /// <summary>Number of genes carrying <paramref name="op"/>.</summary>
    public int CountOf(DartsOp op) => _genes.Count(g => g.Op == op);

    /// <summary>The gene list in DARTS' form: <c>[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...]</c>.</summary>
    public string GenesText => "[" + string.Join(", ", _genes.Select(g => g.ToString())) + "]";

    /// <summary>The concat in DARTS' form: <c>range(a, b)</c> when it is a run of consecutive ascending states, else a list <c>[2, 3, 5]</c>.</summary>
    public string ConcatText
    {
        get
        {
            bool run = true;
            for (int i = 1; i < _concat.Length; i++) run &= _concat[i] == _concat[i - 1] + 1;
            var inv = CultureInfo.InvariantCulture;
            return run
                ? string.Create(inv, $"range({_concat[0]}, {_concat[^1] + 1})")
                : "[" + string.Join(", ", _concat.Select(c => c.ToString(inv))) + "]";
        }
    }

    /// <summary>This cell as one AGNAS cell of <paramref name="kind"/>: <c>Normal_Genotype(normal=[...], normal_concat=range(2, 6))</c>.</summary>
    public string ToText(DartsCellKind kind) =>
        new StringBuilder(DartsCellKinds.TypeName(kind)).Append('(')
            .Append(DartsCellKinds.GenesField(kind)).Append('=').Append(GenesText).Append(", ")
            .Append(DartsCellKinds.ConcatField(kind)).Append('=').Append(ConcatText).Append(')').ToString();

    /// <summary>Parses one AGNAS cell of <paramref name="kind"/> (<c>Normal_Genotype(...)</c> / <c>Reduce_Genotype(...)</c>, DARTS' spelling, <c>range(a, b)</c> or a list for the concat).</summary>
    /// <param name="text">The text.</param>
    /// <param name="kind">The kind the text must hold.</param>
    /// <param name="source">Where the text came from (a file, a JSON field), for messages; null for none.</param>
    /// <exception cref="DartsGenotypeFormatException">Malformed, another kind, or breaking a rule; the one-line message names the field, the gene index and the value.</exception>
    public static DartsCellGenotype Parse(string text, DartsCellKind kind, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return DartsGenotypeReader.ReadCell(text, kind, source);
    }

    /// <summary>"an even number of at least 2 genes" broken, or null.</summary>
    internal static string? CountProblem(int genes) =>
        genes >= 2 && genes % 2 == 0 ? null : $"{genes} gene(s); a cell needs an even number, at least 2 (two per intermediate node)";

    /// <summary>The rule for gene <paramref name="gene"/>'s input broken, or null.</summary>
    internal static string? InputProblem(int gene, int input)
    {
        int node = gene / 2;
        return input >= 0 && input < node + 2
            ? null
            : $"input {input} is out of range: gene {gene} belongs to intermediate node {node} (state {node + 2}), which may read states 0..{node + 1}";
    }

    /// <summary>The concat rules broken (with the index of the offending entry, or null for the whole list), or null.</summary>
    internal static (string Problem, int? Index)? ConcatProblem(IReadOnlyList<int> concat, int steps)
    {
        if (concat.Count == 0) return ("it is empty; expected the states to concatenate, e.g. range(2, 6)", null);
        var seen = new HashSet<int>();
        for (int i = 0; i < concat.Count; i++)
        {
            if (concat[i] < 0 || concat[i] > steps + 1)
                return ($"state {concat[i]} is out of range; a cell of {steps} intermediate nodes has states 0..{steps + 1}", i);
            if (!seen.Add(concat[i])) return ($"state {concat[i]} is repeated", i);
        }
        return null;
    }

    public bool Equals(DartsCellGenotype? other) =>
        other is not null && _genes.SequenceEqual(other._genes) && _concat.SequenceEqual(other._concat);

    public override bool Equals(object? obj) => Equals(obj as DartsCellGenotype);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var g in _genes) hash.Add(g);
        hash.Add(-1);
        foreach (var c in _concat) hash.Add(c);
        return hash.ToHashCode();
    }

    public static bool operator ==(DartsCellGenotype? a, DartsCellGenotype? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(DartsCellGenotype? a, DartsCellGenotype? b) => !(a == b);

    /// <summary>The genes and the concat: <c>[('sep_conv_3x3', 0), ...], concat range(2, 6)</c>.</summary>
    public override string ToString() => $"{GenesText}, concat {ConcatText}";
}

using System.Globalization;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// One gene of a DARTS cell genotype: the op of one kept edge and the state it reads. States are numbered
/// as in DARTS: 0 = the output of cell k − 2, 1 = the output of cell k − 1, 2.. = the cell's intermediate
/// nodes in order. Genes come in pairs, one pair per intermediate node (agnas-facts §2.1).
/// </summary>
/// <param name="Op">The op on the edge.</param>
/// <param name="Input">The state the edge reads (≥ 0).</param>
public readonly record struct DartsGene(DartsOp Op, int Input)
{
    /// <summary>The DARTS (Python tuple) form: <c>('sep_conv_3x3', 0)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"('{DartsOps.Name(Op)}', {Input})");
}

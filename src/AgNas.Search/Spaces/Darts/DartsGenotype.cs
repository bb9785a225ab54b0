namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// A DARTS genotype: one normal and one reduction cell, used by every cell of its type (DARTS
/// <c>genotypes.py</c> <c>Genotype</c>). An immutable value with value equality.
/// </summary>
/// <remarks>
/// Text form (DARTS' namedtuple repr, as <c>str(genotype)</c> prints a derived one):
/// <c>Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))</c>.
/// <see cref="ToString"/> writes a concat of consecutive states as <c>range(a, b)</c> and any other as a list;
/// <see cref="Parse"/> also accepts lists such as <c>[2, 3, 4, 5]</c> (DARTS_V2's spelling), either quote
/// character, any whitespace, the four fields in any order, and a trailing comma.
/// </remarks>
/// <param name="Normal">The normal cell.</param>
/// <param name="Reduce">The reduction cell.</param>
public sealed record DartsGenotype(DartsCellGenotype Normal, DartsCellGenotype Reduce)
{
    /// <summary>The Python namedtuple's name.</summary>
    public const string TypeName = "Genotype";

    /// <summary>The cell of <paramref name="kind"/>.</summary>
    public DartsCellGenotype Cell(DartsCellKind kind) => kind == DartsCellKind.Normal ? Normal : Reduce;

    /// <summary>The DARTS text form (see the remarks).</summary>
    public override string ToString() =>
        $"{TypeName}(normal={Normal.GenesText}, normal_concat={Normal.ConcatText}, reduce={Reduce.GenesText}, reduce_concat={Reduce.ConcatText})";

    /// <summary>Parses the DARTS text form.</summary>
    /// <param name="text">The text.</param>
    /// <param name="source">Where the text came from (a file, an option), for messages; null for none.</param>
    /// <exception cref="DartsGenotypeFormatException">Malformed, or breaking a rule of <see cref="DartsCellGenotype"/>
    /// (e.g. an op outside the searched set); the one-line message names the field (<c>normal</c>, <c>reduce_concat</c>, …), the index and the value.</exception>
    public static DartsGenotype Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return DartsGenotypeReader.ReadGenotype(text, source);
    }

    /// <summary>Parses like <see cref="Parse"/>; false for null or invalid text.</summary>
    public static bool TryParse(string? text, out DartsGenotype? genotype)
    {
        genotype = null;
        if (text is null) return false;
        try
        {
            genotype = Parse(text);
            return true;
        }
        catch (DartsGenotypeFormatException)
        {
            return false;
        }
    }
}

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// What the DARTS evaluation network is built from: either one <see cref="DartsGenotype"/> (its normal cell
/// in every stage, as DARTS does) or an AGNAS <see cref="DartsFiveCellGenotype"/>. An immutable value with
/// value equality; <see cref="ToString"/> is its canonical text (the genotype's or the five-cell list's),
/// which <see cref="Parse"/> reads back.
/// </summary>
public sealed class DartsArchitecture : IEquatable<DartsArchitecture>
{
    private DartsArchitecture(DartsGenotype? genotype, DartsFiveCellGenotype? fiveCell)
    {
        Genotype = genotype;
        FiveCell = fiveCell;
    }

    /// <summary>One genotype for every cell of its kind.</summary>
    public static DartsArchitecture Of(DartsGenotype genotype)
    {
        ArgumentNullException.ThrowIfNull(genotype);
        return new(genotype, null);
    }

    /// <summary>A five-cell architecture.</summary>
    public static DartsArchitecture Of(DartsFiveCellGenotype fiveCell)
    {
        ArgumentNullException.ThrowIfNull(fiveCell);
        return new(null, fiveCell);
    }

    /// <summary>The single genotype, or null for a five-cell architecture.</summary>
    public DartsGenotype? Genotype { get; }

    /// <summary>The five-cell architecture, or null for a single genotype.</summary>
    public DartsFiveCellGenotype? FiveCell { get; }

    /// <summary>The cell genotype of each slot (a single genotype's normal cell in all three normal slots).</summary>
    public DartsFiveCellGenotype Cells => FiveCell ?? DartsFiveCellGenotype.FromGenotype(Genotype!);

    /// <summary>The published name (<c>DARTS_V2</c>, <c>AGNAS</c>) when this equals a published architecture, else null.</summary>
    public string? PublishedName =>
        DartsGenotypes.Names.FirstOrDefault(n => Equals(DartsGenotypes.Named(n)));

    /// <summary>The canonical text: the genotype's <c>Genotype(...)</c> or the five-cell list <c>[Normal_Genotype(...), ...]</c>.</summary>
    public override string ToString() => Genotype?.ToString() ?? FiveCell!.ToString();

    /// <summary>
    /// Reads an architecture from text: a published name (<c>DARTS_V2</c>, <c>AGNAS</c>), a DARTS genotype
    /// <c>Genotype(normal=[...], ...)</c>, a five-cell list <c>[Normal_Genotype(...), ...]</c>, or a five-cell JSON object.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="source">Where it came from (file, option), for messages; null for none.</param>
    /// <exception cref="DartsGenotypeFormatException">None of these, or one that breaks a rule; one line naming the source, field, index and value.</exception>
    public static DartsArchitecture Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (DartsGenotypes.Named(trimmed) is { } named) return named;
        if (trimmed.StartsWith('{')) return Of(DartsFiveCellGenotype.FromJson(text, source));
        if (trimmed.StartsWith('[')) return Of(DartsFiveCellGenotype.Parse(text, source));
        return Of(DartsGenotype.Parse(text, source));
    }

    /// <summary>Parses like <see cref="Parse"/>; false for null or invalid text.</summary>
    public static bool TryParse(string? text, out DartsArchitecture? architecture)
    {
        architecture = null;
        if (text is null) return false;
        try
        {
            architecture = Parse(text);
            return true;
        }
        catch (DartsGenotypeFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Resolves what a user gave (<c>agnas train --genotype</c>): a published name; else an existing file, read and
    /// parsed as <see cref="Parse"/> does (a five-cell JSON file, or a text file with a DARTS genotype or a five-cell
    /// list); else genotype text itself.
    /// </summary>
    /// <param name="value">The name, path or text.</param>
    /// <param name="what">How the value was given, for messages (e.g. "--genotype").</param>
    /// <exception cref="DartsGenotypeFormatException">Empty, a folder, an unreadable file, a path that does not exist, or text that does not parse;
    /// one line naming the option or file, the field and the value.</exception>
    public static DartsArchitecture Resolve(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(what);
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
            throw new DartsGenotypeFormatException(value, $"{what} is empty; give {Accepted}", what);
        if (DartsGenotypes.Named(trimmed) is { } named) return named;
        if (File.Exists(trimmed))
        {
            string text;
            try
            {
                text = File.ReadAllText(trimmed);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DartsGenotypeFormatException(value, $"cannot read the file ({e.Message})", Path.GetFullPath(trimmed));
            }
            return Parse(text, Path.GetFullPath(trimmed));
        }
        if (Directory.Exists(trimmed))
            throw new DartsGenotypeFormatException(value, $"'{trimmed}' is a folder; give {Accepted}", what);
        if (LooksLikeText(trimmed)) return Parse(value, what);
        throw new DartsGenotypeFormatException(value, $"'{trimmed}' is neither an existing file nor a published name ({string.Join(", ", DartsGenotypes.Names)}) nor genotype text; give {Accepted}", what);
    }

    private const string Accepted =
        "DARTS_V2, AGNAS, a genotype Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6)), " +
        "a five-cell list [Normal_Genotype(...), Reduce_Genotype(...), ...], or a file holding one of these or a five-cell JSON object";

    /// <summary>Text starts like a genotype ('[' , '{' or Name( ), not like a path.</summary>
    private static bool LooksLikeText(string s)
    {
        if (s.StartsWith('[') || s.StartsWith('{')) return true;
        int i = 0;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        return i > 0 && i < s.Length && s[i] == '(';
    }

    public bool Equals(DartsArchitecture? other) =>
        other is not null && Equals(Genotype, other.Genotype) && Equals(FiveCell, other.FiveCell);

    public override bool Equals(object? obj) => Equals(obj as DartsArchitecture);

    public override int GetHashCode() => HashCode.Combine(Genotype, FiveCell);
}

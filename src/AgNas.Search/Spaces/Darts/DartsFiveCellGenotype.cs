using System.Text;
using System.Text.Json;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// An AGNAS "five-cell" architecture: one cell genotype per <see cref="DartsCellSlot"/> (the first normal cell
/// of each of the three stages and the two reduction cells of the searched supernet; agnas-facts §2.2). The
/// evaluation network uses Normal1 for every normal cell of the first stage, Reduce1 for the first
/// reduction, and so on (<see cref="DartsStages"/>). An immutable value with value equality.
/// </summary>
/// <remarks>
/// <para>Text form (AGNAS <c>DS/genotypes.py</c>'s <c>AGNAS = [Cell_0, Cell_2, Cell_3, Cell_5, Cell_6]</c>
/// with the cells written out): <c>[Normal_Genotype(normal=[...], normal_concat=range(2, 6)),
/// Reduce_Genotype(reduce=[...], reduce_concat=range(2, 6)), Normal_Genotype(...), Reduce_Genotype(...),
/// Normal_Genotype(...)]</c>.</para>
/// <para>JSON form (<see cref="ToJson"/>, <see cref="FromJson"/>): an object with exactly the keys
/// <c>normal_1</c>, <c>reduce_1</c>, <c>normal_2</c>, <c>reduce_2</c>, <c>normal_3</c>, each a string holding
/// that cell in the DARTS format above.</para>
/// </remarks>
public sealed class DartsFiveCellGenotype : IEquatable<DartsFiveCellGenotype>
{
    private readonly DartsCellGenotype[] _cells;

    /// <summary>The five cells in <see cref="DartsCellSlots.All"/> order.</summary>
    public DartsFiveCellGenotype(DartsCellGenotype normal1, DartsCellGenotype reduce1, DartsCellGenotype normal2, DartsCellGenotype reduce2, DartsCellGenotype normal3)
    {
        ArgumentNullException.ThrowIfNull(normal1);
        ArgumentNullException.ThrowIfNull(reduce1);
        ArgumentNullException.ThrowIfNull(normal2);
        ArgumentNullException.ThrowIfNull(reduce2);
        ArgumentNullException.ThrowIfNull(normal3);
        _cells = [normal1, reduce1, normal2, reduce2, normal3];
    }

    /// <summary>The five-cell form of a DARTS genotype: its normal cell in every stage, its reduction cell at both reductions.</summary>
    public static DartsFiveCellGenotype FromGenotype(DartsGenotype genotype)
    {
        ArgumentNullException.ThrowIfNull(genotype);
        return new(genotype.Normal, genotype.Reduce, genotype.Normal, genotype.Reduce, genotype.Normal);
    }

    /// <summary>The cell of <paramref name="slot"/>.</summary>
    public DartsCellGenotype this[DartsCellSlot slot] => _cells[(int)slot];

    public DartsCellGenotype Normal1 => this[DartsCellSlot.Normal1];
    public DartsCellGenotype Reduce1 => this[DartsCellSlot.Reduce1];
    public DartsCellGenotype Normal2 => this[DartsCellSlot.Normal2];
    public DartsCellGenotype Reduce2 => this[DartsCellSlot.Reduce2];
    public DartsCellGenotype Normal3 => this[DartsCellSlot.Normal3];

    /// <summary>The list text form (see the remarks).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("[");
        foreach (var slot in DartsCellSlots.All)
        {
            if (sb.Length > 1) sb.Append(", ");
            sb.Append(this[slot].ToText(DartsCellSlots.Kind(slot)));
        }
        return sb.Append(']').ToString();
    }

    /// <summary>Parses the list text form.</summary>
    /// <param name="text">The text.</param>
    /// <param name="source">Where it came from, for messages; null for none.</param>
    /// <exception cref="DartsGenotypeFormatException">Malformed, a cell of the wrong kind, or a rule broken; the one-line message names the cell (<c>normal_2</c>), the field, the index and the value.</exception>
    public static DartsFiveCellGenotype Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return DartsGenotypeReader.ReadFiveCell(text, source);
    }

    /// <summary>The JSON form (see the remarks), indented.</summary>
    public string ToJson()
    {
        var fields = DartsCellSlots.All.ToDictionary(DartsCellSlots.Key, s => this[s].ToText(DartsCellSlots.Kind(s)));
        // Insertion order is slot order; the dictionary keeps it for serialisation.
        return JsonSerializer.Serialize(fields, JsonOptions);
    }

    /// <summary>Reads the JSON form.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">The file it came from, for messages; null for none.</param>
    /// <exception cref="DartsGenotypeFormatException">Not a JSON object of five strings with exactly the five keys, or a cell that does not parse;
    /// the one-line message names the source, the key and the problem.</exception>
    public static DartsFiveCellGenotype FromJson(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DartsGenotypeFormatException(json, $"not valid JSON ({e.Message})", source);
        }
        using (doc)
        {
            var root = doc.RootElement;
            string keys = string.Join(", ", DartsCellSlots.All.Select(DartsCellSlots.Key));
            if (root.ValueKind != JsonValueKind.Object)
                throw new DartsGenotypeFormatException(json, $"expected a JSON object with the keys {keys}, found a {root.ValueKind}", source);
            var given = root.EnumerateObject().Select(p => p.Name).ToList();
            var unknown = given.Except(DartsCellSlots.All.Select(DartsCellSlots.Key), StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
                throw new DartsGenotypeFormatException(json, $"unknown key(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))}; expected exactly {keys}", source);
            var repeated = given.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (repeated.Count > 0)
                throw new DartsGenotypeFormatException(json, $"key(s) {string.Join(", ", repeated.Select(k => $"'{k}'"))} given more than once", source);
            var cells = new DartsCellGenotype[DartsCellSlots.All.Count];
            foreach (var slot in DartsCellSlots.All)
            {
                string key = DartsCellSlots.Key(slot);
                if (!root.TryGetProperty(key, out var value))
                    throw new DartsGenotypeFormatException(json, $"the key '{key}' is missing; expected exactly {keys}", source);
                if (value.ValueKind != JsonValueKind.String)
                    throw new DartsGenotypeFormatException(json, $"'{key}' is a {value.ValueKind}; expected a string such as \"{DartsCellKinds.TypeName(DartsCellSlots.Kind(slot))}({DartsCellKinds.GenesField(DartsCellSlots.Kind(slot))}=[...], ...)\"", source);
                string where = source is null ? key : $"{source}: {key}";
                cells[(int)slot] = DartsCellGenotype.Parse(value.GetString()!, DartsCellSlots.Kind(slot), where);
            }
            return new DartsFiveCellGenotype(cells[0], cells[1], cells[2], cells[3], cells[4]);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public bool Equals(DartsFiveCellGenotype? other) => other is not null && _cells.SequenceEqual(other._cells);

    public override bool Equals(object? obj) => Equals(obj as DartsFiveCellGenotype);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var c in _cells) hash.Add(c);
        return hash.ToHashCode();
    }

    public static bool operator ==(DartsFiveCellGenotype? a, DartsFiveCellGenotype? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(DartsFiveCellGenotype? a, DartsFiveCellGenotype? b) => !(a == b);
}

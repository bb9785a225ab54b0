using System.Globalization;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// Reads the Python-literal subset that DARTS and AGNAS genotypes are written in: namedtuple calls with
/// keyword fields (<c>Genotype(normal=[...], normal_concat=range(2, 6), ...)</c>), lists of
/// <c>('op', input)</c> tuples, <c>range(a, b)</c> or integer lists, lists of cells, whitespace and
/// <c>#</c> comments anywhere. Every error is a <see cref="DartsGenotypeFormatException"/> naming the field,
/// the index and the offending value with its character offset.
/// </summary>
internal sealed class DartsGenotypeReader
{
    private enum Kind { Identifier, Integer, String, Punctuation, End }

    private readonly record struct Token(Kind Kind, string Text, int Offset, long Value = 0);

    private readonly record struct ParsedGene(DartsGene Gene, int Offset);

    private sealed record ParsedConcat(IReadOnlyList<int> States, IReadOnlyList<int> Offsets, int Offset);

    private readonly string _text;
    private string? _source;
    private readonly List<Token> _tokens;
    private int _next;

    private DartsGenotypeReader(string text, string? source)
    {
        _text = text;
        _source = source;
        _tokens = Tokenize();
    }

    public static DartsGenotype ReadGenotype(string text, string? source)
    {
        var reader = new DartsGenotypeReader(text, source);
        var fields = reader.Call(DartsGenotype.TypeName, [DartsCellKind.Normal, DartsCellKind.Reduce], "a DARTS genotype");
        reader.ExpectEnd();
        return new DartsGenotype(reader.Build(fields, DartsCellKind.Normal), reader.Build(fields, DartsCellKind.Reduce));
    }

    public static DartsCellGenotype ReadCell(string text, DartsCellKind kind, string? source)
    {
        var reader = new DartsGenotypeReader(text, source);
        var cell = reader.Cell(kind);
        reader.ExpectEnd();
        return cell;
    }

    public static DartsFiveCellGenotype ReadFiveCell(string text, string? source)
    {
        var reader = new DartsGenotypeReader(text, source);
        int count = DartsCellSlots.All.Count;
        string expected = $"a list of {count} cells [Normal_Genotype(...), Reduce_Genotype(...), Normal_Genotype(...), Reduce_Genotype(...), Normal_Genotype(...)]";
        reader.Expect("[", expected);
        var cells = new DartsCellGenotype[count];
        foreach (var slot in DartsCellSlots.All)
        {
            int i = (int)slot;
            if (i > 0) reader.Expect(",", $"',' and cell {i + 1} of {count} ({DartsCellSlots.Key(slot)})");
            string where = (source is null ? "" : source + ": ") + DartsCellSlots.Key(slot);
            // Errors inside a cell name the cell as their source, so that "normal[3]" says which of the five it is.
            reader._source = where;
            cells[i] = reader.Cell(DartsCellSlots.Kind(slot), $"cell {i + 1} of {count} ({DartsCellSlots.Key(slot)})");
            reader._source = source;
        }
        if (reader.Peek.Text == ",") reader._next++;
        if (reader.Peek.Text != "]")
            throw reader.Error(reader.Peek.Kind == Kind.End
                ? $"the list ends without ']'; expected {expected}"
                : $"found {Describe(reader.Peek)} after the {count} cells; expected ']' (a five-cell architecture has exactly {count} cells)", offset: reader.Peek.Offset);
        reader._next++;
        reader.ExpectEnd();
        return new DartsFiveCellGenotype(cells[0], cells[1], cells[2], cells[3], cells[4]);
    }

    // ---- grammar ----------------------------------------------------------------------------------

    /// <summary>One cell: <c>Normal_Genotype(normal=[...], normal_concat=...)</c> or the Reduce_ form.</summary>
    private DartsCellGenotype Cell(DartsCellKind kind, string? what = null)
    {
        var fields = Call(DartsCellKinds.TypeName(kind), [kind], what ?? $"a {kind.ToString().ToLowerInvariant()} cell");
        return Build(fields, kind);
    }

    /// <summary>TypeName(field=value, ...) with exactly the gene and concat fields of <paramref name="kinds"/>, in any order.</summary>
    private Dictionary<string, (object Value, int Offset)> Call(string typeName, DartsCellKind[] kinds, string what)
    {
        var names = kinds.SelectMany(k => new[] { DartsCellKinds.GenesField(k), DartsCellKinds.ConcatField(k) }).ToArray();
        string shape = $"{typeName}({string.Join(", ", names.Select(n => n + "=..."))})";
        var head = Peek;
        if (head.Kind != Kind.Identifier || head.Text != typeName)
            throw Error($"expected {what}, {shape}; found {Describe(head)}", offset: head.Offset);
        _next++;
        Expect("(", $"'(' after {typeName}");
        var fields = new Dictionary<string, (object, int)>(StringComparer.Ordinal);
        while (true)
        {
            var t = Peek;
            if (t.Text == ")" && t.Kind == Kind.Punctuation) break;
            if (t.Kind != Kind.Identifier)
                throw Error($"expected a field name ({string.Join(", ", names)}) or ')'; found {Describe(t)}", offset: t.Offset);
            if (!names.Contains(t.Text))
                throw Error($"unknown field '{t.Text}'; {typeName} has the fields {string.Join(", ", names)}", field: t.Text, offset: t.Offset);
            if (fields.ContainsKey(t.Text))
                throw Error($"the field is given twice", field: t.Text, offset: t.Offset);
            _next++;
            Expect("=", $"'=' after {t.Text}");
            int valueOffset = Peek.Offset;
            object value = t.Text.EndsWith("_concat", StringComparison.Ordinal) ? Concat(t.Text) : Genes(t.Text);
            fields[t.Text] = (value, valueOffset);
            if (Peek.Text == "," && Peek.Kind == Kind.Punctuation) _next++;
            else if (!(Peek.Text == ")" && Peek.Kind == Kind.Punctuation))
                throw Error($"expected ',' or ')' after the field; found {Describe(Peek)}", field: t.Text, offset: Peek.Offset);
        }
        int close = Peek.Offset;
        _next++;
        var missing = names.Where(n => !fields.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw Error($"the field(s) {string.Join(", ", missing)} are missing; expected {shape}", offset: close);
        return fields;
    }

    /// <summary>The cell of <paramref name="kind"/> from parsed fields, with the concat checked against the gene count.</summary>
    private DartsCellGenotype Build(Dictionary<string, (object Value, int Offset)> fields, DartsCellKind kind)
    {
        string genesField = DartsCellKinds.GenesField(kind), concatField = DartsCellKinds.ConcatField(kind);
        var genes = (List<ParsedGene>)fields[genesField].Value;
        var concat = (ParsedConcat)fields[concatField].Value;
        int steps = genes.Count / 2;
        if (DartsCellGenotype.ConcatProblem(concat.States, steps) is { } problem)
            throw Error(problem.Problem, concatField, problem.Index, problem.Index is int i ? concat.Offsets[i] : concat.Offset);
        return new DartsCellGenotype(genes.Select(g => g.Gene), concat.States);
    }

    /// <summary>[('op', input), ...] with every op in the searched set and every input in range.</summary>
    private List<ParsedGene> Genes(string field)
    {
        int listOffset = Peek.Offset;
        Expect("[", $"a list of ('op', input) tuples", field);
        var genes = new List<ParsedGene>();
        while (!(Peek.Text == "]" && Peek.Kind == Kind.Punctuation))
        {
            int index = genes.Count;
            int tupleOffset = Peek.Offset;
            Expect("(", "a tuple ('op', input) or ']'", field, index);
            var name = Peek;
            if (name.Kind != Kind.String)
                throw Error($"expected the op name as a quoted string; found {Describe(name)}", field, index, name.Offset);
            _next++;
            if (!DartsOps.TryParse(name.Text, out var op))
                throw Error($"op '{name.Text}' is not in the searched DARTS set ({DartsOps.ValidNamesText})", field, index, name.Offset);
            Expect(",", $"',' and the input state after '{name.Text}'", field, index);
            var input = Peek;
            if (input.Kind != Kind.Integer)
                throw Error($"expected the input state (an integer); found {Describe(input)}", field, index, input.Offset);
            _next++;
            if (DartsCellGenotype.InputProblem(index, ClampToInt(input.Value)) is { } problem)
                throw Error(problem, field, index, input.Offset);
            if (Peek.Text == "," && Peek.Kind == Kind.Punctuation) _next++;
            Expect(")", "')' closing the tuple", field, index);
            genes.Add(new ParsedGene(new DartsGene(op, (int)input.Value), tupleOffset));
            if (Peek.Text == "," && Peek.Kind == Kind.Punctuation) _next++;
            else if (!(Peek.Text == "]" && Peek.Kind == Kind.Punctuation))
                throw Error($"expected ',' or ']' after the tuple; found {Describe(Peek)}", field, index, Peek.Offset);
        }
        _next++;
        if (DartsCellGenotype.CountProblem(genes.Count) is { } count)
            throw Error(count, field, offset: listOffset);
        return genes;
    }

    /// <summary>range(a, b) or [s, s, ...].</summary>
    private ParsedConcat Concat(string field)
    {
        var t = Peek;
        if (t.Kind == Kind.Identifier && t.Text == "range")
        {
            _next++;
            Expect("(", "'(' after range", field);
            long a = Integer(field, "the start of range(a, b)");
            Expect(",", "',' and the end of range(a, b)", field);
            long b = Integer(field, "the end of range(a, b)");
            if (Peek.Text == "," && Peek.Kind == Kind.Punctuation) _next++;
            Expect(")", "')' closing range(a, b)", field);
            if (b - a > 64)
                throw Error($"range({a}, {b}) names {b - a} states; a cell has far fewer", field, offset: t.Offset);
            var states = new List<int>();
            for (long s = a; s < b; s++) states.Add(ClampToInt(s));
            return new ParsedConcat(states, states.Select(_ => t.Offset).ToList(), t.Offset);
        }
        if (t.Kind == Kind.Punctuation && t.Text == "[")
        {
            _next++;
            var list = new List<int>();
            var offsets = new List<int>();
            while (!(Peek.Text == "]" && Peek.Kind == Kind.Punctuation))
            {
                offsets.Add(Peek.Offset);
                list.Add(ClampToInt(Integer(field, "a state number or ']'", list.Count)));
                if (Peek.Text == "," && Peek.Kind == Kind.Punctuation) _next++;
                else if (!(Peek.Text == "]" && Peek.Kind == Kind.Punctuation))
                    throw Error($"expected ',' or ']'; found {Describe(Peek)}", field, list.Count - 1, Peek.Offset);
            }
            _next++;
            return new ParsedConcat(list, offsets, t.Offset);
        }
        throw Error($"expected range(a, b) or a list of states such as [2, 3, 4, 5]; found {Describe(t)}", field, offset: t.Offset);
    }

    private long Integer(string field, string what, int? index = null)
    {
        var t = Peek;
        if (t.Kind != Kind.Integer) throw Error($"expected {what}; found {Describe(t)}", field, index, t.Offset);
        _next++;
        return t.Value;
    }

    private static int ClampToInt(long v) => (int)Math.Clamp(v, int.MinValue, int.MaxValue);

    // ---- tokens -----------------------------------------------------------------------------------

    private Token Peek => _tokens[_next];

    private void Expect(string punctuation, string what, string? field = null, int? index = null)
    {
        var t = Peek;
        if (t.Kind != Kind.Punctuation || t.Text != punctuation)
            throw Error($"expected {what}; found {Describe(t)}", field, index, t.Offset);
        _next++;
    }

    private void ExpectEnd()
    {
        var t = Peek;
        if (t.Kind != Kind.End) throw Error($"unexpected {Describe(t)} after the end", offset: t.Offset);
    }

    private static string Describe(Token t) => t.Kind switch
    {
        Kind.End => "the end of the text",
        Kind.String => $"the string '{t.Text}'",
        Kind.Integer => $"the number {t.Text}",
        _ => $"'{t.Text}'",
    };

    private DartsGenotypeFormatException Error(string problem, string? field = null, int? index = null, int? offset = null) =>
        new(_text, problem, _source, field, index, offset);

    private List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        string s = _text;
        int i = 0;
        while (true)
        {
            while (i < s.Length)
            {
                if (char.IsWhiteSpace(s[i])) i++;
                else if (s[i] == '#')
                {
                    while (i < s.Length && s[i] != '\n') i++;
                }
                else break;
            }
            if (i >= s.Length)
            {
                tokens.Add(new Token(Kind.End, "", s.Length));
                return tokens;
            }
            char c = s[i];
            int start = i;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
                tokens.Add(new Token(Kind.Identifier, s[start..i], start));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                i++;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                string digits = s[start..i];
                if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || Math.Abs(value) > int.MaxValue)
                    throw Error($"the number {digits} is too large", offset: start);
                tokens.Add(new Token(Kind.Integer, digits, start, value));
            }
            else if (c is '\'' or '"')
            {
                i++;
                while (i < s.Length && s[i] != c && s[i] != '\n') i++;
                if (i >= s.Length || s[i] != c) throw Error($"the string starting here is not closed with {c}", offset: start);
                tokens.Add(new Token(Kind.String, s[(start + 1)..i], start));
                i++;
            }
            else if (c is '(' or ')' or '[' or ']' or ',' or '=')
            {
                tokens.Add(new Token(Kind.Punctuation, c.ToString(), start));
                i++;
            }
            else
            {
                throw Error($"unexpected character '{c}'", offset: start);
            }
        }
    }
}

using System.Text;

namespace AgNas.Search.Spaces.Darts;

/// <summary>
/// A DARTS genotype (or five-cell architecture) that cannot be read: malformed text, an op outside the
/// searched set, an input or concat state out of range, a missing or repeated field. The message is one
/// line: where the text came from (a file, a JSON key, an option) when known, the field and gene index
/// (<c>normal[3]</c>), what is wrong with which value, and the character offset with the text around it (escaped).
/// </summary>
public sealed class DartsGenotypeFormatException : FormatException
{
    private const int WindowBefore = 30;
    private const int WindowAfter = 50;

    /// <param name="text">The text that failed.</param>
    /// <param name="problem">What is wrong, naming the offending value.</param>
    /// <param name="source">Where the text came from (file path, "file: normal_2", "--genotype"), or null.</param>
    /// <param name="field">The genotype field (<c>normal</c>, <c>reduce_concat</c>, …) or five-cell key, or null.</param>
    /// <param name="index">The 0-based entry of <paramref name="field"/> (gene or concat position), or null.</param>
    /// <param name="offset">0-based character offset in <paramref name="text"/>, or null.</param>
    public DartsGenotypeFormatException(string text, string problem, string? source = null, string? field = null, int? index = null, int? offset = null)
        : base(BuildMessage(text, problem, source, field, index, offset))
    {
        Text = text;
        Problem = problem;
        Origin = source;
        Field = field;
        Index = index;
        Offset = offset;
    }

    /// <summary>The text that failed to parse.</summary>
    public string Text { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>Where the text came from, or null.</summary>
    public string? Origin { get; }

    /// <summary>The field (<c>normal</c>, <c>normal_concat</c>, <c>reduce</c>, <c>reduce_concat</c>, or a five-cell key), or null.</summary>
    public string? Field { get; }

    /// <summary>The 0-based position within <see cref="Field"/>, or null.</summary>
    public int? Index { get; }

    /// <summary>0-based character offset in <see cref="Text"/>, or null.</summary>
    public int? Offset { get; }

    private static string BuildMessage(string text, string problem, string? source, string? field, int? index, int? offset)
    {
        var sb = new StringBuilder();
        if (source is not null) sb.Append(MessageText.Escape(source)).Append(": ");
        sb.Append("invalid DARTS genotype: ");
        if (field is not null)
        {
            sb.Append(field);
            if (index is int i) sb.Append('[').Append(i).Append(']');
            sb.Append(": ");
        }
        sb.Append(problem);
        if (offset is int o) sb.Append(" (at character ").Append(o).Append(": \"").Append(Window(text, o)).Append("\")");
        return sb.ToString();
    }

    /// <summary>The text around <paramref name="offset"/>, escaped, with "…" where it is cut.</summary>
    private static string Window(string text, int offset)
    {
        int start = Math.Clamp(offset - WindowBefore, 0, text.Length);
        int end = Math.Clamp(offset + WindowAfter, start, text.Length);
        return (start > 0 ? "…" : "") + MessageText.Escape(text[start..end]) + (end < text.Length ? "…" : "");
    }
}

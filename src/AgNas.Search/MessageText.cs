using System.Text;

namespace AgNas.Search;

/// <summary>User text quoted inside a one-line error message (arch strings, genotypes, file contents).</summary>
public static class MessageText
{
    /// <summary>How much of a quoted text is echoed before it is cut.</summary>
    public const int MaxEchoLength = 160;

    /// <summary>
    /// <paramref name="s"/> kept on one line and short: newlines, tabs, quotes, backslashes and other
    /// control characters escaped, and anything past <see cref="MaxEchoLength"/> characters cut with its length noted.
    /// </summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(Math.Min(s.Length, MaxEchoLength) + 8);
        foreach (var c in s.Length > MaxEchoLength ? s.AsSpan(0, MaxEchoLength) : s.AsSpan())
        {
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                default:
                    if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        if (s.Length > MaxEchoLength) sb.Append($"… ({s.Length} chars)");
        return sb.ToString();
    }
}

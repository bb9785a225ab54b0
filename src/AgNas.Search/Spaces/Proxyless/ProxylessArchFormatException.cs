using System.Text;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// A ProxylessNAS architecture that cannot be read (a <c>model_id</c> string, its JSON form, a file or run folder): the
/// wrong number of ids, a token that is not an integer, an id that is not a block, a skip where the layer does not allow
/// one, malformed JSON. The message is one line: where the text came from when known, the layer (<c>layer 12 (112→128,
/// stride 1)</c>) and what is allowed there, and the text itself (escaped, cut when long).
/// </summary>
public sealed class ProxylessArchFormatException : FormatException
{
    /// <param name="text">The text that failed.</param>
    /// <param name="problem">What is wrong, naming the layer and the offending value.</param>
    /// <param name="source">Where the text came from (a file path, "--arch"), or null.</param>
    /// <param name="layer">The 0-based layer the problem is in, or null for a whole-text problem.</param>
    public ProxylessArchFormatException(string text, string problem, string? source = null, int? layer = null)
        : base(BuildMessage(text, problem, source))
    {
        Text = text;
        Problem = problem;
        Origin = source;
        Layer = layer;
    }

    /// <summary>The text that failed to parse.</summary>
    public string Text { get; }

    /// <summary>What is wrong, without the source and the text.</summary>
    public string Problem { get; }

    /// <summary>Where the text came from, or null.</summary>
    public string? Origin { get; }

    /// <summary>The 0-based layer, or null.</summary>
    public int? Layer { get; }

    private static string BuildMessage(string text, string problem, string? source)
    {
        var sb = new StringBuilder();
        if (source is not null) sb.Append(MessageText.Escape(source)).Append(": ");
        return sb.Append("invalid ProxylessNAS arch: ").Append(problem).Append(" (in \"").Append(MessageText.Escape(text)).Append("\")").ToString();
    }
}

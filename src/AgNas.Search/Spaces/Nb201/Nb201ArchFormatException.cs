using System.Text;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// A malformed NAS-Bench-201 arch string. The message is one line: the (escaped) string, where the problem is
/// (node number, input number, token and 0-based character offset, when they apply) and what is wrong.
/// </summary>
public sealed class Nb201ArchFormatException : FormatException
{

    public Nb201ArchFormatException(string arch, string problem, int? node = null, int? input = null, string? token = null, int? offset = null)
        : base(BuildMessage(arch, problem, node, input, token, offset))
    {
        Arch = arch;
        Problem = problem;
        Node = node;
        Input = input;
        Token = token;
        Offset = offset;
    }

    /// <summary>The string that failed to parse.</summary>
    public string Arch { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The computed node (1..3) the problem is in, or null for a whole-string problem.</summary>
    public int? Node { get; }

    /// <summary>The 1-based position of the offending input within its node, or null.</summary>
    public int? Input { get; }

    /// <summary>The offending input token (the text between two '|'), or null.</summary>
    public string? Token { get; }

    /// <summary>0-based character offset in <see cref="Arch"/> where the problem is, or null.</summary>
    public int? Offset { get; }

    private static string BuildMessage(string arch, string problem, int? node, int? input, string? token, int? offset)
    {
        var sb = new StringBuilder("Invalid NB201 arch string \"").Append(MessageText.Escape(arch)).Append("\": ");
        var where = new List<string>();
        if (node is int n) where.Add($"node {n}");
        if (input is int i) where.Add($"input {i}");
        if (token is not null) where.Add($"token \"{MessageText.Escape(token)}\"");
        if (offset is int o) where.Add($"at offset {o}");
        if (where.Count > 0) sb.Append(string.Join(", ", where)).Append(": ");
        return sb.Append(problem).ToString();
    }
}

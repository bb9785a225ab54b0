using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgNas.Search.Runs;

/// <summary>The JSON conventions of every file in a run folder: snake_case keys, invariant numbers, indented objects (metrics.jsonl: one object per line).</summary>
public static class RunJson
{
    /// <summary>Indented, snake_case, unknown keys refused on reading, NaN/∞ written as named literals rather than failing.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>As <see cref="Options"/> on one line (metrics.jsonl).</summary>
    public static JsonSerializerOptions Line { get; } = new(Options) { WriteIndented = false };
}

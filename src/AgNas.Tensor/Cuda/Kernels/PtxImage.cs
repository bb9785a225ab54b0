using System.Reflection;
using System.Text.RegularExpressions;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// One kernels/*.cu family compiled to PTX and embedded in this assembly (resource
/// <c>AgNas.Kernels.&lt;family&gt;.ptx</c>, put there by the build from build/native/ptx), with the
/// parameter widths of each <c>.entry</c> read from the text, so launches can be checked against
/// the PTX signature.
/// </summary>
public sealed partial class PtxImage
{
    private const string ResourcePrefix = "AgNas.Kernels.";

    private PtxImage(string family, string text, IReadOnlyDictionary<string, byte[]> entries)
    {
        Family = family;
        Text = text;
        Entries = entries;
    }

    /// <summary>The .cu file the PTX was built from, e.g. "attention".</summary>
    public string Family { get; }

    public string Text { get; }

    /// <summary>Each kernel's parameter widths in bytes, in order.</summary>
    public IReadOnlyDictionary<string, byte[]> Entries { get; }

    /// <summary>Every embedded family, ordered by name; empty when the build embedded none.</summary>
    public static IReadOnlyList<PtxImage> Embedded => _embedded.Value;

    private static readonly Lazy<IReadOnlyList<PtxImage>> _embedded = new(LoadEmbedded);

    private static List<PtxImage> LoadEmbedded()
    {
        var assembly = typeof(PtxImage).Assembly;
        var images = new List<PtxImage>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var family = name[ResourcePrefix.Length..^".ptx".Length];
            images.Add(Parse(family, reader.ReadToEnd()));
        }
        return images;
    }

    /// <summary>Reads the <c>.entry</c> signatures of a PTX text.</summary>
    /// <exception cref="FormatException">A parameter has a type whose width is unknown.</exception>
    public static PtxImage Parse(string family, string text)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (Match m in EntryPattern().Matches(text))
        {
            var widths = new List<byte>();
            foreach (Match p in ParamPattern().Matches(m.Groups["params"].Value))
            {
                var type = p.Groups["type"].Value;
                widths.Add(type[^2..] switch
                {
                    "64" => 8,
                    "32" => 4,
                    "16" => 2,
                    _ when type.EndsWith('8') => 1,
                    _ => throw new FormatException($"{family}.ptx: entry {m.Groups["name"].Value} has a parameter of type .{type}, whose width is unknown."),
                });
            }
            entries[m.Groups["name"].Value] = widths.ToArray();
        }
        return new PtxImage(family, text, entries);
    }

    [GeneratedRegex(@"\.entry\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?<params>[^)]*)\)")]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"\.param\s+\.(?<type>[a-z]+[0-9]+)")]
    private static partial Regex ParamPattern();
}

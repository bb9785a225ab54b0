using System.Globalization;

namespace AgNas.Search.Runs;

/// <summary>
/// What a run's checkpoint holds, as the run's config says it: the space, the model ("network" or
/// "supernet") and the settings that decide the network's shape (architecture or genotype, classes,
/// input channels, channels, layers, auxiliary head, stem stride, …), in a fixed order. Saved in the
/// safetensors <c>__metadata__</c> of <c>checkpoint.safetensors</c> (keys <c>agnas_net_&lt;name&gt;</c>), and
/// compared with the config's before any tensor is loaded, so that a checkpoint copied from another
/// run, or a config.json edited after it, is reported by its first difference in one line rather
/// than by hundreds of key names (issue 10, item 4).
/// </summary>
public sealed class CheckpointIdentity
{
    /// <summary>Prefix of the metadata keys.</summary>
    public const string MetadataPrefix = "agnas_net_";

    /// <summary>Longest value shown in a message; longer ones (a DARTS genotype) are cut with "…".</summary>
    private const int ShownValueLength = 60;

    /// <param name="space">The search space (nb201, darts, proxyless).</param>
    /// <param name="model">"network" or "supernet".</param>
    /// <param name="settings">The shape-deciding settings, name (lower case, no spaces) then value, in the order they are compared.</param>
    /// <exception cref="ArgumentException">A name is empty, has a space, or repeats, or is space or model.</exception>
    public CheckpointIdentity(string space, string model, IEnumerable<(string Name, object? Value)> settings)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var fields = new List<KeyValuePair<string, string>> { new("space", space.ToLowerInvariant()), new("model", model) };
        foreach (var (name, value) in settings)
        {
            if (string.IsNullOrEmpty(name) || name.Contains(' ', StringComparison.Ordinal) || fields.Any(f => f.Key == name))
                throw new ArgumentException($"CheckpointIdentity: setting name '{name}' is empty, has a space or repeats.", nameof(settings));
            fields.Add(new(name, Format(value)));
        }
        Fields = fields;
    }

    private CheckpointIdentity(List<KeyValuePair<string, string>> fields) => Fields = fields;

    /// <summary>Every field, space and model first.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    public string Space => Fields[0].Value;
    public string Model => Fields[1].Value;

    /// <summary>The metadata entries (<c>agnas_net_space</c>, <c>agnas_net_model</c>, …) plus <c>agnas_net_fields</c>, the names in order.</summary>
    public Dictionary<string, string> ToMetadata()
    {
        var metadata = Fields.ToDictionary(f => MetadataPrefix + f.Key, f => f.Value, StringComparer.Ordinal);
        metadata[MetadataPrefix + "fields"] = string.Join(",", Fields.Select(f => f.Key));
        return metadata;
    }

    /// <summary>The identity a checkpoint's metadata records, or null for a checkpoint saved before it was recorded (or by another tool).</summary>
    public static CheckpointIdentity? FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(MetadataPrefix + "fields", out var names)) return null;
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries))
            fields.Add(new(name, metadata.TryGetValue(MetadataPrefix + name, out var value) ? value : "(not recorded)"));
        if (fields.Count < 2 || fields[0].Key != "space" || fields[1].Key != "model") return null;
        return new CheckpointIdentity(fields);
    }

    /// <summary>
    /// The first field, in this identity's order (then <paramref name="other"/>'s extra fields), whose values
    /// differ, as "name: this vs other" with long values cut; null when they agree.
    /// </summary>
    public string? FirstDifference(CheckpointIdentity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var theirs = other.Fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        foreach (var (name, value) in Fields)
        {
            string their = theirs.TryGetValue(name, out var v) ? v : "(not recorded)";
            if (their != value) return $"{name} {Shown(value)} vs {Shown(their)}";
        }
        var mine = Fields.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in other.Fields)
            if (!mine.Contains(name)) return $"{name} (not recorded) vs {Shown(value)}";
        return null;
    }

    /// <summary>"a darts network (genotype …, classes 10, …)", long values cut.</summary>
    public string Describe() =>
        $"a {Space} {Model} ({string.Join(", ", Fields.Skip(2).Select(f => $"{f.Key} {Shown(f.Value)}"))})";

    /// <summary>Every field in full, one "name: value" per line (for the mismatch report).</summary>
    public string DescribeInFull() => string.Join(Environment.NewLine, Fields.Select(f => $"  {f.Key}: {f.Value}"));

    private static string Shown(string value) =>
        value.Length <= ShownValueLength ? value : value[..(ShownValueLength - 1)] + "…";

    private static string Format(object? value) => value switch
    {
        null => "default",
        bool b => b ? "yes" : "no",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

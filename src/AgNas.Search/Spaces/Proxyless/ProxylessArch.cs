using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AgNas.Search.Runs;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// A ProxylessNAS architecture: one block id per searchable layer of <see cref="ProxylessLayers.All"/> (0..5 into
/// <see cref="ProxylessBlockRegistry.Blocks"/>, −1 for skip where the layer allows it). An immutable value with value equality.
/// </summary>
/// <remarks>
/// Text form: the reference's retrain <c>--model_id</c> (<c>PS/export_op.py</c>, <c>PR/valid.py:37</c>), the 21 integers
/// separated by single spaces, e.g. <see cref="AGNAS"/>; <see cref="Parse"/> accepts any whitespace between them.
/// JSON form (<see cref="ToJson"/>, the run folder's <c>arch.json</c>): a list with one object per layer,
/// <c>{"layer": 0, "block": "mobilenet_3x3_ratio_6", "id": 1, "kernel": 3, "expansion": 6, "in": 24, "out": 32, "stride": 2}</c>
/// (kernel and expansion null for skip); <see cref="FromJson"/> also takes a plain list of the 21 integers.
/// </remarks>
public sealed record ProxylessArch
{
    /// <summary>The published AGNAS ImageNet architecture's model_id (agnas-facts §4.5).</summary>
    public const string AGNAS = "1 1 -1 2 1 -1 5 1 1 -1 5 1 1 -1 1 4 3 -1 5 5 5";

    /// <summary>The name <see cref="Resolve"/> reads as <see cref="AGNAS"/> (case-insensitive).</summary>
    public const string AgnasName = "AGNAS";

    /// <summary>The file a search run writes beside arch.txt (<see cref="DerivedArchitecture.Files"/>).</summary>
    public const string JsonFile = "arch.json";

    /// <summary>A chain of 21 ids, one per layer.</summary>
    /// <exception cref="ArgumentException">Not 21 ids, an id outside −1..5, or −1 where the layer does not allow skip; one line naming the layer.</exception>
    public ProxylessArch(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var array = ids.ToImmutableArray();
        if (Check(array) is { } problem) throw new ArgumentException($"ProxylessArch: {problem.Text}.", nameof(ids));
        Ids = array;
    }

    /// <summary>The published AGNAS architecture (6,728,936 parameters at 1,000 classes; <see cref="ProxylessNetwork"/>).</summary>
    public static ProxylessArch Agnas { get; } = Parse(AGNAS);

    /// <summary>One id per layer, in layer order.</summary>
    public ImmutableArray<int> Ids { get; }

    /// <summary>The block of layer <paramref name="layer"/>.</summary>
    public ProxylessBlockSpec this[int layer] => ProxylessBlockRegistry.Get(Ids[layer]);

    /// <summary>Layers that are skip (removed from the exported network).</summary>
    public int SkipCount => Ids.Count(id => id == ProxylessBlockRegistry.SkipId);

    /// <summary>
    /// The index of layer <paramref name="layer"/>'s block among its candidates (<see cref="ProxylessBlockRegistry.CandidatesOf"/>):
    /// the id, or 6 for skip.
    /// </summary>
    public int CandidateIndex(int layer) => Ids[layer] == ProxylessBlockRegistry.SkipId ? ProxylessBlockRegistry.Blocks.Count : Ids[layer];

    /// <summary>The architecture whose layer i takes candidate <paramref name="candidates"/>[i] (6 = skip).</summary>
    /// <exception cref="ArgumentException">Not 21 indices, or one outside the layer's candidates.</exception>
    public static ProxylessArch FromCandidates(IReadOnlyList<int> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count != ProxylessLayers.Count)
            throw new ArgumentException($"ProxylessArch: expected {ProxylessLayers.Count} candidate indices, got {candidates.Count}.", nameof(candidates));
        return new ProxylessArch(candidates.Select((k, i) =>
        {
            var layer = ProxylessLayers.All[i];
            if ((uint)k >= (uint)layer.CandidateCount)
                throw new ArgumentException($"ProxylessArch: {layer.Label} has candidates 0..{layer.CandidateCount - 1}; got {k}.", nameof(candidates));
            return ProxylessBlockRegistry.Candidate(layer, k).Id;
        }));
    }

    /// <summary>The model_id string: the 21 ids separated by single spaces.</summary>
    public override string ToString() => string.Join(' ', Ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The JSON form: one object per layer (layer, block, id, kernel, expansion, in, out, stride), one line each.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder("[\n");
        foreach (var layer in ProxylessLayers.All)
        {
            var block = this[layer.Index];
            string kernel = block.IsSkip ? "null" : block.KernelSize.ToString(CultureInfo.InvariantCulture);
            string expansion = block.IsSkip ? "null" : block.Expansion.ToString(CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture,
                $"  {{\"layer\": {layer.Index}, \"block\": \"{block.Key}\", \"id\": {block.Id}, \"kernel\": {kernel}, \"expansion\": {expansion}, " +
                $"\"in\": {layer.InChannels}, \"out\": {layer.OutChannels}, \"stride\": {layer.Stride}}}");
            sb.Append(layer.Index < ProxylessLayers.Count - 1 ? ",\n" : "\n");
        }
        return sb.Append(']').ToString();
    }

    /// <summary>Parses a model_id string (integers separated by whitespace or commas) or, when the text starts with '[', the JSON form.</summary>
    /// <param name="text">The text.</param>
    /// <param name="source">Where it came from, for messages; null for none.</param>
    /// <exception cref="ProxylessArchFormatException">The text is malformed; one line naming the layer and what is allowed there.</exception>
    public static ProxylessArch Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.StartsWith('[')) return FromJson(text, source);
        var tokens = trimmed.Split([' ', '\t', '\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != ProxylessLayers.Count)
            throw new ProxylessArchFormatException(text, $"expected {ProxylessLayers.Count} ids, got {tokens.Length}", source);
        var ids = new int[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            if (!int.TryParse(tokens[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ids[i]))
            {
                var layer = ProxylessLayers.All[i];
                throw new ProxylessArchFormatException(text, $"{layer.Label}: '{MessageText.Escape(tokens[i])}' is not an integer; allowed ids: {Allowed(layer)}", source, i);
            }
        }
        return Checked(ids, text, source);
    }

    /// <summary>Parses like <see cref="Parse"/>; false for null or malformed text.</summary>
    public static bool TryParse(string? text, out ProxylessArch? arch)
    {
        arch = null;
        if (text is null) return false;
        try
        {
            arch = Parse(text);
            return true;
        }
        catch (ProxylessArchFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the JSON form: a list of 21 entries, each an integer id or an object with an integer <c>id</c>; an object's other
    /// keys (layer, block, kernel, expansion, in, out, stride) are optional but, when present, must agree with the id and the layer table.
    /// </summary>
    /// <exception cref="ProxylessArchFormatException">Not JSON, not a list of 21 entries, an entry that is neither, a disagreeing key, or an invalid id.</exception>
    public static ProxylessArch FromJson(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ProxylessArchFormatException(json, $"not valid JSON ({e.Message})", source);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
                throw new ProxylessArchFormatException(json, $"expected a JSON list of {ProxylessLayers.Count} layers, found a {root.ValueKind}", source);
            int n = root.GetArrayLength();
            if (n != ProxylessLayers.Count)
                throw new ProxylessArchFormatException(json, $"expected {ProxylessLayers.Count} ids, got {n}", source);
            var ids = new int[n];
            int i = 0;
            foreach (var entry in root.EnumerateArray())
            {
                ids[i] = EntryId(entry, ProxylessLayers.All[i], json, source);
                i++;
            }
            return Checked(ids, json, source);
        }
    }

    /// <summary>
    /// Resolves what a user gave (<c>--arch</c>): <see cref="AgnasName"/>; else an existing file holding a model_id string or the
    /// JSON form; else a run folder holding arch.txt (or arch.json); else model_id text itself.
    /// </summary>
    /// <param name="value">The name, path or text.</param>
    /// <param name="what">How the value was given, for messages (e.g. "--arch").</param>
    /// <exception cref="ProxylessArchFormatException">Empty, an unreadable file, a folder without an architecture, a path that does not exist, or text that does not parse.</exception>
    public static ProxylessArch Resolve(string value, string what = "arch")
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(what);
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
            throw new ProxylessArchFormatException(value, $"{what} is empty; give {Accepted}", what);
        if (string.Equals(trimmed, AgnasName, StringComparison.OrdinalIgnoreCase)) return Agnas;
        if (File.Exists(trimmed)) return ParseFile(trimmed);
        if (Directory.Exists(trimmed))
        {
            foreach (var name in new[] { RunFolder.ArchFile, JsonFile })
            {
                string path = Path.Combine(trimmed, name);
                if (File.Exists(path)) return ParseFile(path);
            }
            throw new ProxylessArchFormatException(value, $"the folder holds neither {RunFolder.ArchFile} nor {JsonFile}; give {Accepted}", what);
        }
        if (LooksLikeText(trimmed)) return Parse(value, what);
        throw new ProxylessArchFormatException(value, $"'{MessageText.Escape(trimmed)}' is neither an existing file or folder nor {AgnasName} nor a model_id; give {Accepted}", what);
    }

    /// <summary>
    /// The stem stride of the search run an <c>--arch</c> value comes from: when it is a run folder, or a file in one, whose
    /// config.json records <c>stem_stride</c>; null otherwise (a name, model_id text, a file outside a run, or a run without it).
    /// The exported network of a search keeps its stem: its cost under a budget was counted with it.
    /// </summary>
    public static int? RunStemStride(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        string? folder = Directory.Exists(trimmed) ? trimmed : File.Exists(trimmed) ? Path.GetDirectoryName(Path.GetFullPath(trimmed)) : null;
        if (folder is null) return null;
        var config = Path.Combine(folder, RunFolder.ConfigFile);
        if (!File.Exists(config)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(config));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("stem_stride", out var stride)
                && stride.ValueKind == JsonValueKind.Number && stride.TryGetInt32(out int s) && s is 1 or 2 ? s : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public bool Equals(ProxylessArch? other) => other is not null && Ids.SequenceEqual(other.Ids);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int id in Ids) hash.Add(id);
        return hash.ToHashCode();
    }

    private const string Accepted =
        $"{AgnasName}, a model_id of 21 ids such as \"{AGNAS}\", a file holding one (or arch.json), or a search run folder";

    private static ProxylessArch ParseFile(string path)
    {
        string full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProxylessArchFormatException(path, $"cannot read the file ({e.Message})", full);
        }
        return Parse(text, full);
    }

    /// <summary>Starts like a model_id (a digit or a sign) or a JSON list, not like a path.</summary>
    private static bool LooksLikeText(string s) => s[0] is '[' or '-' or '+' || char.IsAsciiDigit(s[0]);

    private static string Allowed(ProxylessLayer layer) =>
        layer.SkipAllowed ? $"{ProxylessBlockRegistry.BlockIdRange} or {ProxylessBlockRegistry.SkipId} (skip)" : ProxylessBlockRegistry.BlockIdRange;

    private static ProxylessArch Checked(int[] ids, string text, string? source)
    {
        var array = ImmutableArray.Create(ids);
        if (Check(array) is { } problem) throw new ProxylessArchFormatException(text, problem.Text, source, problem.Layer);
        return new ProxylessArch(array);
    }

    /// <summary>The first problem of <paramref name="ids"/> as a chain of the layer table, or null.</summary>
    private static (string Text, int? Layer)? Check(ImmutableArray<int> ids)
    {
        if (ids.Length != ProxylessLayers.Count) return ($"expected {ProxylessLayers.Count} ids, got {ids.Length}", null);
        foreach (var layer in ProxylessLayers.All)
        {
            int id = ids[layer.Index];
            if (id == ProxylessBlockRegistry.SkipId && !layer.SkipAllowed)
                return ($"{layer.Label} cannot be skip ({ProxylessBlockRegistry.SkipId}): skip is allowed only where stride is 1 and in == out; allowed ids: {Allowed(layer)}", layer.Index);
            if (id != ProxylessBlockRegistry.SkipId && (uint)id >= (uint)ProxylessBlockRegistry.Blocks.Count)
                return ($"{layer.Label}: id {id} is not a block; allowed ids: {Allowed(layer)}", layer.Index);
        }
        return null;
    }

    private static readonly string[] EntryKeys = ["layer", "block", "id", "kernel", "expansion", "in", "out", "stride"];

    /// <summary>The id of one JSON entry, checking the keys that repeat what the id and the layer table say.</summary>
    private static int EntryId(JsonElement entry, ProxylessLayer layer, string json, string? source)
    {
        ProxylessArchFormatException Error(string problem) => new(json, $"{layer.Label}: {problem}", source, layer.Index);

        if (entry.ValueKind == JsonValueKind.Number)
            return entry.TryGetInt32(out int plain) ? plain : throw Error($"{entry.GetRawText()} is not an integer; allowed ids: {Allowed(layer)}");
        if (entry.ValueKind != JsonValueKind.Object)
            throw Error($"the entry is a {entry.ValueKind}; expected an integer id or an object with \"id\"");
        foreach (var p in entry.EnumerateObject())
        {
            if (!EntryKeys.Contains(p.Name))
                throw Error($"unknown key '{MessageText.Escape(p.Name)}'; an entry has the keys {string.Join(", ", EntryKeys)}");
        }
        if (!entry.TryGetProperty("id", out var idElement))
            throw Error("the entry has no \"id\"");
        if (idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt32(out int id))
            throw Error($"\"id\" is {idElement.GetRawText()}, not an integer; allowed ids: {Allowed(layer)}");
        if (id != ProxylessBlockRegistry.SkipId && (uint)id >= (uint)ProxylessBlockRegistry.Blocks.Count)
            throw Error($"id {id} is not a block; allowed ids: {Allowed(layer)}");
        var block = ProxylessBlockRegistry.Get(id);

        void Agree(string key, int? expected)
        {
            if (!entry.TryGetProperty(key, out var v)) return;
            bool same = expected is int e ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int got) && got == e : v.ValueKind == JsonValueKind.Null;
            if (!same)
                throw Error($"\"{key}\" is {v.GetRawText()}, but id {id} ({block.Key}) on this layer has {key} {expected?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
        }
        Agree("layer", layer.Index);
        Agree("in", layer.InChannels);
        Agree("out", layer.OutChannels);
        Agree("stride", layer.Stride);
        Agree("kernel", block.IsSkip ? null : block.KernelSize);
        Agree("expansion", block.IsSkip ? null : block.Expansion);
        if (entry.TryGetProperty("block", out var key) && !(key.ValueKind == JsonValueKind.String && key.GetString() == block.Key))
            throw Error($"\"block\" is {key.GetRawText()}, but id {id} is {block.Key}");
        return id;
    }
}

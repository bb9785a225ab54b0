using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgNas.Tensors;

namespace AgNas.Search.Runs;

/// <summary>
/// The settings record of a kind of run (<see cref="SearchConfig"/>, <see cref="TrainConfig"/>): it
/// writes itself as config.json and reads itself back, so that <see cref="RunFolder"/> can handle
/// either. Both implement these with <see cref="RunSettings{TConfig}"/>.
/// </summary>
public interface IRunConfig<TSelf> where TSelf : class, IRunConfig<TSelf>
{
    /// <summary>The run folder (absolute once resolved).</summary>
    string OutDir { get; }

    /// <summary>Total epochs of the run.</summary>
    int Epochs { get; }

    /// <summary>config.json's text.</summary>
    string ToJson();

    /// <summary>Reads config.json's text; every setting must be present and no other key may appear.</summary>
    /// <exception cref="InvalidDataException">Malformed; the message names <paramref name="source"/>.</exception>
    static abstract TSelf FromJson(string json, string source);
}

/// <summary>What the settings records of every kind of run share that does not depend on their members.</summary>
public static class RunSettings
{
    /// <summary>The device name that picks CUDA when it is available and the CPU otherwise.</summary>
    public const string AutoDevice = Backends.AutoDevice;

    /// <summary>
    /// "auto" → "cuda:0" when a CUDA backend is available, else "cpu"; any other name is parsed and
    /// written in its canonical form ("cuda" → "cuda:0").
    /// </summary>
    /// <exception cref="FormatException">Not a device name.</exception>
    public static string ResolveDevice(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Backends.ResolveDevice(device).ToString();
    }

    /// <summary>The device problem of a settings record, or null when <paramref name="device"/> is a device name (or "auto").</summary>
    public static SettingProblem? DeviceProblem(string device)
    {
        try
        {
            ResolveDevice(device);
            return null;
        }
        catch (FormatException)
        {
            return new SettingProblem("Device", $"'{device}' is not recognised; expected cpu, cuda, cuda:N (N >= 0) or {AutoDevice}");
        }
    }

    /// <summary>
    /// The settings that do not change what a run computes (where the data files sit, which device
    /// runs it, how many batches are prepared ahead, whether plots are drawn): a resumed run may take
    /// other values for them, so that a run can move to another machine. Every other setting except
    /// the epoch count (which may rise) and the run folder must stay as the run started.
    /// </summary>
    public static IReadOnlyList<string> ChangeableOnResume { get; } = ["DataDir", "Device", "Prefetch", "Plots"];

    /// <summary>
    /// The setting a resumed run may lower but not raise: the learning rate, so that a run that diverged continues from its last good
    /// epoch at a lower rate (<see cref="TrainingRecipe.CreateSchedule"/> rebases the schedule).
    /// </summary>
    public const string LowerableOnResume = "LearningRate";

    /// <summary>Batches a data loader may prepare ahead (<see cref="Data.DataLoaderOptions.Prefetch"/>): 0 to this.</summary>
    public const int MaxPrefetch = 2;

    /// <summary>The prefetch problem of a settings record, or null when <paramref name="prefetch"/> is 0, 1 or 2.</summary>
    public static SettingProblem? PrefetchProblem(int prefetch) =>
        prefetch is >= 0 and <= MaxPrefetch ? null : new SettingProblem("Prefetch", $"{prefetch} must be 0 (none), 1 or {MaxPrefetch} batches");

    /// <summary>A setting's name in words for messages: "BatchSize" → "batch size", with a few names spelt out ("LearningRateMin" → "minimum learning rate").</summary>
    public static string Words(string member) => member switch
    {
        "LearningRateMin" => "minimum learning rate",
        "GradClip" => "gradient clip",
        "OutDir" => "the run folder (out dir)",
        "AllowNone" => "allow-none",
        _ => JsonName(member).Replace('_', ' '),
    };

    /// <summary>
    /// Adds the problems of the settings every SGD run has: epochs ≥ 1, batch ≥ 2 (batch norm in
    /// training), a finite learning rate &gt; 0, a minimum rate in [0, rate], momentum in [0, 1)
    /// (&gt; 0 with Nesterov; at 1 or above the velocity never decays and training diverges), finite
    /// weight decay ≥ 0. Each problem names the setting and its value.
    /// </summary>
    public static void AddSgdProblems(List<SettingProblem> problems, int epochs, int batchSize, double learningRate, double learningRateMin,
        double momentum, bool nesterov, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var p = problems;
        if (epochs < 1) p.Add(new("Epochs", $"{epochs} must be at least 1"));
        if (batchSize < 2) p.Add(new("BatchSize", $"{batchSize} must be at least 2 (batch norm in training)"));
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) p.Add(new("LearningRate", $"{Fmt(learningRate)} must be a finite value > 0"));
        if (!(learningRateMin >= 0) || !(learningRateMin <= learningRate))
            p.Add(new("LearningRateMin", $"{Fmt(learningRateMin)} must lie in [0, learning rate {Fmt(learningRate)}]"));
        if (!(momentum >= 0 && momentum < 1)) p.Add(new("Momentum", $"{Fmt(momentum)} must lie in [0, 1) (at 1 or above the velocity never decays)"));
        else if (nesterov && !(momentum > 0)) p.Add(new("Momentum", $"{Fmt(momentum)} must be > 0 with Nesterov momentum"));
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) p.Add(new("WeightDecay", $"{Fmt(weightDecay)} must be a finite value >= 0"));
    }

    /// <summary>
    /// The keys of the recipe settings added after runs were first written (search and training alike), each with the value every
    /// earlier run had: <c>lr_schedule</c> "cosine", <c>label_smoothing</c> 0, <c>grad_clip_mode</c> "norm",
    /// <c>weight_decay_scope</c> "all", <c>stem_stride</c> null (no proxyless run existed), <c>augment</c> "standard".
    /// </summary>
    public static IReadOnlyList<(string Key, JsonNode? Value)> LegacyRecipeKeys() =>
    [
        (JsonName(nameof(TrainingRecipe.LrSchedule)), JsonValue.Create(LrSchedules.Cosine)),
        (JsonName(nameof(TrainingRecipe.LabelSmoothing)), JsonValue.Create(0.0)),
        (JsonName(nameof(TrainingRecipe.GradClipMode)), JsonValue.Create(GradClipModes.Norm)),
        (JsonName(nameof(TrainingRecipe.WeightDecayScope)), JsonValue.Create(WeightDecayScopes.All)),
        (JsonName("StemStride"), null),
        (JsonName("Augment"), JsonValue.Create(Augments.Standard)),
    ];


    /// <summary>
    /// config.json text with each of <paramref name="legacy"/>'s keys added with its value where the object lacks it (a run written
    /// before the setting existed); text that is not a JSON object, or lacks none of them, comes back unchanged (the strict reader
    /// then reports any other problem with the file's name).
    /// </summary>
    public static string WithLegacyKeys(string json, IEnumerable<(string Key, JsonNode? Value)> legacy)
    {
        ArgumentNullException.ThrowIfNull(legacy);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return json;
        }
        if (node is not JsonObject obj) return json;
        bool added = false;
        foreach (var (key, value) in legacy)
        {
            if (obj.ContainsKey(key)) continue;
            obj[key] = value?.DeepClone();
            added = true;
        }
        return added ? obj.ToJsonString() : json;
    }

    /// <summary>A path made absolute (null and "" stay as they are).</summary>
    public static string? FullPath(string? path) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path);

    /// <summary>The config.json key of a member ("LearningRateMin" → "learning_rate_min").</summary>
    public static string JsonName(string member) => RunJson.Options.PropertyNamingPolicy!.ConvertName(member);

    /// <summary>A value as config.json shows it (invariant culture; null as "null").</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => Fmt(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A double as its shortest round-tripping invariant text, with a lower-case exponent as Python and config.json write it (4e-05).</summary>
    public static string Fmt(double d) => d.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
}

/// <summary>
/// Reflection over a settings record's public properties, in declaration order: the config.json
/// keys, display rows, member-by-member comparison, and strict JSON reading (every key present, no
/// other key), so that a resumed run never silently takes a default that differs from the one it
/// started with.
/// </summary>
/// <typeparam name="TConfig">A record whose public get/init properties are its settings.</typeparam>
public static class RunSettings<TConfig> where TConfig : class, IRunConfig<TConfig>
{
    /// <summary>The settings' properties in declaration order, as written to config.json.</summary>
    public static IReadOnlyList<PropertyInfo> Members { get; } =
        typeof(TConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray();

    /// <summary>The settings as (config.json key, value text) pairs in declaration order, for display.</summary>
    public static IReadOnlyList<(string Key, string Value)> Rows(TConfig config) =>
        Members.Select(m => (RunSettings.JsonName(m.Name), RunSettings.FormatValue(m.GetValue(config)))).ToArray();

    /// <summary>The value of the member named <paramref name="member"/>.</summary>
    public static object? Value(TConfig config, string member) => Members.Single(m => m.Name == member).GetValue(config);

    /// <summary>The members whose values differ between <paramref name="mine"/> and <paramref name="theirs"/>, except those named in <paramref name="ignore"/>.</summary>
    public static IReadOnlyList<(string Member, object? Mine, object? Theirs)> Differences(TConfig mine, TConfig theirs, params string[] ignore)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(theirs);
        var list = new List<(string, object?, object?)>();
        foreach (var m in Members)
        {
            if (ignore.Contains(m.Name)) continue;
            object? a = m.GetValue(mine), b = m.GetValue(theirs);
            if (!Equals(a, b)) list.Add((m.Name, a, b));
        }
        return list;
    }

    public static string ToJson(TConfig config) => JsonSerializer.Serialize(config, RunJson.Options);

    /// <summary>Reads config.json text (see the class summary).</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">The file, for messages.</param>
    /// <param name="kind">What the settings are of ("search", "training"), for messages.</param>
    /// <exception cref="InvalidDataException">Not a JSON object, a missing or unknown key, or a value of the wrong type; the message names <paramref name="source"/>.</exception>
    public static TConfig FromJson(string json, string source, string kind)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source}: expected a JSON object of {kind} settings, found a {doc.RootElement.ValueKind}.");
            var expected = Members.Select(m => RunSettings.JsonName(m.Name)).ToList();
            var keys = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            var missing = expected.Except(keys, StringComparer.Ordinal).ToList();
            var unknown = keys.Except(expected, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || unknown.Count > 0)
            {
                var parts = new List<string>();
                if (missing.Count > 0) parts.Add($"missing settings: {string.Join(", ", missing)}");
                if (unknown.Count > 0) parts.Add($"unknown settings: {string.Join(", ", unknown)}");
                throw new InvalidDataException($"{source}: {string.Join("; ", parts)}. It was not written by this version of agnas for a {kind} run, or was edited.");
            }
            try
            {
                return doc.RootElement.Deserialize<TConfig>(RunJson.Options)
                    ?? throw new InvalidDataException($"{source}: the settings object is null.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Why <paramref name="given"/> may not continue a run saved with <paramref name="saved"/>, or
    /// null when it may: every setting must agree except the run folder, the epoch count, which
    /// may stay or rise, and <see cref="RunSettings.ChangeableOnResume"/>.
    /// </summary>
    /// <param name="folder">The run folder, for the message.</param>
    /// <param name="given">The settings asked for.</param>
    /// <param name="saved">The settings the completed epochs ran with (state.json's).</param>
    /// <param name="completed">Epochs completed.</param>
    public static string? ResumeProblem(string folder, TConfig given, TConfig saved, int completed)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(saved);
        string[] ignored = [nameof(IRunConfig<TConfig>.Epochs), nameof(IRunConfig<TConfig>.OutDir), RunSettings.LowerableOnResume, .. RunSettings.ChangeableOnResume];
        var differences = Differences(given, saved, ignored);
        if (differences.Count > 0)
            return $"{folder} cannot be resumed with different settings: " +
                   string.Join("; ", differences.Select(d => $"{RunSettings.JsonName(d.Member)} is {RunSettings.FormatValue(d.Theirs)} in the run, {RunSettings.FormatValue(d.Mine)} given")) +
                   $". Only the number of epochs (upward) and {string.Join(", ", RunSettings.ChangeableOnResume.Select(RunSettings.JsonName))} may change.";
        if (given.Epochs < saved.Epochs)
            return $"{folder}: the run has {saved.Epochs} epochs and {completed} completed; {given.Epochs} given. Resuming may keep or raise the epoch count, not lower it.";
        if (Value(given, RunSettings.LowerableOnResume) is double mine && Value(saved, RunSettings.LowerableOnResume) is double theirs && mine > theirs)
            return $"{folder}: the run's learning rate is {RunSettings.FormatValue(theirs)}; {RunSettings.FormatValue(mine)} given. Resuming may lower it (to recover from a divergence), not raise it.";
        return null;
    }
}

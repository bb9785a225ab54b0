using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AgNas.Search.Runs;

/// <summary>
/// The files of one search run (DESIGN.md "A run on disk"):
/// <list type="bullet">
/// <item><c>config.json</c>: the resolved <see cref="SearchConfig"/>;</item>
/// <item><c>metrics.jsonl</c>: one <see cref="EpochRecord"/> per line;</item>
/// <item><c>attention/epoch-NNN.json</c>: an <see cref="AttentionSnapshot"/> per epoch;</item>
/// <item><c>arch.txt</c>: the architecture derived after the last completed epoch;</item>
/// <item><c>checkpoint.safetensors</c>: the supernet's state dict (PyTorch names);</item>
/// <item><c>optimizer.safetensors</c>: the SGD momentum buffers, named "&lt;parameter&gt;.momentum_buffer";</item>
/// <item><c>state.json</c>: a <see cref="RunState"/>;</item>
/// <item><c>curves.png</c>, <c>attention.png</c>: plots (or curves.csv and attention.csv where PNGs cannot be drawn).</item>
/// </list>
/// <para>Every file is written under a temporary name beside its final one and then moved over it,
/// so an interrupted write leaves the previous version. At the end of an epoch the files are
/// written in the order above, state.json last: state.json is the commit record, and the safetensors
/// files carry their epoch in their metadata so that a mismatch (a kill between two moves) is
/// detected on resume instead of silently mixing epochs.</para>
/// </summary>
public sealed class RunFolder
{
    public const string ConfigFile = "config.json";
    public const string MetricsFile = "metrics.jsonl";
    public const string AttentionFolder = "attention";
    public const string ArchFile = "arch.txt";
    public const string CheckpointFile = "checkpoint.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "state.json";
    public const string CurvesPlot = "curves.png";
    public const string AttentionPlot = "attention.png";
    public const string CurvesCsv = "curves.csv";
    public const string AttentionCsv = "attention.csv";

    /// <summary>Metadata key of the epoch in the safetensors files.</summary>
    public const string EpochMetadataKey = "agnas_epoch";

    public RunFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The folder, absolute.</summary>
    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>attention/epoch-NNN.json for a 1-based epoch.</summary>
    public string AttentionFile(int epoch) =>
        System.IO.Path.Combine(Path, AttentionFolder, $"epoch-{epoch.ToString("000", CultureInfo.InvariantCulture)}.json");

    public string Checkpoint => File(CheckpointFile);
    public string Optimizer => File(OptimizerFile);

    /// <summary>True when a state.json exists: at least one epoch of a run completed here.</summary>
    public bool HasState => System.IO.File.Exists(File(StateFile));

    /// <summary>Creates the folder and attention/.</summary>
    public void Create() => Directory.CreateDirectory(System.IO.Path.Combine(Path, AttentionFolder));

    // ---- writing -----------------------------------------------------------------------------

    public void WriteConfig(SearchConfig config) => WriteAtomic(File(ConfigFile), config.ToJson() + "\n");

    /// <summary>Rewrites metrics.jsonl with exactly these records (so no line of an unfinished epoch survives a resume).</summary>
    public void WriteMetrics(IEnumerable<EpochRecord> records)
    {
        var sb = new StringBuilder();
        foreach (var r in records) sb.Append(JsonSerializer.Serialize(r, RunJson.Line)).Append('\n');
        WriteAtomic(File(MetricsFile), sb.ToString());
    }

    public void WriteAttention(AttentionSnapshot snapshot) =>
        WriteAtomic(AttentionFile(snapshot.Epoch), JsonSerializer.Serialize(snapshot, RunJson.Options) + "\n");

    public void WriteArch(string arch) => WriteAtomic(File(ArchFile), arch + "\n");

    public void WriteState(RunState state) => WriteAtomic(File(StateFile), JsonSerializer.Serialize(state, RunJson.Options) + "\n");

    /// <summary>Writes <paramref name="text"/> (UTF-8) to a temporary file beside <paramref name="path"/>, flushes it to disk and moves it over <paramref name="path"/>.</summary>
    public static void WriteAtomic(string path, string text) => WriteAtomic(path, stream =>
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        stream.Write(bytes);
    });

    /// <summary>As <see cref="WriteAtomic(string, string)"/> for content written by <paramref name="write"/>.</summary>
    public static void WriteAtomic(string path, Action<FileStream> write)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = TempName(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            System.IO.File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A unique temporary name in the folder of <paramref name="path"/> that keeps its extension (image writers look at it).</summary>
    public static string TempName(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!,
            $".{System.IO.Path.GetFileNameWithoutExtension(full)}.tmp-{Guid.NewGuid():N}{System.IO.Path.GetExtension(full)}");
    }

    internal static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the write already failed and its exception is what the caller needs.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // ---- reading -----------------------------------------------------------------------------

    /// <summary>The config.json of a run folder.</summary>
    /// <exception cref="FileNotFoundException">No config.json: not a run folder.</exception>
    /// <exception cref="InvalidDataException">The file is malformed (see <see cref="SearchConfig.FromJson"/>).</exception>
    public SearchConfig ReadConfig()
    {
        var path = File(ConfigFile);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"{Path} is not a search run folder: it has no {ConfigFile}.", path);
        return SearchConfig.FromJson(System.IO.File.ReadAllText(path), path);
    }

    /// <summary>The state.json of a run folder.</summary>
    /// <exception cref="FileNotFoundException">No state.json (no epoch completed).</exception>
    /// <exception cref="InvalidDataException">Malformed or of another format.</exception>
    public RunState ReadState()
    {
        var path = File(StateFile);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"{Path} has no {StateFile}: no epoch of this run completed, so there is nothing to resume. Start it afresh.", path);
        var state = Read<RunState>(path);
        if (state.Format != RunState.CurrentFormat)
            throw new InvalidDataException($"{path}: format '{state.Format}', expected '{RunState.CurrentFormat}'.");
        if (state.CompletedEpochs < 1 || state.Metrics.Count != state.CompletedEpochs)
            throw new InvalidDataException($"{path}: {state.CompletedEpochs} completed epochs with {state.Metrics.Count} metric records; expected at least one epoch and one record per epoch.");
        return state;
    }

    /// <summary>attention/epoch-NNN.json.</summary>
    /// <exception cref="FileNotFoundException">Missing.</exception>
    /// <exception cref="InvalidDataException">Malformed or of another epoch.</exception>
    public AttentionSnapshot ReadAttention(int epoch)
    {
        var path = AttentionFile(epoch);
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"{path} is missing; the run folder is incomplete.", path);
        var snapshot = Read<AttentionSnapshot>(path);
        if (snapshot.Epoch != epoch) throw new InvalidDataException($"{path}: holds epoch {snapshot.Epoch}, expected {epoch}.");
        return snapshot;
    }

    private static T Read<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(System.IO.File.ReadAllText(path), RunJson.Options)
                ?? throw new InvalidDataException($"{path}: the file holds null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}

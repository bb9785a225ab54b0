using System.Globalization;
using System.Text;
using System.Text.Json;
using AgNas.Autograd.Checkpoints;
using AgNas.Autograd.Modules;
using AgNas.Autograd.Optim;
using AgNas.Tensors;

namespace AgNas.Search.Runs;

/// <summary>
/// The files of one run (DESIGN.md "A run on disk"). A search run (<see cref="SearchRun"/>) holds:
/// <list type="bullet">
/// <item><c>config.json</c>: the resolved <see cref="SearchConfig"/>;</item>
/// <item><c>metrics.jsonl</c>: one <see cref="EpochRecord"/> per line;</item>
/// <item><c>attention/epoch-NNN.json</c>: an <see cref="AttentionSnapshot"/> per epoch;</item>
/// <item><c>arch.txt</c>: the architecture derived after the last completed epoch;</item>
/// <item><c>checkpoint.safetensors</c>: the supernet's state dict (PyTorch names);</item>
/// <item><c>optimizer.safetensors</c>: the SGD momentum buffers, named "&lt;parameter&gt;.momentum_buffer";</item>
/// <item><c>arch_optimizer.safetensors</c> (darts only): the α optimiser's Adam moments, named
/// "&lt;α set&gt;.exp_avg" and ".exp_avg_sq" (α itself is in the checkpoint);</item>
/// <item><c>state.json</c>: a <see cref="RunState"/>;</item>
/// <item><c>curves.png</c>, <c>attention.png</c>: plots (or curves.csv and attention.csv where PNGs cannot be drawn).</item>
/// </list>
/// A training run (<see cref="TrainRun"/>) holds the same files without attention/, arch.txt and
/// attention.png: config.json is a <see cref="TrainConfig"/>, metrics.jsonl holds
/// <see cref="TrainEpochRecord"/>s, state.json is a <see cref="TrainState"/>, and the checkpoint is
/// the trained network's.
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
    public const string ArchOptimizerFile = "arch_optimizer.safetensors";
    public const string StateFile = "state.json";
    public const string CurvesPlot = "curves.png";
    public const string AttentionPlot = "attention.png";
    public const string CurvesCsv = "curves.csv";
    public const string AttentionCsv = "attention.csv";

    /// <summary>Written when a checkpoint does not fit the network of config.json: what each holds and every key problem (see <see cref="CheckpointMismatch"/>).</summary>
    public const string CheckpointMismatchFile = "checkpoint-mismatch.txt";

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
    public string ArchOptimizer => File(ArchOptimizerFile);

    /// <summary>True when a state.json exists: at least one epoch of a run completed here.</summary>
    public bool HasState => System.IO.File.Exists(File(StateFile));

    /// <summary>Name of the lock file a running search or training holds in its folder (<see cref="RunLock"/>).</summary>
    public const string LockFile = "run.lock";

    /// <summary>
    /// Creates the folder and takes its lock for the lifetime of a run (<see cref="RunLock.Take"/>), so that two
    /// processes never write one run folder. The lock file disappears when the run ends.
    /// </summary>
    /// <exception cref="IOException">Another process holds the folder.</exception>
    public RunLock Lock() => RunLock.Take(this);

    /// <summary>Creates the folder and, for a search run, attention/.</summary>
    public void Create(bool attention = true) => Directory.CreateDirectory(attention ? System.IO.Path.Combine(Path, AttentionFolder) : Path);

    // ---- writing -----------------------------------------------------------------------------

    public void WriteConfig<TConfig>(TConfig config) where TConfig : class, IRunConfig<TConfig>
    {
        ArgumentNullException.ThrowIfNull(config);
        WriteAtomic(File(ConfigFile), config.ToJson() + "\n");
    }

    /// <summary>Rewrites metrics.jsonl with exactly these records (so no line of an unfinished epoch survives a resume).</summary>
    public void WriteMetrics<TRecord>(IEnumerable<TRecord> records)
    {
        var sb = new StringBuilder();
        foreach (var r in records) sb.Append(JsonSerializer.Serialize(r, RunJson.Line)).Append('\n');
        WriteAtomic(File(MetricsFile), sb.ToString());
    }

    public void WriteAttention(AttentionSnapshot snapshot) =>
        WriteAtomic(AttentionFile(snapshot.Epoch), JsonSerializer.Serialize(snapshot, RunJson.Options) + "\n");

    public void WriteArch(string arch) => WriteAtomic(File(ArchFile), arch + "\n");

    /// <summary>
    /// Writes the files a space derives beside arch.txt (<see cref="DerivedArchitecture.Files"/>: name → text), each atomically.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, has a folder part, or is one of the run folder's own files.</exception>
    public void WriteArchFiles(IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var name in files.Keys)
        {
            if (name.Length == 0 || name != System.IO.Path.GetFileName(name) || name is "." or ".." || OwnFiles.Contains(name))
                throw new ArgumentException($"The derived architecture names the file '{name}'; expected a plain file name other than the run folder's own ({string.Join(", ", OwnFiles)}).", nameof(files));
        }
        foreach (var (name, text) in files) WriteAtomic(File(name), text);
    }

    /// <summary>The files the run folder itself writes, which a space's derived files may not replace.</summary>
    private static readonly string[] OwnFiles =
        [ConfigFile, MetricsFile, AttentionFolder, ArchFile, CheckpointFile, OptimizerFile, ArchOptimizerFile, StateFile, CurvesPlot, AttentionPlot, CurvesCsv, AttentionCsv, LockFile, CheckpointMismatchFile];

    /// <summary>Writes state.json (a <see cref="RunState"/> or a <see cref="TrainState"/>); call it last at the end of an epoch.</summary>
    public void WriteState<TState>(TState state) where TState : IRunState =>
        WriteAtomic(File(StateFile), JsonSerializer.Serialize(state, RunJson.Options) + "\n");

    /// <summary>
    /// Saves the end of an epoch's training: <c>checkpoint.safetensors</c> (the network's state dict)
    /// and <c>optimizer.safetensors</c> (the optimiser's tensors), both tagged with
    /// <paramref name="epoch"/> in their metadata, the checkpoint also with <paramref name="identity"/>
    /// (what network it holds, compared on restore). Returns what state.json keeps of the optimiser.
    /// </summary>
    public SavedOptimizer SaveTraining(Module net, Optimizer optimizer, int epoch, CheckpointIdentity? identity = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(optimizer);
        var metadata = EpochMetadata(epoch);
        if (identity is not null)
            foreach (var (key, value) in identity.ToMetadata()) metadata[key] = value;
        net.SaveSafetensors(Checkpoint, metadata);
        return SaveOptimizer(OptimizerFile, optimizer, epoch);
    }

    /// <summary>
    /// Writes the tensors of <paramref name="optimizer"/> to <paramref name="file"/> in the folder
    /// (e.g. <see cref="ArchOptimizerFile"/>), tagged with <paramref name="epoch"/>, and returns what
    /// state.json keeps of it.
    /// </summary>
    public SavedOptimizer SaveOptimizer(string file, Optimizer optimizer, int epoch)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(optimizer);
        var state = optimizer.ExportState();
        Safetensors.Save(File(file), state.Tensors.Select(t => KeyValuePair.Create(t.Name, t.Value)).ToList(), EpochMetadata(epoch));
        return new SavedOptimizer(
            new SortedDictionary<string, int>(state.Steps.ToDictionary(), StringComparer.Ordinal),
            state.Groups.Select(g => new OptimizerGroupRecord(g.LearningRate, g.InitialLearningRate)).ToList());
    }

    private static Dictionary<string, string> EpochMetadata(int epoch) =>
        new() { [EpochMetadataKey] = epoch.ToString(CultureInfo.InvariantCulture) };

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

    /// <summary>The config.json of a search run folder.</summary>
    /// <exception cref="FileNotFoundException">No config.json: not a run folder.</exception>
    /// <exception cref="InvalidDataException">The file is malformed (see <see cref="SearchConfig.FromJson"/>).</exception>
    public SearchConfig ReadConfig() => ReadConfig<SearchConfig>();

    /// <summary>The config.json of a run folder, as the settings of <typeparamref name="TConfig"/>'s kind of run.</summary>
    /// <exception cref="FileNotFoundException">No config.json: not a run folder.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or holds another kind of run's settings.</exception>
    public TConfig ReadConfig<TConfig>() where TConfig : class, IRunConfig<TConfig>
    {
        var path = File(ConfigFile);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"{Path} is not a run folder: it has no {ConfigFile}.", path);
        return TConfig.FromJson(System.IO.File.ReadAllText(path), path);
    }

    /// <summary>The state.json of a search run folder.</summary>
    /// <exception cref="FileNotFoundException">No state.json (no epoch completed).</exception>
    /// <exception cref="InvalidDataException">Malformed or of another format.</exception>
    public RunState ReadState() => ReadState<RunState>(RunState.CurrentFormat);

    /// <summary>The state.json of a run folder, which must be of format <paramref name="format"/>.</summary>
    /// <exception cref="FileNotFoundException">No state.json (no epoch completed).</exception>
    /// <exception cref="InvalidDataException">Malformed or of another format.</exception>
    public TState ReadState<TState>(string format) where TState : IRunState
    {
        var path = File(StateFile);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"{Path} has no {StateFile}: no epoch of this run completed, so there is nothing to resume. Start it afresh.", path);
        string found = ReadFormat(path);
        if (found != format)
            throw new InvalidDataException($"{path}: format '{found}', expected '{format}'.");
        var state = Read<TState>(path);
        if (state.CompletedEpochs < 1 || state.MetricCount != state.CompletedEpochs)
            throw new InvalidDataException($"{path}: {state.CompletedEpochs} completed epochs with {state.MetricCount} metric records; expected at least one epoch and one record per epoch.");
        return state;
    }

    /// <summary>
    /// Loads what <see cref="SaveTraining"/> wrote into <paramref name="net"/> and <paramref name="optimizer"/>,
    /// after checking that both files hold epoch <paramref name="epoch"/> (the one state.json records).
    /// </summary>
    /// <param name="net">The network, built from the run's config.json.</param>
    /// <param name="optimizer">A fresh optimiser over <paramref name="net"/>'s parameters.</param>
    /// <param name="backend">Where the loaded tensors go.</param>
    /// <param name="epoch">Completed epochs, from state.json.</param>
    /// <param name="saved">The optimiser's step counts and learning rates, from state.json.</param>
    /// <param name="model">What the network is, for messages ("supernet", "network").</param>
    /// <param name="resumeError">Makes the exception thrown when the folder cannot be resumed (the run's own type).</param>
    /// <param name="identity">What config.json describes; compared with what the checkpoint records (when it does) before any
    /// tensor is loaded. A mismatch, or keys that do not fit, throw one line naming the first difference and write every
    /// difference to <see cref="CheckpointMismatchFile"/>.</param>
    public void RestoreTraining(Module net, Optimizer optimizer, IBackend backend, int epoch, SavedOptimizer saved, string model,
        Func<string, Exception> resumeError, CheckpointIdentity? identity = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(resumeError);
        foreach (var file in new[] { CheckpointFile, OptimizerFile })
        {
            if (!System.IO.File.Exists(File(file)))
                throw resumeError($"{File(file)} is missing, though {StateFile} records {epoch} completed epoch(s); the run folder is incomplete.");
        }
        // Through LoadStateDict rather than ModuleCheckpoint.LoadSafetensors: only LoadStateDict
        // lets modules refresh host mirrors of their buffers (BatchNorm2d's batch counter).
        var weights = Safetensors.Load(Checkpoint, backend, out var weightsMeta);
        try
        {
            CheckEpoch(CheckpointFile, weightsMeta, epoch, resumeError);
            var stored = CheckpointIdentity.FromMetadata(weightsMeta);
            var keyProblems = CheckpointMismatch.KeyProblems(net.StateDict(), weights);
            bool identityDiffers = stored is not null && identity is not null && stored.FirstDifference(identity) is not null;
            if (identityDiffers || keyProblems.Count > 0)
                throw resumeError(CheckpointMismatch.Report(this, model, stored, identity, keyProblems));
            net.LoadStateDict(weights.Select(kv => (kv.Key, kv.Value)));
        }
        catch (ArgumentException e)
        {
            throw resumeError($"{Checkpoint} does not fit the {model} built from {ConfigFile}: {e.Message}");
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        RestoreOptimizer(OptimizerFile, optimizer, backend, epoch, saved, resumeError);
    }

    /// <summary>
    /// Loads what <see cref="SaveOptimizer"/> wrote to <paramref name="file"/> into <paramref name="optimizer"/>,
    /// after checking that the file holds epoch <paramref name="epoch"/>.
    /// </summary>
    /// <param name="file">The file's name in the folder.</param>
    /// <param name="optimizer">A fresh optimiser over the parameters the file's tensors belong to.</param>
    /// <param name="backend">Where the loaded tensors go.</param>
    /// <param name="epoch">Completed epochs, from state.json.</param>
    /// <param name="saved">The optimiser's step counts and learning rates, from state.json.</param>
    /// <param name="resumeError">Makes the exception thrown when the folder cannot be resumed (the run's own type).</param>
    public void RestoreOptimizer(string file, Optimizer optimizer, IBackend backend, int epoch, SavedOptimizer saved, Func<string, Exception> resumeError)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(resumeError);
        if (!System.IO.File.Exists(File(file)))
            throw resumeError($"{File(file)} is missing, though {StateFile} records {epoch} completed epoch(s); the run folder is incomplete.");
        var loaded = Safetensors.Load(File(file), backend, out var metadata);
        try
        {
            CheckEpoch(file, metadata, epoch, resumeError);
            optimizer.ImportState(new OptimizerState(
                loaded.Select(kv => (kv.Key, kv.Value)).ToList(),
                saved.Steps,
                saved.Groups.Select(g => new GroupState(g.LearningRate, g.InitialLearningRate)).ToList()));
        }
        catch (ArgumentException e)
        {
            throw resumeError($"{File(file)} does not fit the optimiser: {e.Message}");
        }
        finally
        {
            foreach (var t in loaded.Values) t.Dispose();
        }
    }

    private void CheckEpoch(string file, IReadOnlyDictionary<string, string> metadata, int epoch, Func<string, Exception> resumeError)
    {
        string expected = epoch.ToString(CultureInfo.InvariantCulture);
        if (!metadata.TryGetValue(EpochMetadataKey, out var found) || found != expected)
            throw resumeError(
                $"{File(file)} holds epoch {found ?? "(none recorded)"} but {StateFile} records {epoch} completed epoch(s): " +
                "the last save was interrupted between two files, and this folder cannot be resumed exactly.");
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

    /// <summary>The "format" of a state.json, read before the rest so that another kind of run's state gets a clear message.</summary>
    private static string ReadFormat(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String
                ? f.GetString()!
                : "(none)";
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
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

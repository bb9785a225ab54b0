using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgNas.Tensors;

namespace AgNas.Autograd.Checkpoints;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">The tensor's name (a key of the header).</param>
/// <param name="DType">The safetensors dtype name as written in the file ("F32", "I64", ...).</param>
/// <param name="Shape">The tensor's shape; an empty shape is a scalar.</param>
/// <param name="Begin">First byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte, relative to the start of the data section.</param>
public sealed record SafetensorsEntry(string Name, string DType, Shape Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}

/// <summary>The parsed, validated header of a safetensors file.</summary>
/// <param name="HeaderLength">The value of the 8-byte length field: the JSON text plus its padding.</param>
/// <param name="Entries">The tensors in the order of their data (ascending offsets).</param>
/// <param name="Metadata">The <c>__metadata__</c> map (empty when the file has none).</param>
public sealed record SafetensorsHeader(
    long HeaderLength,
    IReadOnlyList<SafetensorsEntry> Entries,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>File offset of the data section: the length field (8 bytes) plus the header.</summary>
    public long DataStart => 8 + HeaderLength;
}

/// <summary>
/// Reads and writes weights in the safetensors format (huggingface/safetensors), so that PyTorch's
/// <c>safetensors.torch.load_file</c> reads what AgNas saves and AgNas reads what PyTorch saves.
/// <para>Layout: an unsigned 64-bit little-endian length N; N bytes of UTF-8 JSON,
/// <c>{"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}</c>,
/// padded with spaces to a multiple of 8 bytes as the reference writer does; then the data section,
/// each tensor's elements row-major little-endian at [begin, end) relative to the section. Tensors
/// cover the data section exactly: no gaps, no overlap, nothing after the last.</para>
/// <para>AgNas tensors are F32 or I32. On reading, I64 (PyTorch's dtype for labels and
/// <c>num_batches_tracked</c>) is converted to I32 with a range check; any other dtype is reported
/// by name.</para>
/// </summary>
public static class Safetensors
{
    /// <summary>The largest header accepted, as in the reference reader (100 MB).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Alignment of the data section: the header is padded with spaces to a multiple of this.</summary>
    public const int HeaderAlignment = 8;

    private const string MetadataKey = "__metadata__";

    /// <summary>Element sizes of every dtype the format defines, so any valid file's layout can be checked.</summary>
    private static readonly Dictionary<string, int> DTypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    private const string SupportedDTypes = "F32, I32, and I64 (converted to I32)";

    // ---- writing ------------------------------------------------------------------------------

    /// <summary>
    /// Writes <paramref name="tensors"/> in the given order, with optional string metadata. The file
    /// is written beside <paramref name="path"/> under a temporary name, flushed to disk, then moved
    /// over <paramref name="path"/>: an interrupted save leaves the previous checkpoint intact.
    /// Channel views are written as their dense elements.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, repeated or "__metadata__", or a tensor is disposed.</exception>
    public static void Save(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var header = BuildHeader(path, tensors, metadata);

        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $"{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                byte[] buffer = [];
                for (int i = 0; i < tensors.Count; i++)
                {
                    var (name, t) = tensors[i];
                    int bytes = ByteCount(path, name, t.Size, t.DType.ByteSize());
                    if (buffer.Length < bytes) buffer = new byte[bytes];
                    var span = buffer.AsSpan(0, bytes);
                    t.Backend.CopyToHost(span, t);
                    if (!BitConverter.IsLittleEndian) ReverseEndianness4(span);
                    stream.Write(span);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The JSON header, padded with spaces to a multiple of <see cref="HeaderAlignment"/>.</summary>
    private static byte[] BuildHeader(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var json = new ArrayBufferWriter<byte>();
        // Relaxed escaping writes non-ASCII names as UTF-8, as the reference writer (serde_json) does.
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is not null)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            for (int i = 0; i < tensors.Count; i++)
            {
                var (name, t) = tensors[i];
                if (string.IsNullOrEmpty(name))
                    throw new ArgumentException($"Safetensors.Save '{path}': tensor #{i} has an empty name; expected a unique non-empty name.", nameof(tensors));
                if (name == MetadataKey)
                    throw new ArgumentException($"Safetensors.Save '{path}': tensor #{i} is named '{MetadataKey}', which the format reserves for metadata.", nameof(tensors));
                if (!seen.Add(name))
                    throw new ArgumentException($"Safetensors.Save '{path}': the name '{name}' is used by more than one tensor; expected unique names.", nameof(tensors));
                if (t is null)
                    throw new ArgumentException($"Safetensors.Save '{path}': tensor '{name}' is null.", nameof(tensors));
                if (t.IsDisposed)
                    throw new ArgumentException($"Safetensors.Save '{path}': tensor '{name}' of shape {t.Shape} is disposed.", nameof(tensors));
                long bytes = ByteCount(path, name, t.Size, t.DType.ByteSize());
                w.WriteStartObject(name);
                w.WriteString("dtype", t.DType.SafetensorsName());
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        int padded = (json.WrittenCount + HeaderAlignment - 1) / HeaderAlignment * HeaderAlignment;
        var header = new byte[padded];
        json.WrittenSpan.CopyTo(header);
        header.AsSpan(json.WrittenCount).Fill((byte)' ');
        return header;
    }

    // ---- reading ------------------------------------------------------------------------------

    /// <summary>Reads and validates the header of a safetensors file without reading the data.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file.</exception>
    public static SafetensorsHeader ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return ReadHeader(stream, path);
    }

    /// <summary>Reads every tensor of the file into new tensors on <paramref name="backend"/>.</summary>
    /// <remarks>The tensors belong to the current <see cref="Tensors.Memory.TensorScope"/>, if any, else to the caller.</remarks>
    /// <exception cref="CheckpointFormatException">The file is invalid or holds an unsupported dtype or an out-of-range I64.</exception>
    public static Dictionary<string, Tensor> Load(string path, IBackend backend) => Load(path, backend, out _);

    /// <inheritdoc cref="Load(string, IBackend)"/>
    /// <param name="path">The safetensors file.</param>
    /// <param name="backend">Where the new tensors live.</param>
    /// <param name="metadata">The file's <c>__metadata__</c> (empty when it has none).</param>
    public static Dictionary<string, Tensor> Load(string path, IBackend backend, out IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(backend);
        using var stream = OpenRead(path);
        var header = ReadHeader(stream, path);
        foreach (var e in header.Entries) ToDType(path, e);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in header.Entries)
            {
                var t = Tensor.Empty(e.Shape, backend, ToDType(path, e));
                result.Add(e.Name, t);
                var host = ReadData(stream, path, header, e);
                try
                {
                    backend.CopyFromHost(t, host.Span);
                }
                finally
                {
                    host.Dispose();
                }
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        metadata = header.Metadata;
        return result;
    }

    /// <summary>
    /// Copies the file's tensors into existing tensors (e.g. a model's parameters and buffers, which
    /// may be channel views), after checking that the names match both ways and every shape and
    /// dtype agrees. All problems are reported together and nothing is copied unless there are none.
    /// </summary>
    /// <returns>The file's <c>__metadata__</c> (empty when it has none).</returns>
    /// <exception cref="CheckpointMismatchException">Names, shapes or dtypes differ; lists every difference.</exception>
    /// <exception cref="CheckpointFormatException">The file is invalid or holds an out-of-range I64.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> repeats a name.</exception>
    public static IReadOnlyDictionary<string, string> LoadInto(string path, IReadOnlyList<KeyValuePair<string, Tensor>> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var wanted = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in target)
        {
            if (!wanted.TryAdd(name, t))
                throw new ArgumentException($"Safetensors.LoadInto '{path}': the target names '{name}' more than once; expected unique names.", nameof(target));
            if (t is null || t.IsDisposed)
                throw new ArgumentException($"Safetensors.LoadInto '{path}': target tensor '{name}' is {(t is null ? "null" : "disposed")}.", nameof(target));
        }

        using var stream = OpenRead(path);
        var header = ReadHeader(stream, path);
        var inFile = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);

        var problems = new List<string>();
        foreach (var (name, t) in target)
        {
            if (!inFile.TryGetValue(name, out var e))
            {
                problems.Add($"missing: '{name}' ({t.DType.SafetensorsName()} {t.Shape}) is not in the file");
                continue;
            }
            if (e.DType is not ("F32" or "I32" or "I64"))
                problems.Add($"'{name}': dtype {e.DType} in the file is not supported; expected {t.DType.SafetensorsName()} ({SupportedDTypes} can be read)");
            else if (ToDType(path, e) != t.DType)
                problems.Add($"'{name}': dtype {e.DType} in the file, expected {t.DType.SafetensorsName()}");
            if (e.Shape != t.Shape)
                problems.Add($"'{name}': shape {e.Shape} in the file, expected {t.Shape}");
        }
        foreach (var e in header.Entries)
        {
            if (!wanted.ContainsKey(e.Name))
                problems.Add($"unexpected: '{e.Name}' ({e.DType} {e.Shape}) in the file has no counterpart in the target");
        }
        if (problems.Count > 0) throw new CheckpointMismatchException(path, problems);

        // Read (and convert) everything before writing anything, so a bad value leaves the target untouched.
        var staged = new List<(Tensor Target, HostData Data)>(target.Count);
        try
        {
            foreach (var e in header.Entries) staged.Add((wanted[e.Name], ReadData(stream, path, header, e)));
            foreach (var (t, data) in staged) t.Backend.CopyFromHost(t, data.Span);
        }
        finally
        {
            foreach (var (_, data) in staged) data.Dispose();
        }
        return header.Metadata;
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    private static SafetensorsHeader ReadHeader(FileStream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Bad(path, $"the file is {fileLength} bytes, too short for the 8-byte header length; expected a safetensors file (truncated?)");
        Span<byte> lengthField = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(lengthField);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lengthField);
        if (n > MaxHeaderLength)
            throw Bad(path, $"the header length field says {n} bytes, more than the {MaxHeaderLength} allowed; expected a safetensors file (corrupt or another format?)");
        if ((long)n > fileLength - 8)
            throw Bad(path, $"the header length field says {n} bytes but only {fileLength - 8} bytes follow it; expected the whole header (truncated file?)");
        long headerLength = (long)n;
        long dataLength = fileLength - 8 - headerLength;

        var bytes = new byte[headerLength];
        stream.ReadExactly(bytes);
        if (headerLength == 0 || bytes[0] != (byte)'{')
            throw Bad(path, "the header does not start with '{'; expected a JSON object (corrupt or another format?)");

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad(path, $"the header is not valid JSON ({e.Message}); expected a JSON object");
        }

        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(path, $"the header is a JSON {doc.RootElement.ValueKind}; expected an object");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(p.Name))
                    throw Bad(path, $"the header names '{p.Name}' twice; expected unique keys");
                if (p.Name == MetadataKey)
                    ReadMetadata(path, p.Value, metadata);
                else
                    entries.Add(ReadEntry(path, p.Name, p.Value, dataLength));
            }
        }

        // The data must be covered exactly: sorted by offset, each tensor starts where the previous ends.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        SafetensorsEntry? previous = null;
        foreach (var e in entries)
        {
            if (e.Begin < expected)
                throw Bad(path, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]; expected each tensor to start where the previous one ends ({expected})");
            if (e.Begin > expected)
                throw Bad(path, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] leave a gap of {e.Begin - expected} bytes after " +
                                (previous is null ? "the start of the data section" : $"tensor '{previous.Name}' [{previous.Begin}, {previous.End}]") +
                                $"; expected it to start at {expected}");
            expected = e.End;
            previous = e;
        }
        if (expected != dataLength)
            throw Bad(path, $"the data section is {dataLength} bytes but the tensors cover {expected}; expected them to cover it exactly (trailing bytes?)");

        return new SafetensorsHeader(headerLength, entries, metadata);
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null) return; // the reference reader takes null as "no metadata"
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(path, $"'{MetadataKey}' is a JSON {value.ValueKind}; expected an object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw Bad(path, $"'{MetadataKey}' entry '{m.Name}' is a JSON {m.Value.ValueKind}; expected a string");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                throw Bad(path, $"'{MetadataKey}' names '{m.Name}' twice; expected unique keys");
        }
    }

    private static SafetensorsEntry ReadEntry(string path, string name, JsonElement value, long dataLength)
    {
        string where = $"tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(path, $"{where} is a JSON {value.ValueKind}; expected an object with dtype, shape and data_offsets");

        if (!value.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(path, $"{where} has no string 'dtype'; expected e.g. \"dtype\": \"F32\"");
        var dtype = dt.GetString()!;
        if (!DTypeSizes.TryGetValue(dtype, out int elementSize))
            throw Bad(path, $"{where} has dtype '{dtype}', which safetensors does not define; expected one of {string.Join(", ", DTypeSizes.Keys)}");

        if (!value.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"{where} has no 'shape' array; expected e.g. \"shape\": [2, 3]");
        var dims = new List<int>();
        long count = 1;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
                throw Bad(path, $"{where} has shape {sh.GetRawText()}; expected non-negative integers below 2^31");
            dims.Add(dim);
            count = count > 0 && dim > long.MaxValue / elementSize / count ? -1 : count * dim;
            if (count < 0) throw Bad(path, $"{where} has shape {sh.GetRawText()}, too large to address");
        }

        if (!value.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2
            || !off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < 0)
            throw Bad(path, $"{where} has data_offsets {(value.TryGetProperty("data_offsets", out var raw) ? raw.GetRawText() : "missing")}; expected [begin, end], two non-negative integers");
        if (end < begin)
            throw Bad(path, $"{where} has data_offsets [{begin}, {end}], which end before they begin; expected begin <= end");
        if (end > dataLength)
            throw Bad(path, $"{where} has data_offsets [{begin}, {end}], outside the data section of {dataLength} bytes; expected end <= {dataLength} (truncated file?)");
        var shape = new Shape(dims.ToArray());
        if (end - begin != count * elementSize)
            throw Bad(path, $"{where} has data_offsets [{begin}, {end}] ({end - begin} bytes) but shape {shape} of {dtype} needs {count * elementSize} bytes");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    /// <summary>The AgNas dtype an entry loads as.</summary>
    /// <exception cref="CheckpointFormatException">The dtype is not F32, I32 or I64.</exception>
    private static DType ToDType(string path, SafetensorsEntry e) => e.DType switch
    {
        "F32" => DType.Float32,
        "I32" or "I64" => DType.Int32,
        _ => throw Bad(path, $"tensor '{e.Name}' has dtype {e.DType}, which AgNas does not read; expected {SupportedDTypes}"),
    };

    /// <summary>An entry's elements as little-endian 4-byte host values, ready for CopyFromHost.</summary>
    private static HostData ReadData(FileStream stream, string path, SafetensorsHeader header, SafetensorsEntry e)
    {
        int fileBytes = ByteCount(path, e.Name, e.ByteLength, 1);
        var data = new HostData(checked((int)(e.Shape.Size * 4)));
        var raw = e.DType == "I64" ? ArrayPool<byte>.Shared.Rent(fileBytes) : null;
        try
        {
            var target = raw is null ? data.Span : raw.AsSpan(0, fileBytes);
            stream.Position = header.DataStart + e.Begin;
            stream.ReadExactly(target);
            if (raw is not null)
            {
                var longs = MemoryMarshal.Cast<byte, long>(target);
                var ints = MemoryMarshal.Cast<byte, int>(data.Span);
                for (int i = 0; i < longs.Length; i++)
                {
                    long v = BitConverter.IsLittleEndian ? longs[i] : BinaryPrimitives.ReverseEndianness(longs[i]);
                    if (v < int.MinValue || v > int.MaxValue)
                        throw Bad(path, $"tensor '{e.Name}' (I64 {e.Shape}) holds {v} at flat index {i}, outside the int32 range; expected values that fit I32");
                    ints[i] = (int)v;
                }
            }
            else if (!BitConverter.IsLittleEndian)
            {
                ReverseEndianness4(data.Span);
            }
            return data;
        }
        catch
        {
            data.Dispose();
            throw;
        }
        finally
        {
            if (raw is not null) ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>A pooled host buffer of an exact length.</summary>
    private sealed class HostData(int length) : IDisposable
    {
        private byte[]? _array = ArrayPool<byte>.Shared.Rent(length);

        public Span<byte> Span => _array.AsSpan(0, length);

        public void Dispose()
        {
            if (_array is null) return;
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }
    }

    private static int ByteCount(string path, string name, long elements, int elementSize)
    {
        long bytes = elements * elementSize;
        if (bytes > Array.MaxLength)
            throw new NotSupportedException($"Checkpoint '{path}': tensor '{name}' has {bytes} bytes; at most {Array.MaxLength} per tensor are supported.");
        return (int)bytes;
    }

    private static void ReverseEndianness4(Span<byte> bytes)
    {
        var ints = MemoryMarshal.Cast<byte, int>(bytes);
        BinaryPrimitives.ReverseEndianness(ints, ints);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the save already failed and its exception is what the caller needs.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static CheckpointFormatException Bad(string path, string problem) => new(path, problem);
}

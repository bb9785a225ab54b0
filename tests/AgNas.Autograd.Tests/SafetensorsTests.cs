using System.Buffers.Binary;
using System.Collections;
using System.Text;
using System.Text.Json;
using AgNas.Autograd.Checkpoints;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using AgNas.Tests;

namespace AgNas.Autograd.Tests;

public sealed class SafetensorsTests : IDisposable
{
    private static IBackend Cpu => CpuBackend.Instance;

    private readonly string _dir = Directory.CreateTempSubdirectory("agnas-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static KeyValuePair<string, Tensor> Entry(string name, Tensor t) => new(name, t);

    private static float[] Ramp(int n, float scale = 0.25f) => Enumerable.Range(0, n).Select(i => (i - n / 2) * scale).ToArray();

    /// <summary>A file as the reference writer lays it out: length field, header padded with spaces to 8, data.</summary>
    private static byte[] FileBytes(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        int padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    private static byte[] Floats(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), v[i]);
        return b;
    }

    private static byte[] Longs(params long[] v)
    {
        var b = new byte[v.Length * 8];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(i * 8), v[i]);
        return b;
    }

    private string WriteFile(string name, string headerJson, byte[] data)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, FileBytes(headerJson, data));
        return path;
    }

    // ---- round trip ---------------------------------------------------------------------------

    [Fact]
    public void RoundTripKeepsValuesShapesDtypesMetadataAndChannelViews()
    {
        using var scope = TensorScope.Begin();
        var path = PathOf("round.safetensors");
        var weight = Tensor.FromArray(Ramp(24), new Shape(2, 3, 2, 2), Cpu);
        var bias = Tensor.FromArray(Ramp(3), new Shape(3), Cpu);
        var scalar = Tensor.FromArray([42.5f], Shape.Scalar, Cpu);
        var labels = Tensor.FromArray([3, -1, 7, int.MaxValue], new Shape(4), Cpu);
        var empty = Tensor.Empty(new Shape(0, 5), Cpu);
        // A channel view of a concatenation buffer: channels 2..4 of (2, 6, 2, 2), i.e. a strided tensor.
        var concat = Tensor.FromArray(Ramp(48, 1f), new Shape(2, 6, 2, 2), Cpu);
        var view = concat.SliceChannels(2, 3);
        Assert.False(view.IsContiguous);
        var concatValues = concat.ToArray();
        var viewExpected = new float[24];
        for (int n = 0; n < 2; n++)
        for (int j = 0; j < 12; j++)
            viewExpected[n * 12 + j] = concatValues[n * 24 + 2 * 4 + j];

        Safetensors.Save(path,
            [Entry("cell.0.weight", weight), Entry("cell.0.bias", bias), Entry("step", scalar),
             Entry("labels", labels), Entry("empty", empty), Entry("attention.concat", view)],
            new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3" });

        var loaded = Safetensors.Load(path, Cpu, out var metadata);
        Assert.Equal(["cell.0.weight", "cell.0.bias", "step", "labels", "empty", "attention.concat"], loaded.Keys);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal("3", metadata["epoch"]);
        Assert.Equal(new Shape(2, 3, 2, 2), loaded["cell.0.weight"].Shape);
        Approx.Equal(weight.ToArray(), loaded["cell.0.weight"].ToArray(), 0, 0, "weight");
        Approx.Equal(bias.ToArray(), loaded["cell.0.bias"].ToArray(), 0, 0, "bias");
        Assert.Equal(Shape.Scalar, loaded["step"].Shape);
        Assert.Equal(42.5f, loaded["step"].Item());
        Assert.Equal(DType.Int32, loaded["labels"].DType);
        Assert.Equal([3, -1, 7, int.MaxValue], loaded["labels"].ToInt32Array());
        Assert.Equal(new Shape(0, 5), loaded["empty"].Shape);
        Assert.Equal(new Shape(2, 3, 2, 2), loaded["attention.concat"].Shape);
        Approx.Equal(viewExpected, loaded["attention.concat"].ToArray(), 0, 0, "channel view");

        // LoadInto a strided target writes its channels and nothing around them.
        var target = Tensor.Full(new Shape(2, 5, 2, 2), -9f, Cpu);
        var targetView = target.SliceChannels(1, 3);
        var meta = Safetensors.LoadInto(path,
            [Entry("cell.0.weight", Tensor.Zeros(weight.Shape, Cpu)), Entry("cell.0.bias", Tensor.Zeros(bias.Shape, Cpu)),
             Entry("step", Tensor.Zeros(Shape.Scalar, Cpu)), Entry("labels", Tensor.Zeros(labels.Shape, Cpu, DType.Int32)),
             Entry("empty", Tensor.Empty(new Shape(0, 5), Cpu)), Entry("attention.concat", targetView)]);
        Assert.Equal("3", meta["epoch"]);
        Approx.Equal(viewExpected, targetView.ToArray(), 0, 0, "loaded into a view");
        var all = target.ToArray();
        for (int n = 0; n < 2; n++)
        for (int c = 0; c < 5; c++)
        for (int i = 0; i < 4; i++)
        {
            if (c is 0 or 4) Assert.Equal(-9f, all[n * 20 + c * 4 + i]);
        }
    }

    // ---- byte layout --------------------------------------------------------------------------

    [Fact]
    public void TinyFileHasTheByteLayoutWorkedOutByHand()
    {
        using var scope = TensorScope.Begin();
        var path = PathOf("tiny.safetensors");
        Safetensors.Save(path,
            [Entry("a", Tensor.FromArray([1f, -2f], new Shape(2), Cpu)), Entry("b", Tensor.FromArray([7], new Shape(1, 1), Cpu))],
            new Dictionary<string, string> { ["k"] = "v" });
        var bytes = File.ReadAllBytes(path);

        // Header JSON, compact, metadata first, tensors in the given order:
        //   {  "__metadata__":  {"k":"v"}  ,  "a":  {"dtype":"F32","shape":[2],"data_offsets":[0,8]}  ,  "b":  {...[1,1]...[8,12]}  }
        //   1  + 15           + 9         + 1 + 4  + 48                                              + 1 + 4  + 51                 + 1 = 135
        // 135 is padded with one space to 136 = 17·8. Data: 2·4 + 1·4 = 12 bytes. File: 8 + 136 + 12 = 156.
        const string json = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
                            "\"b\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";
        Assert.Equal(135, json.Length);
        Assert.Equal(156, bytes.Length);
        Assert.Equal([0x88, 0, 0, 0, 0, 0, 0, 0], bytes[..8]); // 136 little-endian
        Assert.Equal(json, Encoding.UTF8.GetString(bytes, 8, 135));
        Assert.Equal((byte)' ', bytes[8 + 135]);
        Assert.Equal(0, (8 + 136) % 8);

        using (var doc = JsonDocument.Parse(bytes.AsMemory(8, 136)))
        {
            var a = doc.RootElement.GetProperty("a");
            Assert.Equal("F32", a.GetProperty("dtype").GetString());
            Assert.Equal([2], a.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal([0L, 8L], a.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal("v", doc.RootElement.GetProperty("__metadata__").GetProperty("k").GetString());
        }

        // 1.0f = 0x3F800000, −2.0f = 0xC0000000, 7 = 0x00000007, each little-endian.
        Assert.Equal([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x07, 0x00, 0x00, 0x00], bytes[144..]);

        var header = Safetensors.ReadHeader(path);
        Assert.Equal(136, header.HeaderLength);
        Assert.Equal(144, header.DataStart);
        Assert.Equal(new SafetensorsEntry("b", "I32", new Shape(1, 1), 8, 12), header.Entries[1]);
    }

    [Fact]
    public void HeaderThatIsAlreadyAMultipleOfEightGetsNoPadding()
    {
        using var scope = TensorScope.Begin();
        var path = PathOf("aligned.safetensors");
        // {"xyz":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} is 1 + 6 + 48 + 1 = 56 = 7·8 bytes.
        Safetensors.Save(path, [Entry("xyz", Tensor.FromArray([0.5f], new Shape(1), Cpu))]);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(56UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal((byte)'}', bytes[8 + 55]);
        Assert.Equal(8 + 56 + 4, bytes.Length);
    }

    // ---- files written by PyTorch -------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadsAFileAsPyTorchWritesIt(bool keysInDataOrder)
    {
        // safetensors.torch.save_file({"fc.weight": f32 (2,2), "labels": int64 (3), "bn.num_batches_tracked": int64 ()},
        // metadata={"format": "pt"}): the writer orders data by alignment (8-byte I64 first) then name, and
        // writes __metadata__ first. Older writers emitted keys alphabetically, so the key order need not
        // follow the data order.
        var tensors = new[]
        {
            "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}",
            "\"labels\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[8,32]}",
            "\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[32,48]}",
        };
        if (!keysInDataOrder) tensors = [tensors[0], tensors[2], tensors[1]];
        var json = "{\"__metadata__\":{\"format\":\"pt\"}," + string.Join(",", tensors) + "}";
        var data = Longs(500).Concat(Longs(3, 0, 9)).Concat(Floats(0.5f, -1.25f, 3f, 1e-3f)).ToArray();
        var path = WriteFile("torch.safetensors", json, data);
        Assert.Equal(229, json.Length); // padded with 3 spaces to 232 = 29·8

        using var scope = TensorScope.Begin();
        var loaded = Safetensors.Load(path, Cpu, out var metadata);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(DType.Int32, loaded["bn.num_batches_tracked"].DType);
        Assert.Equal(Shape.Scalar, loaded["bn.num_batches_tracked"].Shape);
        Assert.Equal([500], loaded["bn.num_batches_tracked"].ToInt32Array());
        Assert.Equal([3, 0, 9], loaded["labels"].ToInt32Array());
        Assert.Equal(new Shape(2, 2), loaded["fc.weight"].Shape);
        Assert.Equal([0.5f, -1.25f, 3f, 1e-3f], loaded["fc.weight"].ToArray());

        var labels = Tensor.Zeros(new Shape(3), Cpu, DType.Int32);
        var steps = Tensor.Zeros(Shape.Scalar, Cpu, DType.Int32);
        var weight = Tensor.Zeros(new Shape(2, 2), Cpu);
        Safetensors.LoadInto(path, [Entry("fc.weight", weight), Entry("labels", labels), Entry("bn.num_batches_tracked", steps)]);
        Assert.Equal([3, 0, 9], labels.ToInt32Array());
        Assert.Equal([500], steps.ToInt32Array());
        Assert.Equal([0.5f, -1.25f, 3f, 1e-3f], weight.ToArray());
    }

    [Fact]
    public void Int64OutsideTheInt32RangeIsReportedWithTensorAndValue()
    {
        var path = WriteFile("big.safetensors",
            "{\"labels\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", Longs(1, 5_000_000_000));
        var ex = Assert.Throws<CheckpointFormatException>(() => Safetensors.Load(path, Cpu));
        Assert.Contains(path, ex.Message);
        Assert.Contains("'labels'", ex.Message);
        Assert.Contains("5000000000", ex.Message);
        Assert.Contains("flat index 1", ex.Message);
    }

    [Fact]
    public void UnsupportedDTypeIsNamed()
    {
        var path = WriteFile("f64.safetensors",
            "{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        var ex = Assert.Throws<CheckpointFormatException>(() => Safetensors.Load(path, Cpu));
        Assert.Contains(path, ex.Message);
        Assert.Contains("'w'", ex.Message);
        Assert.Contains("F64", ex.Message);
        Assert.Contains("F32", ex.Message); // what is expected instead
    }

    // ---- mismatches ---------------------------------------------------------------------------

    [Fact]
    public void LoadIntoReportsEveryMismatchAtOnceAndLoadsNothing()
    {
        using var scope = TensorScope.Begin();
        var path = PathOf("model.safetensors");
        Safetensors.Save(path,
        [
            Entry("conv.weight", Tensor.Zeros(new Shape(2, 3), Cpu)),
            Entry("bn.bias", Tensor.Full(new Shape(4), 1f, Cpu)),
            Entry("steps", Tensor.Zeros(new Shape(2), Cpu, DType.Int32)),
            Entry("old.head", Tensor.Zeros(new Shape(1), Cpu)),
        ]);
        var bias = Tensor.Full(new Shape(4), 5f, Cpu);
        var target = new[]
        {
            Entry("conv.weight", Tensor.Zeros(new Shape(3, 2), Cpu)), // shape differs
            Entry("bn.bias", bias),                                   // fits, but must stay untouched
            Entry("steps", Tensor.Zeros(new Shape(2), Cpu)),          // dtype differs
            Entry("classifier.weight", Tensor.Zeros(new Shape(5), Cpu)), // missing from the file
        };                                                            // old.head: unexpected

        var ex = Assert.Throws<CheckpointMismatchException>(() => Safetensors.LoadInto(path, target));
        Assert.Equal(path, ex.Path);
        Assert.Equal(4, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.Contains("'conv.weight'") && p.Contains("(2, 3)") && p.Contains("(3, 2)"));
        Assert.Contains(ex.Problems, p => p.Contains("'steps'") && p.Contains("I32") && p.Contains("expected F32"));
        Assert.Contains(ex.Problems, p => p.StartsWith("missing") && p.Contains("'classifier.weight'"));
        Assert.Contains(ex.Problems, p => p.StartsWith("unexpected") && p.Contains("'old.head'"));
        Assert.Contains(path, ex.Message);
        Assert.All(ex.Problems, p => Assert.Contains(p, ex.Message));
        Assert.All(bias.ToArray(), v => Assert.Equal(5f, v));
    }

    /// <summary>A checkpoint of another network: every problem in Problems, only the first ten in the message (issue 10, item 4).</summary>
    [Fact]
    public void AMismatchOfManyNamesListsTenInTheMessage()
    {
        using var scope = TensorScope.Begin();
        var path = PathOf("many.safetensors");
        Safetensors.Save(path, [Entry("only", Tensor.Zeros(new Shape(1), Cpu))]);
        var target = Enumerable.Range(0, 300).Select(i => Entry($"layer{i}.weight", Tensor.Zeros(new Shape(2), Cpu))).ToArray();
        var ex = Assert.Throws<CheckpointMismatchException>(() => Safetensors.LoadInto(path, target));
        Assert.Equal(301, ex.Problems.Count);
        Assert.Contains("... and 291 more", ex.Message);
        Assert.DoesNotContain("layer299.weight", ex.Message);
        Assert.True(ex.Message.Length < 2000, $"{ex.Message.Length} characters");
    }

    [Fact]
    public void SaveRejectsRepeatedAndReservedNames()
    {
        using var scope = TensorScope.Begin();
        var t = Tensor.Zeros(new Shape(1), Cpu);
        var path = PathOf("names.safetensors");
        var ex = Assert.Throws<ArgumentException>(() => Safetensors.Save(path, [Entry("w", t), Entry("w", t)]));
        Assert.Contains("'w'", ex.Message);
        Assert.Throws<ArgumentException>(() => Safetensors.Save(path, [Entry("__metadata__", t)]));
        Assert.Throws<ArgumentException>(() => Safetensors.Save(path, [Entry("", t)]));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    // ---- corrupt files ------------------------------------------------------------------------

    private string SaveValid(string name)
    {
        using var scope = TensorScope.Begin();
        var path = PathOf(name);
        Safetensors.Save(path, [Entry("w", Tensor.FromArray(Ramp(6), new Shape(2, 3), Cpu)), Entry("b", Tensor.FromArray(Ramp(2), new Shape(2), Cpu))]);
        return path;
    }

    private static CheckpointFormatException Corrupt(string path, params string[] fragments)
    {
        var ex = Assert.Throws<CheckpointFormatException>(() => Safetensors.Load(path, Cpu));
        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.Path);
        foreach (var f in fragments) Assert.Contains(f, ex.Message);
        // LoadInto and ReadHeader validate the same way.
        Assert.Throws<CheckpointFormatException>(() => Safetensors.ReadHeader(path));
        return ex;
    }

    [Fact]
    public void TruncatedDataIsReportedWithTheTensorOutsideTheFile()
    {
        var path = SaveValid("cut-data.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        Corrupt(path, "'b'", "outside the data section", "truncated");
    }

    [Fact]
    public void TruncatedHeaderIsReported()
    {
        var path = SaveValid("cut-header.safetensors");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..40]);
        Corrupt(path, "header length field says", "only 32 bytes follow");
    }

    [Fact]
    public void FileShorterThanTheLengthFieldIsReported()
    {
        var path = PathOf("tiny.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        Corrupt(path, "3 bytes", "too short");
    }

    [Fact]
    public void HugeHeaderLengthIsReported()
    {
        var path = PathOf("huge.bin");
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1UL << 40);
        File.WriteAllBytes(path, bytes);
        Corrupt(path, (1UL << 40).ToString(), "more than");
    }

    [Fact]
    public void OffsetsOutsideTheDataSectionAreReported()
    {
        var path = WriteFile("outside.safetensors",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", Floats(1f, 2f));
        Corrupt(path, "'w'", "[0, 400]", "outside the data section of 8 bytes");
    }

    [Fact]
    public void OverlappingOffsetsAreReported()
    {
        var path = WriteFile("overlap.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            Floats(1f, 2f, 3f));
        Corrupt(path, "'b'", "overlap", "'a'");
    }

    [Fact]
    public void GapsBetweenTensorsAreReported()
    {
        var path = WriteFile("gap.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
            Floats(1f, 2f, 3f));
        Corrupt(path, "'b'", "gap of 4 bytes", "start at 4");
    }

    [Fact]
    public void SizeThatDisagreesWithTheShapeIsReported()
    {
        var path = WriteFile("size.safetensors",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", Floats(1f, 2f));
        Corrupt(path, "'w'", "needs 12 bytes");
    }

    [Fact]
    public void TrailingBytesAreReported()
    {
        var path = WriteFile("trailing.safetensors",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", Floats(1f, 2f));
        Corrupt(path, "8 bytes", "cover 4");
    }

    [Fact]
    public void InvalidJsonIsReported()
    {
        var path = WriteFile("json.safetensors", "{\"w\":{\"dtype\":\"F32\",", Floats(1f));
        Corrupt(path, "not valid JSON");
    }

    [Fact]
    public void UnknownDTypeIsReported()
    {
        var path = WriteFile("dtype.safetensors",
            "{\"w\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", Floats(1f));
        Corrupt(path, "'w'", "'Q4'", "F32");
    }

    // ---- atomic replacement -------------------------------------------------------------------

    /// <summary>A list whose n-th element access throws, standing in for a failure mid-save (disk full, crash of the producer).</summary>
    private sealed class FailingList(IReadOnlyList<KeyValuePair<string, Tensor>> inner, int failOnAccess) : IReadOnlyList<KeyValuePair<string, Tensor>>
    {
        private int _accesses;

        public int Count => inner.Count;

        public KeyValuePair<string, Tensor> this[int index] =>
            ++_accesses == failOnAccess ? throw new IOException("simulated failure while writing") : inner[index];

        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
        {
            for (int i = 0; i < Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void SaveReplacesTheFileAtomically()
    {
        using var scope = TensorScope.Begin();
        var path = PathOf("checkpoint.safetensors");
        var v1 = Tensor.Full(new Shape(64), 1f, Cpu);
        var v2 = Tensor.Full(new Shape(64), 2f, Cpu);
        var other = Tensor.Full(new Shape(1000), 3f, Cpu);

        Safetensors.Save(path, [Entry("w", v1)]);
        Safetensors.Save(path, [Entry("w", v2)]);
        Assert.All(Safetensors.Load(path, Cpu)["w"].ToArray(), v => Assert.Equal(2f, v));
        Assert.Equal([path], Directory.GetFiles(_dir));

        // Fail while writing the data of the second tensor: the header pass reads both entries, the data pass fails on the second.
        var before = File.ReadAllBytes(path);
        var failing = new FailingList([Entry("w", v1), Entry("other", other)], failOnAccess: 4);
        var ex = Assert.Throws<IOException>(() => Safetensors.Save(path, failing));
        Assert.Equal("simulated failure while writing", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir)); // no temporary file left behind
    }
}

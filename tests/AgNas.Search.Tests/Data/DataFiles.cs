using System.Buffers.Binary;
using System.IO.Compression;

namespace AgNas.Search.Tests.Data;

/// <summary>A temporary folder that the tests write small data files into; deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agnas-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Writers for IDX and CIFAR binary files, and the pixel pattern the tests check.</summary>
public static class DataFiles
{
    /// <summary>The value the tests put at (image n, channel c, y, x): distinct enough to catch layout mistakes.</summary>
    public static byte Pixel(int n, int c, int y, int x) => (byte)(n * 31 + c * 17 + y * 5 + x * 3);

    public static byte[] IdxImages(int count, int rows, int cols, int magic = 0x00000803)
    {
        var b = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(12), cols);
        for (int n = 0; n < count; n++)
        for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++)
            b[16 + (n * rows + y) * cols + x] = Pixel(n, 0, y, x);
        return b;
    }

    public static byte[] IdxLabels(IReadOnlyList<byte> labels, int magic = 0x00000801)
    {
        var b = new byte[8 + labels.Count];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), labels.Count);
        for (int i = 0; i < labels.Count; i++) b[8 + i] = labels[i];
        return b;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    /// <summary>CIFAR-10 records: label byte, then R, G, B planes of 32×32 (the pattern of <see cref="Pixel"/>).</summary>
    public static byte[] Cifar10(IReadOnlyList<byte> labels, int firstImage = 0)
    {
        var b = new byte[labels.Count * 3073];
        for (int r = 0; r < labels.Count; r++)
        {
            b[r * 3073] = labels[r];
            WritePlanes(b.AsSpan(r * 3073 + 1, 3072), firstImage + r);
        }
        return b;
    }

    /// <summary>CIFAR-100 records: coarse byte, fine byte, then the planes.</summary>
    public static byte[] Cifar100(IReadOnlyList<(byte Coarse, byte Fine)> labels)
    {
        var b = new byte[labels.Count * 3074];
        for (int r = 0; r < labels.Count; r++)
        {
            b[r * 3074] = labels[r].Coarse;
            b[r * 3074 + 1] = labels[r].Fine;
            WritePlanes(b.AsSpan(r * 3074 + 2, 3072), r);
        }
        return b;
    }

    private static void WritePlanes(Span<byte> dst, int n)
    {
        for (int c = 0; c < 3; c++)
        for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++)
            dst[(c * 32 + y) * 32 + x] = Pixel(n, c, y, x);
    }
}

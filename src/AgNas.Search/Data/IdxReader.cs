using System.Buffers.Binary;
using System.IO.Compression;

namespace AgNas.Search.Data;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST, gzip-compressed (recognised by the 1f 8b magic,
/// whatever the file name) or raw. Layout: a 4-byte big-endian magic (0x00000803 = unsigned bytes,
/// 3 dims for images; 0x00000801 = unsigned bytes, 1 dim for labels), one big-endian int32 per dim,
/// then the data, row-major. Images are 1-channel, so the rows are already CHW.
/// Every check failure throws <see cref="DatasetFormatException"/> naming the file, the field or
/// byte offset (into the decompressed content for .gz files), what was found and what was expected.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images/labels pair into one dataset.</summary>
    /// <exception cref="DatasetFormatException">Either file is malformed, the counts differ, or a label is ≥ classCount.</exception>
    /// <exception cref="DatasetNotFoundException">A file does not exist.</exception>
    public static ImageDataset Load(string imagesPath, string labelsPath, string name, int classCount = 10)
    {
        var (pixels, count, rows, cols) = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath, classCount);
        if (labels.Length != count)
            throw new DatasetFormatException(labelsPath,
                $"item count (byte offset 4) is {labels.Length}, but the images file {imagesPath} holds {count} images; the two files must describe the same set.");
        return new ImageDataset(name, pixels, labels, 1, rows, cols, classCount);
    }

    /// <summary>Reads an IDX images file (magic 0x00000803).</summary>
    public static (byte[] Pixels, int Count, int Rows, int Cols) ReadImages(string path)
    {
        using var stream = Open(path);
        Span<byte> header = stackalloc byte[16];
        ReadHeader(stream, path, header, ImagesMagic, "images (unsigned bytes, 3 dims: count, rows, cols)");
        int count = ReadDim(path, header, 4, "image count");
        int rows = ReadDim(path, header, 8, "rows");
        int cols = ReadDim(path, header, 12, "cols");
        if (rows == 0 || cols == 0)
            throw new DatasetFormatException(path, $"image size at byte offset 8 is {rows}x{cols}; expected both rows and cols ≥ 1.");
        long dataBytes = (long)count * rows * cols;
        if (dataBytes > Array.MaxLength)
            throw new DatasetFormatException(path, $"header promises {count} images of {rows}x{cols} = {dataBytes} bytes, more than one in-memory array holds ({Array.MaxLength}).");
        var pixels = new byte[dataBytes];
        ReadBody(stream, path, pixels, 16, $"{count} images of {rows}x{cols}");
        return (pixels, count, rows, cols);
    }

    /// <summary>Reads an IDX labels file (magic 0x00000801) and checks every label is in [0, classCount).</summary>
    public static int[] ReadLabels(string path, int classCount = 10)
    {
        using var stream = Open(path);
        Span<byte> header = stackalloc byte[8];
        ReadHeader(stream, path, header, LabelsMagic, "labels (unsigned bytes, 1 dim: count)");
        int count = ReadDim(path, header, 4, "label count");
        var raw = new byte[count];
        ReadBody(stream, path, raw, 8, $"{count} labels");
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (raw[i] >= classCount)
                throw new DatasetFormatException(path,
                    $"label {raw[i]} of record {i} (byte offset {8 + i}{Decompressed(stream)}) is out of range; expected 0..{classCount - 1}.");
            labels[i] = raw[i];
        }
        return labels;
    }

    /// <summary>Opens the file, through a gzip decoder when it starts with 1f 8b.</summary>
    private static Stream Open(string path)
    {
        if (!File.Exists(path))
            throw new DatasetNotFoundException(path, $"IDX file {path} does not exist.");
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            int b0 = file.ReadByte(), b1 = file.ReadByte();
            file.Position = 0;
            if (b0 == 0x1f && b1 == 0x8b) return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the header; the magic is checked first, so a wrong kind of file is named as such even when it is short.</summary>
    private static void ReadHeader(Stream stream, string path, Span<byte> header, int magic, string what)
    {
        int got = Fill(stream, path, header, 0);
        if (got >= 4) CheckMagic(path, header, magic, what);
        if (got < header.Length)
            throw new DatasetFormatException(path,
                $"truncated: the IDX {what} header needs {header.Length} bytes, the file holds {got}.");
    }

    private static void CheckMagic(string path, ReadOnlySpan<byte> header, int expected, string what)
    {
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic == expected) return;
        string hint = magic switch
        {
            ImagesMagic => " (that is an IDX images file)",
            LabelsMagic => " (that is an IDX labels file)",
            _ when (magic & 0xFFFF0000) == 0 => "",
            _ => " (not an IDX file: its first two bytes must be zero)",
        };
        throw new DatasetFormatException(path,
            $"wrong magic number at byte offset 0: found 0x{magic:X8}{hint}, expected 0x{expected:X8} for IDX {what}.");
    }

    private static int ReadDim(string path, ReadOnlySpan<byte> header, int offset, string field)
    {
        int v = BinaryPrimitives.ReadInt32BigEndian(header[offset..]);
        if (v < 0)
            throw new DatasetFormatException(path, $"{field} at byte offset {offset} is {v} (big-endian int32); expected ≥ 0.");
        return v;
    }

    /// <summary>Fills <paramref name="body"/> and checks nothing follows it.</summary>
    private static void ReadBody(Stream stream, string path, byte[] body, long headerBytes, string what)
    {
        int got = Fill(stream, path, body, headerBytes);
        long expected = headerBytes + body.LongLength;
        if (got < body.Length)
            throw new DatasetFormatException(path,
                $"truncated: the header promises {what}, i.e. a length of {expected} bytes{Decompressed(stream)}, but the data ends at byte offset {headerBytes + got}.");
        int extra = Fill(stream, path, stackalloc byte[1], expected);
        if (extra > 0)
            throw new DatasetFormatException(path,
                $"longer than its header says: {what} end at byte offset {expected}{Decompressed(stream)}, but more bytes follow; expected a length of exactly {expected} bytes.");
    }

    private static string Decompressed(Stream s) => s is GZipStream ? " after decompression" : "";

    /// <summary>Reads until the span is full or the stream ends; wraps gzip decoding errors.</summary>
    private static int Fill(Stream stream, string path, Span<byte> dst, long offset)
    {
        try
        {
            return stream.ReadAtLeast(dst, dst.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, $"gzip data is corrupt (decoding failed while reading the decompressed bytes from offset {offset} on): {e.Message}", e);
        }
    }
}

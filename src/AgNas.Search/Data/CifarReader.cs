namespace AgNas.Search.Data;

/// <summary>
/// Reads the "binary version" of CIFAR-10 and CIFAR-100 (the .bin files, not the Python pickles).
/// A CIFAR-10 record is 1 label byte (0..9) + 3072 pixel bytes; a CIFAR-100 record is 1 coarse
/// label byte (0..19), 1 fine label byte (0..99) + 3072 pixel bytes. The pixels are the red, green
/// and blue 32×32 planes, each row-major: already CHW, so they are copied as stored.
/// Every file must be non-empty and a whole number of records long, and every label in range;
/// otherwise <see cref="DatasetFormatException"/> names the file, the record and its byte offset.
/// </summary>
public static class CifarReader
{
    public const int Side = 32;
    public const int ImageBytes = 3 * Side * Side;
    public const int Cifar10RecordSize = 1 + ImageBytes;
    public const int Cifar100RecordSize = 2 + ImageBytes;

    /// <summary>Reads CIFAR-10 binary batches (e.g. data_batch_1..5.bin, or test_batch.bin) into one set, in file order.</summary>
    public static ImageDataset LoadCifar10(IReadOnlyList<string> files, string name = "cifar10") =>
        Load(files, name, Cifar10RecordSize, "CIFAR-10", labelOffset: 0, classCount: 10, labelField: "label", check: null);

    /// <summary>
    /// Reads CIFAR-100 binary files (train.bin or test.bin). Labels are the fine classes 0..99, or
    /// the 20 coarse superclasses when <paramref name="coarseLabels"/> is set. Both label bytes are
    /// range-checked whichever is used.
    /// </summary>
    public static ImageDataset LoadCifar100(IReadOnlyList<string> files, bool coarseLabels = false, string name = "cifar100") =>
        Load(files, name, Cifar100RecordSize, "CIFAR-100", labelOffset: coarseLabels ? 0 : 1, classCount: coarseLabels ? 20 : 100,
            labelField: coarseLabels ? "coarse label" : "fine label",
            check: (offset: coarseLabels ? 1 : 0, classes: coarseLabels ? 100 : 20, field: coarseLabels ? "fine label" : "coarse label"));

    private static ImageDataset Load(IReadOnlyList<string> files, string name, int recordSize, string format, int labelOffset,
        int classCount, string labelField, (int offset, int classes, string field)? check)
    {
        if (files.Count == 0) throw new ArgumentException($"{format}: no files given.", nameof(files));
        var lengths = new long[files.Count];
        long records = 0;
        for (int f = 0; f < files.Count; f++)
        {
            lengths[f] = CheckLength(files[f], recordSize, format);
            records += lengths[f] / recordSize;
        }
        if (records * ImageBytes > Array.MaxLength)
            throw new ArgumentException($"{format}: {records} records are more than one in-memory array holds.");

        var pixels = new byte[records * ImageBytes];
        var labels = new int[records];
        int n = 0;
        foreach (var path in files)
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.LongLength % recordSize != 0)
                throw new DatasetFormatException(path, $"file changed while being read: now {bytes.LongLength} bytes.");
            int count = bytes.Length / recordSize;
            for (int r = 0; r < count; r++, n++)
            {
                int at = r * recordSize;
                int label = bytes[at + labelOffset];
                if (label >= classCount)
                    throw new DatasetFormatException(path,
                        $"{labelField} {label} of record {r} (byte offset {at + labelOffset}) is out of range; expected 0..{classCount - 1}.");
                if (check is { } c && bytes[at + c.offset] >= c.classes)
                    throw new DatasetFormatException(path,
                        $"{c.field} {bytes[at + c.offset]} of record {r} (byte offset {at + c.offset}) is out of range; expected 0..{c.classes - 1}.");
                labels[n] = label;
                int headerBytes = recordSize - ImageBytes;
                bytes.AsSpan(at + headerBytes, ImageBytes).CopyTo(pixels.AsSpan(n * ImageBytes, ImageBytes));
            }
        }
        return new ImageDataset(name, pixels, labels, 3, Side, Side, classCount);
    }

    private static long CheckLength(string path, int recordSize, string format)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new DatasetNotFoundException(path, $"{format} file {path} does not exist.");
        long length = info.Length;
        string anatomy = recordSize == Cifar10RecordSize
            ? "1 label byte + 3072 pixel bytes"
            : "1 coarse label byte + 1 fine label byte + 3072 pixel bytes";
        if (length == 0)
            throw new DatasetFormatException(path, $"file is empty; expected a whole number of {recordSize}-byte {format} records ({anatomy}).");
        if (length % recordSize != 0)
        {
            int other = recordSize == Cifar10RecordSize ? Cifar100RecordSize : Cifar10RecordSize;
            string hint = length % other == 0
                ? $" Its length is a multiple of {other}: it looks like a {(other == Cifar10RecordSize ? "CIFAR-10" : "CIFAR-100")} file."
                : " The file is truncated or not a CIFAR binary file.";
            throw new DatasetFormatException(path,
                $"file length {length} bytes is not a multiple of the {format} record size {recordSize} ({anatomy}): " +
                $"{length / recordSize} whole records, then {length % recordSize} bytes starting at byte offset {length / recordSize * recordSize}.{hint}");
        }
        return length;
    }
}

namespace AgNas.Search.Data;

/// <summary>
/// An in-memory image classification set: 8-bit pixels stored image after image, each image in
/// CHW order (channel planes, rows, columns), and one int label per image in [0, ClassCount).
/// Readers convert whatever the file stores (IDX rows, CIFAR RGB planes) to this layout. The
/// object is immutable after construction and safe to read from several threads.
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[] _pixels;
    private readonly int[] _labels;

    /// <param name="name">Catalog name or a description (shown in logs).</param>
    /// <param name="pixels">Count·C·H·W bytes, CHW per image. Not copied: the caller gives it up.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="classCount">Labels must lie in [0, classCount).</param>
    /// <param name="labels">Count labels in [0, classCount). Not copied.</param>
    /// <exception cref="ArgumentException">Sizes disagree or a label is out of range.</exception>
    public ImageDataset(string name, byte[] pixels, int[] labels, int channels, int height, int width, int classCount)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"ImageDataset '{name}': image size {channels}x{height}x{width} must be positive in every dim.");
        if (classCount <= 0)
            throw new ArgumentException($"ImageDataset '{name}': class count {classCount} must be positive.");
        long imageSize = (long)channels * height * width;
        if (pixels.LongLength != imageSize * labels.LongLength)
            throw new ArgumentException(
                $"ImageDataset '{name}': {pixels.LongLength} pixel bytes for {labels.Length} labels of {channels}x{height}x{width} images; expected {imageSize * labels.LongLength}.");
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException($"ImageDataset '{name}': label {labels[i]} of image {i} is outside [0, {classCount}).");
        }
        Name = name;
        _pixels = pixels;
        _labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassCount = classCount;
    }

    public string Name { get; }
    public int Count => _labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int ClassCount { get; }

    /// <summary>Bytes (= elements) of one image: C·H·W.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The CHW pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"Image {index} of '{Name}', which holds {Count}.");
        return _pixels.AsSpan(index * ImageSize, ImageSize);
    }

    public int Label(int index) => _labels[index];

    /// <summary>All labels, in image order.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>All pixels, image after image, CHW per image.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The first <paramref name="count"/> images (file order), copied. Count ≥ the set's size returns this set.</summary>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count) return this;
        return Select(Enumerable.Range(0, count).ToArray(), $"{Name}[:{count}]");
    }

    /// <summary>
    /// <paramref name="count"/> images drawn without replacement by a seeded shuffle, kept in
    /// ascending index order. Same seed, same images.
    /// </summary>
    public ImageDataset Sample(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count) return this;
        var order = Enumerable.Range(0, Count).ToArray();
        var rng = new CounterGenerator(seed, RandomStreams.Subset);
        rng.Shuffle(order);
        var chosen = order.AsSpan(0, count).ToArray();
        Array.Sort(chosen);
        return Select(chosen, $"{Name}[random {count}, seed {seed}]");
    }

    /// <summary>A copy holding the given images in the given order.</summary>
    public ImageDataset Select(IReadOnlyList<int> indices, string? name = null)
    {
        int size = ImageSize;
        var pixels = new byte[(long)indices.Count * size];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int src = indices[i];
            Image(src).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = _labels[src];
        }
        return new ImageDataset(name ?? Name, pixels, labels, Channels, Height, Width, ClassCount);
    }

    public override string ToString() => $"{Name}: {Count} images {Channels}x{Height}x{Width}, {ClassCount} classes";
}

using System.Buffers.Binary;
using AgNas.Cli.Verbs;
using AgNas.Search;
using AgNas.Search.Runs;
using AgNas.Tensors;
using AgNas.TestSupport;

namespace AgNas.Cli.Tests;

/// <summary>A temporary folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agnas-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Runs <c>agnas search</c> through the real parser and error handling with the tiny test spaces in place of the built-in ones.</summary>
internal static class SearchCli
{
    /// <summary>The test spaces "tiny" and "tiny-wide"; <paramref name="built"/> sees every supernet made.</summary>
    public static SearchRunner.SpaceSet TinySpaces(Action<TinySupernet>? built = null) =>
        new([TinySupernet.SpaceName, TinySupernet.WideSpaceName], TinySupernet.Factory(built));

    public static (int Code, string Out, string Err) Run(string[] args, SearchRunner.SpaceSet? spaces = null, SearchObserver? observer = null,
        CancellationTokenSource? cancellation = null)
    {
        var space = spaces ?? TinySpaces();
        IReadOnlyList<VerbRegistration> verbs =
        [
            VerbRegistration.Of<SearchOptions>((o, c) => SearchRunner.Run(o, c, space, observer, cancellation)),
            VerbRegistration.Of<LookupOptions>(LookupRunner.Run),
        ];
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, CliContext.ForWriters(output, error), verbs);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Writes <paramref name="count"/> 28×28 images in the MNIST IDX format (raw, not gzipped) as both
    /// the train and the t10k set: label n % 10, a bright horizontal band at row 2·label plus
    /// pseudo-random background seeded by <paramref name="variant"/>.
    /// </summary>
    public static string WriteIdx(string dir, int count = 48, int variant = 0)
    {
        Directory.CreateDirectory(dir);
        const int side = 28;
        var images = new byte[16 + count * side * side];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), side);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), side);
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int n = 0; n < count; n++)
        {
            int label = n % 10;
            labels[8 + n] = (byte)label;
            for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                int noise = (int)(CounterRandom.Hash((ulong)(100 + variant), (ulong)((n * side + y) * side + x)) % 70);
                bool band = y / 2 == label + 2;
                images[16 + (n * side + y) * side + x] = (byte)(band ? 170 + noise : noise);
            }
        }
        foreach (var prefix in new[] { "train", "t10k" })
        {
            File.WriteAllBytes(System.IO.Path.Combine(dir, $"{prefix}-images-idx3-ubyte"), images);
            File.WriteAllBytes(System.IO.Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), labels);
        }
        return dir;
    }

    /// <summary>
    /// A 2-epoch tiny search on MNIST-format files: 24 training and 24 validation images, batch 8, with <paramref name="more"/>
    /// options; one of these replaces the tiny run's value (the parser refuses an option given twice).
    /// </summary>
    public static string[] TinyArgs(string dataDir, string outDir, params string[] more)
    {
        (string Option, string Value)[] tiny =
            [("--space", TinySupernet.SpaceName), ("--dataset", "mnist"), ("--data-dir", dataDir), ("--epochs", "2"), ("--batch-size", "8"), ("--out", outDir)];
        return ["search", .. tiny.Where(o => !more.Contains(o.Option)).SelectMany(o => new[] { o.Option, o.Value }), .. more];
    }
}

using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// The NAS-Bench-201 table (15,625 cells), shipped inside this assembly and loaded once on first use.
/// </summary>
/// <remarks>
/// The resource <c>nb201.csv.gz</c> is the shared <c>reference/nb201/nb201.csv</c> (its PROVENANCE.md gives the
/// sources and column definitions) without the <c>unique_str</c> column, generated with
/// <c>cut -d, -f1-17 "$SHARED/reference/nb201/nb201.csv" | gzip -9n &gt; src/AgNas.Search/Spaces/Nb201/nb201.csv.gz</c>
/// (see README.md beside it). Columns are found by header name, numbers parsed with the invariant culture.
/// Loading checks: 15,625 rows, indices 0..15,624 in order, every arch string parses and round-trips to the
/// same canonical string, every cell of the space appears once, every number is finite.
/// </remarks>
public sealed class Nb201Benchmark
{
    /// <summary>Manifest name of the embedded table.</summary>
    internal const string ResourceName = "AgNas.Search.Spaces.Nb201.nb201.csv.gz";

    /// <summary>
    /// Accuracies (in percentage points) closer than this are ties when ranking. The stored values are means
    /// over seeds with float32 noise (e.g. 0.9999999994913736 vs 0.9999999996185304 for two chance-level
    /// CIFAR-100 cells): in the table, noise gaps are below 2e-7 and real gaps at least 1.6e-3 (one test image
    /// over a 1–3 seed mean), so 1e-4 separates them.
    /// </summary>
    public const double RankTieTolerance = 1e-4;

    private static readonly Lazy<Nb201Benchmark> s_embedded = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly string[] s_datasetColumnPrefixes = ["cifar10", "cifar100", "imagenet16"];

    private readonly ImmutableArray<Nb201Entry> _entries;
    private readonly int[] _indexByPacked;
    private readonly double[] _best;
    private readonly ImmutableArray<Nb201Entry>[] _bestEntries;

    private Nb201Benchmark(ImmutableArray<Nb201Entry> entries, int[] indexByPacked)
    {
        _entries = entries;
        _indexByPacked = indexByPacked;
        var datasets = Enum.GetValues<Nb201Dataset>();
        _best = new double[datasets.Length];
        _bestEntries = new ImmutableArray<Nb201Entry>[datasets.Length];
        foreach (var d in datasets)
        {
            _best[(int)d] = entries.Max(e => e.For(d).TestAccuracy);
            _bestEntries[(int)d] = entries.Where(e => e.For(d).TestRank == 1).ToImmutableArray();
        }
    }

    /// <summary>The embedded table, decompressed and checked on the first call, then cached.</summary>
    /// <exception cref="InvalidDataException">The embedded table fails a load check (a build problem).</exception>
    public static Nb201Benchmark Load() => s_embedded.Value;

    /// <summary>Number of rows (15,625).</summary>
    public int Count => _entries.Length;

    /// <summary>All rows in index order.</summary>
    public IReadOnlyList<Nb201Entry> Entries => _entries;

    /// <summary>The row with benchmark index <paramref name="index"/>.</summary>
    public Nb201Entry this[int index] => _entries[index];

    /// <summary>The official benchmark index of <paramref name="arch"/>.</summary>
    public int IndexOf(Nb201Arch arch) => _indexByPacked[arch.Packed];

    /// <summary>The row of <paramref name="arch"/> (every cell of the space is in the table).</summary>
    public Nb201Entry Lookup(Nb201Arch arch) => _entries[IndexOf(arch)];

    /// <summary>The row of an arch string (inputs in any order).</summary>
    /// <exception cref="Nb201ArchFormatException">The string is malformed.</exception>
    public Nb201Entry Lookup(string arch) => Lookup(Nb201Arch.Parse(arch));

    /// <summary>The highest 200-epoch test accuracy (%) in the table for <paramref name="dataset"/>.</summary>
    public double BestTestAccuracy(Nb201Dataset dataset) => _best[(int)dataset];

    /// <summary>
    /// All rank-1 cells for <paramref name="dataset"/>, in index order. CIFAR-10 has two: indices 6111 and
    /// 13714 both have 94.37333.
    /// </summary>
    public IReadOnlyList<Nb201Entry> Best(Nb201Dataset dataset) => _bestEntries[(int)dataset];

    private static Nb201Benchmark LoadEmbedded()
    {
        using var raw = typeof(Nb201Benchmark).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidDataException($"Embedded resource '{ResourceName}' is missing from {typeof(Nb201Benchmark).Assembly.GetName().Name}.");
        using var gzip = new GZipStream(raw, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return Read(reader, ResourceName);
    }

    /// <summary>Reads and checks a table in the nb201.csv format (extra columns are ignored).</summary>
    /// <exception cref="InvalidDataException">A load check fails; the message names the source, line and column.</exception>
    internal static Nb201Benchmark Read(TextReader reader, string source)
    {
        int rows = Nb201Arch.SpaceSize;
        string header = reader.ReadLine() ?? throw new InvalidDataException($"{source}: empty table, expected a header line.");
        var columns = header.Split(',');
        int Column(string name)
        {
            int c = Array.IndexOf(columns, name);
            return c >= 0 ? c : throw new InvalidDataException($"{source}: header has no column '{name}' (found: {header}).");
        }

        int indexCol = Column("index"), archCol = Column("arch");
        int nd = s_datasetColumnPrefixes.Length;
        int[] testCol = new int[nd], paramsCol = new int[nd], flopsCol = new int[nd], valid12Col = new int[nd], test12Col = new int[nd];
        for (int d = 0; d < nd; d++)
        {
            string p = s_datasetColumnPrefixes[d];
            string costSuffix = d == 0 ? "" : "_" + p; // the CIFAR-10 network's costs are the unsuffixed params_M/flops_M
            testCol[d] = Column(p + "_test");
            paramsCol[d] = Column("params_M" + costSuffix);
            flopsCol[d] = Column("flops_M" + costSuffix);
            valid12Col[d] = Column(p + "_valid_12ep");
            test12Col[d] = Column(p + "_test_12ep");
        }

        var archs = new Nb201Arch[rows];
        var values = new double[nd, 5, rows]; // [dataset, test/params/flops/valid12/test12, row]
        var indexByPacked = new int[rows];
        Array.Fill(indexByPacked, -1);
        int row = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            int lineNo = row + 2;
            if (line.Length == 0) continue;
            if (row >= rows) throw new InvalidDataException($"{source} line {lineNo}: more than {rows} data rows.");
            var f = line.Split(',');
            if (f.Length != columns.Length)
                throw new InvalidDataException($"{source} line {lineNo}: {f.Length} fields, header has {columns.Length}.");
            if (!int.TryParse(f[indexCol], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index != row)
                throw new InvalidDataException($"{source} line {lineNo}: index '{f[indexCol]}', expected {row} (rows must be in index order 0..{rows - 1}).");
            Nb201Arch arch;
            try
            {
                arch = Nb201Arch.Parse(f[archCol]);
            }
            catch (Nb201ArchFormatException e)
            {
                throw new InvalidDataException($"{source} line {lineNo}: {e.Message}", e);
            }
            if (arch.ToString() != f[archCol])
                throw new InvalidDataException($"{source} line {lineNo}: arch '{f[archCol]}' is not canonical; it formats as '{arch}'.");
            if (indexByPacked[arch.Packed] >= 0)
                throw new InvalidDataException($"{source} line {lineNo}: arch '{arch}' already appeared at index {indexByPacked[arch.Packed]}.");
            indexByPacked[arch.Packed] = index;
            archs[row] = arch;
            for (int d = 0; d < nd; d++)
            {
                int[] cols = [testCol[d], paramsCol[d], flopsCol[d], valid12Col[d], test12Col[d]];
                for (int k = 0; k < cols.Length; k++)
                {
                    string text = f[cols[k]];
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                        throw new InvalidDataException($"{source} line {lineNo}, column '{columns[cols[k]]}': '{text}' is not a finite number.");
                    values[d, k, row] = v;
                }
            }
            row++;
        }
        if (row != rows)
            throw new InvalidDataException($"{source}: {row} data rows, expected {rows} (one per cell of the space).");

        var ranks = new int[nd][];
        for (int d = 0; d < nd; d++)
        {
            var acc = new double[rows];
            for (int r = 0; r < rows; r++) acc[r] = values[d, 0, r];
            ranks[d] = CompetitionRanks(acc, RankTieTolerance);
        }

        var entries = ImmutableArray.CreateBuilder<Nb201Entry>(rows);
        for (int r = 0; r < rows; r++)
        {
            Nb201DatasetResult Result(int d) =>
                new(values[d, 0, r], ranks[d][r], values[d, 1, r], values[d, 2, r], values[d, 3, r], values[d, 4, r]);
            entries.Add(new Nb201Entry(r, archs[r], Result(0), Result(1), Result(2)));
        }
        return new Nb201Benchmark(entries.MoveToImmutable(), indexByPacked);
    }

    /// <summary>
    /// Rank 1 = highest value; a value within <paramref name="tolerance"/> of the next higher one shares its rank;
    /// otherwise the rank is 1 + the number of higher values ("1, 1, 3").
    /// </summary>
    internal static int[] CompetitionRanks(IReadOnlyList<double> values, double tolerance)
    {
        var order = Enumerable.Range(0, values.Count).OrderByDescending(i => values[i]).ThenBy(i => i).ToArray();
        var ranks = new int[values.Count];
        for (int p = 0; p < order.Length; p++)
        {
            int i = order[p];
            ranks[i] = p > 0 && values[order[p - 1]] - values[i] <= tolerance ? ranks[order[p - 1]] : p + 1;
        }
        return ranks;
    }
}

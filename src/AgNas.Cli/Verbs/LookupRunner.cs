using System.Globalization;
using AgNas.Search.Spaces.Nb201;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary><c>agnas lookup ARCH</c>: the NAS-Bench-201 table's row for a cell; also printed by <c>agnas search</c> at the end of an nb201 run.</summary>
public static class LookupRunner
{
    public static int Run(LookupOptions options, CliContext context)
    {
        Nb201Arch arch;
        try
        {
            arch = Nb201Arch.Parse(options.Arch.Trim()); // a pasted cell often brings spaces or a newline
        }
        catch (Nb201ArchFormatException e)
        {
            // One line, unwrapped (the message holds the string and where it goes wrong).
            context.ErrorWriter.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        WriteLookup(context, arch);
        return ExitCodes.Ok;
    }

    /// <summary>The benchmark's 200-epoch test accuracies, ranks, parameters and FLOPs of <paramref name="arch"/>, as a table.</summary>
    internal static void WriteLookup(CliContext context, Nb201Arch arch)
    {
        var bench = Nb201Benchmark.Load();
        var entry = bench.Lookup(arch);
        context.OutWriter.WriteLine($"NAS-Bench-201 cell #{entry.Index.ToString(CultureInfo.InvariantCulture)}: {entry.Arch}");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Dataset")
            .AddColumn(new TableColumn("Test acc. % (200 ep)").RightAligned())
            .AddColumn(new TableColumn($"Rank of {bench.Count:N0}").RightAligned())
            .AddColumn(new TableColumn("Best in table %").RightAligned())
            .AddColumn(new TableColumn("Params (M)").RightAligned())
            .AddColumn(new TableColumn("FLOPs (M)").RightAligned());
        foreach (var (dataset, name) in new[]
                 {
                     (Nb201Dataset.Cifar10, "CIFAR-10"), (Nb201Dataset.Cifar100, "CIFAR-100"), (Nb201Dataset.ImageNet16, "ImageNet16-120"),
                 })
        {
            var r = entry.For(dataset);
            table.AddRow(name, F(r.TestAccuracy, "0.00"), r.TestRank.ToString("N0", CultureInfo.InvariantCulture),
                F(bench.BestTestAccuracy(dataset), "0.00"), F(r.ParamsM, "0.000"), F(r.FlopsM, "0.00"));
        }
        context.Out.Write(table);
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}

using AgNas.Autograd.Checks;
using AgNas.Tensors;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary><c>agnas gradcheck</c>: runs <see cref="GradCheckSuite"/> on one backend and tabulates the results.</summary>
public static class GradcheckRunner
{
    public static int Run(GradcheckOptions options, CliContext context)
    {
        var backend = DeviceOption.Get(options.Device);
        var cases = GradCheckSuite.All.Where(c => c.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (cases.Count == 0)
            throw new UsageException($"--filter '{options.Filter}' matches none of the {GradCheckSuite.All.Count} cases (names look like 'conv2d/3x3-s2-p1').");

        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"Gradient checks on {backend.Device} (central differences, |num − ana| ≤ atol + rtol·|num|)")
            .AddColumn("Op")
            .AddColumn("Variant")
            .AddColumn("Shapes")
            .AddColumn(new TableColumn("Max abs err").RightAligned())
            .AddColumn(new TableColumn("Max rel err").RightAligned())
            .AddColumn("atol / rtol")
            .AddColumn("Result");
        int failed = 0;
        foreach (var c in cases)
        {
            var r = GradCheckSuite.Run(c, backend);
            if (!r.Passed) failed++;
            table.AddRow(
                Markup.Escape(c.Op),
                Markup.Escape(c.Variant),
                Markup.Escape(c.Shapes),
                r.MaxAbsError.ToString("0.00e+00"),
                r.MaxRelError.ToString("0.00e+00"),
                Markup.Escape($"{c.Tolerance.Atol:G1} / {c.Tolerance.Rtol:G1}"),
                r.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
            if (!r.Passed) context.Error.MarkupLine($"[red]{Markup.Escape(c.Name)}[/]: {Markup.Escape(r.ToString())}");
        }
        context.Out.Write(table);
        context.Out.MarkupLine(failed == 0
            ? $"[green]all {cases.Count} checks passed[/]"
            : $"[red]{failed} of {cases.Count} checks failed[/]");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }
}

using AgNas.Search;
using AgNas.Search.Profiling;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors;
using AgNas.Tensors.Checks;
using AgNas.Tensors.Cpu;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary>
/// <c>agnas selftest</c>: <see cref="BackendConformance"/> (every op, CPU reference against the
/// chosen backend) and <see cref="SupernetStepCheck"/> (a 3-cell-per-stage NAS-Bench-201 supernet
/// step at the default widths), each tabulated; failures are listed on stderr.
/// </summary>
public static class SelftestRunner
{
    public static int Run(SelftestOptions options, CliContext context)
    {
        if (options.Batch < 2) throw new UsageException($"--batch {options.Batch}: a training step needs at least 2 images (batch norm).");
        if (!options.Space.Equals("nb201", StringComparison.OrdinalIgnoreCase) && !options.Space.Equals(SearchSpaces.Proxyless, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--space '{options.Space}': expected nb201 or {SearchSpaces.Proxyless}.");
        bool proxylessStep = options.Space.Equals(SearchSpaces.Proxyless, StringComparison.OrdinalIgnoreCase);
        if (options.Size < 1) throw new UsageException($"--size {options.Size}: expected a positive image side.");
        var cases = BackendConformance.All.Where(c => c.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (cases.Count == 0)
            throw new UsageException($"--filter '{options.Filter}' matches none of the {BackendConformance.All.Count} cases (names look like 'Conv2dForward/3x3-pad1/1x3x5x7').");
        var backend = DeviceOption.Get(options.Device);
        var reference = CpuBackend.Instance;
        context.Error.MarkupLine($"[grey]comparing {Markup.Escape(backend.Description)} with {Markup.Escape(reference.Description)}[/]");

        // One row per op: the cases of an op are summarised (count, worst error, failures).
        var byOp = new List<(string Op, int Cases, int Failed, double Worst, string Tolerance)>();
        int failed = 0;
        foreach (var group in cases.GroupBy(c => c.Op))
        {
            int opFailed = 0;
            double worst = 0;
            foreach (var c in group)
            {
                var r = BackendConformance.Compare(c, reference, backend);
                if (!r.Passed)
                {
                    opFailed++;
                    context.Error.MarkupLine($"[red]{Markup.Escape(c.Name)}[/]: {Markup.Escape(r.Failure ?? "")}");
                }
                else worst = Math.Max(worst, r.MaxAbsError);
            }
            failed += opFailed;
            byOp.Add((group.Key, group.Count(), opFailed, worst, group.First().Tolerance.ToString()));
        }
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{backend.Device} against the cpu: every backend op (|{backend.Device} − cpu| ≤ atol + rtol·|cpu|)")
            .AddColumn("Op").AddColumn(new TableColumn("cases").RightAligned()).AddColumn(new TableColumn("max abs err").RightAligned())
            .AddColumn("tolerance").AddColumn("result");
        foreach (var (op, n, f, worst, tol) in byOp)
            table.AddRow(op, n.ToString(), worst.ToString("0.00e+00"), tol, f == 0 ? "[green]pass[/]" : $"[red]{f} FAILED[/]");
        context.Out.Write(table);
        context.Out.MarkupLine(failed == 0 ? $"[green]all {cases.Count} op cases passed[/]" : $"[red]{failed} of {cases.Count} op cases failed[/]");

        if (!options.SkipStep)
        {
            bool proxyless = options.Space.Equals(SearchSpaces.Proxyless, StringComparison.OrdinalIgnoreCase);
            string what = proxyless ? "ProxylessNAS-space" : "NAS-Bench-201";
            IReadOnlyList<StepComparison> comparisons;
            if (proxyless)
            {
                var config = new ProxylessSupernetConfig { Classes = 10, StemStride = StemStrides.ForSize(options.Size, options.Size), Seed = 1 };
                context.Error.MarkupLine($"[grey]supernet step: {what}, 21 choice layers, stem stride {config.StemStride}, batch {options.Batch}, 3×{options.Size}×{options.Size}, 2 steps...[/]");
                comparisons = SupernetStepCheck.Run(reference, backend, b => new ProxylessSupernet(config, b), new Shape(3, options.Size, options.Size), config.Classes,
                    options.Batch, steps: 2, recipe: SearchConfig.ForSpace(SearchSpaces.Proxyless).Recipe());
            }
            else
            {
                var config = new Nb201SupernetConfig { Classes = 10, CellsPerStage = 3, Seed = 1 };
                context.Error.MarkupLine($"[grey]supernet step: {what}, C = {config.Channels}, {config.CellsPerStage} cells per stage, batch {options.Batch}, 3×{options.Size}×{options.Size}, 2 steps...[/]");
                comparisons = SupernetStepCheck.Run(reference, backend, config, options.Batch, options.Size, steps: 2);
            }
            int stepFailed = comparisons.Count(c => !c.Passed);
            var worst = comparisons.OrderByDescending(c => c.MaxAbsError).First();
            var step = new Table().Border(TableBorder.Rounded)
                .Title($"{what} supernet training step, {backend.Device} against the cpu (atol {SupernetStepCheck.Atol:g1}, rtol {SupernetStepCheck.Rtol:g1})")
                .AddColumn("quantity").AddColumn(new TableColumn("elements").RightAligned()).AddColumn(new TableColumn("max abs err").RightAligned()).AddColumn("result");
            foreach (var c in comparisons.Where(c => !c.Name.Contains('.') || !c.Passed || c == worst))
                step.AddRow(Markup.Escape(c.Name), c.Elements.ToString("N0"), c.MaxAbsError.ToString("0.00e+00"), c.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
            context.Out.Write(step);
            context.Out.MarkupLine(stepFailed == 0
                ? $"[green]supernet step: all {comparisons.Count} quantities (loss, logits, every parameter) within tolerance[/]"
                : $"[red]supernet step: {stepFailed} of {comparisons.Count} quantities differ[/]");
            failed += stepFailed;
        }
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }
}

using System.Globalization;
using System.Text;
using ScottPlot;

namespace AgNas.Search.Runs;

/// <summary>One line of a curves panel.</summary>
/// <param name="Column">Its column in curves.csv ("train_loss").</param>
/// <param name="Legend">Its legend text in curves.png.</param>
/// <param name="Values">One value per epoch.</param>
public sealed record CurveSeries(string Column, string Legend, IReadOnlyList<double> Values);

/// <summary>What curves.png shows: losses in the top panel, accuracies (%) in the bottom one, against the epoch.</summary>
/// <param name="Title">The top panel's title.</param>
/// <param name="Epochs">The x values.</param>
/// <param name="Losses">Top panel.</param>
/// <param name="Accuracies">Bottom panel.</param>
public sealed record Curves(string Title, IReadOnlyList<int> Epochs, IReadOnlyList<CurveSeries> Losses, IReadOnlyList<CurveSeries> Accuracies);

/// <summary>
/// The run folder's PNG plots, redrawn after every epoch (ScottPlot over SkiaSharp):
/// <list type="bullet">
/// <item><c>curves.png</c>: loss (top) and accuracy (bottom) against the epoch; for a search, the
/// training loss and the training / validation accuracy (<see cref="Write"/>), for a training run
/// whatever <see cref="WriteCurves"/> is given;</item>
/// <item><c>attention.png</c> (search only): one small panel per edge (or layer), each candidate's share of the
/// edge's importance (importance / Σ importances of the edge, the values the derivation compared)
/// against the epoch, titled with the edge's choice after the last epoch. Where the space groups its edges
/// by cell (<see cref="AttentionEdgeRecord.Group"/>), each cell is one row (DARTS: 8 rows of 14 edges);
/// otherwise the panels fill a near-square grid.</item>
/// </list>
/// Where the native drawing library cannot be loaded, the same series are written as
/// <c>curves.csv</c> (and <c>attention.csv</c>) instead and a warning says why.
/// </summary>
public static class RunPlots
{
    private const int PanelWidth = 320, PanelHeight = 240;

    /// <summary>A search's plots: curves.png and attention.png (atomically); returns a warning when they had to fall back to CSV, else null.</summary>
    public static string? Write(RunFolder folder, IReadOnlyList<EpochRecord> metrics, IReadOnlyList<AttentionSnapshot> history)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(history);
        var curves = SearchCurves(metrics);
        return Draw(folder,
            (RunFolder.CurvesPlot, () => CurvesPng(curves), RunFolder.CurvesCsv, () => CurvesCsv(curves)),
            (RunFolder.AttentionPlot, () => AttentionPng(history), RunFolder.AttentionCsv, () => AttentionCsv(history)));
    }

    /// <summary>curves.png alone (atomically); returns a warning when it had to fall back to curves.csv, else null.</summary>
    public static string? WriteCurves(RunFolder folder, Curves curves)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(curves);
        return Draw(folder, (RunFolder.CurvesPlot, () => CurvesPng(curves), RunFolder.CurvesCsv, () => CurvesCsv(curves)));
    }

    /// <summary>The search's curves: training loss; training and validation accuracy.</summary>
    public static Curves SearchCurves(IReadOnlyList<EpochRecord> metrics) => new(
        "Search: training loss",
        metrics.Select(m => m.Epoch).ToList(),
        [new CurveSeries("train_loss", "train loss", metrics.Select(m => m.TrainLoss).ToList())],
        [
            new CurveSeries("train_accuracy", "train (augmented, train mode)", metrics.Select(m => m.TrainAccuracy).ToList()),
            new CurveSeries("valid_accuracy", "validation (supernet, eval mode)", metrics.Select(m => m.ValidAccuracy).ToList()),
        ]);

    /// <summary>
    /// Renders every PNG, then writes them; where the drawing library cannot be loaded, or drawing fails in any other way, writes every
    /// CSV instead and returns why: a plot never stops a run (the epoch's files are already written).
    /// </summary>
    private static string? Draw(RunFolder folder, params (string Png, Func<byte[]> Render, string Csv, Func<string> Table)[] plots)
    {
        try
        {
            foreach (var plot in plots)
            {
                var bytes = plot.Render();
                RunFolder.WriteAtomic(folder.File(plot.Png), s => s.Write(bytes));
            }
            return null;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            foreach (var plot in plots) RunFolder.WriteAtomic(folder.File(plot.Csv), plot.Table());
            return $"PNG plots could not be drawn ({e.GetType().Name}: {e.Message}); wrote {string.Join(" and ", plots.Select(p => p.Csv))} instead.";
        }
    }

    /// <summary>The share of each candidate in an edge's importance (NaN where the edge's total is not positive).</summary>
    public static double[] Shares(IReadOnlyList<double> importance)
    {
        double total = importance.Sum();
        return importance.Select(v => total > 0 ? v / total : double.NaN).ToArray();
    }

    private static byte[] CurvesPng(Curves curves)
    {
        var epochs = curves.Epochs.Select(e => (double)e).ToArray();
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var loss = multiplot.GetPlot(0);
        foreach (var series in curves.Losses)
            loss.Add.Scatter(epochs, series.Values.ToArray()).LegendText = series.Legend;
        loss.Title(curves.Title);
        loss.YLabel("cross-entropy");
        loss.ShowLegend(Alignment.UpperRight);

        var acc = multiplot.GetPlot(1);
        foreach (var series in curves.Accuracies)
            acc.Add.Scatter(epochs, series.Values.ToArray()).LegendText = series.Legend;
        acc.Title("Accuracy");
        acc.XLabel("epoch");
        acc.YLabel("top-1 accuracy (%)");
        acc.ShowLegend(Alignment.LowerRight);
        multiplot.SharedAxes.ShareX([loss, acc]);
        IntegerEpochTicks(loss);
        IntegerEpochTicks(acc);
        using var image = multiplot.Render(800, 640);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    private static byte[] AttentionPng(IReadOnlyList<AttentionSnapshot> history)
    {
        var last = history[^1];
        int edges = last.Edges.Count;
        var (rows, columns) = GridOf(last.Edges);
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var palette = new ScottPlot.Palettes.Category10();

        var multiplot = new Multiplot();
        // The legend names the candidates of the panel with the most (a macro layer that may be skipped lists skip as well). It goes in
        // a free grid cell of its own when there is one, so that it covers no curves; else on that panel.
        int widest = Enumerable.Range(0, edges).DefaultIfEmpty(0).MaxBy(e => e < edges ? last.Edges[e].Candidates.Count : 0);
        bool freeCell = edges > 0 && edges < rows * columns;
        multiplot.AddPlots(Math.Max(edges, 1) + (freeCell ? 1 : 0)); // the total count of panels
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (int e = 0; e < edges; e++)
        {
            var plot = multiplot.GetPlot(e);
            var names = last.Edges[e].Candidates;
            var shares = history.Select(h => e < h.Edges.Count ? Shares(h.Edges[e].Importance) : []).ToList();
            for (int k = 0; k < names.Count; k++)
            {
                var ys = shares.Select(s => k < s.Length ? s[k] : double.NaN).ToArray();
                var line = plot.Add.Scatter(epochs, ys, palette.GetColor(k));
                line.LegendText = names[k];
            }
            // Two lines, so that long edge and candidate names (a macro layer's "layer 12 (112→128, stride 1)", "mobilenet_7x7_ratio_6") fit the panel.
            plot.Title($"{last.Edges[e].Name}\n→ {last.Edges[e].ChosenName}", size: 11);
            IntegerEpochTicks(plot);
            if (!freeCell && e == widest) plot.ShowLegend(Alignment.LowerLeft);
            else plot.HideLegend();
            if (e / columns == rows - 1) plot.XLabel("epoch", size: 11);
            if (e % columns == 0) plot.YLabel("importance share", size: 11);
        }
        if (freeCell)
        {
            var legend = multiplot.GetPlot(edges);
            legend.Axes.Frameless();
            legend.HideGrid();
            var items = last.Edges[widest].Candidates.Select((name, k) => new LegendItem { LabelText = name, LineColor = palette.GetColor(k), LineWidth = 2 });
            legend.ShowLegend(items, Alignment.MiddleCenter);
        }
        using var image = multiplot.Render(PanelWidth * columns, PanelHeight * rows);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    /// <summary>
    /// Rows × columns of the attention panels: one row per group when every edge has a group and the groups are
    /// contiguous runs of one size; else a near-square grid at least 3 wide.
    /// </summary>
    internal static (int Rows, int Columns) GridOf(IReadOnlyList<AttentionEdgeRecord> edges)
    {
        int n = edges.Count;
        if (n > 0 && edges.All(e => e.Group is not null))
        {
            var runs = new List<int>();
            for (int i = 0; i < n; i++)
            {
                if (i == 0 || edges[i].Group != edges[i - 1].Group) runs.Add(0);
                runs[^1]++;
            }
            bool contiguous = runs.Count == edges.Select(e => e.Group).Distinct().Count();
            if (contiguous && runs.All(r => r == runs[0])) return (runs.Count, runs[0]);
        }
        int columns = Math.Max(1, Math.Min(n, (int)Math.Ceiling(Math.Sqrt(n))));
        columns = Math.Max(columns, Math.Min(n, 3));
        return ((n + columns - 1) / columns, columns);
    }

    private static void IntegerEpochTicks(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    private static string CurvesCsv(Curves curves)
    {
        var series = curves.Losses.Concat(curves.Accuracies).ToList();
        var sb = new StringBuilder("epoch");
        foreach (var c in series) sb.Append(',').Append(Csv(c.Column));
        sb.Append('\n');
        for (int i = 0; i < curves.Epochs.Count; i++)
        {
            sb.Append(curves.Epochs[i].ToString(CultureInfo.InvariantCulture));
            foreach (var c in series) sb.Append(',').Append(i < c.Values.Count ? F(c.Values[i]) : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string AttentionCsv(IReadOnlyList<AttentionSnapshot> history)
    {
        var sb = new StringBuilder("epoch,edge,candidate,importance,share\n");
        foreach (var h in history)
        foreach (var e in h.Edges)
        {
            var shares = Shares(e.Importance);
            for (int k = 0; k < e.Importance.Count; k++)
                sb.Append(CultureInfo.InvariantCulture, $"{h.Epoch},{Csv(e.Name)},{Csv(e.Candidates[k])},{F(e.Importance[k])},{F(shares[k])}\n");
        }
        return sb.ToString();
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}

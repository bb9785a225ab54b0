using System.Globalization;
using System.Text;
using ScottPlot;

namespace AgNas.Search.Runs;

/// <summary>
/// The run folder's PNG plots, redrawn after every epoch (ScottPlot over SkiaSharp):
/// <list type="bullet">
/// <item><c>curves.png</c>: training loss (top) and training / validation accuracy (bottom) against the epoch;</item>
/// <item><c>attention.png</c>: one small panel per edge (or layer), each candidate's share of the
/// edge's importance (importance / Σ importances of the edge, the values the derivation compared)
/// against the epoch.</item>
/// </list>
/// Where the native drawing library cannot be loaded, the same series are written as
/// <c>curves.csv</c> and <c>attention.csv</c> instead and a warning says why.
/// </summary>
public static class RunPlots
{
    private const int PanelWidth = 320, PanelHeight = 240;

    /// <summary>Writes both plots (atomically); returns a warning when they had to fall back to CSV, else null.</summary>
    public static string? Write(RunFolder folder, IReadOnlyList<EpochRecord> metrics, IReadOnlyList<AttentionSnapshot> history)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(history);
        try
        {
            var curves = CurvesPng(metrics);
            RunFolder.WriteAtomic(folder.File(RunFolder.CurvesPlot), s => s.Write(curves));
            var attention = AttentionPng(history);
            RunFolder.WriteAtomic(folder.File(RunFolder.AttentionPlot), s => s.Write(attention));
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            RunFolder.WriteAtomic(folder.File(RunFolder.CurvesCsv), CurvesCsv(metrics));
            RunFolder.WriteAtomic(folder.File(RunFolder.AttentionCsv), AttentionCsv(history));
            return $"PNG plots could not be drawn ({e.GetType().Name}: {e.Message}); wrote {RunFolder.CurvesCsv} and {RunFolder.AttentionCsv} instead.";
        }
    }

    /// <summary>The share of each candidate in an edge's importance (NaN where the edge's total is not positive).</summary>
    public static double[] Shares(IReadOnlyList<double> importance)
    {
        double total = importance.Sum();
        return importance.Select(v => total > 0 ? v / total : double.NaN).ToArray();
    }

    private static byte[] CurvesPng(IReadOnlyList<EpochRecord> metrics)
    {
        var epochs = metrics.Select(m => (double)m.Epoch).ToArray();
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var loss = multiplot.GetPlot(0);
        var l = loss.Add.Scatter(epochs, metrics.Select(m => m.TrainLoss).ToArray());
        l.LegendText = "train loss";
        loss.Title("Search: training loss");
        loss.YLabel("cross-entropy");
        loss.ShowLegend(Alignment.UpperRight);

        var acc = multiplot.GetPlot(1);
        var train = acc.Add.Scatter(epochs, metrics.Select(m => m.TrainAccuracy).ToArray());
        train.LegendText = "train (augmented, train mode)";
        var valid = acc.Add.Scatter(epochs, metrics.Select(m => m.ValidAccuracy).ToArray());
        valid.LegendText = "validation (supernet, eval mode)";
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
        int columns = Math.Max(1, Math.Min(edges, (int)Math.Ceiling(Math.Sqrt(edges))));
        columns = Math.Max(columns, Math.Min(edges, 3));
        int rows = (edges + columns - 1) / columns;
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var palette = new ScottPlot.Palettes.Category10();

        var multiplot = new Multiplot();
        multiplot.AddPlots(Math.Max(edges, 1));
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
            plot.Title($"{last.Edges[e].Name} → {last.Edges[e].ChosenName}", size: 12);
            IntegerEpochTicks(plot);
            if (e == 0) plot.ShowLegend(Alignment.LowerLeft);
            else plot.HideLegend();
            if (e / columns == rows - 1) plot.XLabel("epoch", size: 11);
            if (e % columns == 0) plot.YLabel("importance share", size: 11);
        }
        using var image = multiplot.Render(PanelWidth * columns, PanelHeight * rows);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    private static void IntegerEpochTicks(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    private static string CurvesCsv(IReadOnlyList<EpochRecord> metrics)
    {
        var sb = new StringBuilder("epoch,train_loss,train_accuracy,valid_accuracy\n");
        foreach (var m in metrics)
            sb.Append(CultureInfo.InvariantCulture, $"{m.Epoch},{F(m.TrainLoss)},{F(m.TrainAccuracy)},{F(m.ValidAccuracy)}\n");
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

using System.Text.Json;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Tests.Data;
using AgNas.Search.Tests.Runs;

namespace AgNas.Search.Tests.Darts;

/// <summary>The search loop on the real DARTS supernet (L = 5, C = 2) over 64 tiny 1×8×8 images: files, metrics, resume.</summary>
public class DartsSearchRunTests
{
    private static readonly SearchData Data = RunTestData.Quadrants(64);

    private static SearchConfig Config(string outDir) => new()
    {
        Space = SearchSpaces.Darts,
        Dataset = "quadrants",
        Channels = 2,
        Layers = 5,
        Epochs = 2,
        BatchSize = 16,
        OutDir = outDir,
    };

    private sealed class CancelAfter(CancellationTokenSource cts, int epoch) : SearchObserver
    {
        public override void EpochCompleted(EpochRecord record, DerivedArchitecture arch)
        {
            if (record.Epoch == epoch) cts.Cancel();
        }
    }

    [Fact]
    public void ARunWritesTheFiveCellSetEveryCellsGenotypeAndTheAttentionByCell()
    {
        using var dir = new TempDir();
        var result = SearchRun.Run(Config(dir.Path), Data, SearchSpaces.Create);
        Assert.Equal(SearchOutcome.Completed, result.Outcome);
        var folder = new RunFolder(dir.Path);

        // arch.txt: the five-cell list of the last epoch; genotype.json the same set as JSON (what agnas train --genotype reads).
        var arch = DartsArchitecture.Resolve(folder.File(RunFolder.ArchFile), "arch.txt").FiveCell!;
        var fromJson = DartsArchitecture.Resolve(folder.File(DartsSearchedCells.GenotypeJsonFile), "genotype.json").FiveCell!;
        Assert.Equal(arch, fromJson);
        Assert.Equal(arch.ToString(), result.Last!.Arch);
        Assert.True(File.Exists(folder.File(DartsSearchedCells.CellsTextFile)));
        using (var cells = JsonDocument.Parse(File.ReadAllText(folder.File(DartsSearchedCells.CellsJsonFile))))
            Assert.Equal(5, cells.RootElement.GetProperty("cells").GetArrayLength());

        // metrics.jsonl: per epoch the five-cell set, the skip count of its normal cells and every cell's genotype.
        var metrics = folder.ReadState().Metrics;
        Assert.Equal(2, metrics.Count);
        foreach (var m in metrics)
        {
            var five = DartsFiveCellGenotype.Parse(m.Arch);
            Assert.Equal(five.Normal1.CountOf(DartsOp.SkipConnect) + five.Normal2.CountOf(DartsOp.SkipConnect) + five.Normal3.CountOf(DartsOp.SkipConnect),
                m.SkipConnectCount);
            Assert.Equal(5, m.Cells!.Count);
            Assert.Equal(["cell 0 (normal)", "cell 1 (reduce)", "cell 2 (normal)", "cell 3 (reduce)", "cell 4 (normal)"], m.Cells.Select(c => c.Name));
            Assert.Equal(five.Reduce2, DartsCellGenotype.Parse(m.Cells[3].Genotype, DartsCellKind.Reduce));
        }
        var line = File.ReadAllLines(folder.File(RunFolder.MetricsFile))[1];
        Assert.Contains("\"cells\":[{\"name\":\"cell 0 (normal)\",\"genotype\":\"Normal_Genotype(normal=[", line);

        // attention/epoch-NNN.json: 70 edges, 14 per cell, 8 of them kept; every module's raw sums.
        var snapshot = folder.ReadAttention(2);
        Assert.Equal(70, snapshot.Edges.Count);
        Assert.Equal(70, snapshot.Modules.Count);
        Assert.Equal("cells.4.edges.13.attention", snapshot.Modules[^1].Name);
        Assert.Equal(DartsOps.Names, snapshot.Candidates);
        foreach (var cell in snapshot.Edges.Chunk(14))
        {
            Assert.Single(cell.Select(e => e.Group).Distinct());
            Assert.Equal(8, cell.Count(e => e.Chosen != EdgeImportance.Dropped));
            Assert.All(cell.Where(e => e.Chosen == EdgeImportance.Dropped), e => Assert.Equal(AttentionEdgeRecord.DroppedName, e.ChosenName));
        }
        Assert.Equal((5, 14), RunPlots.GridOf(snapshot.Edges));
        Assert.True(File.Exists(folder.File(RunFolder.AttentionPlot)) || File.Exists(folder.File(RunFolder.AttentionCsv)));
    }

    [Fact]
    public void TheFirstOrderDartsBaselineSearchesTheSameSupernetWithTwoAlphaSets()
    {
        using var dir = new TempDir();
        var result = SearchRun.Run(Config(dir.Path) with { Method = SearchMethods.Darts, Epochs = 1 }, Data, SearchSpaces.Create);
        Assert.Equal(SearchOutcome.Completed, result.Outcome);
        var folder = new RunFolder(dir.Path);
        var five = DartsArchitecture.Resolve(folder.File(DartsSearchedCells.GenotypeJsonFile), "genotype.json").FiveCell!;
        Assert.Equal(five, DartsFiveCellGenotype.Parse(result.Last!.Arch));
        // α is shared by the cells of a type: one normal and one reduction genotype.
        Assert.Equal(five.Normal1, five.Normal2);
        Assert.Equal(five.Reduce1, five.Reduce2);
        var snapshot = folder.ReadAttention(1);
        Assert.Empty(snapshot.Modules);
        Assert.Equal(["alphas_normal", "alphas_reduce"], snapshot.Alphas!.Select(a => a.Name));
        Assert.Equal(70, snapshot.Edges.Count);
    }

    [Fact]
    public void AnInterruptedAndResumedDartsRunEndsExactlyLikeAnUninterruptedOne()
    {
        using var straight = new TempDir();
        using var broken = new TempDir();
        SearchRun.Run(Config(straight.Path) with { Plots = false }, Data, SearchSpaces.Create);

        using var cts = new CancellationTokenSource();
        var first = SearchRun.Run(Config(broken.Path) with { Plots = false }, Data, SearchSpaces.Create, new CancelAfter(cts, 1), cancellation: cts.Token);
        Assert.Equal((SearchOutcome.Interrupted, 1), (first.Outcome, first.CompletedEpochs));
        var second = SearchRun.Run(Config(broken.Path) with { Plots = false }, Data, SearchSpaces.Create, resume: true);
        Assert.Equal((SearchOutcome.Completed, 2), (second.Outcome, second.CompletedEpochs));

        foreach (var file in new[] { RunFolder.CheckpointFile, RunFolder.OptimizerFile, RunFolder.ArchFile, DartsSearchedCells.GenotypeJsonFile,
                     DartsSearchedCells.CellsJsonFile, DartsSearchedCells.CellsTextFile, RunFolder.AttentionFolder + "/epoch-002.json" })
            Assert.True(RunTestData.Sha256(Path.Combine(straight.Path, file)) == RunTestData.Sha256(Path.Combine(broken.Path, file)), $"{file} differs");
        var a = RunTestData.MetricsWithoutTimes(straight.Path);
        var b = RunTestData.MetricsWithoutTimes(broken.Path);
        Assert.Equal(a.Select(m => (m with { Cells = null }).ToString()), b.Select(m => (m with { Cells = null }).ToString()));
        Assert.Equal(a.Select(m => string.Join("\n", m.Cells!)), b.Select(m => string.Join("\n", m.Cells!)));
    }
}

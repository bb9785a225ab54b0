using System.Runtime.InteropServices;
using System.Text.Json;
using AgNas.Autograd;
using AgNas.Search.Runs;
using AgNas.Tensors;
using AgNas.Search.Tests.Data;
using AgNas.TestSupport;

namespace AgNas.Search.Tests.Runs;

/// <summary>
/// Divergence (issue 10 item 3): non-finite weights, gradients, running statistics and importances stop the run where they arise,
/// naming the epoch, the step and the tensor, with the last good epoch kept and resumable; a search that never leaves chance is flagged.
/// </summary>
public class DivergenceTests
{
    private static readonly SearchData Data = RunTestData.Quadrants();

    private static void Fill(Tensor t, double value)
    {
        if (t.DType == DType.Float64)
            t.Backend.CopyFromHost(t, MemoryMarshal.AsBytes(Enumerable.Repeat(value, (int)t.Size).ToArray().AsSpan()));
        else
            t.Backend.CopyFromHost(t, MemoryMarshal.AsBytes(Enumerable.Repeat((float)value, (int)t.Size).ToArray().AsSpan()));
    }

    /// <summary>Calls <paramref name="poison"/> on the supernet after step <paramref name="step"/> (0: after validation batch 1) of <paramref name="epoch"/>.</summary>
    private sealed class PoisonAt(Func<TinySupernet?> supernet, int epoch, int step, Action<TinySupernet> poison) : SearchObserver
    {
        public override void TrainStepCompleted(int e, int s, double loss)
        {
            if (e == epoch && s == step) poison(supernet()!);
        }

        public override void ValidationBatchCompleted(int e, int batch)
        {
            if (e == epoch && step == 0 && batch == 1) poison(supernet()!);
        }
    }

    private static NonFiniteLossException Diverge(string dir, int epoch, int step, Action<TinySupernet> poison)
    {
        TinySupernet? built = null;
        var observer = new PoisonAt(() => built, epoch, step, poison);
        return Assert.Throws<NonFiniteLossException>(() =>
            SearchRun.Run(RunTestData.Config(dir), Data, TinySupernet.Factory(s => built = s), observer));
    }

    private static void AssertKeepsEpochOneAndResumes(string dir, NonFiniteLossException e)
    {
        var folder = new RunFolder(dir);
        Assert.Equal(1, e.CompletedEpochs);
        Assert.Equal(1, folder.ReadState().CompletedEpochs);
        Assert.Single(File.ReadAllLines(folder.File(RunFolder.MetricsFile)));
        Assert.False(File.Exists(folder.AttentionFile(2)));
        Assert.Contains($"{folder.Path} still holds epoch 1", e.Message);
        Assert.Contains($"--resume {folder.Path} --lr ", e.Message);
        // The suggested recovery: continue from the last good epoch at a lower learning rate.
        var config = RunTestData.Config(dir);
        var resumed = SearchRun.Run(config with { LearningRate = config.LearningRate / 10 }, Data, TinySupernet.Factory(), resume: true);
        Assert.Equal(SearchOutcome.Completed, resumed.Outcome);
    }

    [Fact]
    public void AWeightMadeNonFiniteByAnUpdateIsNamedAtTheNextStep()
    {
        using var dir = new TempDir();
        var e = Diverge(dir.Path, 2, 1, s => Fill(s.Network.NamedParameters().First(p => p.Name == "head.weight").Param.Data, double.PositiveInfinity));
        Assert.Equal(2, e.Epoch);
        Assert.Equal(2, e.Step);
        Assert.Contains("Epoch 2, step 2 of 3: the training loss is NaN", e.Message);
        Assert.Contains("the weight head.weight was already not finite", e.Message);
        AssertKeepsEpochOneAndResumes(dir.Path, e);
    }

    [Fact]
    public void ANonFiniteRunningStatisticStopsTheEpochBeforeTheValidationPass()
    {
        using var dir = new TempDir();
        var e = Diverge(dir.Path, 2, 3, s => Fill(s.Network.NamedBuffers().First(b => b.Name == "stem_bn.running_var").Buffer, double.NaN));
        Assert.Equal(2, e.Epoch);
        Assert.Equal(3, e.Step);
        Assert.Contains("Epoch 2, after step 3 of 3: the BatchNorm running statistic stem_bn.running_var is not finite", e.Message);
        Assert.Contains("diverged", e.Message);
        AssertKeepsEpochOneAndResumes(dir.Path, e);
    }

    [Fact]
    public void NonFiniteImportancesNeverReachTheDerivation()
    {
        using var dir = new TempDir();
        var e = Diverge(dir.Path, 2, 0, s => Fill(s.AttentionModules[1].Importance!, double.NaN));
        Assert.Equal(2, e.Epoch);
        Assert.Contains("Epoch 2, validation pass: the importance of candidate 0 of attention module edge1.", e.Message);
        Assert.Contains("stopped before deriving the architecture", e.Message);
        AssertKeepsEpochOneAndResumes(dir.Path, e);
    }

    [Fact]
    public void AnAbsurdLearningRateWithoutAClipStopsWithADivergenceNamingEpochAndStep()
    {
        using var dir = new TempDir();
        var config = RunTestData.Config(dir.Path) with { LearningRate = 1e30, GradClip = 0 };
        var e = Assert.Throws<NonFiniteLossException>(() => SearchRun.Run(config, Data, TinySupernet.Factory()));
        Assert.Contains($"Epoch {e.Epoch}, ", e.Message);
        Assert.Contains("diverged", e.Message);
        Assert.DoesNotContain("Derivation", e.Message);
        Assert.Equal(new RunFolder(dir.Path).HasState ? new RunFolder(dir.Path).ReadState().CompletedEpochs : 0, e.CompletedEpochs);
    }

    [Fact]
    public void EveryEpochRecordsWhetherTheSupernetWasAtChance()
    {
        using var dir = new TempDir();
        var result = SearchRun.Run(RunTestData.Config(dir.Path), Data, TinySupernet.Factory());
        var lines = File.ReadAllLines(new RunFolder(dir.Path).File(RunFolder.MetricsFile));
        Assert.All(lines, l => Assert.Contains("\"at_chance\":", l));
        Assert.All(result.Records!, r => Assert.Equal(ChanceLevel.IsAtChance(r.ValidAccuracy, r.TrainLoss, 4), r.AtChance));
    }

    [Fact]
    public void AMetricsLineWithoutTheChanceFieldStillReads()
    {
        const string old = """{"epoch":1,"learning_rate":0.025,"train_loss":1.2,"train_accuracy":40,"valid_accuracy":50,"arch":"a","skip_connect_count":0,"seconds":1,"images_per_second":10,"train_images":48,"valid_images":48}""";
        var record = JsonSerializer.Deserialize<EpochRecord>(old, RunJson.Options)!;
        Assert.Null(record.AtChance);
        Assert.Equal(50, record.ValidAccuracy);
        Assert.Null(ChanceLevel.Verdict([record], 10));
        Assert.DoesNotContain("at_chance", JsonSerializer.Serialize(record, RunJson.Options));
    }

    private static EpochRecord Epoch(int epoch, double loss, double valid) => new(epoch, 0.1, loss, 10, valid, "a", 0, 1, 1, 1, 1);

    [Fact]
    public void TheVerdictFlagsOnlyASearchThatNeverLeftChanceOrEndsAboveLnClasses()
    {
        // 10 classes: chance 10 %, band below 15 %; ln 10 = 2.303.
        Assert.True(ChanceLevel.IsAtChance(14.9, 1.0, 10));
        Assert.True(ChanceLevel.IsAtChance(60, 2.31, 10));
        Assert.True(ChanceLevel.IsAtChance(double.NaN, 1.0, 10));
        Assert.False(ChanceLevel.IsAtChance(15, 2.30, 10));
        // Near chance early, then learning: not flagged.
        Assert.Null(ChanceLevel.Verdict([Epoch(1, 2.4, 9), Epoch(2, 2.2, 11), Epoch(3, 1.5, 40)], 10));
        // Never left chance (the issue's --lr 1000 run: 8.98 % every epoch).
        var never = ChanceLevel.Verdict([Epoch(1, 2.2, 8.98), Epoch(2, 2.2, 8.98), Epoch(3, 2.2, 8.98)], 10);
        Assert.Contains("never left chance level in 3 epoch(s): best 8.98 % against 100/10 = 10 %", never);
        // A loss above ln(classes) at the end, whatever the accuracy.
        Assert.Contains("above ln(10) = 2.303", ChanceLevel.Verdict([Epoch(1, 1.0, 50), Epoch(2, 4304, 30)], 10));
    }
}

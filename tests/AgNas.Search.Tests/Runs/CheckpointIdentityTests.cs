using AgNas.Autograd.Modules;
using AgNas.Autograd.Optim;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Tests.Data;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Runs;

/// <summary>
/// A run folder whose checkpoint and config.json disagree (issue 10, item 4): the checkpoint records what it holds, a resume
/// compares that first and fails with one short line naming the first difference, and every key problem goes to
/// checkpoint-mismatch.txt; checkpoints saved without the record still load.
/// </summary>
[Collection(LiveTensorCollection.Name)]
public class CheckpointIdentityTests
{
    private const string OtherArch = "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|";

    private static Nb201Network SmallNb201(int classes) =>
        new(new Nb201NetworkConfig(Nb201Arch.Parse(OtherArch)) { InputChannels = 1, Classes = classes, Channels = 4, CellsPerStage = 1 });

    private static CheckpointIdentity Nb201Identity(int classes) =>
        new("nb201", "network", [("arch", OtherArch), ("classes", classes), ("input_channels", 1)]);

    /// <summary>Saves <paramref name="saved"/> at epoch 1 and restores it into <paramref name="target"/>; returns the refusal's message, or null when it loaded.</summary>
    private static string? SaveAndRestore(string dir, Module saved, CheckpointIdentity? savedIdentity, Module target, CheckpointIdentity? targetIdentity, string model)
    {
        var folder = new RunFolder(dir);
        Directory.CreateDirectory(dir);
        using var sgd = new Sgd(saved.NamedParameters(), 0.1f, momentum: 0.9f);
        var record = folder.SaveTraining(saved, sgd, 1, savedIdentity);
        using var fresh = new Sgd(target.NamedParameters(), 0.1f, momentum: 0.9f);
        try
        {
            folder.RestoreTraining(target, fresh, CpuBackend.Instance, 1, record, model, message => new TrainResumeException(message), targetIdentity);
            return null;
        }
        catch (TrainResumeException e)
        {
            return e.Message;
        }
    }

    private static void AssertOneShortLine(string message, string difference)
    {
        Assert.DoesNotContain('\n', message);
        Assert.True(message.Length < 300, $"{message.Length} characters: {message}");
        Assert.Contains("first difference: " + difference, message);
        Assert.Contains(RunFolder.CheckpointMismatchFile, message);
    }

    [Fact]
    public void OtherClassesAreReportedByTheFirstDifferenceAndTheKeysGoToTheReport()
    {
        using var dir = new TempDir();
        using var saved = SmallNb201(4);
        using var target = SmallNb201(10);
        var message = SaveAndRestore(dir.Path, saved, Nb201Identity(4), target, Nb201Identity(10), "network");
        AssertOneShortLine(message!, "classes 4 vs 10");
        var report = File.ReadAllText(Path.Combine(dir.Path, RunFolder.CheckpointMismatchFile));
        Assert.Contains("shape: classifier.weight", report);
        Assert.Contains("classes: 4", report);
    }

    [Fact]
    public void ASupernetOfAnotherSpaceIsReportedByItsSpace()
    {
        using var dir = new TempDir();
        using var nb201 = new Nb201Supernet(new Nb201SupernetConfig { InputChannels = 1, Channels = 4, CellsPerStage = 1 });
        using var darts = new DartsSupernet(new DartsSupernetConfig { InputChannels = 1, Channels = 4, Layers = 5 });
        var message = SaveAndRestore(dir.Path, nb201, new CheckpointIdentity("nb201", "supernet", [("classes", 10)]),
            darts, new CheckpointIdentity("darts", "supernet", [("classes", 10)]), "supernet");
        AssertOneShortLine(message!, "space nb201 vs darts");
        var report = File.ReadAllText(Path.Combine(dir.Path, RunFolder.CheckpointMismatchFile));
        Assert.Contains("missing: ", report);
        Assert.Contains("unexpected: ", report);
    }

    [Fact]
    public void ACheckpointWithoutTheRecordLoadsAndAMismatchThereIsStillOneShortLine()
    {
        using var dir = new TempDir();
        using (var saved = SmallNb201(4))
        using (var target = SmallNb201(4))
            Assert.Null(SaveAndRestore(dir.Path, saved, null, target, Nb201Identity(4), "network"));

        using var other = SmallNb201(4);
        using var darts = new DartsSupernet(new DartsSupernetConfig { InputChannels = 1, Channels = 4, Layers = 5 });
        var message = SaveAndRestore(dir.Path, other, null, darts, Nb201Identity(4), "supernet")!;
        Assert.DoesNotContain('\n', message);
        Assert.True(message.Length < 300, $"{message.Length} characters: {message}");
        Assert.Matches(@"^checkpoint\.safetensors does not fit the supernet built from config\.json: \d+ key problem\(s\), first: (missing|shape|unexpected): ", message);
        Assert.True(File.Exists(Path.Combine(dir.Path, RunFolder.CheckpointMismatchFile)));
    }

    /// <summary>Through a training run: a checkpoint copied from a run of another architecture.</summary>
    [Fact]
    public void ATrainRunWithACheckpointCopiedFromAnotherRunNamesTheArchitecture()
    {
        using var mine = new TempDir();
        using var theirs = new TempDir();
        var config = RunTestData.TrainConfig(mine.Path) with { Epochs = 2, Plots = false };
        using (var cts = new CancellationTokenSource())
            TrainRun.Run(config, RunTestData.TrainQuadrants(), new StopAfterFirstEpoch(cts), cancellation: cts.Token);
        TrainRun.Run(RunTestData.TrainConfig(theirs.Path) with { Epochs = 1, Plots = false, Arch = OtherArch }, RunTestData.TrainQuadrants());
        File.Copy(Path.Combine(theirs.Path, RunFolder.CheckpointFile), Path.Combine(mine.Path, RunFolder.CheckpointFile), overwrite: true);

        var e = Assert.Throws<TrainResumeException>(() => TrainRun.Run(config, RunTestData.TrainQuadrants(), resume: true));
        AssertOneShortLine(e.Message, "arch |");
        Assert.Contains("holds a nb201 network and config.json asks for a nb201 network", e.Message);
    }

    private sealed class StopAfterFirstEpoch(CancellationTokenSource cts) : TrainObserver
    {
        public override void EpochCompleted(TrainEpochRecord record) => cts.Cancel();
    }
}

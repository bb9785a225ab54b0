using AgNas.Cli.Verbs;
using AgNas.Search.Data;
using AgNas.Search.Runs;

namespace AgNas.Cli.Tests;

/// <summary>
/// <c>--resume</c> and the options given with it: an option named on the command line must agree with the
/// run whatever its value (its default included), an option left out is the run's, and the settings that do
/// not change results (--data-dir, --device, --prefetch, --no-plots) may change; plus the messages about
/// folders that are not the run asked for.
/// </summary>
public class ResumeOptionTests
{
    private static string Flat(string text) => TrainCli.Flat(text);

    [Fact]
    public void AnOptionGivenWithItsDefaultValueMustStillAgreeWithTheRun()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var run = tmp.Sub("run");
        Assert.Equal(ExitCodes.Ok, SearchCli.Run(SearchCli.TinyArgs(data, run, "--epochs", "1", "--lr", "0.01", "--nesterov", "--no-plots")).Code);

        // 0.025 is --lr's default (above the run's, which a resume may only lower) and --nesterov false its switch's: both were
        // silently taken from the run.
        var (code, _, error) = SearchCli.Run(["search", "--resume", run, "--lr", "0.025", "--nesterov", "false", "--epochs", "2"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--lr 0.025 (the run has 0.01; a resumed run may lower its learning rate", Flat(error));
        Assert.Contains("--nesterov false (the run has it on)", Flat(error));
        Assert.Contains("only --epochs (upward), --lr (downward), --data-dir, --device, --prefetch and --no-plots may change", Flat(error));
        Assert.Equal(1, new RunFolder(run).ReadState().CompletedEpochs);

        // Left out, they are the run's.
        (code, var output, error) = SearchCli.Run(["search", "--resume", run, "--epochs", "2", "--lr=0.01", "--seed", "0"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        var state = new RunFolder(run).ReadState();
        Assert.Equal((2, 0.01, true), (state.CompletedEpochs, state.Config.LearningRate, state.Config.Nesterov));
    }

    [Fact]
    public void TheSettingsThatDoNotChangeResultsMayChangeAndTheRunMayMove()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var run = tmp.Sub("run");
        Assert.Equal(ExitCodes.Ok, SearchCli.Run(SearchCli.TinyArgs(data, run, "--epochs", "1")).Code);
        Assert.True(File.Exists(Path.Combine(run, RunFolder.CurvesPlot)));

        // The folder and the data move to "another machine"; the data's old place is gone.
        var moved = tmp.Sub("moved");
        Directory.Move(run, moved);
        var newData = tmp.Sub("data-elsewhere");
        Directory.Move(data, newData);
        File.Delete(Path.Combine(moved, RunFolder.CurvesPlot));
        var (code, output, error) = SearchCli.Run(["search", "--resume", moved, "--epochs", "2", "--data-dir", newData, "--prefetch", "0", "--no-plots", "--device", "cpu"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        var config = new RunFolder(moved).ReadState().Config;
        Assert.Equal((2, Path.GetFullPath(newData), 0, false, Path.GetFullPath(moved)), (config.Epochs, config.DataDir, config.Prefetch, config.Plots, config.OutDir));
        Assert.False(File.Exists(Path.Combine(moved, RunFolder.CurvesPlot)));

        // --no-plots false draws them again.
        (code, output, error) = SearchCli.Run(["search", "--resume", moved, "--epochs", "3", "--no-plots", "false"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.True(File.Exists(Path.Combine(moved, RunFolder.CurvesPlot)));
        Assert.Equal(Path.GetFullPath(newData), new RunFolder(moved).ReadConfig().DataDir); // left out: the run's (new) place

        // A changeable option still has to be valid.
        (code, _, error) = SearchCli.Run(["search", "--resume", moved, "--prefetch", "3"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--prefetch 3 must be 0 (none), 1 or 2 batches", Flat(error));
    }

    [Fact]
    public void ARunInTheDefaultDataLocationAcceptsItsPathGivenExplicitly()
    {
        using var tmp = new TempFolder();
        var run = tmp.Sub("run");
        // No --data-dir: config.json stores null for the dataset's default location.
        string[] args = ["search", "--space", "tiny", "--dataset", "fashion-mnist", "--subset", "16", "--epochs", "1", "--batch-size", "4", "--out", run, "--no-plots"];
        var (code, output, error) = SearchCli.Run(args);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Null(new RunFolder(run).ReadConfig().DataDir);

        (code, output, error) = SearchCli.Run(["search", "--resume", run, "--epochs", "2", "--data-dir", DatasetCatalog.FashionMnistDirectory]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Equal(2, new RunFolder(run).ReadState().CompletedEpochs);
    }

    [Fact]
    public void ACompletedRunSaysSoInTheSingularAndPrintsNoEmptyTable()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var run = tmp.Sub("run");
        Assert.Equal(ExitCodes.Ok, SearchCli.Run(SearchCli.TinyArgs(data, run, "--epochs", "1", "--no-plots")).Code);
        var (code, output, error) = SearchCli.Run(["search", "--resume", run]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("The run already completed its 1 epoch; raise --epochs to continue it.", output);
        Assert.DoesNotContain("epoch          lr", output);

        var train = tmp.Sub("train");
        Assert.Equal(ExitCodes.Ok, TrainCli.Run(TrainCli.TinyArgs(data, train, "--epochs", "1", "--no-plots")).Code);
        (code, output, error) = TrainCli.Run(["train", "--resume", train]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("The run already completed its 1 epoch; raise --epochs to continue it.", output);
        Assert.DoesNotContain("epoch          lr", output);
    }

    [Fact]
    public void ResumeNamesAMissingFolderAndARunOfTheOtherVerb()
    {
        using var tmp = new TempFolder();
        var (code, _, error) = SearchCli.Run(["search", "--resume", tmp.Sub("nonexistent")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"--resume {tmp.Sub("nonexistent")}: the folder does not exist.", Flat(error));

        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 16);
        var train = tmp.Sub("train");
        Assert.Equal(ExitCodes.Ok, TrainCli.Run(TrainCli.TinyArgs(data, train, "--epochs", "1", "--no-plots")).Code);
        (code, _, error) = SearchCli.Run(["search", "--resume", train]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"holds a training run, not a search run; continue it with agnas train --resume {train}.", Flat(error));

        // A new training run into a search run's folder points to the verb that continues it, not to train --resume.
        var search = tmp.Sub("search");
        Assert.Equal(ExitCodes.Ok, SearchCli.Run(["search", "--space", "tiny", "--dataset", "mnist", "--data-dir", data, "--epochs", "1", "--batch-size", "4", "--out", search, "--no-plots"]).Code);
        (code, _, error) = TrainCli.Run(TrainCli.TinyArgs(data, search));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"--out {search} already holds a search run; choose another --out for the training run (continue that one with agnas search --resume {search}).", Flat(error));
        (code, _, error) = SearchCli.Run(SearchCli.TinyArgs(data, train));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("already holds a training run; choose another --out for the search run", Flat(error));
    }

    [Fact]
    public void MethodIsCaseInsensitiveAndAResumedDartsRunAcceptsItsMethodInAnyCase()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var run = tmp.Sub("run");
        var (code, output, error) = SearchCli.Run(["search", "--space", "tiny", "--dataset", "MNIST", "--data-dir", data, "--epochs", "1", "--batch-size", "8",
            "--out", run, "--method", "DARTS", "--no-plots"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        var config = new RunFolder(run).ReadConfig();
        Assert.Equal(("darts", "mnist"), (config.Method, config.Dataset));
        (code, output, error) = SearchCli.Run(["search", "--resume", run, "--method", "Darts", "--dataset", "Mnist", "--epochs", "2"]);
        Assert.True(code == ExitCodes.Ok, error + output);
    }

    [Fact]
    public void SwitchesTakeTrueOrFalseInBothVerbsAndGradClipZeroMeansNoClipping()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, tmp.Sub("s1"), "--epochs", "1", "--no-plots", "--nesterov=true", "--grad-clip", "0"));
        Assert.True(code == ExitCodes.Ok, error + output);
        var search = new RunFolder(tmp.Sub("s1")).ReadConfig();
        Assert.Equal((true, 0.0), (search.Nesterov, search.GradClip));
        // 0 is no clipping: the same weights as a clip that is never reached.
        Assert.Equal(ExitCodes.Ok, SearchCli.Run(SearchCli.TinyArgs(data, tmp.Sub("s2"), "--epochs", "1", "--no-plots", "--nesterov", "--grad-clip", "1e30")).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(tmp.Sub("s1"), RunFolder.CheckpointFile)), File.ReadAllBytes(Path.Combine(tmp.Sub("s2"), RunFolder.CheckpointFile)));

        // train: a bare --nesterov turns it on (nb201's recipe has it on; the run without it is compared below), false turns it off.
        (code, output, error) = TrainCli.Run(TrainCli.TinyArgs(data, tmp.Sub("t1"), "--epochs", "1", "--no-plots", "--nesterov", "--lr", "0.05"));
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.True(new RunFolder(tmp.Sub("t1")).ReadConfig<TrainConfig>().Nesterov);
        (code, output, error) = TrainCli.Run(TrainCli.TinyArgs(data, tmp.Sub("t2"), "--epochs", "1", "--no-plots", "--nesterov=false", "--grad-clip", "0"));
        Assert.True(code == ExitCodes.Ok, error + output);
        var train = new RunFolder(tmp.Sub("t2")).ReadConfig<TrainConfig>();
        Assert.Equal((false, (double?)null), (train.Nesterov, train.GradClip));
    }

    [Fact]
    public void ASubsetLargerThanTheDataAndASmallValidationPartAreReported()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, tmp.Sub("big"), "--epochs", "1", "--no-plots", "--subset", "100"));
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("--subset 100 is more than the 48 images of the mnist training set; the search uses all 48.", Flat(error));
        Assert.Contains("24 training / 24 validation images", output);

        (code, output, error) = SearchCli.Run(SearchCli.TinyArgs(data, tmp.Sub("small"), "--epochs", "1", "--no-plots", "--train-portion", "0.9"));
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("--train-portion 0.9 of 48 images leaves 5 validation images, fewer than one batch (--batch-size 8)", Flat(error));

        // darts needs two validation images for its α steps: refused before the folder exists.
        (code, _, error) = SearchCli.Run(SearchCli.TinyArgs(data, tmp.Sub("none"), "--method", "darts", "--train-portion", "0.99"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--train-portion 0.99 of 48 images leaves 1 for validation; a darts α step needs at least 2", Flat(error));
        Assert.False(Directory.Exists(tmp.Sub("none")));

        (code, output, error) = TrainCli.Run(TrainCli.TinyArgs(data, tmp.Sub("train"), "--epochs", "1", "--no-plots", "--subset", "1000"));
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("--subset 1000 is more than the 48 images of the mnist training set; the training uses all 48.", Flat(error));
    }
}

using AgNas.Cli.Verbs;
using AgNas.Search.Runs;
using AgNas.TestSupport;

namespace AgNas.Cli.Tests;

/// <summary>The recipe options of both verbs (--lr-schedule, --label-smoothing, --grad-clip-mode, --weight-decay-scope, --stem-stride, --dropout): parsing, per-space defaults, resume rules.</summary>
public class RecipeOptionTests
{
    private static readonly DateTime Now = new(2025, 1, 2, 3, 4, 5);

    private static string Flat(string text) => TrainCli.Flat(text);

    [Fact]
    public void TheOptionsReachBothConfigsAndTheSpaceRecipeFillsTheRest()
    {
        var search = SearchRunner.ToConfig(new SearchOptions { LrSchedule = "linear", LabelSmoothing = 0.2, GradClipMode = "value", WeightDecayScope = "conv-and-classifier" }, Now);
        Assert.Equal(("linear", 0.2, "value", "conv-and-classifier"), (search.LrSchedule, search.LabelSmoothing, search.GradClipMode, search.WeightDecayScope));
        Assert.Equal(("cosine", 0.0, "norm", "all"), (SearchRunner.ToConfig(new SearchOptions(), Now) is var d ? (d.LrSchedule, d.LabelSmoothing, d.GradClipMode, d.WeightDecayScope) : default));

        // --space proxyless takes the proxyless recipe for every option left out; the stem stride is resolved for the dataset.
        var proxyless = SearchRunner.ToConfig(new SearchOptions { Space = "proxyless" }, Now);
        Assert.Equal(SearchConfig.ForSpace("proxyless") with { StemStride = 1, OutDir = proxyless.OutDir }, proxyless);
        Assert.Equal(0.1, SearchRunner.ToConfig(new SearchOptions { Space = "proxyless", LearningRate = 0.1 }, Now).LearningRate);
        Assert.Equal(2, SearchRunner.ToConfig(new SearchOptions { Space = "proxyless", StemStride = "2" }, Now).StemStride);

        var train = TrainRunner.ToConfig(new TrainOptions { Space = "proxyless", Arch = "1 1 -1 2 1 -1 5 1 1 -1 5 1 1 -1 1 4 3 -1 5 5 5" }, Now);
        Assert.Equal(TrainConfig.ForSpace("proxyless") with { Arch = train.Arch, StemStride = 1, OutDir = train.OutDir }, train);
        var nb201 = TrainRunner.ToConfig(new TrainOptions { Arch = TrainCli.Cell, LabelSmoothing = 0.1, LrSchedule = "linear" }, Now);
        Assert.Equal(("linear", 0.1, (int?)null, (double?)null), (nb201.LrSchedule, nb201.LabelSmoothing, nb201.StemStride, nb201.Dropout));
    }

    [Fact]
    public void AStemStrideOtherThanOneTwoOrAutoIsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => SearchRunner.ToConfig(new SearchOptions { StemStride = "3" }, Now));
        Assert.Equal("--stem-stride '3' is not a stem stride; expected 1, 2 or auto.", e.Message);
        Assert.Null(SearchRunner.ToConfig(new SearchOptions { Space = "proxyless", StemStride = "AUTO", Dataset = "nonesuch" }, Now).StemStride);
    }

    [Fact]
    public void BadValuesAreRefusedNamingTheOptionAndTheValue()
    {
        using var tmp = new TempFolder();
        var (code, _, error) = SearchCli.Run(SearchCli.TinyArgs(tmp.Sub("data"), tmp.Sub("run"), "--lr-schedule", "step", "--label-smoothing", "1", "--grad-clip-mode", "max", "--weight-decay-scope", "bn"));
        Assert.Equal(ExitCodes.Usage, code);
        foreach (var part in new[] { "--lr-schedule 'step' is not known; expected cosine or linear", "--label-smoothing 1 must lie in [0, 1)",
                     "--grad-clip-mode 'max' is not known; expected norm or value", "--weight-decay-scope 'bn' is not known; expected all or conv-and-classifier" })
            Assert.Contains(part, Flat(error));
        (code, _, error) = TrainCli.Run(TrainCli.TinyArgs(tmp.Sub("data"), tmp.Sub("run"), "--dropout", "0.2", "--stem-stride", "1"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--dropout 0.2 is a proxyless setting", Flat(error));
        Assert.Contains("--stem-stride 1 is a proxyless setting", Flat(error));
    }

    [Fact]
    public void TheDartsMethodIsRefusedInTheProxylessSpace()
    {
        using var tmp = new TempFolder();
        var spaces = new SearchRunner.SpaceSet([TinySupernet.SpaceName, SearchConfig.ProxylessSpace], TinySupernet.Factory());
        var (code, _, error) = SearchCli.Run(["search", "--space", "proxyless", "--method", "darts", "--dataset", "mnist", "--data-dir", tmp.Sub("data"), "--out", tmp.Sub("run")], spaces);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--method darts is not built for the proxyless space; use agnas", Flat(error));
    }

    [Theory]
    [InlineData("--lr-schedule", "linear", "cosine")]
    [InlineData("--label-smoothing", "0.1", "0")]
    [InlineData("--grad-clip-mode", "value", "norm")]
    [InlineData("--weight-decay-scope", "conv-and-classifier", "all")]
    public void ResumingWithAnotherRecipeValueIsRefusedAndTheSameOneAccepted(string option, string other, string runs)
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var search = tmp.Sub("search");
        Assert.Equal(ExitCodes.Ok, SearchCli.Run(SearchCli.TinyArgs(data, search, "--epochs", "1", "--no-plots")).Code);
        var (code, _, error) = SearchCli.Run(["search", "--resume", search, option, other, "--epochs", "2"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{option} {other} (the run has {runs})", Flat(error));
        (code, var output, error) = SearchCli.Run(["search", "--resume", search, option, runs, "--epochs", "2"]);
        Assert.True(code == ExitCodes.Ok, error + output);

        var train = tmp.Sub("train");
        Assert.Equal(ExitCodes.Ok, TrainCli.Run(TrainCli.TinyArgs(data, train, "--epochs", "1", "--no-plots")).Code);
        (code, _, error) = TrainCli.Run(["train", "--resume", train, option, other]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{option} {other} (the run has {runs})", Flat(error));
    }
}

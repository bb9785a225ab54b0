using AgNas.Autograd.Checkpoints;
using AgNas.Autograd.Optim;
using AgNas.Search.Alpha;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Search.Tests.Data;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.TestSupport;

namespace AgNas.Search.Tests.Runs;

/// <summary>The search loop with <c>method = darts</c> on <see cref="TinySupernet"/>: files, the data each step reads, resume, refusals.</summary>
[Collection(LiveTensorCollection.Name)]
public class SearchRunDartsTests
{
    private static readonly SearchData Data = RunTestData.Quadrants();

    private static SearchConfig Config(string dir) => RunTestData.Config(dir) with { Method = SearchMethods.Darts };

    private sealed class Steps : SearchObserver
    {
        public List<(int Epoch, int Step, string Kind)> Log { get; } = [];
        public override void AlphaStepCompleted(int epoch, int step, double loss) => Log.Add((epoch, step, "alpha"));
        public override void TrainStepCompleted(int epoch, int step, double loss) => Log.Add((epoch, step, "weights"));
    }

    [Fact]
    public void ADartsRunSavesAlphaAndItsOptimiserAndDerivesFromSoftmaxAlpha()
    {
        using var dir = new TempDir();
        var steps = new Steps();
        var result = SearchRun.Run(Config(dir.Path), Data, TinySupernet.Factory(), steps);
        Assert.Equal(SearchOutcome.Completed, result.Outcome);
        var folder = new RunFolder(dir.Path);
        Assert.Equal(SearchMethods.Darts, folder.ReadConfig().Method);

        // One α step before every weight step: 3 epochs of 3 steps.
        var expectedLog = Enumerable.Range(1, 3).SelectMany(e => Enumerable.Range(1, 3).SelectMany(s => new[] { (e, s, "alpha"), (e, s, "weights") })).ToList();
        Assert.Equal(expectedLog, steps.Log);

        // α is in the checkpoint; its Adam moments are in their own file, the SGD buffers cover the weights only.
        using var initial = new TinySupernet(new SupernetSpec(1, 4, 8, false, 0, SearchMethod.Darts), CpuBackend.Instance);
        var checkpoint = Safetensors.Load(folder.Checkpoint, CpuBackend.Instance);
        float[] alpha;
        try
        {
            alpha = checkpoint["arch_parameters"].ToArray();
            Assert.Equal(new Shape(2, 3), checkpoint["arch_parameters"].Shape);
        }
        finally
        {
            foreach (var t in checkpoint.Values) t.Dispose();
        }
        Assert.NotEqual(initial.AlphaSets[0].Alpha.Data.ToArray(), alpha);
        var arch = Safetensors.ReadHeader(folder.ArchOptimizer);
        Assert.Equal("3", arch.Metadata[RunFolder.EpochMetadataKey]);
        Assert.Equal(["arch_parameters.exp_avg", "arch_parameters.exp_avg_sq"], arch.Entries.Select(e => e.Name).Order());
        var sgd = Safetensors.ReadHeader(folder.Optimizer).Entries.Select(e => e.Name).ToList();
        Assert.DoesNotContain(sgd, n => n.StartsWith("arch_parameters", StringComparison.Ordinal));
        Assert.Equal(initial.Network.NamedParameters().Count() - 1, sgd.Count);

        var state = folder.ReadState();
        Assert.NotNull(state.ArchOptimizer);
        Assert.Equal(9, state.ArchOptimizer!.Steps["arch_parameters"]);
        Assert.Equal(AlphaStep.LearningRate, state.ArchOptimizer.Groups.Single().LearningRate);
        Assert.All(state.OptimizerSteps.Values, s => Assert.Equal(9, s));
        Assert.DoesNotContain("arch_parameters", state.OptimizerSteps.Keys);

        // The attention files hold softmax(α) per edge where agnas puts its importances, and α itself.
        var metrics = state.Metrics;
        for (int e = 1; e <= 3; e++)
        {
            var a = folder.ReadAttention(e);
            Assert.Empty(a.Modules);
            var set = Assert.Single(a.Alphas!);
            Assert.Equal("arch_parameters", set.Name);
            Assert.Equal(2, set.Logits.Count);
            for (int edge = 0; edge < 2; edge++)
            {
                var softmax = AlphaSet.Softmax(set.Logits[edge].Select(v => (float)v).ToArray());
                Assert.Equal(softmax, a.Edges[edge].Importance);
                int chosen = softmax[1] >= softmax[2] ? 1 : 2; // none excluded, ties to the lower index
                Assert.Equal(chosen, a.Edges[edge].Chosen);
            }
            Assert.Equal(metrics[e - 1].Arch, a.Arch);
            Assert.Equal(a.Edges.Count(x => x.Chosen == 1), metrics[e - 1].SkipConnectCount);
            Assert.Equal(48, a.ValidImages);
        }
        var last = folder.ReadAttention(3).Alphas![0].Logits.SelectMany(r => r).Select(v => (float)v).ToArray();
        Assert.Equal(alpha, last);
        Assert.True(File.Exists(folder.File(RunFolder.AttentionPlot)));
    }

    /// <summary>
    /// Data sets that share their validation half but not their training half (and the reverse), one
    /// step per epoch: α after the α step depends on the validation images only (bit for bit), the
    /// weights on the training images.
    /// </summary>
    [Fact]
    public void TheAlphaStepReadsTheValidationPartAndTheWeightStepTheTrainingPart()
    {
        static SearchData Splice(ulong trainBackground, ulong validBackground)
        {
            var train = RunTestData.Quadrants(32, trainBackground).Images;
            var valid = RunTestData.Quadrants(32, validBackground).Images;
            var pixels = train.Pixels[..(16 * 64)].ToArray().Concat(valid.Pixels[(16 * 64)..].ToArray()).ToArray();
            var images = new ImageDataset("quadrants", pixels, train.Labels.ToArray(), 1, 8, 8, 4);
            return Data with { Images = images };
        }

        (float[] Alpha, float[] Weights) Run(SearchData data)
        {
            using var dir = new TempDir();
            SearchRun.Run(Config(dir.Path) with { Epochs = 1, Plots = false }, data, TinySupernet.Factory());
            var tensors = Safetensors.Load(new RunFolder(dir.Path).Checkpoint, CpuBackend.Instance);
            try
            {
                return (tensors["arch_parameters"].ToArray(), tensors["edge0.conv.weight"].ToArray());
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
        }

        var baseline = Run(Splice(17, 23));
        var otherTraining = Run(Splice(19, 23));
        var otherValidation = Run(Splice(17, 29));
        Assert.Equal(baseline.Alpha, otherTraining.Alpha);
        Assert.NotEqual(baseline.Weights, otherTraining.Weights);
        Assert.NotEqual(baseline.Alpha, otherValidation.Alpha);
    }

    /// <summary>
    /// A one-step darts run (16 training and 16 validation images, batch 16, a clip tight enough to
    /// act on every step) against the documented algorithm done by hand on a twin supernet: an α step
    /// on the validation part's first batch in the α steps' own order, then a weight step on the
    /// training batch with α outside the SGD groups and outside the clipped norm. Every tensor of the
    /// checkpoint (α, weights, batch-norm statistics) is the same bit for bit.
    /// </summary>
    [Fact]
    public void OneDartsStepIsAnAlphaStepOnValidationDataThenAWeightStepOnTrainingData()
    {
        var data = RunTestData.Quadrants(32);
        using var dir = new TempDir();
        var config = Config(dir.Path) with { Epochs = 1, GradClip = 0.01, Plots = false, Prefetch = 0 };
        SearchRun.Run(config, data, TinySupernet.Factory());

        var cpu = CpuBackend.Instance;
        var split = SearchSplit.Create(32, config.TrainPortion);
        var augmentation = Augmentation.Training(data.Info);
        using var trainLoader = new DataLoader(data.Images, split.Train, cpu, new DataLoaderOptions
        {
            BatchSize = 16, Shuffle = true, Training = true, Seed = 0, Augmentation = augmentation, Prefetch = 0,
        });
        using var alphaLoader = new DataLoader(data.Images, split.Valid, cpu, new DataLoaderOptions
        {
            BatchSize = 16, Shuffle = true, Training = true, Seed = CounterRandom.Hash(0, RandomStreams.AlphaBatches), Augmentation = augmentation, Prefetch = 0,
        });
        using var twin = new TinySupernet(new SupernetSpec(1, 4, 8, false, 0, SearchMethod.Darts), cpu);
        var alpha = twin.AlphaSets[0].Alpha;
        var weights = twin.Network.NamedParameters().Where(p => !ReferenceEquals(p.Param, alpha)).ToList();
        using (var alphaStep = new AlphaStep(twin.Network, [("arch_parameters", alpha)]))
        using (var batch = alphaLoader.Epoch(0).First())
        {
            Assert.All(batch.Indices, i => Assert.Contains(i, split.Valid));
            Assert.True(alphaStep.TryStep(batch.Images, batch.Labels, out _));
        }
        using (var sgd = new Sgd(weights, (float)config.LearningRate, (float)config.Momentum, weightDecay: (float)config.WeightDecay))
        {
            var epoch = new TrainingEpoch(twin.Network, cpu, config.Recipe(), default, "search", new RunFolder(dir.Path), weights.Select(w => w.Param));
            Assert.NotNull(epoch.Train(trainLoader, 1, sgd, 0));
        }

        var saved = Safetensors.Load(new RunFolder(dir.Path).Checkpoint, cpu);
        try
        {
            var expected = twin.Network.StateDict();
            Assert.Equal(expected.Select(t => t.Name).Order(), saved.Keys.Order());
            var differ = expected.Where(t => t.Value.DType == DType.Float32 && !t.Value.ToArray().SequenceEqual(saved[t.Name].ToArray())).Select(t => t.Name).ToList();
            Assert.True(differ.Count == 0, "differ from the hand-made step: " + string.Join(", ", differ));
        }
        finally
        {
            foreach (var t in saved.Values) t.Dispose();
        }
    }

    private sealed class CancelAt(CancellationTokenSource cts, int epoch, int? trainStep = null, int? alphaStep = null) : SearchObserver
    {
        public override void TrainStepCompleted(int e, int step, double loss)
        {
            if (e == epoch && step == trainStep) cts.Cancel();
        }

        public override void AlphaStepCompleted(int e, int step, double loss)
        {
            if (e == epoch && step == alphaStep) cts.Cancel();
        }

        public override void EpochCompleted(EpochRecord record, DerivedArchitecture arch)
        {
            if (record.Epoch == epoch && trainStep is null && alphaStep is null) cts.Cancel();
        }
    }

    /// <summary>Interrupted at the end of epoch 1, after a weight step or after an α step of epoch 2, then resumed: the same bytes as an uninterrupted darts run.</summary>
    [Theory]
    [InlineData(1, null, null)]
    [InlineData(2, 2, null)]
    [InlineData(2, null, 3)]
    public void AnInterruptedAndResumedDartsRunEndsExactlyLikeAnUninterruptedOne(int epoch, int? trainStep, int? alphaStep)
    {
        using var straight = new TempDir();
        using var broken = new TempDir();
        SearchRun.Run(Config(straight.Path), Data, TinySupernet.Factory());

        using var cts = new CancellationTokenSource();
        var first = SearchRun.Run(Config(broken.Path), Data, TinySupernet.Factory(), new CancelAt(cts, epoch, trainStep, alphaStep), cancellation: cts.Token);
        Assert.Equal((SearchOutcome.Interrupted, 1), (first.Outcome, first.CompletedEpochs));
        var resumed = SearchRun.Run(Config(broken.Path), Data, TinySupernet.Factory(), resume: true);
        Assert.Equal((SearchOutcome.Completed, 3), (resumed.Outcome, resumed.CompletedEpochs));

        foreach (var file in new[] { RunFolder.CheckpointFile, RunFolder.OptimizerFile, RunFolder.ArchOptimizerFile, RunFolder.ArchFile })
            Assert.True(RunTestData.Sha256(Path.Combine(straight.Path, file)) == RunTestData.Sha256(Path.Combine(broken.Path, file)), $"{file} differs");
        Assert.Equal(RunTestData.MetricsWithoutTimes(straight.Path), RunTestData.MetricsWithoutTimes(broken.Path));
        for (int e = 1; e <= 3; e++)
        {
            var a = new RunFolder(straight.Path).ReadAttention(e);
            var b = new RunFolder(broken.Path).ReadAttention(e);
            Assert.Equal(a.Alphas![0].Logits, b.Alphas![0].Logits);
            Assert.Equal(a.Edges.Select(x => x.Importance), b.Edges.Select(x => x.Importance));
        }
        Assert.Equal(new RunFolder(straight.Path).ReadState().ArchOptimizer!.Steps, new RunFolder(broken.Path).ReadState().ArchOptimizer!.Steps);
    }

    [Theory]
    [InlineData(SearchMethods.Agnas, SearchMethods.Darts)]
    [InlineData(SearchMethods.Darts, SearchMethods.Agnas)]
    public void ResumingWithTheOtherMethodIsRefused(string ran, string given)
    {
        using var dir = new TempDir();
        var config = Config(dir.Path) with { Method = ran, Epochs = 1, Plots = false };
        SearchRun.Run(config, Data, TinySupernet.Factory());
        var e = Assert.Throws<SearchResumeException>(() =>
            SearchRun.Run(config with { Method = given, Epochs = 2 }, Data, TinySupernet.Factory(), resume: true));
        Assert.Contains($"holds a search with method {ran} and cannot be resumed with method {given}", e.Message);
        Assert.Contains($"Resume it with method {ran}", e.Message);
        Assert.Equal(1, new RunFolder(dir.Path).ReadState().CompletedEpochs);
        Assert.Equal(2, SearchRun.Run(config with { Epochs = 2 }, Data, TinySupernet.Factory(), resume: true).CompletedEpochs);
    }

    [Fact]
    public void ADartsStateWithoutTheAlphaOptimiserIsNotResumed()
    {
        using var dir = new TempDir();
        var config = Config(dir.Path) with { Epochs = 1, Plots = false };
        SearchRun.Run(config, Data, TinySupernet.Factory());
        var folder = new RunFolder(dir.Path);
        folder.WriteState(folder.ReadState() with { ArchOptimizer = null });
        var e = Assert.Throws<SearchResumeException>(() => SearchRun.Run(config with { Epochs = 2 }, Data, TinySupernet.Factory(), resume: true));
        Assert.Contains("no α optimiser state", e.Message);
        File.Delete(folder.ArchOptimizer);
        folder.WriteState(folder.ReadState() with { ArchOptimizer = new SavedOptimizer(new Dictionary<string, int> { ["arch_parameters"] = 3 }, [new(3e-4f, 3e-4f)]) });
        e = Assert.Throws<SearchResumeException>(() => SearchRun.Run(config with { Epochs = 2 }, Data, TinySupernet.Factory(), resume: true));
        Assert.Contains(RunFolder.ArchOptimizerFile + " is missing", e.Message);
    }

    /// <summary>A space whose supernet has no α (attention only): darts is refused before anything is written.</summary>
    [Fact]
    public void DartsNeedsASupernetWithAlpha()
    {
        using var dir = new TempDir();
        SupernetFactory attentionOnly = (space, spec, backend) => new AttentionOnly(new TinySupernet(spec with { Method = SearchMethod.Agnas }, backend));
        var e = Assert.Throws<ArgumentException>(() => SearchRun.Run(Config(dir.Path), Data, attentionOnly));
        Assert.Contains("has no architecture parameters α", e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, RunFolder.ConfigFile)));
    }

    private sealed class AttentionOnly(TinySupernet inner) : ISearchSupernet
    {
        public AgNas.Autograd.Modules.Module Network => inner.Network;
        public IReadOnlyList<AgNas.Search.Attention.AttentionModule> AttentionModules => inner.AttentionModules;
        public DerivedArchitecture Derive(IReadOnlyList<double[]> importance) => inner.Derive(importance);
    }

    private sealed class PoisonAfter(Func<TinySupernet?> supernet, int epoch) : SearchObserver
    {
        public override void EpochCompleted(EpochRecord record, DerivedArchitecture arch)
        {
            if (record.Epoch == epoch) supernet()!.Poison = true;
        }
    }

    [Fact]
    public void ANonFiniteAlphaLossStopsTheRunBeforeAlphaChanges()
    {
        using var dir = new TempDir();
        TinySupernet? built = null;
        var e = Assert.Throws<NonFiniteLossException>(() =>
            SearchRun.Run(Config(dir.Path), Data, TinySupernet.Factory(s => built = s), new PoisonAfter(() => built, 1)));
        Assert.Equal((2, 1, 1), (e.Epoch, e.Step, e.CompletedEpochs));
        Assert.Contains("the architecture (α) loss is NaN", e.Message);
        Assert.Contains("before updating α", e.Message);
        Assert.Equal(1, new RunFolder(dir.Path).ReadState().CompletedEpochs);
    }

    [Fact]
    public void AValidationPartTooSmallForAnAlphaStepIsRefused()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ArgumentException>(() => SearchRun.Run(Config(dir.Path) with { Subset = 20, TrainPortion = 0.95 }, Data, TinySupernet.Factory()));
        Assert.Contains("a darts α step needs at least 2", e.Message);
    }

    [Fact]
    public void ADartsSearchReleasesEveryTensorItCreated()
    {
        using var dir = new TempDir();
        var stats = CpuBackend.Instance.Stats;
        long before = stats.LiveTensors;
        SearchRun.Run(Config(dir.Path) with { Epochs = 1, Plots = false }, Data, TinySupernet.Factory());
        Assert.Equal(before, stats.LiveTensors);
    }
}

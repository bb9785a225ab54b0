using AgNas.Autograd;
using AgNas.Autograd.Optim;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Tests.Data;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Runs;

/// <summary>The shared recipe pieces: weight-decay groups, clipping, label smoothing, the per-step learning rate.</summary>
[Collection(LiveTensorCollection.Name)]
public class TrainingRecipeTests
{
    private const string Cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

    private static Nb201Network Nb201() => new(new Nb201NetworkConfig(Nb201Arch.Parse(Cell)) { InputChannels = 1, Classes = 4 });

    [Fact]
    public void ConvAndClassifierDecaysExactlyTheConvWeightsAndTheClassifier()
    {
        using var net = Nb201();
        var all = net.NamedParameters().ToList();
        Assert.Contains(all, p => p.Name == "classifier.weight");
        Assert.Contains(all, p => p.Name == "classifier.bias");
        using var sgd = new TrainingRecipe { LearningRate = 0.5, Momentum = 0.9, WeightDecay = 4e-5, WeightDecayScope = WeightDecayScopes.ConvAndClassifier }
            .CreateOptimizer(all);
        Assert.Equal(2, sgd.Groups.Count);
        var decay = sgd.Groups[0].Parameters.Select(p => p.Name).ToList();
        var expected = all.Where(p => p.Param.Shape.Rank == 4).Select(p => p.Name).Concat(["classifier.weight", "classifier.bias"]).ToList();
        Assert.Equal(expected.Order(), decay.Order());
        Assert.All(decay.Where(n => !n.StartsWith("classifier.", StringComparison.Ordinal)), n => Assert.EndsWith(".weight", n));
        Assert.Equal(all.Select(p => p.Name).Except(expected).Order(), sgd.Groups[1].Parameters.Select(p => p.Name).Order());
        Assert.Contains(sgd.Groups[1].Parameters, p => p.Name.EndsWith(".bias", StringComparison.Ordinal)); // BN's β
        Assert.Equal((4e-5f, 0f), (sgd.Groups[0].WeightDecay, sgd.Groups[1].WeightDecay));
        Assert.Equal((0.5f, 0.5f), (sgd.Groups[0].LearningRate, sgd.Groups[1].LearningRate));

        // all: one group of every parameter, as every earlier run.
        using var one = new TrainingRecipe { WeightDecay = 5e-4 }.CreateOptimizer(all);
        Assert.Equal(all.Select(p => p.Name), Assert.Single(one.Groups).Parameters.Select(p => p.Name));
        Assert.Equal(5e-4f, one.Groups[0].WeightDecay);
    }

    [Fact]
    public void TheDartsNetworksFinalLinearIsTheClassifierToo()
    {
        using var net = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Parse("DARTS_V2")) { InputChannels = 1, ImageHeight = 20, ImageWidth = 20, Classes = 4, Channels = 4, Layers = 3 });
        var names = net.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("classifier.weight", names);
        Assert.Contains("classifier.bias", names);
    }

    [Fact]
    public void TheOptimizerStateOfTwoGroupsRoundTrips()
    {
        using var net = Nb201();
        var recipe = new TrainingRecipe { LearningRate = 0.5, Momentum = 0.9, WeightDecay = 4e-5, WeightDecayScope = WeightDecayScopes.ConvAndClassifier };
        using var sgd = recipe.CreateOptimizer(net.NamedParameters());
        using (TensorScope.Begin())
            Functional.CrossEntropy(net.Forward(new Var(Tensor.Full(new Shape(2, 1, 8, 8), 0.5f, CpuBackend.Instance))), Tensor.FromArray([0, 1], new Shape(2), CpuBackend.Instance)).Backward();
        sgd.Step();
        sgd.LearningRate = 0.25f;
        var state = sgd.ExportState();
        using var other = recipe.CreateOptimizer(net.NamedParameters().Select(p => (p.Name, p.Param)));
        other.ImportState(state);
        Assert.Equal(state.Groups, other.ExportState().Groups);
        Assert.Equal(state.Steps.OrderBy(kv => kv.Key), other.ExportState().Steps.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void ClipByValueClampsEachGradientElementAndByNormScalesThemAll()
    {
        float[] Clipped(TrainingRecipe recipe)
        {
            // d(x·wᵀ)/dw = x: the gradient is exactly these values.
            var cpu = CpuBackend.Instance;
            var p = new Parameter(Tensor.Zeros(new Shape(1, 4), cpu));
            using (TensorScope.Begin())
                Functional.Linear(new Var(Tensor.FromArray([-7f, 0.5f, 7f, -3f], new Shape(1, 4), cpu)), p, null).Backward();
            recipe.ClipGradients([p]);
            var g = p.Grad!.ToArray();
            p.ClearGrad();
            p.Data.Dispose();
            return g;
        }
        Assert.Equal([-5f, 0.5f, 5f, -3f], Clipped(new TrainingRecipe { GradClip = 5, GradClipMode = GradClipModes.Value }));
        double norm = Math.Sqrt(49 + 0.25 + 49 + 9);
        var byNorm = Clipped(new TrainingRecipe { GradClip = 5 });
        Assert.Equal((float)(-7 * 5 / (norm + 1e-6)), byNorm[0], 5);
        Assert.Equal((float)(0.5 * 5 / (norm + 1e-6)), byNorm[1], 5);
        Assert.Equal([-7f, 0.5f, 7f, -3f], Clipped(new TrainingRecipe { GradClip = null, GradClipMode = GradClipModes.Value }));
    }

    [Fact]
    public void LabelSmoothingChangesTheOptimisedLossButNotTheEvaluationLoss()
    {
        var data = RunTestData.TrainQuadrants();
        var cpu = CpuBackend.Instance;
        using var dir = new TempDir();
        (double Train, double Eval) Losses(double smoothing)
        {
            using var net = Nb201();
            using var loader = new DataLoader(data.Train, cpu, new DataLoaderOptions { BatchSize = 16, Shuffle = false, Augmentation = Augmentation.Evaluation(data.Info), Prefetch = 0 });
            using var test = new DataLoader(data.Test, cpu, new DataLoaderOptions { BatchSize = 16, Shuffle = false, Training = false, Augmentation = Augmentation.Evaluation(data.Info), Prefetch = 0 });
            var recipe = new TrainingRecipe { LabelSmoothing = smoothing };
            // Learning rate 0: the weights stay as initialised, so both runs evaluate the same network.
            using var sgd = new Sgd(net.NamedParameters(), 0f);
            var epoch = new TrainingEpoch(net, cpu, recipe, default, "training", new RunFolder(dir.Path));
            var train = epoch.Train(loader, 1, sgd, 0)!.Value;
            var eval = epoch.Evaluate(test, 1)!.Value;
            return (train.MeanLoss, eval.MeanLoss);
        }
        var plain = Losses(0);
        var smoothed = Losses(0.1);
        Assert.NotEqual(plain.Train, smoothed.Train);
        Assert.Equal(plain.Eval, smoothed.Eval);
    }

    [Fact]
    public void TheLinearScheduleSetsEveryStepsRateFromEpochAndStep()
    {
        using var net = Nb201();
        var recipe = new TrainingRecipe { LearningRate = 0.25, LearningRateMin = 5e-4, LrSchedule = LrSchedules.Linear, Momentum = 0.9 };
        using var sgd = recipe.CreateOptimizer(net.NamedParameters());
        var schedule = recipe.CreateSchedule(sgd, epochs: 2, stepsPerEpoch: 3, completed: 0);
        var rates = new List<float>();
        for (int e = 1; e <= 2; e++)
        for (int s = 1; s <= 3; s++)
        {
            schedule.Set(e, s);
            rates.Add(sgd.LearningRate);
        }
        var expected = Enumerable.Range(0, 6).Select(t => (float)LinearDecayLR.LearningRateAt(0.25f, 5e-4, 6, t)).ToList();
        Assert.Equal(expected, rates);
        Assert.Equal(0.25f, rates[0]);
        Assert.True(rates.Zip(rates.Skip(1)).All(r => r.Second < r.First));

        // Cosine: one rate per epoch, whatever the step.
        using var cosine = new TrainingRecipe { LearningRate = 0.1 }.CreateOptimizer(net.NamedParameters());
        var perEpoch = new TrainingRecipe { LearningRate = 0.1 }.CreateSchedule(cosine, epochs: 4, stepsPerEpoch: 3, completed: 0);
        perEpoch.Set(3, 1);
        float first = cosine.LearningRate;
        perEpoch.Set(3, 3);
        Assert.Equal(first, cosine.LearningRate);
        Assert.Equal((float)CosineAnnealingLR.LearningRateAt(0.1f, 0, 4, 2), first);
    }

    [Fact]
    public void DuringAnEpochEachStepRunsAtItsOwnRate()
    {
        var data = RunTestData.TrainQuadrants();
        var cpu = CpuBackend.Instance;
        using var dir = new TempDir();
        using var net = Nb201();
        using var loader = new DataLoader(data.Train, cpu, new DataLoaderOptions { BatchSize = 16, Seed = 1, Augmentation = Augmentation.Evaluation(data.Info), Prefetch = 0 });
        var recipe = new TrainingRecipe { LearningRate = 0.1, LrSchedule = LrSchedules.Linear, Momentum = 0.9 };
        using var sgd = recipe.CreateOptimizer(net.NamedParameters());
        var schedule = recipe.CreateSchedule(sgd, epochs: 2, stepsPerEpoch: loader.BatchesPerEpoch, completed: 0);
        var epoch = new TrainingEpoch(net, cpu, recipe, default, "training", new RunFolder(dir.Path));
        var seen = new List<float>();
        Assert.NotNull(epoch.Train(loader, 2, sgd, 1, (step, _) => seen.Add(sgd.LearningRate), schedule: schedule));
        Assert.Equal(3, seen.Count);
        Assert.Equal(Enumerable.Range(3, 3).Select(t => (float)LinearDecayLR.LearningRateAt(0.1f, 0, 6, t)), seen);
    }
}

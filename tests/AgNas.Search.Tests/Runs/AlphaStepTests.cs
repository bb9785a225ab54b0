using AgNas.Autograd;
using AgNas.Autograd.Optim;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Search.Tests.Alpha;
using AgNas.Search.Tests.Data;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using AgNas.TestSupport;

namespace AgNas.Search.Tests.Runs;

/// <summary>
/// The first-order DARTS step on the tiny space: the α step alone against a hand-written Adam, and
/// the α step followed by a weight step (as <see cref="SearchRun"/> runs them) against each step
/// computed from its own batch alone.
/// </summary>
[Collection(LiveTensorCollection.Name)]
public class AlphaStepTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private static readonly SupernetSpec Darts = new(1, 4, 8, AllowNone: false, Seed: 0, Method: SearchMethod.Darts);

    private static TinySupernet NewNet() => new(Darts, Cpu);

    private static float[] AlphaOf(TinySupernet net) => net.AlphaSets[0].Alpha.Data.ToArray();

    /// <summary>Every parameter except α, by name.</summary>
    private static Dictionary<string, float[]> WeightsOf(TinySupernet net) => net.Network.NamedParameters()
        .Where(p => !ReferenceEquals(p.Param, net.AlphaSets[0].Alpha))
        .ToDictionary(p => p.Name, p => p.Param.Data.ToArray());

    private static (Tensor Images, Tensor Labels) Batch(int count, ulong seed)
    {
        var images = Tensor.FromArray(Nb201.SupernetTestUtil.Uniform(count * 64, seed), new Shape(count, 1, 8, 8), Cpu).DetachFromScope();
        var labels = Tensor.FromArray(Enumerable.Range(0, count).Select(i => (i * 3 + (int)seed) % 4).ToArray(), new Shape(count), Cpu).DetachFromScope();
        return (images, labels);
    }

    /// <summary>α's gradient of the mean cross-entropy on the batch, at the net's current α (the net is not changed otherwise).</summary>
    private static float[] AlphaGradient(TinySupernet net, (Tensor Images, Tensor Labels) batch)
    {
        net.Network.ZeroGrad();
        using (TensorScope.Begin())
            Functional.CrossEntropy(net.Network.Forward(new Var(batch.Images)), batch.Labels).Backward();
        var g = net.AlphaSets[0].Alpha.Grad!.ToArray();
        net.Network.ZeroGrad();
        return g;
    }

    /// <summary>
    /// Two α steps match torch.optim.Adam written out in double precision with DARTS' settings (lr
    /// 3e-4, betas (0.5, 0.999), eps 1e-8, L2 weight decay 1e-3 added to the gradient); the second step
    /// is the one where β1 = 0.5 shows (the first step of Adam moves every element by about lr).
    /// The weights do not move.
    /// </summary>
    [Fact]
    public void AlphaStepsAreDartsAdamOnAlphaAloneAndLeaveTheWeights()
    {
        using var net = NewNet();
        using var reference = NewNet();
        var b1 = Batch(6, 1);
        var b2 = Batch(6, 2);
        try
        {
            var weights = WeightsOf(net);
            using var step = new AlphaStep(net.Network, [("arch_parameters", net.AlphaSets[0].Alpha)]);
            int n = AlphaOf(net).Length;
            var m = new double[n];
            var v = new double[n];
            double[] Adam(float[] alpha, float[] grad, int t)
            {
                var next = new double[n];
                for (int i = 0; i < n; i++)
                {
                    double g = grad[i] + 1e-3 * alpha[i];
                    m[i] = 0.5 * m[i] + 0.5 * g;
                    v[i] = 0.999 * v[i] + 0.001 * g * g;
                    double mHat = m[i] / (1 - Math.Pow(0.5, t)), vHat = v[i] / (1 - Math.Pow(0.999, t));
                    next[i] = alpha[i] - 3e-4 * mHat / (Math.Sqrt(vHat) + 1e-8);
                }
                return next;
            }

            var alpha0 = AlphaOf(net);
            var expected1 = Adam(alpha0, AlphaGradient(reference, b1), 1);
            Assert.True(step.TryStep(b1.Images, b1.Labels, out var loss1));
            Assert.True(float.IsFinite(loss1) && loss1 > 0);
            var alpha1 = AlphaOf(net);
            for (int i = 0; i < n; i++) Assert.Equal(expected1[i], alpha1[i], 1e-9);
            Assert.Contains(Enumerable.Range(0, n), i => Math.Abs(alpha1[i] - alpha0[i]) > 2e-4); // about lr on the first step

            AlphaTestUtil.Set(reference.AlphaSets[0], alpha1);
            var expected2 = Adam(alpha1, AlphaGradient(reference, b2), 2);
            Assert.True(step.TryStep(b2.Images, b2.Labels, out _));
            var alpha2 = AlphaOf(net);
            for (int i = 0; i < n; i++) Assert.Equal(expected2[i], alpha2[i], 1e-9);
            Assert.Equal(2, step.Optimizer.StepCount(net.AlphaSets[0].Alpha));

            var after = WeightsOf(net);
            foreach (var (name, w) in weights) Assert.True(w.SequenceEqual(after[name]), $"{name} changed in an α step");
        }
        finally
        {
            foreach (var t in new[] { b1.Images, b1.Labels, b2.Images, b2.Labels }) t.Dispose();
        }
    }

    [Fact]
    public void ANonFiniteLossUpdatesNothing()
    {
        using var net = NewNet();
        var b = Batch(4, 3);
        try
        {
            using var step = new AlphaStep(net.Network, [("arch_parameters", net.AlphaSets[0].Alpha)]);
            var alpha = AlphaOf(net);
            net.Poison = true;
            Assert.False(step.TryStep(b.Images, b.Labels, out var loss));
            Assert.True(float.IsNaN(loss));
            Assert.Equal(alpha, AlphaOf(net));
            Assert.Equal(0, step.Optimizer.StepCount(net.AlphaSets[0].Alpha));
        }
        finally
        {
            b.Images.Dispose();
            b.Labels.Dispose();
        }
    }

    /// <summary>
    /// One training step of a darts epoch, as <see cref="SearchRun"/> composes it: the
    /// <see cref="TrainingEpoch"/> hook runs an <see cref="AlphaStep"/> on the validation batch, then the
    /// weight step runs on the training batch. α ends exactly as after an α step on the validation
    /// batch alone (and not as after one on the training batch); the weights end exactly as after a
    /// weight step alone on the training batch from that α, which that step leaves unchanged. The clip
    /// is tight so that every gradient norm is clipped: α's gradients left in the norm would change the
    /// weights too.
    /// </summary>
    [Fact]
    public void AlphaLearnsFromTheValidationBatchAndTheWeightsFromTheTrainingBatch()
    {
        var data = RunTestData.Quadrants(32);
        var options = new DataLoaderOptions { BatchSize = 16, Shuffle = false, Training = true, Prefetch = 0 };
        using var trainLoader = new DataLoader(data.Images, Enumerable.Range(0, 16).ToArray(), Cpu, options);
        using var validLoader = new DataLoader(data.Images, Enumerable.Range(16, 16).ToArray(), Cpu, options);
        using var dir = new TempDir();
        var folder = new RunFolder(dir.Path);
        const double clip = 0.01;

        (TrainingEpoch Epoch, Sgd Sgd) WeightStep(TinySupernet net)
        {
            var weights = net.Network.NamedParameters().Where(p => !ReferenceEquals(p.Param, net.AlphaSets[0].Alpha)).ToList();
            return (new TrainingEpoch(net.Network, Cpu, new TrainingRecipe { GradClip = clip }, default, "search", folder, weights.Select(w => w.Param)),
                new Sgd(weights, 0.025f, 0.9f, weightDecay: 3e-4f));
        }

        void AlphaStepOn(AlphaStep step, DataLoader loader)
        {
            using var batch = loader.Epoch(0).First();
            Assert.True(step.TryStep(batch.Images, batch.Labels, out _));
        }

        // Both steps, composed as the search composes them.
        using var both = NewNet();
        var (epoch, sgd) = WeightStep(both);
        using (sgd)
        using (var alphaStep = new AlphaStep(both.Network, [("arch_parameters", both.AlphaSets[0].Alpha)]))
        {
            int hooked = 0;
            Assert.NotNull(epoch.Train(trainLoader, 1, sgd, 0, beforeStep: _ => { hooked++; AlphaStepOn(alphaStep, validLoader); }));
            Assert.Equal(1, hooked);
        }

        // α from the validation batch alone, and (to show the check can tell) from the training batch.
        using var alphaOnly = NewNet();
        using (var s = new AlphaStep(alphaOnly.Network, [("arch_parameters", alphaOnly.AlphaSets[0].Alpha)])) AlphaStepOn(s, validLoader);
        using var alphaFromTrain = NewNet();
        using (var s = new AlphaStep(alphaFromTrain.Network, [("arch_parameters", alphaFromTrain.AlphaSets[0].Alpha)])) AlphaStepOn(s, trainLoader);
        Assert.Equal(AlphaOf(alphaOnly), AlphaOf(both));
        Assert.NotEqual(AlphaOf(alphaFromTrain), AlphaOf(both));

        // The weights from the training batch alone, at the α the α step produced.
        using var weightsOnly = NewNet();
        AlphaTestUtil.Set(weightsOnly.AlphaSets[0], AlphaOf(both));
        var (epoch2, sgd2) = WeightStep(weightsOnly);
        using (sgd2) Assert.NotNull(epoch2.Train(trainLoader, 1, sgd2, 0));
        Assert.Equal(AlphaOf(both), AlphaOf(weightsOnly)); // the weight step leaves α alone
        var expected = WeightsOf(weightsOnly);
        var actual = WeightsOf(both);
        var initial = WeightsOf(alphaFromTrain);
        foreach (var (name, w) in expected)
        {
            Assert.True(w.SequenceEqual(actual[name]), $"{name}: the weight step differs from one on the training batch alone");
            if (name.EndsWith("weight", StringComparison.Ordinal) && !name.Contains("bn", StringComparison.Ordinal))
                Assert.False(w.SequenceEqual(initial[name]), $"{name} did not move in the weight step");
        }
    }
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search;
using AgNas.Search.Profiling;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Cuda.Tests;

/// <summary>A NAS-Bench-201 supernet training step on emulated CUDA equals the CPU step (issue 4 item 5).</summary>
public class SupernetStepTests
{
    /// <summary>Tiny so the emulator (about a millisecond per launch) runs it in seconds: 1 cell per stage, 4 channels, 8×8 images.</summary>
    private static readonly Nb201SupernetConfig Tiny = new()
    {
        InputChannels = 3, Classes = 5, Channels = 4, CellsPerStage = 1, Reduction = 2, Seed = 3,
    };

    [Fact]
    public void TwoStepsMatchTheCpuInLossLogitsAndEveryParameter()
    {
        var comparisons = SupernetStepCheck.Run(CpuBackend.Instance, EmulatedCuda.Backend, Tiny, batch: 3, size: 8, steps: 2);
        Assert.Contains(comparisons, c => c.Name.StartsWith("loss", StringComparison.Ordinal));
        Assert.True(comparisons.Count > 20, $"only {comparisons.Count} quantities compared");
        var failed = comparisons.Where(c => !c.Passed).Select(c => $"{c.Name}: max error {c.MaxAbsError:g3}").ToList();
        Assert.True(failed.Count == 0, string.Join("; ", failed));
    }

    [Fact]
    public void TheDartsBaselinesSoftmaxMixingMatchesTheCpuToo()
    {
        var comparisons = SupernetStepCheck.Run(CpuBackend.Instance, EmulatedCuda.Backend, Tiny with { Method = SearchMethod.Darts }, batch: 3, size: 8);
        Assert.Contains(comparisons, c => c.Name.Contains("arch", StringComparison.Ordinal));
        var failed = comparisons.Where(c => !c.Passed).Select(c => $"{c.Name}: max error {c.MaxAbsError:g3}").ToList();
        Assert.True(failed.Count == 0, string.Join("; ", failed));
    }

    [Fact]
    public void TheCheckFailsWhenTheTargetStartsFromOtherWeights()
    {
        var same = SupernetStepCheck.Run(CpuBackend.Instance, CpuBackend.Instance, Tiny, batch: 2, size: 8);
        Assert.All(same, c => Assert.True(c.Passed && c.MaxAbsError == 0, c.Name));
        var other = SupernetStepCheck.Run(CpuBackend.Instance, CpuBackend.Instance, Tiny, batch: 2, size: 8, targetConfig: Tiny with { Seed = 4 });
        Assert.Contains(other, c => !c.Passed);
    }

    /// <summary>
    /// The ProxylessNAS space's choice layers (the supernet's own <see cref="ProxylessSupernet.ChoiceLayer"/>: the six MBConv blocks,
    /// depthwise 3/5/7 at strides 1 and 2, ReLU6, residuals, skip, attention over 7 and 6 candidates) between a stem and a classifier,
    /// stepped with the space's search recipe (linear schedule, label smoothing 0.1, clip by value, decay on conv weights and the
    /// classifier only): emulated CUDA equals the CPU. The full-width supernet (30.8 M parameters) takes the emulator over ten minutes
    /// of CPU time, so it is left to <c>agnas selftest --device cuda</c> on a real GPU.
    /// </summary>
    [Fact]
    public void TheProxylessChoiceLayersStepMatchesTheCpu()
    {
        var comparisons = SupernetStepCheck.Run(CpuBackend.Instance, EmulatedCuda.Backend, b => new ProxylessChoiceNet(b), new Shape(1, 8, 8), ProxylessChoiceNet.Classes,
            batch: 2, steps: 2, recipe: SearchConfig.ForSpace(SearchSpaces.Proxyless).Recipe());
        Assert.Contains(comparisons, c => c.Name.StartsWith("second.attention.fc2", StringComparison.Ordinal));
        Assert.Contains(comparisons, c => c.Name.StartsWith("first.ops.5.depthwise.0", StringComparison.Ordinal));
        var failed = comparisons.Where(c => !c.Passed).Select(c => $"{c.Name}: max error {c.MaxAbsError:g3}").ToList();
        Assert.True(failed.Count == 0, string.Join("; ", failed));
    }

    /// <summary>Stem conv 1→8 + BN + ReLU6, a stride-1 8→8 choice layer (K = 7, skip included), a stride-2 8→16 one (K = 6), GAP, classifier.</summary>
    private sealed class ProxylessChoiceNet : Module
    {
        public const int Classes = 3;

        public ProxylessChoiceNet(IBackend backend)
        {
            var generator = new Generator(5);
            Stem = RegisterModule("stem", new Sequential(new Conv2d(1, 8, 3, 1, 1, bias: false, generator: generator, backend: backend),
                new BatchNorm2d(8, backend: backend), new ReLU6()));
            First = RegisterModule("first", ProxylessSupernet.ChoiceLayer(new ProxylessLayer(0, 8, 8, 1), 4, generator, backend));
            Second = RegisterModule("second", ProxylessSupernet.ChoiceLayer(new ProxylessLayer(1, 8, 16, 2), 4, generator, backend));
            Classifier = RegisterModule("classifier", new Linear(16, Classes, bias: true, generator, backend));
        }

        private Sequential Stem { get; }
        private MixedChoice First { get; }
        private MixedChoice Second { get; }
        private Linear Classifier { get; }

        public override Var Forward(Var x) =>
            Classifier.Forward(Functional.Flatten(Functional.GlobalAvgPool(Second.Forward(First.Forward(Stem.Forward(x))))));
    }
}

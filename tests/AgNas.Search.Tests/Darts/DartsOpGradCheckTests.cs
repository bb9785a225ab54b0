using AgNas.Autograd.Checks;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Darts;

/// <summary>
/// The composite DARTS ops against finite differences, with respect to the input and every weight, in training
/// mode (batch-norm with batch statistics). The inputs keep clear of ReLU's kink by more than the step, and the
/// sizes are odd so that the stride-2 cases include FactorizedReduce's padded row and column.
/// </summary>
public class DartsOpGradCheckTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    /// <summary>
    /// <see cref="GradCheckSuite.Smooth"/>'s bounds with a step of 1e-3: the ReLU between a SepConv's two stacks acts on
    /// batch-normalised values, some of which lie within 1e-2 of its kink whatever the input, so the suite's 1e-2 step
    /// would difference across it.
    /// </summary>
    private static readonly GradCheckTolerance Tolerance = GradCheckSuite.Smooth with { Step = 1e-3 };

    /// <summary>Values in ±[0.1, 1]: a step of 1e-2 never moves an input across ReLU's kink.</summary>
    private static Tensor Input(Shape shape, ulong seed)
    {
        var v = SupernetTestUtil.Uniform(shape.Size, seed, 0.1f, 1f);
        for (int i = 0; i < v.Length; i++)
        {
            if (CounterRandom.Hash(seed + 1, (ulong)i) % 2 == 0) v[i] = -v[i];
        }
        return Tensor.FromArray(v, shape, Cpu);
    }

    public static TheoryData<string, int> Cases => new()
    {
        { "sep_conv_3x3", 1 }, { "sep_conv_3x3", 2 }, { "sep_conv_5x5", 2 },
        { "dil_conv_3x3", 1 }, { "dil_conv_5x5", 2 },
        { "skip_connect", 2 },    // FactorizedReduce
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CompositeOpGradientsMatchFiniteDifferences(string op, int stride)
    {
        var spec = DartsOpRegistry.Get(op);
        using var x = Input(new Shape(3, 2, 5, 7), seed: 40);
        Module Build() => spec.Create(2, stride, affine: true, new Generator(9), Cpu);
        string report = ModuleGradCheck.Run(Build, x, Tolerance, out bool passed);
        Assert.True(passed, $"{op} stride {stride}:\n{report}");
    }

    [Fact]
    public void FactorizedReduceWithOtherWidthsMatchesFiniteDifferences()
    {
        using var x = Input(new Shape(2, 3, 7, 9), seed: 41);
        string report = ModuleGradCheck.Run(() => new FactorizedReduce(3, 4, affine: false, new Generator(10), Cpu), x, GradCheckSuite.Smooth, out bool passed);
        Assert.True(passed, report);
    }
}

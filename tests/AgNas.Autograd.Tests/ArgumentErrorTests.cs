using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Autograd.Tests;

/// <summary>Shape errors the functions detect themselves: an ArgumentException naming the op, the shapes and what was expected.</summary>
public class ArgumentErrorTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private static Var V(params int[] dims) => new(Tensor.Zeros(new Shape(dims), Cpu), requiresGrad: true);

    private static void Throws(Func<Var> op, params string[] fragments)
    {
        var e = Assert.Throws<ArgumentException>(() => op());
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    [Fact]
    public void Conv2dChecksChannelsAgainstGroups()
    {
        using var scope = TensorScope.Begin();
        Throws(() => Conv2d(V(2, 4, 5, 5), V(6, 4, 3, 3), null, new Conv2dParams(Groups: 2)), "Conv2d", "(6, 4, 3, 3)", "(2, 4, 5, 5)", "(6, 2, kH, kW)");
        Throws(() => Conv2d(V(2, 3, 5, 5), V(4, 1, 3, 3), null, new Conv2dParams(Groups: 2)), "Conv2d", "divisible by groups = 2");
        Throws(() => Conv2d(V(2, 3, 5, 5), V(4, 3, 3, 3), V(3), new Conv2dParams(Stride: 1)), "Conv2d", "bias", "(3)", "expected (4)");
        Throws(() => Conv2d(V(2, 3, 2, 2), V(4, 3, 5, 5), null, new Conv2dParams(Stride: 1)), "Conv2d", "empty output");
        Throws(() => Conv2d(V(3, 5, 5), V(4, 3, 3, 3), null, new Conv2dParams(Stride: 1)), "Conv2d", "(3, 5, 5)", "rank 4");
        // `default(Conv2dParams)` is the all-zero struct: it must be rejected, not run with stride 0.
        Throws(() => Conv2d(V(2, 3, 5, 5), V(4, 3, 3, 3), null, default), "Conv2d", "Stride = 0", "stride >= 1");
    }

    [Fact]
    public void BatchNormChecksParameterShapes()
    {
        using var scope = TensorScope.Begin();
        Throws(() => BatchNorm2d(V(2, 3, 4, 4), V(4), V(3), null, null, true), "BatchNorm2d", "gamma", "(4)", "expected (3)");
        Throws(() => BatchNorm2d(V(2, 3, 4, 4), null, null, Tensor.Zeros(new Shape(3), Cpu), null, true), "BatchNorm2d", "both or neither");
        Throws(() => BatchNorm2d(V(1, 3, 1, 1), null, null, null, null, true), "BatchNorm2d", "(1, 3, 1, 1)", "more than 1");
        Throws(() => BatchNorm2d(V(2, 3, 4), null, null, null, null, true), "BatchNorm2d", "(2, 3, 4)");
    }

    [Fact]
    public void ConcatChecksTheNonChannelDims()
    {
        using var scope = TensorScope.Begin();
        Throws(() => Concat([V(2, 3, 4, 4), V(2, 1, 4, 5)]), "Concat", "part 1", "(2, 1, 4, 5)", "(2, 3, 4, 4)");
        Throws(() => Concat([V(2, 3, 4, 4), V(3, 1, 4, 4)]), "Concat", "(3, 1, 4, 4)");
        Throws(() => Concat([]), "Concat", "no parts");
    }

    [Fact]
    public void OtherShapeChecksNameTheOp()
    {
        using var scope = TensorScope.Begin();
        Throws(() => Linear(V(3, 5), V(4, 6), null), "Linear", "(3, 5)", "(4, 6)");
        Throws(() => GroupSum(V(2, 5, 3, 3), 2), "GroupSum", "(2, 5, 3, 3)", "groups = 2");
        Throws(() => ChannelMul(V(2, 3, 4, 4), V(2, 4)), "ChannelMul", "(2, 4)", "(2, 3)");
        Throws(() => SliceChannels(V(2, 3, 4, 4), 2, 2), "SliceChannels", "[2, 4)");
        Throws(() => Reshape(V(2, 3), new Shape(4, 2)), "Reshape", "(2, 3)", "(4, 2)");
        Throws(() => Mul(V(2, 3), V(3, 2)), "Mul", "(2, 3)", "(3, 2)");
        Throws(() => MaxPool2d(V(1, 1, 4, 4), new Pool2dParams(3, 1, 2)), "MaxPool2d", "padding 2");
        Throws(() => CrossEntropy(V(4, 5), Tensor.Zeros(new Shape(4), Cpu)), "CrossEntropy", "labels", "Int32");
        Throws(() => CrossEntropy(V(4, 5), Tensor.Zeros(new Shape(3), Cpu, DType.Int32)), "CrossEntropy", "labels", "(3)", "expected (4)");
        Throws(() => Dropout(V(2, 2), 1.5f, true, 0), "Dropout", "1.5");
    }
}

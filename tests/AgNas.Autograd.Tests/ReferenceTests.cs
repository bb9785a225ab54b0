using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using AgNas.Tests;
using static AgNas.Autograd.Functional;

namespace AgNas.Autograd.Tests;

/// <summary>
/// PyTorch reference cases (RefData/*.json) through the autograd functions: forward with the stored
/// inputs, Backward seeded with the stored grad_output, then every output and gradient compared
/// with |actual − torch| ≤ 1e-5 + 1e-4·|torch| (float32 sums in a different order than libtorch's).
/// </summary>
public class ReferenceTests
{
    private const double Atol = 1e-5, Rtol = 1e-4;

    private static IBackend Cpu => CpuBackend.Instance;

    private static void Same(RefCase rc, string section, string name, Tensor actual)
    {
        var (shape, data) = rc.Get(section, name);
        Assert.True(shape == actual.Shape, $"{section}.{name}: shape {actual.Shape}, torch {shape}");
        Approx.Equal(data, actual.ToArray(), Atol, Rtol, $"{section}.{name}");
    }

    private static Var Leaf(RefCase rc, string section, string name) => new(rc.ToTensor(section, name, Cpu), requiresGrad: true);

    [Theory]
    [InlineData("conv2d_3x3_s1_p1", true)]
    [InlineData("conv2d_3x3_s2_p1", true)]
    [InlineData("depthwise_conv3x3_d2_p2_s1", false)]
    public void Conv2d(string file, bool hasBias)
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load(file);
        var cfg = rc.Config;
        var p = new Conv2dParams(cfg.GetProperty("stride").GetInt32(), cfg.GetProperty("padding").GetInt32(),
            cfg.GetProperty("dilation").GetInt32(), cfg.GetProperty("groups").GetInt32());
        var x = Leaf(rc, "inputs", "x");
        var w = Leaf(rc, "params", "weight");
        var b = hasBias ? Leaf(rc, "params", "bias") : null;
        var y = Functional.Conv2d(x, w, b, p);
        Same(rc, "outputs", "y", y.Data);
        y.Backward(rc.ToTensor("grad_output", "y", Cpu));
        Same(rc, "grads", "x", x.Grad!);
        Same(rc, "grads", "weight", w.Grad!);
        if (b is not null) Same(rc, "grads", "bias", b.Grad!);
    }

    [Theory]
    [InlineData("batchnorm2d_train_affine", true)]
    [InlineData("batchnorm2d_train_noaffine", false)]
    public void BatchNorm2dTraining(string file, bool affine)
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load(file);
        var cfg = rc.Config;
        float eps = cfg.GetProperty("eps").GetSingle(), momentum = cfg.GetProperty("momentum").GetSingle();
        var x = Leaf(rc, "inputs", "x");
        var gamma = affine ? Leaf(rc, "params", "weight") : null;
        var beta = affine ? Leaf(rc, "params", "bias") : null;
        var runningMean = rc.ToTensor("buffers_before", "running_mean", Cpu);
        var runningVar = rc.ToTensor("buffers_before", "running_var", Cpu);
        var y = Functional.BatchNorm2d(x, gamma, beta, runningMean, runningVar, training: true, momentum, eps);
        Same(rc, "outputs", "y", y.Data);
        Same(rc, "buffers_after", "running_mean", runningMean);
        Same(rc, "buffers_after", "running_var", runningVar);
        y.Backward(rc.ToTensor("grad_output", "y", Cpu));
        Same(rc, "grads", "x", x.Grad!);
        if (affine)
        {
            Same(rc, "grads", "weight", gamma!.Grad!);
            Same(rc, "grads", "bias", beta!.Grad!);
        }
    }

    [Fact]
    public void MaxPool3x3S1P1()
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load("max_pool_3x3_s1_p1");
        var x = Leaf(rc, "inputs", "x");
        var y = MaxPool2d(x, new Pool2dParams(3, 1, 1));
        Same(rc, "outputs", "y", y.Data);
        y.Backward(rc.ToTensor("grad_output", "y", Cpu));
        Same(rc, "grads", "x", x.Grad!);
    }

    [Fact]
    public void AvgPool3x3S1P1ExcludePad()
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load("avg_pool_3x3_s1_p1_exclude_pad");
        Assert.False(rc.Config.GetProperty("count_include_pad").GetBoolean());
        var x = Leaf(rc, "inputs", "x");
        var y = AvgPool2d(x, new Pool2dParams(3, 1, 1), countIncludePad: false);
        Same(rc, "outputs", "y", y.Data);
        y.Backward(rc.ToTensor("grad_output", "y", Cpu));
        Same(rc, "grads", "x", x.Grad!);
    }

    [Fact]
    public void GlobalAvgPoolToBC()
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load("global_avg_pool");
        var x = Leaf(rc, "inputs", "x");
        var y = GlobalAvgPool(x);
        Same(rc, "outputs", "y", y.Data);
        y.Backward(rc.ToTensor("grad_output", "y", Cpu));
        Same(rc, "grads", "x", x.Grad!);
    }

    [Fact]
    public void LinearWithBias()
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load("linear");
        var x = Leaf(rc, "inputs", "x");
        var w = Leaf(rc, "params", "weight");
        var b = Leaf(rc, "params", "bias");
        var y = Linear(x, w, b);
        Same(rc, "outputs", "y", y.Data);
        y.Backward(rc.ToTensor("grad_output", "y", Cpu));
        Same(rc, "grads", "x", x.Grad!);
        Same(rc, "grads", "weight", w.Grad!);
        Same(rc, "grads", "bias", b.Grad!);
    }

    [Fact]
    public void ReluZeroGradientAtZero()
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load("relu");
        var x = Leaf(rc, "inputs", "x");
        var y = Relu(x);
        Same(rc, "outputs", "y", y.Data);
        y.Backward(rc.ToTensor("grad_output", "y", Cpu));
        Same(rc, "grads", "x", x.Grad!);
    }

    [Theory]
    [InlineData("cross_entropy_mean")]
    [InlineData("cross_entropy_mean_label_smoothing_0.1")]
    public void CrossEntropyMean(string file)
    {
        using var scope = TensorScope.Begin();
        var rc = RefCase.Load(file);
        float eps = rc.Config.GetProperty("label_smoothing").GetSingle();
        var logits = Leaf(rc, "inputs", "logits");
        var labels = rc.Labels("inputs", "target", Cpu); // int64 targets stored as floats → int32
        var loss = CrossEntropy(logits, labels, eps);
        Assert.Equal(Shape.Scalar, loss.Shape);
        Same(rc, "outputs", "loss", loss.Data);
        loss.Backward(rc.ToTensor("grad_output", "loss", Cpu));
        Same(rc, "grads", "logits", logits.Grad!);
    }
}

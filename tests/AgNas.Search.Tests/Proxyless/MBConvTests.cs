using AgNas.Autograd;
using AgNas.Autograd.Checks;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Search.Tests.Darts;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Proxyless;

public class MBConvTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    /// <summary>
    /// The suite's bounds for smooth functions with a step of 5e-3: with the BNs of <see cref="Smooth"/> the block is smooth on these
    /// inputs; 1e-2 lets the BN's curvature show in the weights' differences, 1e-3 lets float32 rounding through the three BNs show.
    /// </summary>
    private static readonly GradCheckTolerance Tolerance = GradCheckSuite.Smooth with { Step = 5e-3 };

    /// <summary>
    /// An MBConv whose BNs before a ReLU6 have γ = 0.5, β = 3: the batch-normalised values (|x̂| &lt; 3 on these inputs) then lie in
    /// (1.5, 4.5), clear of ReLU6's kinks at 0 and 6 by far more than the step. With γ = 1, β = 0 many of them sit within a
    /// step's reach of 0 on channels this narrow, and the differences straddle the kink (ReLU6 itself is gradchecked as a primitive);
    /// a step small enough to avoid that drowns in float32 rounding.
    /// </summary>
    private static MBConv Smooth(int k, int e, int stride, int cin, int cout)
    {
        var block = new MBConv(k, e, stride, cin, cout, new Generator(11), Cpu);
        foreach (var stage in new[] { block.Expand, block.Depthwise })
        {
            if (stage is null) continue;
            var bn = (BatchNorm2d)stage[1];
            Cpu.Fill(bn.Weight!.Data, 0.5f);
            Cpu.Fill(bn.Bias!.Data, 3f);
        }
        return block;
    }

    private static Tensor Input(Shape shape, ulong seed) => Tensor.FromArray(SupernetTestUtil.Uniform(shape.Size, seed), shape, Cpu);

    [Theory]
    [InlineData(3, 6, 1, 8, 8, 9, 9, true)]    // same shape: residual
    [InlineData(5, 3, 2, 8, 8, 4, 4, false)]   // stride 2: 7 → ⌈7/2⌉ = 4
    [InlineData(7, 3, 1, 8, 12, 9, 9, false)]  // in ≠ out
    [InlineData(3, 1, 1, 8, 8, 9, 9, true)]    // e = 1 with residual
    public void ShapesAndResidualFollowTheDefinition(int k, int e, int stride, int cin, int cout, int ho, int wo, bool residual)
    {
        int h = stride == 2 ? 7 : 9;
        using var block = new MBConv(k, e, stride, cin, cout, new Generator(1), Cpu);
        using var scope = TensorScope.Begin();
        var y = block.Forward(new Var(Input(new Shape(2, cin, h, h), 3)));
        Assert.Equal(new Shape(2, cout, ho, wo), y.Shape);
        Assert.Equal(residual, block.Residual);
        Assert.Equal(e != 1, block.Expand is not null);
    }

    [Fact]
    public void StateDictNamesAndParameterCountAreTheDocumentedOnes()
    {
        using var block = new MBConv(5, 6, 2, 4, 8, new Generator(1), Cpu);
        var names = block.NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal(["expand.0.weight", "expand.1.weight", "expand.1.bias", "depthwise.0.weight", "depthwise.1.weight", "depthwise.1.bias",
            "project.0.weight", "project.1.weight", "project.1.bias"], names);
        // 4·24 + 48 (expand) + 24·25 + 48 (depthwise) + 24·8 + 16 (project); no bias anywhere.
        Assert.Equal(4 * 24 + 48 + 24 * 25 + 48 + 24 * 8 + 16, block.ParameterCount());
        Assert.Equal(new Shape(24, 1, 5, 5), ((Conv2d)block.Depthwise[0]).Weight.Data.Shape);
        Assert.Equal(ProxylessFormula.MBConv(5, 6, 2, 4, 8, 1).Params, block.ParameterCount());

        using var plain = new MBConv(3, 1, 1, 40, 24, new Generator(1), Cpu);
        Assert.Equal(["depthwise.0.weight", "depthwise.1.weight", "depthwise.1.bias", "project.0.weight", "project.1.weight", "project.1.bias"],
            plain.NamedParameters().Select(p => p.Name).ToList());
    }

    [Fact]
    public void TheResidualAddsTheInput()
    {
        // Zeroing the project BN's γ and β makes conv(x) = 0, so a residual block returns x.
        using var block = new MBConv(3, 3, 1, 3, 3, new Generator(2), Cpu);
        var bn = (BatchNorm2d)block.Project[1];
        Cpu.Fill(bn.Weight!.Data, 0f);
        Cpu.Fill(bn.Bias!.Data, 0f);
        using var scope = TensorScope.Begin();
        using var x = Input(new Shape(2, 3, 5, 5), 4);
        Assert.Equal(x.ToArray(), block.Forward(new Var(x)).Data.ToArray());
    }

    [Theory]
    [InlineData(3, 2, 1, 2, 2)]   // residual
    [InlineData(3, 2, 2, 2, 3)]   // stride 2, no residual
    [InlineData(3, 1, 1, 2, 3)]   // e = 1, no residual
    [InlineData(5, 1, 1, 2, 2)]   // e = 1, residual
    public void GradientsMatchFiniteDifferences(int k, int e, int stride, int cin, int cout)
    {
        using var x = Input(new Shape(3, cin, 5, 5), seed: 50);
        string report = ModuleGradCheck.Run(() => Smooth(k, e, stride, cin, cout), x, Tolerance, out bool passed);
        Assert.True(passed, $"MBConv k {k} e {e} stride {stride} {cin}→{cout}:\n{report}");
    }

    [Fact]
    public void InvalidSizesAreRefused()
    {
        Assert.Contains("odd k", Assert.Throws<ArgumentException>(() => new MBConv(4, 3, 1, 8, 8, new Generator(), Cpu)).Message);
        Assert.Throws<ArgumentException>(() => new MBConv(3, 0, 1, 8, 8, new Generator(), Cpu));
        using var block = new MBConv(3, 3, 1, 8, 8, new Generator(), Cpu);
        using var scope = TensorScope.Begin();
        Assert.Contains("expected (B, 8, H, W)", Assert.Throws<ArgumentException>(() => block.Forward(new Var(Input(new Shape(1, 4, 5, 5), 1)))).Message);
    }
}

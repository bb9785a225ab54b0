using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Analysis;
using AgNas.Search.Ops;
using AgNas.Search.Tests.Data;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Search.Tests.Analysis;

[Collection(LiveTensorCollection.Name)]
public class NetworkSummaryTests
{
    /// <summary>
    /// conv: Conv2d 4→8, 3×3, stride 2, pad 1, groups 2 (a 9×9 image gives 8×5×5); blocks.0: a block that does not report
    /// itself, 1×1 conv 8→8 then ReLU; blocks.1: Sequential(ReLU) (no arithmetic); fc: Linear 8→3 after a global average
    /// pool; and a parameter of the network itself.
    /// </summary>
    private sealed class Tiny : Module
    {
        public Tiny(bool ownParameter = false)
        {
            var g = new Generator(1);
            Conv = RegisterModule("conv", new Conv2d(4, 8, kernelSize: 3, stride: 2, padding: 1, groups: 2, generator: g));
            Blocks = RegisterModule("blocks", new ModuleList<Module>([new Block(g), new Sequential(new ReLU())]));
            Fc = RegisterModule("fc", new Linear(8, 3, generator: g));
            if (ownParameter) RegisterParameter("scale", new Parameter(Tensor.Zeros(new Shape(5), Fc.Weight.Data.Backend)));
        }

        public Conv2d Conv { get; }
        public ModuleList<Module> Blocks { get; }
        public Linear Fc { get; }

        public override Var Forward(Var x)
        {
            var h = Conv.Forward(x);
            foreach (var block in Blocks.Items) h = block.Forward(h);
            return Fc.Forward(Functional.GlobalAvgPool(h));
        }
    }

    /// <summary>A 1×1 conv 8→8 then ReLU; unlike a network's cells it does not report its own output.</summary>
    private sealed class Block : Module
    {
        public Block(Generator g) => Conv = RegisterModule("conv", new Conv2d(8, 8, kernelSize: 1, generator: g));

        public Conv2d Conv { get; }

        public override Var Forward(Var x) => Functional.Relu(Conv.Forward(x));
    }

    [Fact]
    public void CountsConvAndLinearMultiplyAddsPerLayerWithGroupsAndStride()
    {
        using var net = new Tiny();
        var summary = NetworkSummary.Of(net, new Shape(4, 9, 9));

        Assert.Equal(["conv", "blocks.0", "blocks.1", "fc"], summary.Layers.Select(l => l.Name));
        // Conv: 8 outputs × 5×5 positions × (4/2 inputs per group) × 3×3 taps.
        Assert.Equal(8L * 25 * 2 * 9, summary["conv"].MultiplyAdds);
        Assert.Equal(new Shape(8, 5, 5), summary["conv"].Output);
        Assert.Equal(8 * 2 * 9 + 8, summary["conv"].Parameters);
        Assert.Equal("Conv2d", summary["conv"].Type);
        Assert.Equal(3L * 8, summary["fc"].MultiplyAdds);
        Assert.Equal(new Shape(3), summary["fc"].Output);
        Assert.Equal(8 * 3 + 3, summary["fc"].Parameters);
        Assert.Equal(0, summary["blocks.1"].MultiplyAdds);
        Assert.Equal(new Shape(8, 5, 5), summary["blocks.1"].Output); // Sequential reports its output
        Assert.Equal(0, summary["blocks.1"].Parameters);
        Assert.Equal(3600L + 1600 + 0 + 24, summary.TotalMultiplyAdds);
        Assert.Equal(net.ParameterCount(), summary.TotalParameters);
        Assert.False(net.IsTraining);
    }

    [Fact]
    public void ALayerThatDoesNotReportItselfTakesTheShapeOfTheLastOutputInsideIt()
    {
        using var net = new Tiny();
        var summary = NetworkSummary.Of(net, new Shape(4, 9, 9));
        Assert.Equal(new Shape(8, 5, 5), summary["blocks.0"].Output); // its conv's
        Assert.Equal(8L * 25 * 8, summary["blocks.0"].MultiplyAdds);
        Assert.Equal(8 * 8 + 8, summary["blocks.0"].Parameters);
    }

    [Fact]
    public void TheCountingPassReleasesEveryTensorItCreated()
    {
        using var net = new Tiny();
        long before = CpuBackend.Instance.Stats.LiveTensors;
        NetworkSummary.Of(net, new Shape(4, 9, 9));
        Assert.Equal(before, CpuBackend.Instance.Stats.LiveTensors);
        Assert.False(ForwardTrace.IsObserved);
    }

    [Fact]
    public void LayersLeftOutOfTheTotalsAreStillCounted()
    {
        using var net = new Tiny();
        var summary = NetworkSummary.Of(net, new Shape(4, 9, 9), notInTotals: ["conv"]);
        Assert.False(summary["conv"].InTotals);
        Assert.Equal(3600, summary["conv"].MultiplyAdds);
        Assert.Equal(summary.Layers.Where(l => l.Name != "conv").Sum(l => l.MultiplyAdds), summary.TotalMultiplyAdds);
        Assert.Equal(net.ParameterCount() - 152, summary.TotalParameters);
    }

    [Fact]
    public void TheNetworksOwnParametersGetARow()
    {
        using var net = new Tiny(ownParameter: true);
        var summary = NetworkSummary.Of(net, new Shape(4, 9, 9));
        Assert.Equal(5, summary[NetworkSummary.OwnRowName].Parameters);
        Assert.Equal(net.ParameterCount(), summary.TotalParameters);
    }

    [Fact]
    public void AForwardPassCanBeGivenAndCountsEveryCall()
    {
        using var net = new Tiny();
        // The conv twice (on a 4-channel image, then again on a second one): its multiply-adds double.
        var summary = NetworkSummary.Of(net, new Shape(4, 9, 9), x =>
        {
            net.Conv.Forward(x);
            net.Conv.Forward(x);
        });
        Assert.Equal(2 * 3600, summary["conv"].MultiplyAdds);
        Assert.Null(summary["fc"].Output); // never ran
        Assert.Equal(0, summary["fc"].MultiplyAdds);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        using var net = new Tiny();
        Assert.Contains("not a layer", Assert.Throws<ArgumentException>(() => NetworkSummary.Of(net, new Shape(4, 9, 9), notInTotals: ["head"])).Message);
        Assert.Contains("(C, H, W)", Assert.Throws<ArgumentException>(() => NetworkSummary.Of(net, new Shape(1, 4, 9, 9))).Message);
        Assert.Contains("input has shape", Assert.Throws<ArgumentException>(() => NetworkSummary.Of(net, new Shape(3, 9, 9))).Message);
    }

    [Fact]
    public void MultiplyAddsOfOtherModulesAreZeroAndShapesAreChecked()
    {
        using var conv = new Conv2d(6, 12, kernelSize: 5, stride: 1, padding: 2, groups: 3);
        Assert.Equal(12L * 7 * 7 * 2 * 25, MultiplyAdds.PerImage(conv, new Shape(4, 12, 7, 7))); // per image, whatever the batch
        Assert.Equal(0, MultiplyAdds.PerImage(new ReLU(), new Shape(1, 12, 7, 7)));
        Assert.Throws<ArgumentException>(() => MultiplyAdds.PerImage(conv, new Shape(1, 6, 7, 7)));
    }
}

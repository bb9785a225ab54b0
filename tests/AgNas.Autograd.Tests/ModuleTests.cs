using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using static AgNas.Autograd.Tests.TestUtil;

namespace AgNas.Autograd.Tests;

public class ModuleTests
{
    /// <summary>Conv2d(3→16, 3×3, pad 1), BatchNorm2d(16), ReLU, Linear(16→10) (a shape-incoherent chain: only the state is used here).</summary>
    private static Sequential Net(ulong seed = 0)
    {
        var g = new Generator(seed);
        return new Sequential(new Conv2d(3, 16, 3, padding: 1, generator: g), new BatchNorm2d(16), new ReLU(), new Linear(16, 10, generator: g));
    }

    /// <summary>A module with PyTorch-style attribute names, as a network class would have.</summary>
    private sealed class Classifier : Module
    {
        public Classifier()
        {
            var g = new Generator(1);
            Features = RegisterModule("features", new Sequential(new Conv2d(3, 4, 3, bias: false, generator: g), new BatchNorm2d(4)));
            Head = RegisterModule("classifier", new Linear(4, 2, generator: g));
            Temperature = RegisterParameter("temperature", new Parameter(Tensor.Full(new Shape(1), 1f, Cpu)));
        }

        public Sequential Features { get; }
        public Linear Head { get; }
        public Parameter Temperature { get; }

        public override Var Forward(Var x) => Head.Forward(Features.Forward(x));

        public void Register(string name) => RegisterParameter(name, new Parameter(Tensor.Zeros(new Shape(1), Cpu)));
    }

    [Fact]
    public void StateDictKeysMatchPyTorchForSequential()
    {
        using var net = Net();
        string[] expected = ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"];
        Assert.Equal(expected, net.StateDict().Select(e => e.Name));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"], net.NamedParameters().Select(e => e.Name));
        Assert.Equal(["1.running_mean", "1.running_var", "1.num_batches_tracked"], net.NamedBuffers().Select(e => e.Name));
        var shapes = net.StateDict().ToDictionary(e => e.Name, e => e.Value.Shape);
        Assert.Equal(new Shape(16, 3, 3, 3), shapes["0.weight"]);
        Assert.Equal(new Shape(10, 16), shapes["3.weight"]);
        Assert.Equal(Shape.Scalar, shapes["1.num_batches_tracked"]);
    }

    [Fact]
    public void OwnParametersComeBeforeChildrenAndNamesAreDotted()
    {
        using var net = new Classifier();
        // PyTorch: a module's own parameters, then its buffers, then the children in registration order.
        Assert.Equal(
            ["temperature", "features.0.weight", "features.1.weight", "features.1.bias", "features.1.running_mean",
             "features.1.running_var", "features.1.num_batches_tracked", "classifier.weight", "classifier.bias"],
            net.StateDict().Select(e => e.Name));
        Assert.Equal(["", "features", "features.0", "features.1", "classifier"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(["features", "classifier"], net.NamedChildren().Select(c => c.Name));
    }

    [Fact]
    public void RegistrationRejectsDuplicateAndDottedNames()
    {
        using var net = new Classifier();
        Assert.Throws<ArgumentException>(() => net.Register("temperature"));
        Assert.Throws<ArgumentException>(() => net.Register("features"));
        Assert.Throws<ArgumentException>(() => net.Register("a.b"));
        Assert.Throws<ArgumentException>(() => net.Register(""));
    }

    [Fact]
    public void ParameterCountSumsEveryParameterOnce()
    {
        using var net = Net();
        // conv 16·3·3·3 + 16 = 448; BN 16 + 16 = 32; linear 16·10 + 10 = 170.
        Assert.Equal(448 + 32 + 170, net.ParameterCount());
        Assert.Equal(6, net.Parameters().Count());

        // A layer used twice is one set of parameters (PyTorch's parameters() deduplicates), but
        // the state dict names it under both paths (as PyTorch's state_dict does).
        var fc = new Linear(4, 4);
        using var twice = new Sequential(fc, fc);
        Assert.Equal(20, twice.ParameterCount());
        Assert.Equal(["0.weight", "0.bias"], twice.NamedParameters().Select(e => e.Name));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], twice.StateDict().Select(e => e.Name));
    }

    [Fact]
    public void TrainAndEvalPropagateToEveryDescendant()
    {
        using var net = new Classifier();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.IsTraining));
        Assert.Same(net, net.Eval());
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.IsTraining, m.Name));
        net.Features.Train();
        Assert.False(net.IsTraining);
        Assert.True(net.Features[1].IsTraining);
        net.Train();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.IsTraining, m.Name));
        // A child registered into a module in eval mode takes that mode.
        var seq = new Sequential();
        Assert.True(seq.IsTraining);
        using var outer = new Sequential(new ReLU());
        outer.Eval();
        outer.Append(seq);
        Assert.False(seq.IsTraining);
    }

    [Fact]
    public void LoadStateDictCopiesValuesIntoTheSameParameters()
    {
        using var a = Net(seed: 1);
        using var b = Net(seed: 2);
        var paramsBefore = b.Parameters().ToList();
        Assert.NotEqual(a.StateDict()[0].Value.ToArray(), b.StateDict()[0].Value.ToArray());
        var result = b.LoadStateDict(a.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(paramsBefore, b.Parameters().ToList());
        foreach (var ((na, ta), (nb, tb)) in a.StateDict().Zip(b.StateDict()))
        {
            Assert.Equal(na, nb);
            if (ta.DType == DType.Int32) Assert.Equal(ta.ToInt32Array(), tb.ToInt32Array());
            else Assert.Equal(ta.ToArray(), tb.ToArray());
        }
    }

    [Fact]
    public void LoadStateDictReportsEveryMismatchAtOnceAndLoadsNothing()
    {
        using var net = Net(seed: 1);
        using var other = Net(seed: 2);
        var before = net.StateDict()[0].Value.ToArray();
        using var scope = Tensors.Memory.TensorScope.Begin();
        var state = other.StateDict()
            .Where(e => e.Name != "0.bias")
            .Select(e => e.Name switch
            {
                "1.running_mean" => (e.Name, Tensor.Zeros(new Shape(15), Cpu)),
                "1.num_batches_tracked" => (e.Name, Tensor.Zeros(Shape.Scalar, Cpu)),
                _ => e,
            })
            .Append(("2.weight", Tensor.Zeros(new Shape(1), Cpu)))
            .ToList();
        var ex = Assert.Throws<ArgumentException>(() => net.LoadStateDict(state));
        Assert.Contains("missing keys (1): [0.bias]", ex.Message);
        Assert.Contains("unexpected keys (1): [2.weight]", ex.Message);
        Assert.Contains("1.running_mean: given (15), module has (16)", ex.Message);
        Assert.Contains("1.num_batches_tracked: given Float32, module has Int32", ex.Message);
        Assert.Equal(before, net.StateDict()[0].Value.ToArray());

        // Not strict: missing and unexpected names are returned, shape errors still throw.
        var partial = other.StateDict().Where(e => e.Name != "0.bias").Append(("2.weight", Tensor.Zeros(new Shape(1), Cpu))).ToList();
        var result = net.LoadStateDict(partial, strict: false);
        Assert.Equal(["0.bias"], result.MissingKeys);
        Assert.Equal(["2.weight"], result.UnexpectedKeys);
        Assert.Equal(other.StateDict()[0].Value.ToArray(), net.StateDict()[0].Value.ToArray());
        Assert.Throws<ArgumentException>(() => net.LoadStateDict(state, strict: false));
    }

    [Fact]
    public void LoadingNumBatchesTrackedUpdatesTheBatchCounter()
    {
        using var bn = new BatchNorm2d(2);
        using var count = Tensor.FromArray([7], Shape.Scalar, Cpu);
        var state = bn.StateDict().Select(e => e.Name == "num_batches_tracked" ? (e.Name, count) : e).ToList();
        bn.LoadStateDict(state);
        Assert.Equal(7, bn.NumBatchesTracked);
    }

    [Fact]
    public void ToTheBackendItIsOnIsANoOp()
    {
        using var net = Net(seed: 3);
        var tensors = net.StateDict().Select(e => e.Value).ToList();
        Assert.Same(net, net.To(Cpu));
        Assert.Equal(tensors, net.StateDict().Select(e => e.Value).ToList());
    }

    [Fact]
    public void ZeroGradClearsEveryGradient()
    {
        using var net = Net();
        foreach (var p in net.Parameters()) SetGrad(p, new float[p.Data.Size]);
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void DisposeReleasesParametersGradientsAndBuffers()
    {
        var net = Net();
        var p0 = net.Parameters().First();
        SetGrad(p0, new float[p0.Data.Size]);
        var grad = p0.Grad!;
        var tensors = net.StateDict().Select(e => e.Value).ToList();
        net.Dispose();
        Assert.All(tensors, t => Assert.True(t.IsDisposed));
        Assert.True(grad.IsDisposed);
        net.Dispose(); // idempotent
    }

    [Fact]
    public void ParametersAndBuffersOutliveTheScopeTheyWereCreatedIn()
    {
        Sequential net;
        using (Tensors.Memory.TensorScope.Begin()) net = Net();
        using (net)
        {
            Assert.All(net.StateDict(), e => Assert.False(e.Value.IsDisposed, e.Name));
        }
    }

    [Fact]
    public void ToStringShowsTheTree()
    {
        using var net = Net();
        var text = net.ToString();
        Assert.StartsWith("Sequential(", text);
        Assert.Contains("(0): Conv2d(3, 16, kernel 3, stride 1, padding 1)", text);
        Assert.Contains("(1): BatchNorm2d(16, eps 1E-05, momentum 0.1)", text);
        Assert.Contains("(3): Linear(16, 10)", text);
    }
}

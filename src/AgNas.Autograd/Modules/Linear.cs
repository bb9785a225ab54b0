using AgNas.Autograd.Init;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Autograd.Modules;

/// <summary>
/// y = x·Wᵀ + b, as torch.nn.Linear: weight (O, I), optional bias (O). Initialised as PyTorch:
/// weight kaiming-uniform with a = √5 (bound 1/√I), bias U(±1/√I), drawn in that order.
/// </summary>
public sealed class Linear : Module
{
    /// <remarks>generator: the source of the initial weights; null uses a new <see cref="Generator"/>
    /// with <see cref="Generator.DefaultSeed"/> (pass one shared generator when building a network).
    /// backend: where the tensors live; null is the CPU backend.</remarks>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null, IBackend? backend = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Linear({inFeatures}, {outFeatures}): sizes must be positive.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        generator ??= new Generator();
        backend ??= CpuBackend.Instance;

        var w = Tensor.Empty(new Shape(outFeatures, inFeatures), backend);
        Initializers.KaimingUniform(w, generator);
        Weight = RegisterParameter("weight", new Parameter(w));
        if (bias)
        {
            var b = Tensor.Empty(new Shape(outFeatures), backend);
            double bound = Initializers.DefaultBiasBound(inFeatures);
            Initializers.Uniform(b, -bound, bound, generator);
            Bias = RegisterParameter("bias", new Parameter(b));
        }
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>(O, I).</summary>
    public Parameter Weight { get; }

    /// <summary>(O), or null when built with bias: false.</summary>
    public Parameter? Bias { get; }

    /// <summary>x (B, I) → (B, O), reported to <see cref="ForwardTrace"/>.</summary>
    /// <exception cref="ArgumentException">x is not (B, I) with I = <see cref="InFeatures"/>.</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 2 || x.Shape[1] != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}→{OutFeatures}): input has shape {x.Shape}; expected (B, {InFeatures}).");
        return ForwardTrace.Record(this, Functional.Linear(x, Weight, Bias));
    }

    protected override string ExtraRepr => $"{InFeatures}, {OutFeatures}{(Bias is null ? ", no bias" : "")}";
}

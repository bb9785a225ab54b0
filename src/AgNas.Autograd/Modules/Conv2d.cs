using AgNas.Autograd.Init;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Autograd.Modules;

/// <summary>
/// 2-D convolution, as torch.nn.Conv2d with square kernel, stride, padding and dilation: weight
/// (O, I/groups, k, k), optional bias (O). Initialised as PyTorch: weight kaiming-uniform with
/// a = √5 (bound 1/√fan_in, fan_in = (I/groups)·k²), bias U(±1/√fan_in), drawn in that order.
/// </summary>
public sealed class Conv2d : Module
{
    /// <remarks>generator: the source of the initial weights; null uses a new <see cref="Generator"/>
    /// with <see cref="Generator.DefaultSeed"/>, so pass one shared generator when building a
    /// network, or every default-built layer of a shape starts with the same weights. backend:
    /// where the tensors live; null is the CPU backend.</remarks>
    /// <exception cref="ArgumentException">A size is not positive, or the channels are not divisible by groups.</exception>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, Generator? generator = null, IBackend? backend = null)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || dilation <= 0 || groups <= 0 || padding < 0)
            throw new ArgumentException($"Conv2d({inChannels}, {outChannels}, kernel {kernelSize}, stride {stride}, padding {padding}, dilation {dilation}, groups {groups}): sizes must be positive (padding >= 0).");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: in channels {inChannels} and out channels {outChannels} must both be divisible by groups {groups}.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Params = new Conv2dParams(stride, padding, dilation, groups);
        generator ??= new Generator();
        backend ??= CpuBackend.Instance;

        var w = Tensor.Empty(new Shape(outChannels, inChannels / groups, kernelSize, kernelSize), backend);
        Initializers.KaimingUniform(w, generator);
        Weight = RegisterParameter("weight", new Parameter(w));
        if (bias)
        {
            var b = Tensor.Empty(new Shape(outChannels), backend);
            double bound = Initializers.DefaultBiasBound(Initializers.Fans(w.Shape).FanIn);
            Initializers.Uniform(b, -bound, bound, generator);
            Bias = RegisterParameter("bias", new Parameter(b));
        }
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public Conv2dParams Params { get; }

    /// <summary>(O, I/groups, k, k).</summary>
    public Parameter Weight { get; }

    /// <summary>(O), or null when built with bias: false.</summary>
    public Parameter? Bias { get; }

    /// <summary>x (B, I, H, W) → (B, O, Ho, Wo), reported to <see cref="ForwardTrace"/>.</summary>
    /// <exception cref="ArgumentException">x is not (B, I, H, W) with I = <see cref="InChannels"/>.</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != InChannels)
            throw new ArgumentException($"Conv2d({InChannels}→{OutChannels}): input has shape {x.Shape}; expected (B, {InChannels}, H, W).");
        return ForwardTrace.Record(this, Functional.Conv2d(x, Weight, Bias, Params));
    }

    protected override string ExtraRepr =>
        $"{InChannels}, {OutChannels}, kernel {KernelSize}, stride {Params.Stride}, padding {Params.Padding}" +
        (Params.Dilation != 1 ? $", dilation {Params.Dilation}" : "") +
        (Params.Groups != 1 ? $", groups {Params.Groups}" : "") +
        (Bias is null ? ", no bias" : "");
}

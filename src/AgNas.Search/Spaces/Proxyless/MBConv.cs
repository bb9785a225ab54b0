using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// The inverted-residual block of the ProxylessNAS space (MobileNetV2's MBConv; agnas-facts §4.1, <c>PS/torch_blocks.py</c>):
/// 1×1 expand C_in → e·C_in, BN, ReLU6; depthwise k×k (pad k/2, stride s, groups e·C_in), BN, ReLU6; 1×1 project
/// e·C_in → C_out, BN. No bias anywhere and no activation after the last BN. The output is x + conv(x) iff s = 1 and
/// C_in = C_out, conv(x) otherwise. With e = 1 the expand stage is omitted (the depthwise conv reads x). A composite of
/// modules and functions: it has no backward of its own.
/// State-dict names: <c>expand.0.weight</c> (conv), <c>expand.1.*</c> (BN); <c>depthwise.0.weight</c>, <c>depthwise.1.*</c>;
/// <c>project.0.weight</c>, <c>project.1.*</c>. The weights are drawn in that order (PyTorch's default initialisations).
/// </summary>
public sealed class MBConv : Module
{
    /// <param name="kernelSize">k of the depthwise conv (3, 5 or 7 in the space; any odd k ≥ 1 works).</param>
    /// <param name="expansion">e: the hidden width is e·C_in; 1 omits the expand stage.</param>
    /// <param name="stride">s of the depthwise conv.</param>
    /// <param name="inChannels">C_in.</param>
    /// <param name="outChannels">C_out.</param>
    /// <param name="generator">Source of the initial weights.</param>
    /// <param name="backend">Where the tensors live.</param>
    /// <exception cref="ArgumentException">k is not odd and positive, or e, s or a width is not positive.</exception>
    public MBConv(int kernelSize, int expansion, int stride, int inChannels, int outChannels, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        if (kernelSize < 1 || kernelSize % 2 == 0 || expansion < 1 || stride < 1 || inChannels < 1 || outChannels < 1)
            throw new ArgumentException(
                $"MBConv(k {kernelSize}, e {expansion}, stride {stride}, {inChannels}→{outChannels}): expected an odd k >= 1 and e, stride and widths >= 1.");
        KernelSize = kernelSize;
        Expansion = expansion;
        Stride = stride;
        InChannels = inChannels;
        OutChannels = outChannels;
        HiddenChannels = expansion * inChannels;
        Residual = stride == 1 && inChannels == outChannels;
        int hidden = HiddenChannels;
        if (expansion != 1)
        {
            Expand = RegisterModule("expand", new Sequential(
                new Conv2d(inChannels, hidden, kernelSize: 1, stride: 1, padding: 0, bias: false, generator: generator, backend: backend),
                new BatchNorm2d(hidden, backend: backend),
                new ReLU6()));
        }
        Depthwise = RegisterModule("depthwise", new Sequential(
            new Conv2d(hidden, hidden, kernelSize, stride, padding: kernelSize / 2, dilation: 1, groups: hidden, bias: false, generator, backend),
            new BatchNorm2d(hidden, backend: backend),
            new ReLU6()));
        Project = RegisterModule("project", new Sequential(
            new Conv2d(hidden, outChannels, kernelSize: 1, stride: 1, padding: 0, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(outChannels, backend: backend)));
    }

    public int KernelSize { get; }
    public int Expansion { get; }
    public int Stride { get; }
    public int InChannels { get; }
    public int OutChannels { get; }

    /// <summary>e·C_in, the width of the depthwise stage.</summary>
    public int HiddenChannels { get; }

    /// <summary>Whether the output adds x (stride 1 and C_in = C_out).</summary>
    public bool Residual { get; }

    /// <summary>Conv 1×1 C_in → e·C_in, BN, ReLU6 (child <c>expand</c>); null when e = 1.</summary>
    public Sequential? Expand { get; }

    /// <summary>Depthwise conv k×k, BN, ReLU6 (child <c>depthwise</c>).</summary>
    public Sequential Depthwise { get; }

    /// <summary>Conv 1×1 e·C_in → C_out, BN (child <c>project</c>).</summary>
    public Sequential Project { get; }

    /// <summary>x (B, C_in, H, W) → (B, C_out, ⌈H/s⌉, ⌈W/s⌉); plus x when <see cref="Residual"/>.</summary>
    /// <exception cref="ArgumentException">x does not have C_in channels.</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != InChannels)
            throw new ArgumentException($"MBConv({InChannels}→{OutChannels}): input has shape {x.Shape}; expected (B, {InChannels}, H, W).");
        var h = Expand is null ? x : Expand.Forward(x);
        var y = Project.Forward(Depthwise.Forward(h));
        return Residual ? Functional.Add(x, y) : y;
    }

    protected override string ExtraRepr =>
        $"{InChannels}, {OutChannels}, kernel {KernelSize}, expansion {Expansion}, stride {Stride}" + (Residual ? ", residual" : "");
}

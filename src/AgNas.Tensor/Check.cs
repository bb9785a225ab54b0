namespace AgNas.Tensors;

/// <summary>Argument checks shared by the backends; every message names the op and the operands' shapes.</summary>
public static class Check
{
    public static void SameShape(string op, Tensor a, Tensor b, string aName = "a", string bName = "b")
    {
        if (a.Shape != b.Shape)
            throw new ArgumentException($"{op}: {aName} has shape {a.Shape} but {bName} has shape {b.Shape}; expected equal shapes.");
    }

    public static void Shape(string op, Tensor t, Shape expected, string name)
    {
        if (t.Shape != expected)
            throw new ArgumentException($"{op}: {name} has shape {t.Shape}; expected {expected}.");
    }

    public static void Rank(string op, Tensor t, int rank, string name)
    {
        if (t.Rank != rank)
            throw new ArgumentException($"{op}: {name} has shape {t.Shape} (rank {t.Rank}); expected rank {rank}{(rank == 4 ? " (B, C, H, W)" : "")}.");
    }

    public static void DType(string op, Tensor t, DType dtype, string name)
    {
        if (t.DType != dtype)
            throw new ArgumentException($"{op}: {name} of shape {t.Shape} has dtype {t.DType}; expected {dtype}.");
    }

    /// <summary>
    /// The tensor lives in memory the backend can reach: the same allocator (so a wrapper such as
    /// <see cref="Profiling.ProfilingBackend"/> and the backend it wraps accept each other's tensors).
    /// </summary>
    public static void Backend(string op, IBackend backend, Tensor t, string name)
    {
        if (!ReferenceEquals(t.Backend.Allocator, backend.Allocator))
            throw new ArgumentException($"{op}: {name} of shape {t.Shape} is on {t.Device} ({t.Backend.GetType().Name}); expected {backend.Device}.");
    }

    public static void Contiguous(string op, Tensor t, string name)
    {
        if (!t.IsContiguous)
            throw new ArgumentException($"{op}: {name} of shape {t.Shape} is a strided channel view; expected a contiguous tensor.");
    }

    /// <summary>Checks backend and float32 dtype of every non-null operand.</summary>
    public static void Operands(string op, IBackend backend, params (Tensor? T, string Name)[] operands)
    {
        foreach (var (t, name) in operands)
        {
            if (t is null) continue;
            Backend(op, backend, t, name);
            DType(op, t, Tensors.DType.Float32, name);
        }
    }

    /// <summary>
    /// Validates one 2-D convolution: x(B,I,H,W), w(O,I/groups,kH,kW) contiguous, y(B,O,Ho,Wo) with
    /// PyTorch's output size, bias(O) when given, and the hyper-parameters. The names are those the
    /// caller's op uses (dx, dy, dw for the backward passes). Backend and dtype are checked by <see cref="Operands"/>.
    /// </summary>
    public static Conv2dGeometry Conv2d(string op, Tensor x, Tensor w, Tensor y, Tensor? bias, Conv2dParams p,
        string xName = "x", string wName = "w", string yName = "y", string biasName = "bias")
    {
        if (p.Stride < 1 || p.Padding < 0 || p.Dilation < 1 || p.Groups < 1)
            throw new ArgumentException($"{op}: stride {p.Stride}, padding {p.Padding}, dilation {p.Dilation}, groups {p.Groups}; expected stride >= 1, padding >= 0, dilation >= 1, groups >= 1" +
                (p == default ? " (default(Conv2dParams) is all zeros; use new Conv2dParams() or pass the stride)." : "."));
        Rank(op, x, 4, xName);
        Rank(op, w, 4, wName);
        Rank(op, y, 4, yName);
        Contiguous(op, w, wName);
        int b = x.Shape[0], i = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int o = w.Shape[0], kh = w.Shape[2], kw = w.Shape[3], groups = p.Groups;
        if (i % groups != 0)
            throw new ArgumentException($"{op}: {xName} has shape {x.Shape}; its {i} channels are not divisible by groups = {groups}.");
        if (o % groups != 0)
            throw new ArgumentException($"{op}: {wName} has shape {w.Shape}; its {o} output channels are not divisible by groups = {groups}.");
        if (w.Shape[1] != i / groups)
            throw new ArgumentException($"{op}: {wName} has shape {w.Shape} but {xName} has shape {x.Shape} with groups = {groups}; " +
                $"expected {wName} = (O, {i / groups}, kH, kW), i.e. I/groups = {i}/{groups} input channels per filter.");
        if (kh < 1 || kw < 1)
            throw new ArgumentException($"{op}: {wName} has shape {w.Shape}; expected a kernel of at least 1x1.");
        int ho = p.OutputSize(h, kh), wo = p.OutputSize(wd, kw);
        if (ho < 1 || wo < 1)
            throw new ArgumentException($"{op}: the {kh}x{kw} kernel of {wName} {w.Shape} with dilation {p.Dilation} does not fit {xName} of shape {x.Shape} padded by {p.Padding}; expected an output of at least 1x1.");
        var expected = new Shape(b, o, ho, wo);
        if (y.Shape != expected)
            throw new ArgumentException($"{op}: {yName} has shape {y.Shape}; expected {expected} for {xName} {x.Shape}, {wName} {w.Shape}, " +
                $"stride {p.Stride}, padding {p.Padding}, dilation {p.Dilation}, groups {groups}.");
        if (bias is not null && bias.Shape != new Shape(o))
            throw new ArgumentException($"{op}: {biasName} has shape {bias.Shape}; expected ({o}), one value per output channel of {wName} {w.Shape}.");
        return new Conv2dGeometry(b, i, h, wd, o, kh, kw, ho, wo, p);
    }
}

/// <summary>The sizes of one 2-D convolution as <see cref="Check.Conv2d"/> validated them.</summary>
public readonly record struct Conv2dGeometry(int B, int I, int H, int W, int O, int KH, int KW, int Ho, int Wo, Conv2dParams P)
{
    public int Stride => P.Stride;
    public int Padding => P.Padding;
    public int Dilation => P.Dilation;
    public int Groups => P.Groups;
    public int InPerGroup => I / P.Groups;
    public int OutPerGroup => O / P.Groups;

    /// <summary>Rows of one group's im2col block, and columns of its weight matrix: (I/groups)·kH·kW.</summary>
    public int GroupRows => InPerGroup * KH * KW;

    /// <summary>Rows of the whole im2col matrix: I·kH·kW.</summary>
    public int ColRows => I * KH * KW;

    public int InPlane => H * W;
    public int OutPlane => Ho * Wo;

    /// <summary>One filter per channel (weight (C,1,kH,kW)), which the backends run as a direct loop.</summary>
    public bool IsDepthwise => P.Groups == I && I == O;
}

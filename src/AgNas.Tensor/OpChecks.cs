namespace AgNas.Tensors;

/// <summary>
/// The argument checks of every <see cref="IBackend"/> op, written once so that every backend
/// refuses the same calls with the same messages, and returning the sizes the kernels need. A
/// backend calls the op's check first, then computes. Only checks that need the data itself (a
/// label outside [0, N), an argmax index outside the plane) stay with the backend that can read
/// it cheaply.
/// </summary>
/// <exception cref="ArgumentException">From every method: the message names the op, the operand and the expected shape.</exception>
public static class OpChecks
{
    // ---- memory -------------------------------------------------------------------------------

    /// <returns>The bytes dst holds (its size × element size), which must equal <paramref name="given"/>.</returns>
    public static long CopyFromHost(IBackend backend, Tensor dst, int given)
    {
        Check.Backend(nameof(IBackend.CopyFromHost), backend, dst, "dst");
        long bytes = dst.Size * dst.DType.ByteSize();
        if (given != bytes)
            throw new ArgumentException($"CopyFromHost: {given} bytes given for dst of shape {dst.Shape}, which needs {bytes}.");
        return bytes;
    }

    /// <returns>The bytes src holds, which must equal the room <paramref name="given"/>.</returns>
    public static long CopyToHost(IBackend backend, Tensor src, int given)
    {
        Check.Backend(nameof(IBackend.CopyToHost), backend, src, "src");
        long bytes = src.Size * src.DType.ByteSize();
        if (given != bytes)
            throw new ArgumentException($"CopyToHost: {given} bytes of room for src of shape {src.Shape}, which holds {bytes}.");
        return bytes;
    }

    public static void Copy(IBackend backend, Tensor dst, Tensor src)
    {
        Check.Backend(nameof(IBackend.Copy), backend, dst, "dst");
        Check.Backend(nameof(IBackend.Copy), backend, src, "src");
        Check.SameShape(nameof(IBackend.Copy), dst, src, "dst", "src");
        if (dst.DType != src.DType)
            throw new ArgumentException($"Copy: dst has dtype {dst.DType} but src has {src.DType}; expected equal dtypes.");
    }

    // ---- elementwise --------------------------------------------------------------------------

    public static void Unary(string op, IBackend backend, Tensor y, Tensor x)
    {
        Check.Operands(op, backend, (y, "y"), (x, "x"));
        Check.SameShape(op, y, x, "y", "x");
    }

    public static void Binary(string op, IBackend backend, Tensor y, Tensor a, Tensor b, string aName = "a", string bName = "b")
    {
        Check.Operands(op, backend, (y, "y"), (a, aName), (b, bName));
        Check.SameShape(op, a, b, aName, bName);
        Check.SameShape(op, y, a, "y", aName);
    }

    /// <summary>x (B,C,H,W) or (B,C) and s (B,C) contiguous; returns the plane size H·W (1 for (B,C)).</summary>
    public static int ChannelPlane(string op, Tensor x, Tensor s, string sName)
    {
        if (x.Rank < 2) throw new ArgumentException($"{op}: x has shape {x.Shape}; expected (B, C, H, W) or (B, C).");
        Check.Shape(op, s, new Shape(x.Shape[0], x.Shape[1]), sName);
        Check.Contiguous(op, s, sName);
        return checked((int)(x.Shape.SampleSize / Math.Max(x.Shape[1], 1)));
    }

    /// <returns>The plane size H·W.</returns>
    public static int ChannelMul(IBackend backend, Tensor y, Tensor x, Tensor s)
    {
        Unary(nameof(IBackend.ChannelMul), backend, y, x);
        Check.Operands(nameof(IBackend.ChannelMul), backend, (s, "s"));
        return ChannelPlane(nameof(IBackend.ChannelMul), x, s, "s");
    }

    /// <returns>The plane size H·W.</returns>
    public static int ChannelMulBackward(IBackend backend, Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s)
    {
        const string op = nameof(IBackend.ChannelMulBackward);
        Check.Operands(op, backend, (dx, "dx"), (ds, "ds"), (dy, "dy"), (x, "x"), (s, "s"));
        Check.SameShape(op, dy, x, "dy", "x");
        if (dx is not null) Check.SameShape(op, dx, x, "dx", "x");
        int plane = ChannelPlane(op, x, s, "s");
        if (ds is not null) ChannelPlane(op, x, ds, "ds");
        return plane;
    }

    public static void SampleMul(IBackend backend, Tensor y, Tensor x, Tensor m)
    {
        Unary(nameof(IBackend.SampleMul), backend, y, x);
        Check.Operands(nameof(IBackend.SampleMul), backend, (m, "m"));
        Check.Shape(nameof(IBackend.SampleMul), m, new Shape(x.Rank == 0 ? 1 : x.Shape[0]), "m");
        Check.Contiguous(nameof(IBackend.SampleMul), m, "m");
    }

    /// <summary>wide = narrow with K·C channels.</summary>
    public static void Groups(string op, Tensor narrow, Tensor wide, int groups, string narrowName, string wideName)
    {
        if (groups < 1) throw new ArgumentException($"{op}: groups = {groups}; expected >= 1.");
        if (narrow.Rank < 2) throw new ArgumentException($"{op}: {narrowName} has shape {narrow.Shape}; expected (B, C, ...).");
        var expected = narrow.Shape.WithDim(1, narrow.Shape[1] * groups);
        Check.Shape(op, wide, expected, wideName);
    }

    public static void GroupSum(IBackend backend, Tensor y, Tensor x, int groups)
    {
        Check.Operands(nameof(IBackend.GroupSum), backend, (y, "y"), (x, "x"));
        Groups(nameof(IBackend.GroupSum), y, x, groups, "y", "x");
    }

    public static void GroupSumBackward(IBackend backend, Tensor dx, Tensor dy, int groups)
    {
        Check.Operands(nameof(IBackend.GroupSumBackward), backend, (dx, "dx"), (dy, "dy"));
        Groups(nameof(IBackend.GroupSumBackward), dy, dx, groups, "dy", "dx");
    }

    public static void BernoulliMask(IBackend backend, Tensor mask, float keep)
    {
        Check.Operands(nameof(IBackend.BernoulliMask), backend, (mask, "mask"));
        Check.Contiguous(nameof(IBackend.BernoulliMask), mask, "mask");
        if (keep is < 0f or > 1f) throw new ArgumentException($"BernoulliMask: keep = {keep}; expected a probability in [0, 1].");
    }

    // ---- dense layers -------------------------------------------------------------------------

    private static void Linear(string op, Tensor x, Tensor w, Tensor y, string xName, string wName, string yName)
    {
        Check.Rank(op, x, 2, xName);
        Check.Rank(op, w, 2, wName);
        Check.Contiguous(op, x, xName);
        Check.Contiguous(op, w, wName);
        Check.Contiguous(op, y, yName);
    }

    /// <returns>(B, I, O).</returns>
    public static (int B, int I, int O) LinearForward(IBackend backend, Tensor y, Tensor x, Tensor w, Tensor? bias)
    {
        const string op = nameof(IBackend.LinearForward);
        Check.Operands(op, backend, (y, "y"), (x, "x"), (w, "w"), (bias, "bias"));
        Linear(op, x, w, y, "x", "w", "y");
        int b = x.Shape[0], i = x.Shape[1], o = w.Shape[0];
        if (w.Shape[1] != i) throw new ArgumentException($"{op}: x has shape {x.Shape} but w has shape {w.Shape}; expected w = (O, {i}).");
        Check.Shape(op, y, new Shape(b, o), "y");
        if (bias is not null) Check.Shape(op, bias, new Shape(o), "bias");
        return (b, i, o);
    }

    /// <returns>(B, I, O).</returns>
    public static (int B, int I, int O) LinearBackwardData(IBackend backend, Tensor dx, Tensor dy, Tensor w)
    {
        const string op = nameof(IBackend.LinearBackwardData);
        Check.Operands(op, backend, (dx, "dx"), (dy, "dy"), (w, "w"));
        Linear(op, dy, w, dx, "dy", "w", "dx");
        int b = dy.Shape[0], o = w.Shape[0], i = w.Shape[1];
        Check.Shape(op, dy, new Shape(b, o), "dy");
        Check.Shape(op, dx, new Shape(b, i), "dx");
        return (b, i, o);
    }

    /// <returns>(B, I, O).</returns>
    public static (int B, int I, int O) LinearBackwardWeight(IBackend backend, Tensor dw, Tensor? dBias, Tensor dy, Tensor x)
    {
        const string op = nameof(IBackend.LinearBackwardWeight);
        Check.Operands(op, backend, (dw, "dw"), (dBias, "dBias"), (dy, "dy"), (x, "x"));
        Linear(op, x, dw, dy, "x", "dw", "dy");
        int b = x.Shape[0], i = x.Shape[1], o = dw.Shape[0];
        Check.Shape(op, dw, new Shape(o, i), "dw");
        Check.Shape(op, dy, new Shape(b, o), "dy");
        if (dBias is not null) Check.Shape(op, dBias, new Shape(o), "dBias");
        return (b, i, o);
    }

    // ---- batch norm ---------------------------------------------------------------------------

    /// <summary>Channels and plane size (H·W, or 1 for (B, C)) of a batch-norm input.</summary>
    public static (int Channels, int Plane) BatchNormLayout(string op, Tensor x)
    {
        if (x.Rank is not (2 or 4))
            throw new ArgumentException($"{op}: x has shape {x.Shape} (rank {x.Rank}); expected (B, C, H, W) or (B, C).");
        int channels = x.Shape[1];
        int plane = x.Rank == 4 ? checked(x.Shape[2] * x.Shape[3]) : 1;
        return (channels, plane);
    }

    private static void ChannelVector(string op, Tensor? t, int channels, string name, Tensor x)
    {
        if (t is null) return;
        if (t.Shape != new Shape(channels))
            throw new ArgumentException($"{op}: {name} has shape {t.Shape}; expected ({channels}) (one value per channel of x, shape {x.Shape}).");
        Check.Contiguous(op, t, name);
    }

    public static void BatchNormEps(string op, float eps)
    {
        if (!(eps >= 0f) || float.IsInfinity(eps))
            throw new ArgumentException($"{op}: eps = {eps}; expected a finite value >= 0.");
    }

    /// <returns>(C, H·W); B·H·W ≥ 2 is checked.</returns>
    public static (int Channels, int Plane) BatchNormTrainForward(IBackend backend, Tensor y, Tensor saveMean, Tensor saveInvStd,
        Tensor? runningMean, Tensor? runningVar, Tensor x, Tensor? gamma, Tensor? beta, float momentum, float eps)
    {
        const string op = nameof(IBackend.BatchNormTrainForward);
        Check.Operands(op, backend, (y, "y"), (saveMean, "saveMean"), (saveInvStd, "saveInvStd"), (runningMean, "runningMean"),
            (runningVar, "runningVar"), (x, "x"), (gamma, "gamma"), (beta, "beta"));
        var (channels, plane) = BatchNormLayout(op, x);
        Check.SameShape(op, y, x, "y", "x");
        ChannelVector(op, saveMean, channels, "saveMean", x);
        ChannelVector(op, saveInvStd, channels, "saveInvStd", x);
        ChannelVector(op, runningMean, channels, "runningMean", x);
        ChannelVector(op, runningVar, channels, "runningVar", x);
        ChannelVector(op, gamma, channels, "gamma", x);
        ChannelVector(op, beta, channels, "beta", x);
        BatchNormEps(op, eps);
        if (!(momentum >= 0f && momentum <= 1f))
            throw new ArgumentException($"{op}: momentum = {momentum} for x of shape {x.Shape}; expected a value in [0, 1].");
        long count = (long)x.Shape[0] * plane;
        if (count < 2)
            throw new ArgumentException(
                $"{op}: batch norm in training needs more than one value per channel; x has shape {x.Shape} " +
                $"({count} value{(count == 1 ? "" : "s")} per channel). Use a larger batch or eval mode.");
        return (channels, plane);
    }

    /// <returns>(C, H·W).</returns>
    public static (int Channels, int Plane) BatchNormEvalForward(IBackend backend, Tensor y, Tensor x, Tensor? gamma, Tensor? beta,
        Tensor mean, Tensor var, float eps)
    {
        const string op = nameof(IBackend.BatchNormEvalForward);
        Check.Operands(op, backend, (y, "y"), (x, "x"), (gamma, "gamma"), (beta, "beta"), (mean, "mean"), (var, "var"));
        var (channels, plane) = BatchNormLayout(op, x);
        Check.SameShape(op, y, x, "y", "x");
        ChannelVector(op, gamma, channels, "gamma", x);
        ChannelVector(op, beta, channels, "beta", x);
        ChannelVector(op, mean, channels, "mean", x);
        ChannelVector(op, var, channels, "var", x);
        BatchNormEps(op, eps);
        return (channels, plane);
    }

    /// <summary>The checks both batch-norm backwards share: operands, shapes, and the per-channel (C) vectors.</summary>
    /// <returns>(C, H·W).</returns>
    public static (int Channels, int Plane) BatchNormBackward(string op, IBackend backend, Tensor dx, Tensor? dGamma, Tensor? dBeta,
        Tensor dy, Tensor x, Tensor? gamma, (Tensor T, string Name) stat1, (Tensor T, string Name) stat2)
    {
        Check.Operands(op, backend, (dx, "dx"), (dGamma, "dGamma"), (dBeta, "dBeta"), (dy, "dy"), (x, "x"), (gamma, "gamma"), stat1, stat2);
        var (channels, plane) = BatchNormLayout(op, x);
        Check.SameShape(op, dy, x, "dy", "x");
        Check.SameShape(op, dx, x, "dx", "x");
        ChannelVector(op, dGamma, channels, "dGamma", x);
        ChannelVector(op, dBeta, channels, "dBeta", x);
        ChannelVector(op, gamma, channels, "gamma", x);
        ChannelVector(op, stat1.T, channels, stat1.Name, x);
        ChannelVector(op, stat2.T, channels, stat2.Name, x);
        return (channels, plane);
    }

    // ---- pooling ------------------------------------------------------------------------------

    /// <summary>Validates the window and the (B, C, H, W) input (or its gradient) and derives the output size.</summary>
    public static PoolGeometry Pool(string op, Tensor x, Pool2dParams p, string name)
    {
        Check.Rank(op, x, 4, name);
        if (p.Kernel < 1 || p.Stride < 1 || p.Padding < 0)
            throw new ArgumentException($"{op}: {p} for {name} of shape {x.Shape}; expected kernel >= 1, stride >= 1, padding >= 0.");
        if (p.Padding > p.Kernel / 2)
            throw new ArgumentException($"{op}: padding {p.Padding} exceeds half the kernel ({p.Kernel}) for {name} of shape {x.Shape}; " +
                "PyTorch requires padding <= kernel / 2 so that every window holds an image element.");
        int h = x.Shape[2], w = x.Shape[3];
        if (h < 1 || w < 1)
            throw new ArgumentException($"{op}: {name} has shape {x.Shape} with an empty H×W plane; expected H, W >= 1.");
        int ho = p.OutputSize(h), wo = p.OutputSize(w);
        if (ho < 1 || wo < 1)
            throw new ArgumentException($"{op}: {p} gives an empty output ({ho}x{wo}) for {name} of shape {x.Shape}; the window does not fit the padded input.");
        checked { _ = (h + 2 * p.Padding) * (w + 2 * p.Padding); _ = (ho + 2 * p.Kernel) * (wo + 2 * p.Kernel); }
        return new PoolGeometry(x.Shape[0], x.Shape[1], h, w, ho, wo, p.Kernel, p.Stride, p.Padding);
    }

    public static PoolGeometry MaxPool2dForward(IBackend backend, Tensor y, Tensor argmax, Tensor x, Pool2dParams p)
    {
        const string op = nameof(IBackend.MaxPool2dForward);
        Check.Operands(op, backend, (y, "y"), (x, "x"));
        Argmax(op, backend, argmax);
        var g = Pool(op, x, p, "x");
        Check.Shape(op, y, g.OutShape, "y");
        Check.Shape(op, argmax, g.OutShape, "argmax");
        return g;
    }

    /// <returns>(C, H·W of dx, Ho·Wo of dy).</returns>
    public static (int Channels, int InPlane, int OutPlane) MaxPool2dBackward(IBackend backend, Tensor dx, Tensor dy, Tensor argmax)
    {
        const string op = nameof(IBackend.MaxPool2dBackward);
        Check.Operands(op, backend, (dx, "dx"), (dy, "dy"));
        Argmax(op, backend, argmax);
        Check.Rank(op, dx, 4, "dx");
        Check.Rank(op, dy, 4, "dy");
        Check.SameShape(op, argmax, dy, "argmax", "dy");
        if (dx.Shape[0] != dy.Shape[0] || dx.Shape[1] != dy.Shape[1])
            throw new ArgumentException($"{op}: dx has shape {dx.Shape} but dy has shape {dy.Shape}; expected the same batch and channels.");
        return (dx.Shape[1], checked(dx.Shape[2] * dx.Shape[3]), checked(dy.Shape[2] * dy.Shape[3]));
    }

    public static PoolGeometry AvgPool2dForward(IBackend backend, Tensor y, Tensor x, Pool2dParams p)
    {
        const string op = nameof(IBackend.AvgPool2dForward);
        Check.Operands(op, backend, (y, "y"), (x, "x"));
        var g = Pool(op, x, p, "x");
        Check.Shape(op, y, g.OutShape, "y");
        return g;
    }

    public static PoolGeometry AvgPool2dBackward(IBackend backend, Tensor dx, Tensor dy, Pool2dParams p)
    {
        const string op = nameof(IBackend.AvgPool2dBackward);
        Check.Operands(op, backend, (dx, "dx"), (dy, "dy"));
        var g = Pool(op, dx, p, "dx");
        Check.Shape(op, dy, g.OutShape, "dy");
        return g;
    }

    private static void Argmax(string op, IBackend backend, Tensor argmax)
    {
        Check.Backend(op, backend, argmax, "argmax");
        Check.DType(op, argmax, DType.Int32, "argmax");
    }

    /// <returns>The plane size H·W of the (B, C, H, W) operand.</returns>
    public static int GlobalAvgPool(string op, IBackend backend, Tensor image, Tensor rows, string imageName, string rowsName)
    {
        Check.Operands(op, backend, (image, imageName), (rows, rowsName));
        Check.Rank(op, image, 4, imageName);
        int plane = checked(image.Shape[2] * image.Shape[3]);
        if (plane == 0)
            throw new ArgumentException($"{op}: {imageName} has shape {image.Shape} with an empty H×W plane; expected H, W >= 1.");
        Check.Shape(op, rows, new Shape(image.Shape[0], image.Shape[1]), rowsName);
        return plane;
    }

    // ---- loss ---------------------------------------------------------------------------------

    /// <summary>rows (B,N) contiguous, labels (B) int32 contiguous, a one-element scalar. The label range is the backend's check.</summary>
    public static void CrossEntropy(string op, IBackend backend, Tensor rows, Tensor labels, Tensor scalar, Tensor other,
        string rowsName, string scalarName, string otherName)
    {
        Check.Operands(op, backend, (scalar, scalarName), (other, otherName), (rows, rowsName));
        Check.Rank(op, rows, 2, rowsName);
        Check.Contiguous(op, rows, rowsName);
        Check.SameShape(op, other, rows, otherName, rowsName);
        Check.Contiguous(op, other, otherName);
        Check.Backend(op, backend, labels, "labels");
        Check.DType(op, labels, DType.Int32, "labels");
        Check.Shape(op, labels, new Shape(rows.Shape[0]), "labels");
        Check.Contiguous(op, labels, "labels");
        if (scalar.Size != 1) throw new ArgumentException($"{op}: {scalarName} has shape {scalar.Shape}; expected a scalar.");
    }

    // ---- attention ----------------------------------------------------------------------------

    /// <summary>x (B,K·C,...), s (B,K·C) contiguous, y/dy (B,C,...).</summary>
    /// <returns>(C, plane size).</returns>
    public static (int Channels, int Plane) Attention(string op, IBackend backend, Tensor narrow, Tensor x, Tensor s, int groups, string narrowName)
    {
        Check.Operands(op, backend, (narrow, narrowName), (x, "x"), (s, "s"));
        Groups(op, narrow, x, groups, narrowName, "x");
        Check.Shape(op, s, new Shape(x.Shape[0], x.Shape[1]), "s");
        Check.Contiguous(op, s, "s");
        int channels = narrow.Shape[1];
        return (channels, checked((int)(narrow.Shape.SampleSize / Math.Max(channels, 1))));
    }

    /// <returns>(C, plane size).</returns>
    public static (int Channels, int Plane) AttentionCombineBackward(IBackend backend, Tensor? dx, Tensor? ds, Tensor dy, Tensor x, Tensor s, int groups)
    {
        const string op = nameof(IBackend.AttentionCombineBackward);
        var result = Attention(op, backend, dy, x, s, groups, "dy");
        Check.Operands(op, backend, (dx, "dx"), (ds, "ds"));
        if (dx is not null) Check.SameShape(op, dx, x, "dx", "x");
        if (ds is not null)
        {
            Check.SameShape(op, ds, s, "ds", "s");
            Check.Contiguous(op, ds, "ds");
        }
        return result;
    }

    /// <returns>C, the channels per candidate.</returns>
    public static int AccumulateImportance(IBackend backend, Tensor importance, Tensor s, int groups)
    {
        const string op = nameof(IBackend.AccumulateImportance);
        Check.Backend(op, backend, importance, "importance");
        Check.DType(op, importance, DType.Float64, "importance");
        Check.Shape(op, importance, new Shape(groups), "importance");
        Check.Contiguous(op, importance, "importance");
        Check.Operands(op, backend, (s, "s"));
        Check.Rank(op, s, 2, "s");
        Check.Contiguous(op, s, "s");
        if (groups < 1 || s.Shape[1] % groups != 0)
            throw new ArgumentException($"{op}: s has shape {s.Shape}; expected (B, K·C) with K = {groups} groups dividing the channels.");
        return s.Shape[1] / groups;
    }

    // ---- optimisers ---------------------------------------------------------------------------

    public static void SgdStep(IBackend backend, Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p)
    {
        const string op = nameof(IBackend.SgdStep);
        Check.Operands(op, backend, (param, "param"), (grad, "grad"), (momentumBuffer, "momentumBuffer"));
        Check.SameShape(op, param, grad, "param", "grad");
        Check.Contiguous(op, param, "param");
        Check.Contiguous(op, grad, "grad");
        if (p.Momentum != 0f)
        {
            if (momentumBuffer is null) throw new ArgumentException($"{op}: momentum = {p.Momentum} needs a momentum buffer of shape {param.Shape}; got null.");
            Check.SameShape(op, momentumBuffer, param, "momentumBuffer", "param");
            Check.Contiguous(op, momentumBuffer, "momentumBuffer");
        }
    }

    public static void AdamStep(IBackend backend, Tensor param, Tensor grad, Tensor m, Tensor v, int step)
    {
        const string op = nameof(IBackend.AdamStep);
        Check.Operands(op, backend, (param, "param"), (grad, "grad"), (m, "m"), (v, "v"));
        Check.SameShape(op, param, grad, "param", "grad");
        Check.SameShape(op, param, m, "param", "m");
        Check.SameShape(op, param, v, "param", "v");
        foreach (var (t, name) in new[] { (param, "param"), (grad, "grad"), (m, "m"), (v, "v") }) Check.Contiguous(op, t, name);
        if (step < 1) throw new ArgumentException($"{op}: step = {step}; expected the 1-based step count.");
    }
}

/// <summary>The sizes of one pooling call as <see cref="OpChecks.Pool"/> validated them.</summary>
public readonly record struct PoolGeometry(int B, int C, int H, int W, int Ho, int Wo, int Kernel, int Stride, int Padding)
{
    public int InPlane => H * W;
    public int OutPlane => Ho * Wo;
    public Shape OutShape => new(B, C, Ho, Wo);

    /// <summary>A plane with its padding border (the CPU backend's padded scratch copy).</summary>
    public int PaddedPlane => (H + 2 * Padding) * (W + 2 * Padding);

    /// <summary>dy/divisor with a zero border of kernel − 1 (the CPU's stride-1 average-pool backward).</summary>
    public int SharePlane => (Ho + 2 * (Kernel - 1)) * (Wo + 2 * (Kernel - 1));
}

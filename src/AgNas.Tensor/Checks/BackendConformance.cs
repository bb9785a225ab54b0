using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Tensors.Checks;

/// <summary>Per-op tolerance of a conformance case: |target − reference| ≤ Atol + Rtol·|reference| per element.</summary>
public readonly record struct Tolerance(double Atol, double Rtol)
{
    public override string ToString() => $"atol {Atol:g2}, rtol {Rtol:g2}";
}

/// <summary>The outcome of one case: the worst element's error, and what failed.</summary>
public sealed record ConformanceResult(ConformanceCase Case, bool Passed, double MaxAbsError, string? Failure);

/// <summary>
/// One op run on two backends with the same inputs. <see cref="Run"/> is called once per backend
/// with an <see cref="OperandFactory"/> that hands out the same values on both; it returns the
/// tensors to compare (float32, int32 or float64; channel views allowed).
/// </summary>
public sealed record ConformanceCase(string Op, string Variant, Tolerance Tolerance, Func<OperandFactory, IReadOnlyList<Tensor>> Run)
{
    /// <summary>"op/variant", unique in <see cref="BackendConformance.All"/>.</summary>
    public string Name => $"{Op}/{Variant}";

    public override string ToString() => Name;
}

/// <summary>
/// Makes a case's operands on one backend. Values come from <see cref="CounterRandom"/> keyed by
/// the case name and a running counter, so the n-th operand of a case holds the same values on
/// every backend. Everything made lives in the caller's <see cref="TensorScope"/>.
/// </summary>
public sealed class OperandFactory(IBackend backend, ulong seed)
{
    private ulong _counter;

    public IBackend Backend => backend;

    /// <summary>Values uniform in [lo, hi).</summary>
    public Tensor Uniform(Shape shape, float lo = -2f, float hi = 2f)
    {
        var data = new float[shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = lo + (hi - lo) * CounterRandom.Uniform(seed, _counter++);
        return Tensor.FromArray(data, shape, backend);
    }

    /// <summary>A channel view: channels [start, start + c) of a wider (B, wide, H, W) tensor filled with random values.</summary>
    public Tensor View(int b, int c, int h, int w, int wide, int start)
    {
        var buffer = Uniform(new Shape(b, wide, h, w));
        return buffer.SliceChannels(start, c);
    }

    /// <summary>Integers uniform in [0, n).</summary>
    public Tensor Labels(int count, int n)
    {
        var data = new int[count];
        for (int i = 0; i < count; i++) data[i] = (int)(CounterRandom.Uniform(seed, _counter++) * n) % n;
        return Tensor.FromArray(data, new Shape(count), backend);
    }

    /// <summary>An output pre-filled with NaN, so an element the op forgets to write fails the comparison.</summary>
    public Tensor Output(Shape shape, DType dtype = DType.Float32)
    {
        var t = Tensor.Empty(shape, backend, dtype);
        backend.Fill(t, dtype == DType.Int32 ? -7f : float.NaN);
        return t;
    }

    public Tensor Float64(ReadOnlySpan<double> values)
    {
        var t = Tensor.Empty(new Shape(values.Length), backend, DType.Float64);
        backend.CopyFromHost(t, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        return t;
    }
}

/// <summary>
/// Every <see cref="IBackend"/> op compared between a reference backend (the CPU) and a target,
/// on at least two shapes each — batch 1 included, and sizes that are not multiples of a 256-thread
/// block — with channel views where the op accepts them. Used by the CUDA equivalence tests and by
/// <c>agnas selftest</c>. Tolerances are per op: elementwise ops are exact up to a few ulps; float64
/// reductions agree to 1e-6 relative; GEMM, convolution, batch norm and the softmax sum in other
/// orders (cuBLAS, cuDNN, block reductions), hence 1e-4.
/// </summary>
public static class BackendConformance
{
    public static readonly Tolerance Exact = new(1e-6, 1e-6);
    public static readonly Tolerance Transcendental = new(1e-6, 1e-5);
    public static readonly Tolerance Reduction = new(1e-5, 1e-5);
    public static readonly Tolerance Summed = new(1e-4, 1e-4);

    /// <summary>(B, C, H, W) shapes: batch 1 with 105-element planes' worth, and 4×6×9×11 = 2376 elements (not a multiple of 256).</summary>
    private static readonly (string Name, Shape Shape)[] ImageShapes =
    [
        ("1x3x5x7", new Shape(1, 3, 5, 7)),
        ("4x6x9x11", new Shape(4, 6, 9, 11)),
    ];

    /// <summary>Runs one case on both backends and compares every returned tensor.</summary>
    public static ConformanceResult Compare(ConformanceCase c, IBackend reference, IBackend target)
    {
        ulong seed = (ulong)StableHash(c.Name);
        using var scope = TensorScope.Begin();
        var want = c.Run(new OperandFactory(reference, seed)).Select(Host).ToList();
        var got = c.Run(new OperandFactory(target, seed)).Select(Host).ToList();
        double worst = 0;
        for (int t = 0; t < want.Count; t++)
        {
            var (w, g) = (want[t], got[t]);
            if (w.Length != g.Length) return new ConformanceResult(c, false, double.NaN, $"output {t}: {g.Length} elements, expected {w.Length}");
            for (int i = 0; i < w.Length; i++)
            {
                if (double.IsNaN(w[i]) && double.IsNaN(g[i])) continue;
                double err = Math.Abs(g[i] - w[i]);
                if (!(err <= c.Tolerance.Atol + c.Tolerance.Rtol * Math.Abs(w[i])))
                    return new ConformanceResult(c, false, err, $"output {t}, element {i}: {g[i]:g9} vs reference {w[i]:g9} ({c.Tolerance})");
                worst = Math.Max(worst, err);
            }
        }
        return new ConformanceResult(c, true, worst, null);
    }

    private static double[] Host(Tensor t) => t.DType switch
    {
        DType.Float32 => t.ToArray().Select(v => (double)v).ToArray(),
        DType.Int32 => t.ToInt32Array().Select(v => (double)v).ToArray(),
        _ => t.ToDoubleArray(),
    };

    private static int StableHash(string s)
    {
        unchecked
        {
            int h = 17;
            foreach (char ch in s) h = h * 31 + ch;
            return h & 0x7fffffff;
        }
    }

    /// <summary>Every case, in a stable order.</summary>
    public static IReadOnlyList<ConformanceCase> All { get; } = Build().ToList();

    private static IEnumerable<ConformanceCase> Build()
    {
        foreach (var (name, s) in ImageShapes)
        {
            int b = s[0], ch = s[1], h = s[2], w = s[3];
            int size = checked((int)s.Size);
            // ---- memory
            yield return new("Copy", $"into-view/{name}", Exact, f =>
            {
                var dst = f.View(b, ch, h, w, ch + 3, 2);
                f.Backend.Copy(dst, f.Uniform(s));
                return [dst];
            });
            yield return new("CopyFromHost", $"view/{name}", Exact, f =>
            {
                var dst = f.View(b, ch, h, w, ch + 1, 1);
                var host = Enumerable.Range(0, (int)s.Size).Select(i => i * 0.5f).ToArray();
                f.Backend.CopyFromHost(dst, System.Runtime.InteropServices.MemoryMarshal.AsBytes(host.AsSpan()));
                return [dst];
            });
            yield return new("CopyToHost", $"view/{name}", Exact, f =>
            {
                var host = new float[size];
                f.Backend.CopyToHost(System.Runtime.InteropServices.MemoryMarshal.AsBytes(host.AsSpan()), f.View(b, ch, h, w, ch + 3, 3));
                return [Tensor.FromArray(host, s, CpuBackend.Instance)];
            });
            yield return new("Copy", $"int32/{name}", Exact, f =>
            {
                var src = f.Labels((int)s.Size, 1000).Reshape(s);
                var dst = f.Output(s, DType.Int32);
                f.Backend.Copy(dst, src);
                return [dst];
            });
            yield return new("Copy", $"float64-view/{name}", Exact, f =>
            {
                var wide = Tensor.Empty(new Shape(b, ch + 2, h, w), f.Backend, DType.Float64);
                f.Backend.Fill(wide, 0f);
                var src = Tensor.Empty(s, f.Backend, DType.Float64);
                f.Backend.Fill(src, 1.25f);
                f.Backend.Copy(wide.SliceChannels(1, ch), src);
                return [wide];
            });
            yield return new("Fill", $"view/{name}", Exact, f =>
            {
                var wide = f.Uniform(new Shape(b, ch + 2, h, w));
                f.Backend.Fill(wide.SliceChannels(1, ch), -2.5f);
                return [wide];
            });
            yield return new("Synchronize", $"after-fill/{name}", Exact, f =>
            {
                var y = f.Output(s);
                f.Backend.Fill(y, 4f);
                f.Backend.Synchronize();
                return [y];
            });
            yield return new("Fill", $"int32-float64/{name}", Exact, f =>
            {
                var i = f.Output(s, DType.Int32);
                f.Backend.Fill(i, 3f);
                var d = Tensor.Empty(new Shape(size), f.Backend, DType.Float64);
                f.Backend.Fill(d, 0.1f);
                return [i, d];
            });

            // ---- elementwise (one case on dense operands, one with a channel view)
            yield return new("Add", name, Exact, f => { var y = f.Output(s); f.Backend.Add(y, f.Uniform(s), f.Uniform(s)); return [y]; });
            yield return new("Add", $"views/{name}", Exact, f =>
            {
                var y = f.View(b, ch, h, w, ch + 2, 1);
                f.Backend.Add(y, f.View(b, ch, h, w, 2 * ch, ch), f.Uniform(s));
                return [y];
            });
            yield return new("Axpy", name, Exact, f => { var y = f.Uniform(s); f.Backend.Axpy(y, -0.75f, f.Uniform(s)); return [y]; });
            yield return new("Scale", name, Exact, f => { var y = f.Output(s); f.Backend.Scale(y, f.Uniform(s), 1.5f); return [y]; });
            yield return new("Mul", name, Exact, f => { var y = f.Output(s); f.Backend.Mul(y, f.Uniform(s), f.Uniform(s)); return [y]; });
            yield return new("Relu", name, Exact, f => { var y = f.Output(s); f.Backend.Relu(y, f.Uniform(s)); return [y]; });
            yield return new("ReluBackward", name, Exact, f => { var y = f.Output(s); f.Backend.ReluBackward(y, f.Uniform(s), f.Uniform(s)); return [y]; });
            yield return new("Relu6", name, Exact, f => { var y = f.Output(s); f.Backend.Relu6(y, f.Uniform(s, -3f, 9f)); return [y]; });
            yield return new("Relu6Backward", name, Exact, f => { var y = f.Output(s); f.Backend.Relu6Backward(y, f.Uniform(s), f.Uniform(s, -3f, 9f)); return [y]; });
            yield return new("Sigmoid", name, Transcendental, f => { var y = f.Output(s); f.Backend.Sigmoid(y, f.Uniform(s, -8f, 8f)); return [y]; });
            yield return new("SigmoidBackward", name, Exact, f => { var y = f.Output(s); f.Backend.SigmoidBackward(y, f.Uniform(s), f.Uniform(s, 0f, 1f)); return [y]; });
            var bc = new Shape(b, ch);
            yield return new("ChannelMul", $"view/{name}", Exact, f =>
            {
                var y = f.Output(s);
                f.Backend.ChannelMul(y, f.View(b, ch, h, w, ch + 1, 1), f.Uniform(bc));
                return [y];
            });
            yield return new("ChannelMulBackward", name, Summed, f =>
            {
                var (dx, ds) = (f.Output(s), f.Output(bc));
                f.Backend.ChannelMulBackward(dx, ds, f.Uniform(s), f.Uniform(s), f.Uniform(bc));
                return [dx, ds];
            });
            yield return new("ChannelMulBackward", $"ds-only/{name}", Summed, f =>
            {
                var ds = f.Output(bc);
                f.Backend.ChannelMulBackward(null, ds, f.Uniform(s), f.Uniform(s), f.Uniform(bc));
                return [ds];
            });
            yield return new("SampleMul", name, Exact, f => { var y = f.Output(s); f.Backend.SampleMul(y, f.Uniform(s), f.Uniform(new Shape(b))); return [y]; });
            yield return new("GroupSum", $"K3/{name}", Exact, f =>
            {
                var y = f.Output(s);
                f.Backend.GroupSum(y, f.Uniform(new Shape(b, 3 * ch, h, w)), 3);
                return [y];
            });
            yield return new("GroupSumBackward", $"K3/{name}", Exact, f =>
            {
                var dx = f.Output(new Shape(b, 3 * ch, h, w));
                f.Backend.GroupSumBackward(dx, f.Uniform(s), 3);
                return [dx];
            });
            yield return new("BernoulliMask", name, Exact, f => { var m = f.Output(s); f.Backend.BernoulliMask(m, 0.8f, 1.25f, 42); return [m]; });

            // ---- reductions (returned to the host; compared as one-element results)
            yield return new("Sum", $"view/{name}", Reduction, f => [Scalar(f, f.Backend.Sum(f.View(b, ch, h, w, ch + 2, 1)))]);
            yield return new("SumOfSquares", name, Reduction, f => [Scalar(f, f.Backend.SumOfSquares(f.Uniform(s)))]);
            yield return new("SumOfSquaresMany", $"three/{name}", Reduction, f =>
                [Scalar(f, f.Backend.SumOfSquaresMany([f.Uniform(s), f.View(b, ch, h, w, ch + 1, 1), f.Uniform(new Shape(3))]))]);
            yield return new("HasNonFinite", name, Exact, f =>
            {
                var x = f.Uniform(s);
                bool clean = f.Backend.HasNonFinite(x);
                var host = x.ToArray();
                host[^1] = float.PositiveInfinity;
                bool dirty = f.Backend.HasNonFinite(Tensor.FromArray(host, s, f.Backend));
                return [Scalar(f, clean ? 1 : 0), Scalar(f, dirty ? 1 : 0)];
            });

            // ---- pooling
            foreach (var (k, stride, pad) in new[] { (3, 1, 1), (3, 2, 1), (2, 2, 0) })
            {
                var p = new Pool2dParams(k, stride, pad);
                var o = new Shape(b, ch, p.OutputSize(h), p.OutputSize(w));
                string v = $"k{k}s{stride}p{pad}/{name}";
                yield return new("MaxPool2dForward", v, Exact, f =>
                {
                    var (y, arg) = (f.Output(o), f.Output(o, DType.Int32));
                    f.Backend.MaxPool2dForward(y, arg, f.View(b, ch, h, w, ch + 1, 1), p);
                    return [y, arg];
                });
                yield return new("MaxPool2dBackward", v, Reduction, f => // overlapping windows: float atomics in any order
                {
                    var x = f.Uniform(s);
                    var (y, arg) = (f.Output(o), f.Output(o, DType.Int32));
                    f.Backend.MaxPool2dForward(y, arg, x, p);
                    var dx = f.Output(s);
                    f.Backend.MaxPool2dBackward(dx, f.Uniform(o), arg);
                    return [dx];
                });
                foreach (bool include in new[] { false, true })
                {
                    string vi = $"{v}/{(include ? "include-pad" : "exclude-pad")}";
                    yield return new("AvgPool2dForward", vi, Exact, f =>
                    {
                        var y = f.Output(o);
                        f.Backend.AvgPool2dForward(y, f.View(b, ch, h, w, ch + 1, 1), p, include);
                        return [y];
                    });
                    yield return new("AvgPool2dBackward", vi, Exact, f =>
                    {
                        var dx = f.Output(s);
                        f.Backend.AvgPool2dBackward(dx, f.Uniform(o), p, include);
                        return [dx];
                    });
                }
            }
            yield return new("GlobalAvgPoolForward", name, Reduction, f => { var y = f.Output(bc); f.Backend.GlobalAvgPoolForward(y, f.Uniform(s)); return [y]; });
            yield return new("GlobalAvgPoolBackward", name, Exact, f => { var dx = f.Output(s); f.Backend.GlobalAvgPoolBackward(dx, f.Uniform(bc)); return [dx]; });

            // ---- batch norm (4-D with a view input, and the (B, C) form)
            foreach (var (form, xs) in new[] { ("4d", s), ("2d", new Shape(b * h, ch)) })
            {
                if (xs[0] * (xs.Rank == 4 ? xs[2] * xs[3] : 1) < 2) continue;
                var c1 = new Shape(ch);
                yield return new("BatchNormTrainForward", $"{form}/{name}", Summed, f =>
                {
                    var x = xs.Rank == 4 ? f.View(b, ch, h, w, ch + 2, 2) : f.Uniform(xs);
                    var (y, mean, inv) = (f.Output(xs), f.Output(c1), f.Output(c1));
                    var (rm, rv) = (f.Uniform(c1), f.Uniform(c1, 0.5f, 2f));
                    f.Backend.BatchNormTrainForward(y, mean, inv, rm, rv, x, f.Uniform(c1), f.Uniform(c1), 0.1f, 1e-5f);
                    return [y, mean, inv, rm, rv];
                });
                yield return new("BatchNormTrainForward", $"{form}/no-affine/{name}", Summed, f =>
                {
                    var (y, mean, inv) = (f.Output(xs), f.Output(c1), f.Output(c1));
                    f.Backend.BatchNormTrainForward(y, mean, inv, null, null, f.Uniform(xs), null, null, 0.1f, 1e-5f);
                    return [y, mean, inv];
                });
                yield return new("BatchNormEvalForward", $"{form}/{name}", Summed, f =>
                {
                    var y = f.Output(xs);
                    f.Backend.BatchNormEvalForward(y, f.Uniform(xs), f.Uniform(c1), f.Uniform(c1), f.Uniform(c1), f.Uniform(c1, 0.5f, 2f), 1e-5f);
                    return [y];
                });
                yield return new("BatchNormTrainBackward", $"{form}/{name}", Summed, f =>
                {
                    var x = f.Uniform(xs);
                    var (y, mean, inv) = (f.Output(xs), f.Output(c1), f.Output(c1));
                    var gamma = f.Uniform(c1);
                    f.Backend.BatchNormTrainForward(y, mean, inv, null, null, x, gamma, null, 0.1f, 1e-5f);
                    var (dx, dg, db) = (f.Output(xs), f.Output(c1), f.Output(c1));
                    f.Backend.BatchNormTrainBackward(dx, dg, db, f.Uniform(xs), x, gamma, mean, inv);
                    return [dx, dg, db];
                });
                yield return new("BatchNormEvalBackward", $"{form}/{name}", Summed, f =>
                {
                    var (dx, dg, db) = (f.Output(xs), f.Output(c1), f.Output(c1));
                    f.Backend.BatchNormEvalBackward(dx, dg, db, f.Uniform(xs), f.Uniform(xs), f.Uniform(c1), f.Uniform(c1), f.Uniform(c1, 0.5f, 2f), 1e-5f);
                    return [dx, dg, db];
                });
            }

            // ---- attention (K = 3 candidates; x a view of a wider buffer)
            var s3 = new Shape(b, 3 * ch);
            yield return new("AttentionCombine", $"K3/{name}", Exact, f =>
            {
                var y = f.Output(s);
                f.Backend.AttentionCombine(y, f.View(b, 3 * ch, h, w, 3 * ch + 1, 1), f.Uniform(s3, 0f, 1f), 3);
                return [y];
            });
            yield return new("AttentionCombineBackward", $"K3/{name}", Summed, f =>
            {
                var (dx, ds) = (f.Output(new Shape(b, 3 * ch, h, w)), f.Output(s3));
                f.Backend.AttentionCombineBackward(dx, ds, f.Uniform(s), f.Uniform(new Shape(b, 3 * ch, h, w)), f.Uniform(s3, 0f, 1f), 3);
                return [dx, ds];
            });
            yield return new("AccumulateImportance", $"K3/{name}", Reduction, f =>
            {
                var importance = f.Float64([1.5, -2, 0.25]);
                f.Backend.AccumulateImportance(importance, f.Uniform(s3, 0f, 1f), 3);
                return [importance];
            });
        }

        // ---- dense layers: (B, I) → (B, O), batch 1 and a batch that is not a block multiple
        foreach (var (bb, i, o) in new[] { (1, 7, 5), (33, 20, 17) })
        {
            string v = $"{bb}x{i}->{o}";
            yield return new("LinearForward", v, Summed, f =>
            {
                var y = f.Output(new Shape(bb, o));
                f.Backend.LinearForward(y, f.Uniform(new Shape(bb, i)), f.Uniform(new Shape(o, i)), f.Uniform(new Shape(o)));
                return [y];
            });
            yield return new("LinearForward", $"no-bias/{v}", Summed, f =>
            {
                var y = f.Output(new Shape(bb, o));
                f.Backend.LinearForward(y, f.Uniform(new Shape(bb, i)), f.Uniform(new Shape(o, i)), null);
                return [y];
            });
            yield return new("LinearBackwardData", v, Summed, f =>
            {
                var dx = f.Output(new Shape(bb, i));
                f.Backend.LinearBackwardData(dx, f.Uniform(new Shape(bb, o)), f.Uniform(new Shape(o, i)));
                return [dx];
            });
            yield return new("LinearBackwardWeight", v, Summed, f =>
            {
                var (dw, db) = (f.Output(new Shape(o, i)), f.Output(new Shape(o)));
                f.Backend.LinearBackwardWeight(dw, db, f.Uniform(new Shape(bb, o)), f.Uniform(new Shape(bb, i)));
                return [dw, db];
            });
            yield return new("SoftmaxCrossEntropyForward", $"{bb}x{o}", Reduction, f =>
            {
                var (loss, probs) = (f.Output(new Shape(1)), f.Output(new Shape(bb, o)));
                f.Backend.SoftmaxCrossEntropyForward(loss, probs, f.Uniform(new Shape(bb, o), -5f, 5f), f.Labels(bb, o), 0.1f);
                return [loss, probs];
            });
            yield return new("SoftmaxCrossEntropyBackward", $"{bb}x{o}", Exact, f =>
            {
                var dl = f.Output(new Shape(bb, o));
                f.Backend.SoftmaxCrossEntropyBackward(dl, f.Uniform(new Shape(1)), f.Uniform(new Shape(bb, o), 0f, 1f), f.Labels(bb, o), 0.1f);
                return [dl];
            });
        }

        // ---- convolution: dense 3×3, strided, depthwise, dilated, 1×1 on a view
        var convs = new (string Name, Shape X, Shape W, Conv2dParams P, bool ViewInput)[]
        {
            ("3x3-pad1/1x3x5x7", new Shape(1, 3, 5, 7), new Shape(4, 3, 3, 3), new Conv2dParams(1, 1), false),
            ("3x3-stride2/3x4x9x11", new Shape(3, 4, 9, 11), new Shape(6, 4, 3, 3), new Conv2dParams(2, 1), false),
            ("depthwise5x5/2x6x9x7", new Shape(2, 6, 9, 7), new Shape(6, 1, 5, 5), new Conv2dParams(1, 2, 1, 6), false),
            ("dilated3x3/2x4x9x9", new Shape(2, 4, 9, 9), new Shape(4, 1, 3, 3), new Conv2dParams(1, 2, 2, 4), false),
            ("1x1-view/3x5x6x6", new Shape(3, 5, 6, 6), new Shape(7, 5, 1, 1), new Conv2dParams(), true),
        };
        foreach (var (v, xs, ws, p, viewInput) in convs)
        {
            var ys = new Shape(xs[0], ws[0], p.OutputSize(xs[2], ws[2]), p.OutputSize(xs[3], ws[3]));
            Tensor Input(OperandFactory f) => viewInput ? f.View(xs[0], xs[1], xs[2], xs[3], xs[1] + 2, 1) : f.Uniform(xs);
            yield return new("Conv2dForward", v, Summed, f =>
            {
                var y = f.Output(ys);
                f.Backend.Conv2dForward(y, Input(f), f.Uniform(ws), f.Uniform(new Shape(ws[0])), p);
                return [y];
            });
            yield return new("Conv2dBackwardData", v, Summed, f =>
            {
                var dx = f.Output(xs);
                f.Backend.Conv2dBackwardData(dx, f.Uniform(ys), f.Uniform(ws), p);
                return [dx];
            });
            yield return new("Conv2dBackwardFilter", v, Summed, f =>
            {
                var (dw, db) = (f.Output(ws), f.Output(new Shape(ws[0])));
                f.Backend.Conv2dBackwardFilter(dw, db, f.Uniform(ys), Input(f), p);
                return [dw, db];
            });
        }

        // ---- optimisers (several steps, so momentum and bias corrections matter)
        foreach (int n in new[] { 7, 1000 })
        {
            foreach (bool nesterov in new[] { false, true })
            {
                yield return new("SgdStep", $"{(nesterov ? "nesterov" : "momentum")}/{n}", Exact, f =>
                {
                    var (w, buf) = (f.Uniform(new Shape(n)), Tensor.Zeros(new Shape(n), f.Backend));
                    var p = new SgdParams(0.1f, 0.9f, 0f, 3e-4f, nesterov);
                    for (int step = 0; step < 3; step++) f.Backend.SgdStep(w, f.Uniform(new Shape(n)), buf, p, step == 0);
                    return [w, buf];
                });
            }
            yield return new("SgdStepMany", $"three-tensors/{(n == 7 ? "momentum" : "nesterov")}", Exact, f =>
            {
                var sizes = new[] { n, 3, 300 };
                var ws = sizes.Select(k => f.Uniform(new Shape(k))).ToArray();
                var bufs = sizes.Select(k => Tensor.Zeros(new Shape(k), f.Backend)).ToArray();
                var p = new SgdParams(0.1f, 0.9f, 0f, 3e-4f, n != 7);
                for (int step = 0; step < 3; step++)
                    f.Backend.SgdStepMany(sizes.Select((k, i) => new SgdTensor(ws[i], f.Uniform(new Shape(k)), bufs[i], step == 0 || i == 1 && step == 1)).ToList(), p);
                return [.. ws, .. bufs];
            });
            yield return new("SgdStep", $"plain/{n}", Exact, f =>
            {
                var w = f.Uniform(new Shape(n));
                f.Backend.SgdStep(w, f.Uniform(new Shape(n)), null, new SgdParams(0.05f), true);
                return [w];
            });
            yield return new("AdamStep", $"{n}", Exact, f =>
            {
                var (w, m, v) = (f.Uniform(new Shape(n)), Tensor.Zeros(new Shape(n), f.Backend), Tensor.Zeros(new Shape(n), f.Backend));
                var p = new AdamParams(3e-4f, 0.5f, 0.999f, 1e-8f, 1e-3f);
                for (int step = 1; step <= 3; step++) f.Backend.AdamStep(w, f.Uniform(new Shape(n)), m, v, p, step);
                return [w, m, v];
            });
        }
    }

    private static Tensor Scalar(OperandFactory f, double value) => f.Float64([value]);
}

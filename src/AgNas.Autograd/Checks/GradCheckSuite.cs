using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Autograd.Checks;

/// <summary>One input of a <see cref="GradCheckCase"/>: its name, shape and host values (row-major).</summary>
public sealed record GradCheckInput(string Name, Shape Shape, float[] Data, bool RequiresGrad = true);

/// <summary>
/// One named gradient check: an op, a variant (hyper-parameters), the inputs, the function of the
/// inputs' Vars, and the tolerance. Constants the function needs (labels, running statistics) are
/// made inside it on the inputs' backend, so a case runs unchanged on every backend.
/// </summary>
public sealed record GradCheckCase(
    string Op,
    string Variant,
    IReadOnlyList<GradCheckInput> Inputs,
    Func<IReadOnlyList<Var>, Var> Function,
    GradCheckTolerance Tolerance)
{
    /// <summary>"op/variant", unique in <see cref="GradCheckSuite.All"/>.</summary>
    public string Name => $"{Op}/{Variant}";

    /// <summary>The inputs' names and shapes, e.g. "x (2, 3, 5, 5), w (4, 3, 3, 3)"; constant inputs are marked.</summary>
    public string Shapes => string.Join(", ", Inputs.Select(i => $"{i.Name} {i.Shape}{(i.RequiresGrad ? "" : " (const)")}"));

    public override string ToString() => Name;
}

/// <summary>
/// The finite-difference checks of every autograd function, on small random shapes. Used by the
/// unit tests and by <c>agnas gradcheck</c>. The values are deterministic (drawn from
/// <see cref="CounterRandom"/> keyed by the case name) and kept away from the kinks of ReLU/ReLU6
/// and from ties inside max-pool windows, where finite differences are meaningless.
/// <para>Tolerances (step h = 1e-2 throughout; |num − ana| ≤ atol + rtol·|num| per element):</para>
/// <list type="bullet">
/// <item><see cref="Exact"/> (atol 5e-4, rtol 1e-3) for ops that are linear in each input around
/// the point (add, scale, mul — bilinear, and a·a is quadratic, where central differences are exact
/// too — ReLU/ReLU6 away from kinks, conv, linear, pools, channel mul, group sum, concat, slice,
/// reshape, expand groups, dropout, drop-path): no truncation error, only the float32 rounding of the outputs
/// that x_j moves, divided by 2h = 0.02. Measured worst (conv/BN/pool through naive float32 loops
/// standing in for the CPU kernels, the rest on the CPU backend): 1.0e-4 (conv 5×5, 50-term
/// sums), typically ≤ 5e-5; atol 5e-4 leaves a 5× margin for kernels that sum in
/// another order. A wrong backward is off by O(0.1) or more.</item>
/// <item><see cref="Smooth"/> (atol 1e-3, rtol 1e-2) for curved ops (sigmoid, softmax, batch norm,
/// cross-entropy, the attention chain, the softmax combine): the truncation error h²/6·f‴ (~1e-5·|f‴|) adds to the
/// rounding; batch norm over a handful of values per channel has the largest third derivatives.
/// Measured worst: 5e-5 (batch norm), 1.6e-5 (attention chain), 6.5e-6 (softmax combine), 2.3e-6 (softmax).</item>
/// </list>
/// </summary>
public static class GradCheckSuite
{
    /// <summary>Linear-in-each-input ops: rounding only.</summary>
    public static readonly GradCheckTolerance Exact = new(Atol: 5e-4, Rtol: 1e-3);

    /// <summary>Curved ops: rounding plus O(h²) truncation.</summary>
    public static readonly GradCheckTolerance Smooth = new(Atol: 1e-3, Rtol: 1e-2);

    /// <summary>Spacing of the distinct values given to max pooling: &gt; 2h, so a ±h step never changes a window's argmax.</summary>
    private const float MaxPoolSpacing = 0.05f;

    /// <summary>Closest an input of ReLU/ReLU6 comes to a kink: &gt; h, so x ± h stays on one side.</summary>
    private const float KinkMargin = 0.1f;

    private static readonly Lazy<IReadOnlyList<GradCheckCase>> _all = new(Build);

    /// <summary>Every case, in a fixed order, with unique names.</summary>
    public static IReadOnlyList<GradCheckCase> All => _all.Value;

    /// <summary>The case called <paramref name="name"/> ("op/variant").</summary>
    /// <exception cref="ArgumentException">No case has that name.</exception>
    public static GradCheckCase Get(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"GradCheckSuite: no case named '{name}'; expected one of: {string.Join(", ", All.Select(c => c.Name))}.");

    /// <summary>Runs <paramref name="c"/> on the CPU reference backend.</summary>
    public static GradCheckResult Run(GradCheckCase c) => Run(c, CpuBackend.Instance);

    /// <summary>Runs <paramref name="c"/> with its inputs on <paramref name="backend"/>; all it allocates is released.</summary>
    public static GradCheckResult Run(GradCheckCase c, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(backend);
        using var scope = TensorScope.Begin();
        var inputs = c.Inputs.Select(i => Tensor.FromArray(i.Data, i.Shape, backend)).ToArray();
        return GradCheck.Run(c.Function, inputs, c.Tolerance,
            c.Inputs.Select(i => i.RequiresGrad).ToArray(), c.Inputs.Select(i => i.Name).ToArray());
    }

    // ---- the cases ------------------------------------------------------------------------------

    private static List<GradCheckCase> Build()
    {
        var cases = new List<GradCheckCase>();
        void Add(string op, string variant, GradCheckTolerance tol, Func<IReadOnlyList<Var>, Var> f, params Func<string, GradCheckInput>[] inputs)
        {
            var key = op + "/" + variant;
            cases.Add(new GradCheckCase(op, variant, inputs.Select((mk, i) => mk(key + "#" + i)).ToArray(), f, tol));
        }

        // Elementwise.
        Add("relu", "2x3x4x4", Exact, v => Relu(v[0]), In("x", S(2, 3, 4, 4), AwayFrom(-1, 1, 0f)));
        Add("relu6", "2x3x4x4", Exact, v => Relu6(v[0]), In("x", S(2, 3, 4, 4), AwayFrom(-2, 8, 0f, 6f)));
        Add("sigmoid", "2x3x4x4", Smooth, v => Sigmoid(v[0]), In("x", S(2, 3, 4, 4), U(-3, 3)));
        Add("add", "2x3x4", Exact, v => Functional.Add(v[0], v[1]), In("a", S(2, 3, 4), U(-1, 1)), In("b", S(2, 3, 4), U(-1, 1)));
        Add("add", "same-input-twice", Exact, v => Functional.Add(v[0], v[0]), In("a", S(2, 5), U(-1, 1)));
        Add("mul", "2x3x4", Exact, v => Mul(v[0], v[1]), In("a", S(2, 3, 4), U(-1, 1)), In("b", S(2, 3, 4), U(-1, 1)));
        Add("mul", "square", Exact, v => Mul(v[0], v[0]), In("a", S(3, 4), U(-1, 1)));
        Add("mul", "b-const", Exact, v => Mul(v[0], v[1]), In("a", S(2, 6), U(-1, 1)), In("b", S(2, 6), U(-1, 1), requiresGrad: false));
        Add("scale", "alpha=-1.5", Exact, v => Functional.Scale(v[0], -1.5f), In("x", S(2, 3, 4), U(-1, 1)));
        Add("zeros", "x+zeros", Exact, v => Functional.Add(v[0], Zeros(v[0].Shape, v[0].Backend)), In("x", S(2, 3), U(-1, 1)));

        // Convolution: (B, I, H, W) input, (O, I/groups, kH, kW) weight.
        void Conv(string variant, Shape x, Shape w, bool bias, Conv2dParams p, bool xNeedsGrad = true)
        {
            var ins = new List<Func<string, GradCheckInput>>
            {
                In("x", x, U(-1, 1), xNeedsGrad),
                In("w", w, U(-1, 1)),
            };
            if (bias) ins.Add(In("bias", S(w[0]), U(-1, 1)));
            Add("conv2d", variant, Exact, v => Conv2d(v[0], v[1], bias ? v[2] : null, p), ins.ToArray());
        }
        Conv("k3-s1-p1-bias", S(2, 3, 5, 5), S(4, 3, 3, 3), true, new Conv2dParams(1, 1));
        Conv("k3-s2-p1-odd", S(2, 3, 7, 7), S(4, 3, 3, 3), false, new Conv2dParams(2, 1));
        Conv("k3-s2-p1-even-batch1", S(1, 2, 6, 6), S(3, 2, 3, 3), true, new Conv2dParams(2, 1));
        Conv("k1-s1-p0-bias", S(2, 4, 4, 4), S(3, 4, 1, 1), true, new Conv2dParams(Stride: 1));
        Conv("k1-s2-p0", S(2, 4, 5, 5), S(3, 4, 1, 1), false, new Conv2dParams(2));
        Conv("k5-s1-p2-batch1", S(1, 2, 6, 6), S(3, 2, 5, 5), true, new Conv2dParams(1, 2));
        Conv("k3-d2-p2", S(2, 2, 7, 7), S(3, 2, 3, 3), true, new Conv2dParams(1, 2, 2));
        Conv("k3-groups2-bias", S(2, 4, 5, 5), S(6, 2, 3, 3), true, new Conv2dParams(1, 1, 1, 2));
        Conv("depthwise-k3-p1-bias", S(2, 3, 5, 5), S(3, 1, 3, 3), true, new Conv2dParams(1, 1, 1, 3));
        Conv("depthwise-k3-s2-p1", S(2, 3, 6, 6), S(3, 1, 3, 3), false, new Conv2dParams(2, 1, 1, 3));
        Conv("depthwise-k3-d2-p2", S(2, 3, 6, 6), S(3, 1, 3, 3), false, new Conv2dParams(1, 2, 2, 3));
        Conv("depthwise-k5-s1-p2", S(2, 2, 6, 6), S(2, 1, 5, 5), false, new Conv2dParams(1, 2, 1, 2));
        Conv("depthwise-k5-d2-p4-s2", S(1, 2, 9, 9), S(2, 1, 5, 5), true, new Conv2dParams(2, 4, 2, 2));
        Conv("depthwise-multiplier2", S(2, 2, 5, 5), S(4, 1, 3, 3), false, new Conv2dParams(1, 1, 1, 2));
        Conv("non-square-input-5x7", S(2, 3, 5, 7), S(2, 3, 3, 3), true, new Conv2dParams(1, 1));
        Conv("non-square-kernel-1x3", S(2, 3, 5, 6), S(2, 3, 1, 3), false, new Conv2dParams(Stride: 1));
        Conv("x-const", S(2, 3, 5, 5), S(2, 3, 3, 3), true, new Conv2dParams(1, 1), xNeedsGrad: false);

        // Batch norm. Running statistics are constants made inside the function on the input's backend.
        float[] rMean = Values("bn-running-mean", 3, U(-0.5f, 0.5f));
        float[] rVar = Values("bn-running-var", 3, U(0.5f, 1.5f));
        Func<IReadOnlyList<Var>, Var> Bn(bool affine, bool running, bool training) => v =>
        {
            var be = v[0].Backend;
            Tensor? rm = running ? Tensor.FromArray(rMean, S(3), be) : null;
            Tensor? rv = running ? Tensor.FromArray(rVar, S(3), be) : null;
            return BatchNorm2d(v[0], affine ? v[1] : null, affine ? v[2] : null, rm, rv, training);
        };
        Func<string, GradCheckInput>[] BnInputs(Shape x, bool affine) => affine
            ? [In("x", x, U(-1, 1)), In("gamma", S(3), U(0.5f, 1.5f)), In("beta", S(3), U(-0.5f, 0.5f))]
            : [In("x", x, U(-1, 1))];
        Add("batch_norm2d", "train-affine-running", Smooth, Bn(true, true, true), BnInputs(S(4, 3, 3, 3), true));
        Add("batch_norm2d", "train-affine-no-running", Smooth, Bn(true, false, true), BnInputs(S(2, 3, 4, 4), true));
        Add("batch_norm2d", "train-noaffine-running", Smooth, Bn(false, true, true), BnInputs(S(4, 3, 3, 3), false));
        Add("batch_norm2d", "train-noaffine-batch1", Smooth, Bn(false, false, true), BnInputs(S(1, 3, 4, 4), false));
        Add("batch_norm2d", "train-affine-BC", Smooth, Bn(true, true, true), BnInputs(S(6, 3), true));
        Add("batch_norm2d", "eval-affine-running", Smooth, Bn(true, true, false), BnInputs(S(2, 3, 3, 3), true));
        Add("batch_norm2d", "eval-noaffine-running", Smooth, Bn(false, true, false), BnInputs(S(2, 3, 3, 3), false));
        Add("batch_norm2d", "eval-affine-no-running", Smooth, Bn(true, false, false), BnInputs(S(3, 3, 3, 3), true));
        Add("batch_norm2d", "eval-noaffine-no-running", Smooth, Bn(false, false, false), BnInputs(S(3, 3, 3, 3), false));

        // Pools. Max-pool inputs are distinct by MaxPoolSpacing so no ±h step changes an argmax.
        Add("max_pool2d", "k3-s1-p1", Exact, v => MaxPool2d(v[0], new Pool2dParams(3, 1, 1)), In("x", S(2, 2, 5, 5), Distinct()));
        Add("max_pool2d", "k3-s2-p1", Exact, v => MaxPool2d(v[0], new Pool2dParams(3, 2, 1)), In("x", S(2, 2, 6, 6), Distinct()));
        Add("max_pool2d", "k2-s2-p0-odd-batch1", Exact, v => MaxPool2d(v[0], new Pool2dParams(2, 2)), In("x", S(1, 3, 5, 7), Distinct()));
        foreach (var include in new[] { false, true })
        {
            var tag = include ? "include-pad" : "exclude-pad";
            Add("avg_pool2d", "k3-s1-p1-" + tag, Exact, v => AvgPool2d(v[0], new Pool2dParams(3, 1, 1), include), In("x", S(2, 2, 5, 5), U(-1, 1)));
            Add("avg_pool2d", "k3-s2-p1-" + tag, Exact, v => AvgPool2d(v[0], new Pool2dParams(3, 2, 1), include), In("x", S(2, 2, 6, 7), U(-1, 1)));
        }
        Add("avg_pool2d", "k2-s2-p0-batch1", Exact, v => AvgPool2d(v[0], new Pool2dParams(2, 2)), In("x", S(1, 3, 4, 4), U(-1, 1)));
        Add("global_avg_pool", "2x3x4x5", Exact, v => GlobalAvgPool(v[0]), In("x", S(2, 3, 4, 5), U(-1, 1)));

        // Dense.
        Add("linear", "bias", Exact, v => Linear(v[0], v[1], v[2]), In("x", S(3, 5), U(-1, 1)), In("w", S(4, 5), U(-1, 1)), In("bias", S(4), U(-1, 1)));
        Add("linear", "no-bias", Exact, v => Linear(v[0], v[1], null), In("x", S(3, 5), U(-1, 1)), In("w", S(4, 5), U(-1, 1)));
        Add("linear", "batch1", Exact, v => Linear(v[0], v[1], v[2]), In("x", S(1, 6), U(-1, 1)), In("w", S(2, 6), U(-1, 1)), In("bias", S(2), U(-1, 1)));
        Add("linear", "bias-only", Exact, v => Linear(v[0], v[1], v[2]),
            In("x", S(3, 4), U(-1, 1), false), In("w", S(2, 4), U(-1, 1), false), In("bias", S(2), U(-1, 1)));

        // Attention-module plumbing.
        Add("channel_mul", "BCHW", Exact, v => ChannelMul(v[0], v[1]), In("x", S(2, 3, 4, 4), U(-1, 1)), In("s", S(2, 3), U(-1, 1)));
        Add("channel_mul", "BC", Exact, v => ChannelMul(v[0], v[1]), In("x", S(2, 5), U(-1, 1)), In("s", S(2, 5), U(-1, 1)));
        Add("group_sum", "K3", Exact, v => GroupSum(v[0], 3), In("x", S(2, 6, 3, 3), U(-1, 1)));
        Add("group_sum", "K1", Exact, v => GroupSum(v[0], 1), In("x", S(2, 2, 3, 3), U(-1, 1)));
        Add("concat", "three-parts", Exact, v => Concat([v[0], v[1], v[2]]),
            In("a", S(2, 2, 3, 3), U(-1, 1)), In("b", S(2, 3, 3, 3), U(-1, 1)), In("c", S(2, 1, 3, 3), U(-1, 1)));
        Add("concat", "BC-with-const", Exact, v => Concat([v[0], v[1]]), In("a", S(3, 2), U(-1, 1)), In("b", S(3, 4), U(-1, 1), false));
        Add("concat", "same-part-twice", Exact, v => Concat([v[0], v[0]]), In("a", S(2, 2, 2, 2), U(-1, 1)));
        Add("slice_channels", "1+3-of-5", Exact, v => SliceChannels(v[0], 1, 3), In("x", S(2, 5, 3, 3), U(-1, 1)));
        Add("slice_channels", "of-concat", Exact, v => SliceChannels(Concat([v[0], v[1]]), 1, 3), In("a", S(2, 2, 2, 2), U(-1, 1)), In("b", S(2, 3, 2, 2), U(-1, 1)));
        Add("reshape", "2x3x4-to-6x4", Exact, v => Reshape(v[0], S(6, 4)), In("x", S(2, 3, 4), U(-1, 1)));
        Add("flatten", "2x3x2x2", Exact, v => Flatten(v[0]), In("x", S(2, 3, 2, 2), U(-1, 1)));

        // Loss. Labels are constants made inside the function.
        int[] labels = [0, 3, 1, 4];
        Func<IReadOnlyList<Var>, Var> Ce(int[] l, float eps) => v => CrossEntropy(v[0], Tensor.FromArray(l, S(l.Length), v[0].Backend), eps);
        Add("cross_entropy", "no-smoothing", Smooth, Ce(labels, 0f), In("logits", S(4, 5), U(-2, 2)));
        Add("cross_entropy", "smoothing-0.1", Smooth, Ce(labels, 0.1f), In("logits", S(4, 5), U(-2, 2)));
        Add("cross_entropy", "smoothing-0.3-batch1", Smooth, Ce([2], 0.3f), In("logits", S(1, 4), U(-2, 2)));

        // Stochastic regularisers in training mode; a fixed seed gives the same mask every call.
        Add("dropout", "p=0.3", Exact, v => Dropout(v[0], 0.3f, training: true, seed: 7), In("x", S(2, 3, 4, 4), U(-1, 1)));
        Add("drop_path", "p=0.5", Exact, v => DropPath(v[0], 0.5f, training: true, seed: 11), In("x", S(6, 2, 3, 3), U(-1, 1)));

        // A composite: the attention module over K = 2 candidates of C = 3 channels.
        Add("attention_chain", "gap-fc-relu-fc-sigmoid-mul-groupsum", Smooth, v =>
            {
                var concat = Concat([v[0], v[1]]);
                var s = Sigmoid(Linear(Relu(Linear(GlobalAvgPool(concat), v[2], null)), v[3], null));
                return GroupSum(ChannelMul(concat, s), 2);
            },
            In("cand0", S(2, 3, 3, 3), U(-1, 1)), In("cand1", S(2, 3, 3, 3), U(-1, 1)),
            In("fc1", S(3, 6), U(-1, 1)), In("fc2", S(6, 3), U(-1, 1)));

        Add("attention_combine", "K=3-C=2", Exact, v => AttentionCombine(v[0], v[1], 3),
            In("z", S(2, 6, 3, 4), U(-1, 1)), In("s", S(2, 6), U(0, 1)));
        Add("attention_combine", "K=5-C=3-batch1", Exact, v => AttentionCombine(v[0], v[1], 5),
            In("z", S(1, 15, 2, 3), U(-1, 1)), In("s", S(1, 15), U(0, 1)));

        // DARTS mixing: softmax(α) spread over the channel groups and combined by the fused kernel.
        Add("softmax", "3x5", Smooth, v => Softmax(v[0]), In("x", S(3, 5), U(-2, 2)));
        Add("softmax", "1x8-wide", Smooth, v => Softmax(v[0]), In("x", S(1, 8), U(-4, 4)));
        Add("softmax", "4x1", Smooth, v => Softmax(v[0]), In("x", S(4, 1), U(-1, 1)));
        Add("expand_groups", "1x3-to-B2-C4", Exact, v => ExpandGroups(v[0], 2, 4), In("w", S(1, 3), U(-1, 1)));
        Add("expand_groups", "per-sample-3x2-C2", Exact, v => ExpandGroups(v[0], 3, 2), In("w", S(3, 2), U(-1, 1)));
        Add("expand_groups", "1x4-to-B1-C3", Exact, v => ExpandGroups(v[0], 1, 3), In("w", S(1, 4), U(-1, 1)));
        Add("softmax_combine", "K=5-C=3", Smooth, v => AttentionCombine(v[0], ExpandGroups(Softmax(v[1]), 2, 3), 5),
            In("z", S(2, 15, 2, 3), U(-1, 1)), In("alpha", S(1, 5), U(-1, 1)));

        var duplicate = cases.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"GradCheckSuite: case name '{duplicate.Key}' is used twice.");
        return cases;
    }

    // ---- deterministic inputs -------------------------------------------------------------------

    private static Shape S(params int[] dims) => new(dims);

    private static Func<string, GradCheckInput> In(string name, Shape shape, Func<string, int, float[]> values, bool requiresGrad = true) =>
        key => new GradCheckInput(name, shape, values(key, checked((int)shape.Size)), requiresGrad);

    private static float[] Values(string key, int count, Func<string, int, float[]> values) => values(key, count);

    /// <summary>Uniform in [lo, hi).</summary>
    private static Func<string, int, float[]> U(float lo, float hi) => (key, n) =>
    {
        var seed = Seed(key);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * CounterRandom.Uniform(seed, (ulong)i);
        return a;
    };

    /// <summary>Uniform in [lo, hi) with every value at least <see cref="KinkMargin"/> from each kink.</summary>
    private static Func<string, int, float[]> AwayFrom(float lo, float hi, params float[] kinks) => (key, n) =>
    {
        var seed = Seed(key);
        var a = new float[n];
        ulong draw = 0;
        for (int i = 0; i < n; i++)
        {
            float v;
            do v = lo + (hi - lo) * CounterRandom.Uniform(seed, draw++);
            while (kinks.Any(k => Math.Abs(v - k) < KinkMargin));
            a[i] = v;
        }
        return a;
    };

    /// <summary>A shuffled progression −(n−1)/2·d … (n−1)/2·d with d = <see cref="MaxPoolSpacing"/>: all values distinct by d.</summary>
    private static Func<string, int, float[]> Distinct() => (key, n) =>
    {
        var seed = Seed(key);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i - (n - 1) / 2f) * MaxPoolSpacing;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(CounterRandom.Hash(seed, (ulong)i) % (ulong)(i + 1));
            (a[i], a[j]) = (a[j], a[i]);
        }
        return a;
    };

    /// <summary>FNV-1a of the key: a stable seed per case input (string.GetHashCode differs between runs).</summary>
    private static ulong Seed(string key)
    {
        ulong h = 14695981039346656037UL;
        foreach (char ch in key)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        return h;
    }
}

using System.Globalization;
using System.Text;
using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Autograd.Checks;

/// <summary>
/// Tolerances of one gradient check: element j passes iff |num_j − ana_j| ≤ <see cref="Atol"/> +
/// <see cref="Rtol"/>·|num_j|, with the numeric gradient taken by central differences of step
/// <see cref="Step"/>.
/// </summary>
public sealed record GradCheckTolerance(double Atol, double Rtol, double Step = GradCheck.DefaultStep)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"atol {Atol:G3}, rtol {Rtol:G3}, step {Step:G3}");
}

/// <summary>
/// The check of one input's gradient. <see cref="MaxRelError"/> is max_j |num_j − ana_j| /
/// max(|num_j|, <see cref="GradCheck.RelativeFloor"/>) (the floor keeps near-zero gradients from
/// dominating it). <see cref="WorstIndex"/> is the flat (row-major) index of the element closest
/// to failing or furthest past it: the largest |num − ana| / (atol + rtol·|num|).
/// </summary>
public sealed record GradCheckInputResult(
    int Input,
    string Name,
    Shape Shape,
    bool Checked,
    double MaxAbsError,
    double MaxRelError,
    long WorstIndex,
    double NumericAtWorst,
    double AnalyticAtWorst,
    long Failures,
    IReadOnlyList<string> FirstMismatches)
{
    /// <summary>True when every element is within tolerance (or the input needs no gradient and was not checked).</summary>
    public bool Passed => Failures == 0;

    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        if (!Checked) return string.Create(inv, $"input {Input} '{Name}' {Shape}: needs no gradient, not checked");
        var s = string.Create(inv,
            $"input {Input} '{Name}' {Shape}: {(Passed ? "pass" : "FAIL")}, max abs err {MaxAbsError:G3}, max rel err {MaxRelError:G3}, " +
            $"worst at {GradCheck.FormatIndex(WorstIndex, Shape)} (numeric {NumericAtWorst:G6}, analytic {AnalyticAtWorst:G6})");
        if (!Passed) s += string.Create(inv, $"; {Failures} of {Shape.Size} elements out of tolerance; first: {string.Join("; ", FirstMismatches)}");
        return s;
    }
}

/// <summary>The result of <see cref="GradCheck.Run"/>: one entry per input, in input order.</summary>
public sealed record GradCheckResult(IReadOnlyList<GradCheckInputResult> Inputs, GradCheckTolerance Tolerance)
{
    public bool Passed => Inputs.All(i => i.Passed);

    /// <summary>Largest |num − ana| over every checked input.</summary>
    public double MaxAbsError => Inputs.Where(i => i.Checked).Select(i => i.MaxAbsError).DefaultIfEmpty(0).Max();

    /// <summary>Largest relative error (see <see cref="GradCheckInputResult"/>) over every checked input.</summary>
    public double MaxRelError => Inputs.Where(i => i.Checked).Select(i => i.MaxRelError).DefaultIfEmpty(0).Max();

    /// <summary>A multi-line report: the tolerance, then one line per input.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Passed ? "gradcheck passed" : "gradcheck FAILED").Append(" (").Append(Tolerance).Append(')');
        foreach (var i in Inputs) sb.AppendLine().Append("  ").Append(i);
        return sb.ToString();
    }
}

/// <summary>
/// Finite-difference check of the backward passes. For a function f of input tensors it forms the
/// scalar L = Σ_k f(x)_k · r_k with fixed upstream weights r_k uniform in [−1, 1) (drawn from
/// <see cref="CounterRandom"/> with the given seed, so the check is deterministic), and compares
/// <list type="bullet">
/// <item>the analytic gradient ∂L/∂x: one forward with gradients on, then Backward seeded with r;</item>
/// <item>the numeric gradient (L(x + h·e_j) − L(x − h·e_j)) / (2h) for every element j of every input
/// that requires a gradient, with L summed in float64 on the host. The step actually taken is
/// used (x ± h rounded to float32), so rounding of the perturbed value costs no accuracy.</item>
/// </list>
/// Every evaluation runs on fresh copies of the inputs made from a host snapshot taken once:
/// the caller's tensors are never written, so nothing needs restoring. f must be deterministic
/// (dropout and drop-path with a fixed seed); state it mutates and does not read, such as batch
/// norm's running statistics in training mode, is harmless. Everything the check allocates is
/// released before it returns.
/// </summary>
public static class GradCheck
{
    public const double DefaultStep = 1e-2;

    /// <summary>Floor of the denominator of the relative error: max(|num|, 1e-3).</summary>
    public const double RelativeFloor = 1e-3;

    public const ulong DefaultSeed = 20220717;

    private const int MismatchesShown = 5;

    /// <summary>Checks the gradients of <paramref name="f"/> at <paramref name="inputs"/>.</summary>
    /// <param name="f">The function under test; it receives one <see cref="Var"/> per input, in order.</param>
    /// <param name="inputs">float32 input values (copied; never modified).</param>
    /// <param name="tolerance">Pass criterion and finite-difference step.</param>
    /// <param name="requiresGrad">Per input: whether its Var requires a gradient and is checked (default: all).</param>
    /// <param name="names">Per input: a name for the report (default "x0", "x1", ...).</param>
    /// <param name="seed">Seed of the upstream weights r.</param>
    /// <exception cref="ArgumentException">An input is not float32, or a per-input list has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">Called inside <see cref="GradMode.NoGrad"/>, or f's output changes shape.</exception>
    public static GradCheckResult Run(Func<IReadOnlyList<Var>, Var> f, IReadOnlyList<Tensor> inputs, GradCheckTolerance tolerance,
        IReadOnlyList<bool>? requiresGrad = null, IReadOnlyList<string>? names = null, ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(tolerance);
        if (!GradMode.IsEnabled) throw new InvalidOperationException("GradCheck: called inside NoGrad; the analytic gradient needs gradients on.");
        if (!(tolerance.Step > 0)) throw new ArgumentException($"GradCheck: step = {tolerance.Step}; expected > 0.");
        if (requiresGrad is not null && requiresGrad.Count != inputs.Count)
            throw new ArgumentException($"GradCheck: {requiresGrad.Count} requiresGrad flags for {inputs.Count} inputs; expected one per input.");
        if (names is not null && names.Count != inputs.Count)
            throw new ArgumentException($"GradCheck: {names.Count} names for {inputs.Count} inputs; expected one per input.");
        for (int i = 0; i < inputs.Count; i++)
            Check.DType("GradCheck", inputs[i], DType.Float32, $"input {i}");

        var backends = inputs.Select(t => t.Backend).ToArray();
        var shapes = inputs.Select(t => t.Shape).ToArray();
        var host = inputs.Select(t => t.ToArray()).ToArray();
        bool Needs(int i) => requiresGrad?[i] ?? true;
        string NameOf(int i) => names?[i] ?? $"x{i}";

        // Analytic gradients, and the output shape that fixes r.
        float[] r;
        var analytic = new float[inputs.Count][];
        using (TensorScope.Begin())
        {
            var vars = new Var[inputs.Count];
            for (int i = 0; i < vars.Length; i++)
                vars[i] = new Var(Tensor.FromArray(host[i], shapes[i], backends[i]), Needs(i));
            var output = f(vars);
            r = UpstreamWeights(output.Data.Size, seed);
            if (output.RequiresGrad)
                output.Backward(Tensor.FromArray(r, output.Shape, output.Backend));
            for (int i = 0; i < vars.Length; i++)
                analytic[i] = vars[i].Grad?.ToArray() ?? new float[shapes[i].Size];
        }

        var results = new GradCheckInputResult[inputs.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                if (!Needs(i))
                {
                    results[i] = new GradCheckInputResult(i, NameOf(i), shapes[i], false, 0, 0, -1, 0, 0, 0, []);
                    continue;
                }
                var numeric = new double[shapes[i].Size];
                var x = (float[])host[i].Clone();
                for (int j = 0; j < x.Length; j++)
                {
                    float x0 = x[j];
                    float xp = (float)(x0 + tolerance.Step), xm = (float)(x0 - tolerance.Step);
                    x[j] = xp;
                    double lp = Loss(f, host, i, x, shapes, backends, r);
                    x[j] = xm;
                    double lm = Loss(f, host, i, x, shapes, backends, r);
                    x[j] = x0;
                    numeric[j] = (lp - lm) / ((double)xp - xm);
                }
                results[i] = Compare(i, NameOf(i), shapes[i], numeric, analytic[i], tolerance);
            }
        }
        return new GradCheckResult(results, tolerance);
    }

    /// <summary>r_k = 2u − 1, u uniform in [0, 1) from the counter-based generator: the same for every backend and run.</summary>
    private static float[] UpstreamWeights(long count, ulong seed)
    {
        var r = new float[count];
        for (int k = 0; k < r.Length; k++) r[k] = 2f * CounterRandom.Uniform(seed, (ulong)k) - 1f;
        return r;
    }

    /// <summary>L = Σ f(x)_k · r_k in float64, with input <paramref name="perturbed"/> taken from <paramref name="values"/>.</summary>
    private static double Loss(Func<IReadOnlyList<Var>, Var> f, float[][] host, int perturbed, float[] values,
        Shape[] shapes, IBackend[] backends, float[] r)
    {
        using var scope = TensorScope.Begin();
        var vars = new Var[host.Length];
        for (int i = 0; i < vars.Length; i++)
            vars[i] = new Var(Tensor.FromArray(i == perturbed ? values : host[i], shapes[i], backends[i]));
        var output = f(vars).Data.ToArray();
        if (output.Length != r.Length)
            throw new InvalidOperationException($"GradCheck: the function's output has {output.Length} elements under a perturbed input but {r.Length} at the unperturbed point; expected a fixed output shape.");
        double sum = 0;
        for (int k = 0; k < output.Length; k++) sum += (double)output[k] * r[k];
        return sum;
    }

    private static GradCheckInputResult Compare(int input, string name, Shape shape, double[] numeric, float[] analytic, GradCheckTolerance tol)
    {
        double maxAbs = 0, maxRel = 0, worstRatio = -1;
        long worst = 0, failures = 0;
        var mismatches = new List<string>();
        for (int j = 0; j < numeric.Length; j++)
        {
            double num = numeric[j], ana = analytic[j], diff = Math.Abs(num - ana);
            if (double.IsNaN(diff)) diff = double.PositiveInfinity;
            double bound = tol.Atol + tol.Rtol * Math.Abs(num);
            double ratio = bound > 0 ? diff / bound : (diff > 0 ? double.PositiveInfinity : 0);
            maxAbs = Math.Max(maxAbs, diff);
            maxRel = Math.Max(maxRel, diff / Math.Max(Math.Abs(num), RelativeFloor));
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worst = j;
            }
            if (!(diff <= bound))
            {
                failures++;
                if (mismatches.Count < MismatchesShown)
                    mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{FormatIndex(j, shape)} numeric {num:G6} analytic {ana:G6} (diff {diff:G3})"));
            }
        }
        return new GradCheckInputResult(input, name, shape, true, maxAbs, maxRel, worst,
            numeric.Length > 0 ? numeric[worst] : 0, numeric.Length > 0 ? analytic[worst] : 0, failures, mismatches);
    }

    /// <summary>"[j] (n, c, h, w)": the flat index and its coordinates in <paramref name="shape"/>.</summary>
    public static string FormatIndex(long flat, Shape shape)
    {
        if (flat < 0 || shape.Rank <= 1) return $"[{flat}]";
        var coords = new long[shape.Rank];
        long rest = flat;
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            coords[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
        }
        return $"[{flat}] ({string.Join(", ", coords)})";
    }
}

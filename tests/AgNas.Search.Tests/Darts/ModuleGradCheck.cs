using System.Globalization;
using AgNas.Autograd;
using AgNas.Autograd.Checks;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Darts;

/// <summary>
/// Finite-difference check of a composite module's gradients with respect to its input and every parameter.
/// The input part is <see cref="GradCheck.Run"/> through the module. For the parameters, L = Σ y·r with fixed
/// weights r; the analytic ∂L/∂θ comes from one backward of the module under test, and the numeric one from central
/// differences on a second module built by the same factory and loaded with the first one's state, so the module
/// under test is never perturbed.
/// </summary>
internal static class ModuleGradCheck
{
    public static string Run(Func<Module> build, Tensor x, GradCheckTolerance tolerance, out bool passed)
    {
        var report = new List<string>();
        passed = true;
        using var module = build();
        using (TensorScope.Begin())
        {
            var input = GradCheck.Run(v => module.Forward(v[0]), [x], tolerance, names: ["x"]);
            passed &= input.Passed;
            report.Add(input.ToString());
        }
        module.ZeroGrad();

        using var copy = build();
        copy.LoadStateDict(module.StateDict());
        using var scope = TensorScope.Begin();
        var y = module.Forward(new Var(x));
        var r = new float[y.Shape.Size];
        for (int i = 0; i < r.Length; i++) r[i] = 2f * CounterRandom.Uniform(GradCheck.DefaultSeed, (ulong)i) - 1f;
        y.Backward(Tensor.FromArray(r, y.Shape, CpuBackend.Instance));

        double Loss()
        {
            using var inner = TensorScope.Begin();
            using var _ = GradMode.NoGrad();
            var ys = copy.Forward(new Var(x)).Data.ToArray();
            double sum = 0;
            for (int i = 0; i < ys.Length; i++) sum += (double)ys[i] * r[i];
            return sum;
        }

        var copies = copy.NamedParameters().ToDictionary(p => p.Name, p => p.Param);
        foreach (var (name, p) in module.NamedParameters())
        {
            var analytic = p.Grad?.ToArray() ?? new float[p.Data.Size];
            var target = copies[name];
            var values = target.Data.ToArray();
            long failures = 0;
            double worst = 0;
            for (int j = 0; j < values.Length; j++)
            {
                float original = values[j];
                values[j] = original + (float)tolerance.Step;
                double up = values[j] - original;
                target.Data.Backend.CopyFromHost(target.Data, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                double plus = Loss();
                values[j] = original - (float)tolerance.Step;
                double down = original - values[j];
                target.Data.Backend.CopyFromHost(target.Data, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                double minus = Loss();
                values[j] = original;
                target.Data.Backend.CopyFromHost(target.Data, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                double numeric = (plus - minus) / (up + down);
                double error = Math.Abs(numeric - analytic[j]);
                worst = Math.Max(worst, error);
                if (error > tolerance.Atol + tolerance.Rtol * Math.Abs(numeric))
                {
                    failures++;
                    if (failures <= 3) report.Add(string.Create(CultureInfo.InvariantCulture, $"  {name}[{j}]: numeric {numeric:G6}, analytic {analytic[j]:G6}"));
                }
            }
            passed &= failures == 0;
            report.Add(string.Create(CultureInfo.InvariantCulture, $"  parameter {name} {p.Data.Shape}: {(failures == 0 ? "pass" : $"FAIL ({failures})")}, max abs err {worst:G3}"));
        }
        return string.Join(Environment.NewLine, report);
    }
}

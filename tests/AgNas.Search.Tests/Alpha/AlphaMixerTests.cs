using AgNas.Autograd;
using AgNas.Autograd.Checks;
using AgNas.Search.Alpha;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Alpha;

public class AlphaMixerTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private const int E = 3, K = 4, C = 2, B = 2, H = 2, W = 3;

    private static readonly float[] Logits = SupernetTestUtil.Uniform(E * K, 41, -1.5f, 1.5f);
    private static readonly Shape ZShape = new(B, K * C, H, W);
    private static readonly float[] Z = SupernetTestUtil.Uniform(ZShape.Size, 42);
    private static readonly float[] Upstream = SupernetTestUtil.Uniform(B * C * H * W, 43);

    private static AlphaSet NewSet(float[] logits)
    {
        var set = new AlphaSet("alpha", E, K, Cpu);
        AlphaTestUtil.Set(set, logits);
        return set;
    }

    [Fact]
    public void MixIsTheSoftmaxWeightedSumOfTheEdgesCandidates()
    {
        var set = NewSet(Logits);
        try
        {
            using var scope = TensorScope.Begin();
            var y = set.Mixer(1).Mix(new Var(Tensor.FromArray(Z, ZShape, Cpu))).Data.ToArray();
            Assert.Equal(B * C * H * W, y.Length);
            var p = AlphaSet.Softmax(Logits[K..(2 * K)]);
            int plane = H * W;
            for (int b = 0; b < B; b++)
            for (int c = 0; c < C; c++)
            for (int i = 0; i < plane; i++)
            {
                double expected = 0;
                for (int k = 0; k < K; k++) expected += p[k] * Z[((b * K + k) * C + c) * plane + i];
                Assert.Equal(expected, y[(b * C + c) * plane + i], 1e-6);
            }
        }
        finally
        {
            AlphaTestUtil.Release(set);
        }
    }

    /// <summary>Σ Mix(z) ⊙ upstream in double, for α = <paramref name="logits"/> (a fresh set: the checked one is never edited).</summary>
    private static double Objective(float[] logits, int edge)
    {
        var set = NewSet(logits);
        try
        {
            using var scope = TensorScope.Begin();
            using var noGrad = GradMode.NoGrad();
            var y = set.Mixer(edge).Mix(new Var(Tensor.FromArray(Z, ZShape, Cpu))).Data.ToArray();
            return y.Select((v, i) => (double)v * Upstream[i]).Sum();
        }
        finally
        {
            AlphaTestUtil.Release(set);
        }
    }

    /// <summary>
    /// Finite differences of the mixer itself with respect to α (its row selection included): the
    /// analytic gradient matches on the edge's row and is exactly zero on the other rows. Tolerance
    /// as the suite's curved ops (<see cref="GradCheckSuite.Smooth"/>).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void AlphasGradientMatchesFiniteDifferencesOnTheEdgesRowOnly(int edge)
    {
        var set = NewSet(Logits);
        float[] analytic;
        try
        {
            using (TensorScope.Begin())
            {
                var y = set.Mixer(edge).Mix(new Var(Tensor.FromArray(Z, ZShape, Cpu)));
                y.Backward(Tensor.FromArray(Upstream, y.Shape, Cpu));
            }
            analytic = set.Alpha.Grad!.ToArray();
        }
        finally
        {
            AlphaTestUtil.Release(set);
        }

        var tol = GradCheckSuite.Smooth;
        for (int j = 0; j < E * K; j++)
        {
            if (j / K != edge)
            {
                Assert.True(analytic[j] == 0f, $"α[{j / K}, {j % K}] has gradient {analytic[j]} though edge {edge} does not read that row");
                continue;
            }
            var plus = (float[])Logits.Clone();
            var minus = (float[])Logits.Clone();
            plus[j] += (float)tol.Step;
            minus[j] -= (float)tol.Step;
            double numeric = (Objective(plus, edge) - Objective(minus, edge)) / (2 * tol.Step);
            Assert.True(Math.Abs(numeric - analytic[j]) <= tol.Atol + tol.Rtol * Math.Abs(numeric),
                $"α[{edge}, {j % K}]: analytic {analytic[j]}, numeric {numeric}");
            Assert.True(Math.Abs(numeric) > 1e-3, $"α[{edge}, {j % K}]: the numeric gradient {numeric} is too small to check anything");
        }
    }

    [Fact]
    public void TheCandidatesGradientPassesAGradientCheck()
    {
        var set = NewSet(Logits);
        try
        {
            using var scope = TensorScope.Begin();
            var z = Tensor.FromArray(Z, ZShape, Cpu);
            var result = GradCheck.Run(v => set.Mixer(1).Mix(v[0]), [z], GradCheckSuite.Exact, names: ["z"]);
            Assert.True(result.Passed, result.ToString());
        }
        finally
        {
            AlphaTestUtil.Release(set);
        }
    }

    /// <summary>Cells share α: two edges reading one row give it the sum of both paths' gradients (STYLE 5).</summary>
    [Fact]
    public void ARowSharedByTwoCellsGetsTheSumOfBothGradients()
    {
        float[] Gradient(params int[] uses)
        {
            var set = NewSet(Logits);
            try
            {
                using (TensorScope.Begin())
                {
                    foreach (int scale in uses)
                    {
                        var y = set.Mixer(1).Mix(new Var(Tensor.FromArray(Z.Select(v => v * scale).ToArray(), ZShape, Cpu)));
                        y.Backward(Tensor.FromArray(Upstream, y.Shape, Cpu));
                    }
                }
                return set.Alpha.Grad!.ToArray();
            }
            finally
            {
                AlphaTestUtil.Release(set);
            }
        }

        var first = Gradient(1);
        var second = Gradient(2);
        var both = Gradient(1, 2);
        Assert.Contains(first, v => v != 0);
        for (int j = 0; j < both.Length; j++) Assert.Equal(first[j] + second[j], both[j], 1e-6f);
    }

    [Fact]
    public void AConcatenationOfTheWrongWidthIsRefused()
    {
        var set = NewSet(Logits);
        try
        {
            using var scope = TensorScope.Begin();
            var e = Assert.Throws<ArgumentException>(() => set.Mixer(0).Mix(new Var(Tensor.Zeros(new Shape(B, K * C + 1, H, W), Cpu))));
            Assert.Contains("K = 4", e.Message);
        }
        finally
        {
            AlphaTestUtil.Release(set);
        }
    }
}

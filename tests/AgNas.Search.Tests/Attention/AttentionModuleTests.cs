using AgNas.Autograd;
using AgNas.Autograd.Checks;
using AgNas.Autograd.Init;
using AgNas.Search.Attention;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Tests.Attention;

public class AttentionModuleTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private const int K = 5, C = 2, R = 2, B = 2, H = 3, W = 3;

    private static float[] Uniform(long count, ulong seed, float lo, float hi)
    {
        var a = new float[count];
        for (long i = 0; i < count; i++) a[i] = lo + (hi - lo) * CounterRandom.Uniform(seed, (ulong)i);
        return a;
    }

    /// <summary>The module's computation written out with the FC weights as inputs: GAP → FC → ReLU → FC → sigmoid → combine.</summary>
    private static Var Composite(Var z, Var fc1, Var fc2) =>
        AttentionCombine(z, Sigmoid(Linear(Relu(Linear(GlobalAvgPool(z), fc1, null)), fc2, null)), K);

    [Fact]
    public void CompositeIsTheModulesComputationAndPassesAGradientCheck()
    {
        using var module = new AttentionModule(K, C, R, new Generator(4));
        Assert.Equal(K * C / R, module.Hidden);
        var zShape = new Shape(B, K * C, H, W);
        var z = Tensor.FromArray(Uniform(zShape.Size, 21, -1f, 1f), zShape, Cpu).DetachFromScope();
        try
        {
            // Same values, same gradients: the module's forward and its parameters' gradients equal the composite's.
            using (TensorScope.Begin())
            {
                var upstream = Tensor.FromArray(Uniform(B * C * H * W, 22, -1f, 1f), new Shape(B, C, H, W), Cpu);
                var zm = new Var(z.Clone(), requiresGrad: true);
                var ym = module.Forward(zm);
                ym.Backward(upstream);

                var zc = new Var(z.Clone(), requiresGrad: true);
                var w1 = new Var(module.Fc1.Weight.Data.Clone(), requiresGrad: true);
                var w2 = new Var(module.Fc2.Weight.Data.Clone(), requiresGrad: true);
                var yc = Composite(zc, w1, w2);
                yc.Backward(upstream);

                Assert.Equal(yc.Data.ToArray(), ym.Data.ToArray());
                Assert.Equal(zc.Grad!.ToArray(), zm.Grad!.ToArray());
                Assert.Equal(w1.Grad!.ToArray(), module.Fc1.Weight.Grad!.ToArray());
                Assert.Equal(w2.Grad!.ToArray(), module.Fc2.Weight.Grad!.ToArray());
                module.ZeroGrad();
            }

            // Finite differences on z and both FC weights (the ReLU kinks are far from every hidden
            // pre-activation at these values: see the assertion below).
            using (TensorScope.Begin())
            using (GradMode.NoGrad())
            {
                var pre = Linear(GlobalAvgPool(new Var(z)), new Var(module.Fc1.Weight.Data), null).Data.ToArray();
                Assert.True(pre.Min(Math.Abs) > 1e-2, $"a hidden pre-activation is within the finite-difference step of the ReLU kink: {pre.Min(Math.Abs)}");
            }
            using (TensorScope.Begin())
            {
                var result = GradCheck.Run(v => Composite(v[0], v[1], v[2]), [z, module.Fc1.Weight.Data, module.Fc2.Weight.Data],
                    GradCheckSuite.Smooth, names: ["z", "fc1", "fc2"]);
                Assert.True(result.Passed, result.ToString());
            }
        }
        finally
        {
            z.Dispose();
        }
    }

    [Fact]
    public void ZeroWeightsGiveHalfOnEveryChannelAndImportanceHalfBC()
    {
        using var module = new AttentionModule(K, C, R, new Generator(4));
        Cpu.Fill(module.Fc1.Weight.Data, 0f);
        Cpu.Fill(module.Fc2.Weight.Data, 0f);
        module.StartImportance();
        using (TensorScope.Begin())
        {
            var zShape = new Shape(3, K * C, H, W);
            var zs = Uniform(zShape.Size, 5, -1f, 1f);
            var z = new Var(Tensor.FromArray(zs, zShape, Cpu));
            Assert.All(module.Weights(z).Data.ToArray(), y => Assert.Equal(0.5f, y));

            // out = Σ_k 0.5·O_k
            var y = module.Forward(z).Data.ToArray();
            int plane = H * W;
            for (int b = 0; b < 3; b++)
            for (int c = 0; c < C; c++)
            for (int p = 0; p < plane; p++)
            {
                float expected = 0f;
                for (int k = 0; k < K; k++) expected += 0.5f * zs[(b * K * C + k * C + c) * plane + p];
                Assert.Equal(expected, y[(b * C + c) * plane + p], 5);
            }
        }
        Assert.All(module.Importance!.ToDoubleArray(), v => Assert.Equal(0.5 * 3 * C, v));
        module.StopImportance();
        Assert.Null(module.Importance);
    }
}

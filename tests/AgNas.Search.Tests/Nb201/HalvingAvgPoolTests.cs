using AgNas.Autograd;
using AgNas.Search.Ops;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Tests.Nb201;

/// <summary>The residual shortcut's 2×2 pool: the benchmark's pool on even sizes, zero-padded at the bottom and right on odd ones.</summary>
public class HalvingAvgPoolTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    /// <summary>The expected output from the definition: (sum of the 2×2 window, zeros past the edge) / 4.</summary>
    private static float[] Expected(float[] x, int channels, int h, int w)
    {
        int ho = (h + 1) / 2, wo = (w + 1) / 2;
        var y = new float[channels * ho * wo];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < ho; i++)
                for (int j = 0; j < wo; j++)
                {
                    float s = 0;
                    for (int di = 0; di < 2; di++)
                        for (int dj = 0; dj < 2; dj++)
                            if (2 * i + di < h && 2 * j + dj < w) s += x[(c * h + 2 * i + di) * w + 2 * j + dj];
                    y[(c * ho + i) * wo + j] = s / 4;
                }
        return y;
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(7, 7)]
    [InlineData(15, 17)]
    [InlineData(6, 9)]
    [InlineData(1, 1)]
    public void OutputIsTheCeilingOfHalfAndTheWindowSumOverFour(int h, int w)
    {
        using var pool = new HalvingAvgPool();
        using var scope = TensorScope.Begin();
        var values = SupernetTestUtil.Uniform(3 * h * w, seed: 5);
        var x = new Var(Tensor.FromArray(values, new Shape(1, 3, h, w), Cpu), requiresGrad: true);
        var y = pool.Forward(x);
        Assert.Equal(new Shape(1, 3, (h + 1) / 2, (w + 1) / 2), y.Shape);
        var expected = Expected(values, 3, h, w);
        var actual = y.Data.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6f);

        // d(sum y)/dx = 1/4 on every in-image pixel (each lies in exactly one window).
        y.Backward(Tensor.FromArray(Enumerable.Repeat(1f, (int)y.Shape.Size).ToArray(), y.Shape, Cpu));
        Assert.All(x.Grad!.ToArray(), g => Assert.Equal(0.25f, g, 1e-7f));
    }

    [Fact]
    public void EvenSizesAreThePlainPool()
    {
        using var pool = new HalvingAvgPool();
        using var scope = TensorScope.Begin();
        var x = new Var(Tensor.FromArray(SupernetTestUtil.Uniform(2 * 4 * 6 * 10, seed: 9), new Shape(2, 4, 6, 10), Cpu));
        Assert.Equal(AvgPool2d(x, new Pool2dParams(2, 2), countIncludePad: true).Data.ToArray(), pool.Forward(x).Data.ToArray());
        Assert.Empty(pool.NamedParameters());
    }
}

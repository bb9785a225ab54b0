using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using AgNas.Tests;

namespace AgNas.Tensors.Tests;

public class AttentionKernelTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [InlineData(2, 5, 3, 4, 4)]
    [InlineData(1, 8, 2, 3, 5)]
    [InlineData(3, 1, 4, 1, 1)]
    public void CombineAndBackwardMatchTheDefinition(int b, int k, int c, int h, int w)
    {
        using var scope = TensorScope.Begin();
        int plane = h * w, wide = k * c;
        var xs = Random(b * wide * plane, 1);
        var ss = Random(b * wide, 2).Select(v => (v + 1) / 2).ToArray();
        var gs = Random(b * c * plane, 3);
        var x = Tensor.FromArray(xs, new Shape(b, wide, h, w), Cpu);
        var s = Tensor.FromArray(ss, new Shape(b, wide), Cpu);
        var dy = Tensor.FromArray(gs, new Shape(b, c, h, w), Cpu);
        var y = Tensor.Empty(new Shape(b, c, h, w), Cpu);
        Cpu.AttentionCombine(y, x, s, k);
        var dx = Tensor.Empty(x.Shape, Cpu);
        var ds = Tensor.Empty(s.Shape, Cpu);
        Cpu.AttentionCombineBackward(dx, ds, dy, x, s, k);

        var yRef = new float[b * c * plane];
        var dxRef = new float[xs.Length];
        var dsRef = new float[ss.Length];
        for (int n = 0; n < b; n++)
        for (int kk = 0; kk < k; kk++)
        for (int cc = 0; cc < c; cc++)
        {
            int ch = kk * c + cc;
            double dot = 0;
            for (int i = 0; i < plane; i++)
            {
                float xv = xs[(n * wide + ch) * plane + i], gv = gs[(n * c + cc) * plane + i];
                yRef[(n * c + cc) * plane + i] += ss[n * wide + ch] * xv;
                dxRef[(n * wide + ch) * plane + i] = ss[n * wide + ch] * gv;
                dot += (double)xv * gv;
            }
            dsRef[n * wide + ch] = (float)dot;
        }
        Approx.Equal(yRef, y.ToArray(), 1e-5, 1e-5, "y");
        Approx.Equal(dxRef, dx.ToArray(), 1e-6, 1e-6, "dx");
        Approx.Equal(dsRef, ds.ToArray(), 1e-5, 1e-5, "ds");
    }

    [Fact]
    public void CombineWritesIntoAChannelViewAndReadsAView()
    {
        using var scope = TensorScope.Begin();
        var wideBuffer = Tensor.FromArray(Random(2 * 10 * 4, 4), new Shape(2, 10, 2, 2), Cpu);
        var x = wideBuffer.SliceChannels(2, 6);
        var s = Tensor.Full(new Shape(2, 6), 0.5f, Cpu);
        var outBuffer = Tensor.Zeros(new Shape(2, 5, 2, 2), Cpu);
        var y = outBuffer.SliceChannels(1, 3);
        Cpu.AttentionCombine(y, x, s, 2);
        var xa = x.ToArray();
        var ya = outBuffer.ToArray();
        for (int n = 0; n < 2; n++)
        for (int ch = 0; ch < 5; ch++)
        for (int i = 0; i < 4; i++)
        {
            float expected = ch is >= 1 and <= 3
                ? 0.5f * (xa[(n * 6 + ch - 1) * 4 + i] + xa[(n * 6 + ch - 1 + 3) * 4 + i])
                : 0f;
            Assert.Equal(expected, ya[(n * 5 + ch) * 4 + i], 5);
        }
    }

    [Fact]
    public void ImportanceAccumulatesPerCandidateInFloat64()
    {
        using var scope = TensorScope.Begin();
        // B = 2, K = 3, C = 2: candidate k gets the sum of its two channels over both images.
        var s = Tensor.FromArray([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f,
                                  0.7f, 0.8f, 0.9f, 1.0f, 0.0f, 0.5f], new Shape(2, 6), Cpu);
        var importance = Tensor.Zeros(new Shape(3), Cpu, DType.Float64);
        Cpu.AccumulateImportance(importance, s, 3);
        Cpu.AccumulateImportance(importance, s, 3);
        var got = importance.ToDoubleArray();
        double[] expected = [2 * (0.1 + 0.2 + 0.7 + 0.8), 2 * (0.3 + 0.4 + 0.9 + 1.0), 2 * (0.5 + 0.6 + 0.0 + 0.5)];
        for (int k = 0; k < 3; k++) Assert.Equal(expected[k], got[k], 6);
    }

    [Fact]
    public void MismatchedGroupsNameTheShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(1, 6, 2, 2), Cpu);
        var s = Tensor.Zeros(new Shape(1, 6), Cpu);
        var y = Tensor.Zeros(new Shape(1, 4, 2, 2), Cpu);
        var ex = Assert.Throws<ArgumentException>(() => Cpu.AttentionCombine(y, x, s, 2));
        Assert.Contains("AttentionCombine", ex.Message);
        Assert.Contains("(1, 6, 2, 2)", ex.Message);
    }
}

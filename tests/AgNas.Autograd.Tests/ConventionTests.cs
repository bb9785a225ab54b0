using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;
using AgNas.Tests;
using static AgNas.Autograd.Functional;

namespace AgNas.Autograd.Tests;

/// <summary>Conventions pinned with numbers worked out by hand from the definitions.</summary>
public class ConventionTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private static Var Leaf(Shape shape, params float[] values) => new(Tensor.FromArray(values, shape, Cpu), requiresGrad: true);

    private static Tensor Labels(params int[] l) => Tensor.FromArray(l, new Shape(l.Length), Cpu);

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    [InlineData(0.7f)]
    public void CrossEntropyOfUniformLogitsIsLn3WhateverTheSmoothing(float eps)
    {
        // softmax([0, 0, 0]) = [1/3, 1/3, 1/3]; −Σ q_j ln(1/3) = ln 3 · Σ q_j = ln 3 since q sums to 1.
        // Gradient p − q = [1/3 − (1 − ε) − ε/3, 1/3 − ε/3, 1/3 − ε/3] = (1 − ε)·[−2/3, 1/3, 1/3].
        using var scope = TensorScope.Begin();
        var logits = Leaf(new Shape(1, 3), 0f, 0f, 0f);
        var loss = CrossEntropy(logits, Labels(0), eps);
        Assert.Equal(Math.Log(3), loss.Data.Item(), 6);
        loss.Backward();
        float k = 1f - eps;
        Approx.Equal([-2f / 3 * k, 1f / 3 * k, 1f / 3 * k], logits.Grad!.ToArray(), 1e-6, 1e-6, "dlogits");
    }

    [Fact]
    public void CrossEntropyWithLabelSmoothingByHand()
    {
        // logits [ln 1, ln 2, ln 1] = [0, ln 2, 0] → softmax p = [1/4, 2/4, 1/4].
        // Label 1, ε = 0.3, N = 3: q = 0.7·[0, 1, 0] + 0.1 = [0.1, 0.8, 0.1].
        // loss = −(0.1·ln(1/4) + 0.8·ln(1/2) + 0.1·ln(1/4)) = 0.2·ln 4 + 0.8·ln 2 = (0.4 + 0.8)·ln 2 = 1.2·ln 2.
        // dlogits = p − q = [0.25 − 0.1, 0.5 − 0.8, 0.25 − 0.1] = [0.15, −0.3, 0.15].
        using var scope = TensorScope.Begin();
        float ln2 = MathF.Log(2f);
        var logits = Leaf(new Shape(1, 3), 0f, ln2, 0f);
        var loss = CrossEntropy(logits, Labels(1), 0.3f);
        Assert.Equal(1.2 * Math.Log(2), loss.Data.Item(), 6);
        loss.Backward();
        Approx.Equal([0.15f, -0.3f, 0.15f], logits.Grad!.ToArray(), 1e-6, 1e-6, "dlogits");
    }

    [Fact]
    public void CrossEntropyIsTheBatchMean()
    {
        // Row 0 as above (label 1): 1.2·ln 2, p − q = [0.15, −0.3, 0.15].
        // Row 1, same logits, label 0: q = [0.8, 0.1, 0.1];
        //   loss = −(0.8·ln(1/4) + 0.1·ln(1/2) + 0.1·ln(1/4)) = 0.9·ln 4 + 0.1·ln 2 = 1.9·ln 2,
        //   p − q = [0.25 − 0.8, 0.5 − 0.1, 0.25 − 0.1] = [−0.55, 0.4, 0.15].
        // Mean over B = 2: loss = 1.55·ln 2, gradients halved. With seed dLoss = 2 they double back.
        using var scope = TensorScope.Begin();
        float ln2 = MathF.Log(2f);
        var logits = Leaf(new Shape(2, 3), 0f, ln2, 0f, 0f, ln2, 0f);
        var loss = CrossEntropy(logits, Labels(1, 0), 0.3f);
        Assert.Equal(1.55 * Math.Log(2), loss.Data.Item(), 6);
        loss.Backward(Tensor.Full(Shape.Scalar, 2f, Cpu));
        Approx.Equal([0.15f, -0.3f, 0.15f, -0.55f, 0.4f, 0.15f], logits.Grad!.ToArray(), 1e-6, 1e-6, "dlogits");
    }

    [Fact]
    public void DropoutAndDropPathAreTheIdentityInEvalAndAtZero()
    {
        using var scope = TensorScope.Begin();
        var x = Leaf(new Shape(2, 3), 1, 2, 3, 4, 5, 6);
        Assert.Same(x, Dropout(x, 0.5f, training: false, seed: 1));
        Assert.Same(x, DropPath(x, 0.5f, training: false, seed: 1));
        Assert.Same(x, Dropout(x, 0f, training: true, seed: 1));
        Assert.Same(x, DropPath(x, 0f, training: true, seed: 1));
    }

    [Fact]
    public void DropoutScalesKeptElementsByOneOverKeep()
    {
        // p = 0.25, keep = 0.75: every element is 0 or x / 0.75, and the mask is u < keep with
        // u = CounterRandom.Uniform(seed, flat index). dx = dy ⊙ mask.
        using var scope = TensorScope.Begin();
        const int n = 1000;
        const ulong seed = 42;
        var values = Enumerable.Range(0, n).Select(i => 1f + i % 7).ToArray();
        var x = Leaf(new Shape(10, n / 10), values);
        var y = Dropout(x, 0.25f, training: true, seed);
        var yv = y.Data.ToArray();
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            bool keep = CounterRandom.Uniform(seed, (ulong)i) < 0.75f;
            Assert.Equal(keep ? values[i] * (1f / 0.75f) : 0f, yv[i]);
            kept += keep ? 1 : 0;
        }
        Assert.InRange(kept, 700, 800);
        y.Backward(Tensor.Full(y.Shape, 1f, Cpu));
        var g = x.Grad!.ToArray();
        for (int i = 0; i < n; i++) Assert.Equal(yv[i] == 0f ? 0f : 1f / 0.75f, g[i]);
        // Same seed, same mask; another seed, another mask.
        Assert.Equal(yv, Dropout(x, 0.25f, true, seed).Data.ToArray());
        Assert.NotEqual(yv, Dropout(x, 0.25f, true, seed + 1).Data.ToArray());
    }

    [Fact]
    public void DropPathZeroesWholeSamplesAndScalesTheRest()
    {
        // p = 0.5, keep = 0.5: sample b is all 0 or all 2·x, kept iff Uniform(seed, b) < 0.5.
        using var scope = TensorScope.Begin();
        const int batch = 16, sample = 6;
        const ulong seed = 3;
        var values = Enumerable.Range(0, batch * sample).Select(i => 0.5f + i).ToArray();
        var x = Leaf(new Shape(batch, 1, 2, 3), values);
        var y = DropPath(x, 0.5f, training: true, seed);
        var yv = y.Data.ToArray();
        int kept = 0;
        for (int b = 0; b < batch; b++)
        {
            bool keep = CounterRandom.Uniform(seed, (ulong)b) < 0.5f;
            kept += keep ? 1 : 0;
            for (int i = 0; i < sample; i++)
                Assert.Equal(keep ? values[b * sample + i] * 2f : 0f, yv[b * sample + i]);
        }
        Assert.InRange(kept, 1, batch - 1);
        y.Backward(Tensor.Full(y.Shape, 1f, Cpu));
        var g = x.Grad!.ToArray();
        for (int i = 0; i < g.Length; i++) Assert.Equal(yv[i] == 0f ? 0f : 2f, g[i]);
    }

    [Fact]
    public void DropoutWithPOneZeroesEverything()
    {
        using var scope = TensorScope.Begin();
        var x = Leaf(new Shape(2, 2), 1, 2, 3, 4);
        Assert.All(Dropout(x, 1f, true, 5).Data.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(DropPath(x, 1f, true, 5).Data.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ZerosIsAConstantWithoutGraph()
    {
        using var scope = TensorScope.Begin();
        var z = Zeros(new Shape(2, 3), Cpu);
        Assert.False(z.RequiresGrad);
        Assert.Null(z.Creator);
        Assert.All(z.Data.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ReshapeAndFlattenAreViews()
    {
        using var scope = TensorScope.Begin();
        var x = Leaf(new Shape(2, 3, 2, 2), Enumerable.Range(0, 24).Select(i => (float)i).ToArray());
        var f = Flatten(x);
        Assert.Equal(new Shape(2, 12), f.Shape);
        Assert.Equal(x.Data.Handle, f.Data.Handle);
        var r = Reshape(x, new Shape(4, 6));
        Assert.Equal(x.Data.ToArray(), r.Data.ToArray());
    }

    [Fact]
    public void ConcatAndSliceRoundTripAndRouteGradients()
    {
        using var scope = TensorScope.Begin();
        var a = Leaf(new Shape(2, 1, 1, 2), 1, 2, 3, 4);
        var b = Leaf(new Shape(2, 2, 1, 2), 10, 11, 12, 13, 20, 21, 22, 23);
        var c = Concat([a, b]);
        Assert.Equal([1f, 2f, 10f, 11f, 12f, 13f, 3f, 4f, 20f, 21f, 22f, 23f], c.Data.ToArray());
        var s = SliceChannels(c, 1, 2);
        Assert.Equal(b.Data.ToArray(), s.Data.ToArray());
        s.Backward(Tensor.Full(s.Shape, 1f, Cpu));
        Assert.Equal([0f, 0f, 0f, 0f], a.Grad!.ToArray());
        Assert.Equal(Enumerable.Repeat(1f, 8).ToArray(), b.Grad!.ToArray());
    }

    [Fact]
    public void ChannelMulAndGroupSumByHand()
    {
        // x (1, 4, 1, 1) = [1, 2, 3, 4], s = [1, 10, 100, 1000] → x·s = [1, 20, 300, 4000];
        // GroupSum over K = 2 groups of C = 2: [1 + 300, 20 + 4000] = [301, 4020].
        // Seed [1, 2]: d(x·s) = [1, 2, 1, 2]; dx = [1, 20, 100, 2000]; ds = [1, 4, 3, 8].
        using var scope = TensorScope.Begin();
        var x = Leaf(new Shape(1, 4, 1, 1), 1, 2, 3, 4);
        var s = Leaf(new Shape(1, 4), 1, 10, 100, 1000);
        var y = GroupSum(ChannelMul(x, s), 2);
        Assert.Equal([301f, 4020f], y.Data.ToArray());
        y.Backward(Tensor.FromArray([1f, 2f], y.Shape, Cpu));
        Assert.Equal([1f, 20f, 100f, 2000f], x.Grad!.ToArray());
        Assert.Equal([1f, 4f, 3f, 8f], s.Grad!.ToArray());
    }

    [Fact]
    public void BatchNormEvalBackwardUsesTheStatisticsOfItsForward()
    {
        // Eval mode with running statistics mean 1, var 3, eps 1: y = (x − 1)/2. A training step that
        // updates the running statistics between forward and backward must not change dx = dy / 2.
        using var scope = TensorScope.Begin();
        var runningMean = Tensor.Full(new Shape(1), 1f, Cpu);
        var runningVar = Tensor.Full(new Shape(1), 3f, Cpu);
        var x = Leaf(new Shape(2, 1, 1, 2), 1, 3, 5, 7);
        var y = BatchNorm2d(x, null, null, runningMean, runningVar, training: false, eps: 1f);
        Assert.Equal([0f, 1f, 2f, 3f], y.Data.ToArray());
        BatchNorm2d(Leaf(new Shape(2, 1, 1, 2), 10, 20, 30, 40), null, null, runningMean, runningVar, training: true);
        Assert.NotEqual(1f, runningMean.ToArray()[0]);
        y.Backward(Tensor.Full(y.Shape, 1f, Cpu));
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f], x.Grad!.ToArray());
    }

    [Fact]
    public void BatchNormEvalWithoutRunningStatsNormalisesByTheBatch()
    {
        // x = [1, 3, 5, 7] in one channel: mean 4, biased var (9 + 1 + 1 + 9)/4 = 5, eps 4 → std 3:
        // y = (x − 4)/3 = [−1, −1/3, 1/3, 1], the same in training and in eval without running stats.
        using var scope = TensorScope.Begin();
        var x = Leaf(new Shape(2, 1, 1, 2), 1, 3, 5, 7);
        float third = 1f / 3;
        Approx.Equal([-1f, -third, third, 1f], BatchNorm2d(x, null, null, null, null, training: false, eps: 4f).Data.ToArray(), 1e-6, 1e-6, "eval, no running stats");
        Approx.Equal([-1f, -third, third, 1f], BatchNorm2d(x, null, null, null, null, training: true, eps: 4f).Data.ToArray(), 1e-6, 1e-6, "training");
    }
}

using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Search.Alpha;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Alpha;

public class AlphaSetTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    [Fact]
    public void AlphaStartsAtZeroAndIsInitialisedAsDartsDoes()
    {
        var set = new AlphaSet("arch_parameters", 6, 5, Cpu);
        try
        {
            Assert.Equal(new Shape(6, 5), set.Alpha.Shape);
            Assert.All(set.Alpha.Data.ToArray(), v => Assert.Equal(0f, v));
            set.Initialize(new Generator(3));
            // 1e-3·N(0, 1), row-major, from the generator it is given.
            var reference = new Generator(3);
            var expected = Enumerable.Range(0, 30).Select(_ => (float)reference.Normal(0, 1e-3)).ToArray();
            Assert.Equal(expected, set.Alpha.Data.ToArray());
            Assert.All(expected, v => Assert.InRange(Math.Abs(v), 0, 6e-3));
            Assert.Contains(expected, v => v != 0);
        }
        finally
        {
            set.Alpha.Data.Dispose();
        }
    }

    [Fact]
    public void RowIsTheEdgesLogitsAndWeightsAreTheirSoftmax()
    {
        var set = new AlphaSet("a", 3, 4, Cpu);
        try
        {
            float[] values = [0, 1, 2, 3, /**/ -1, -1, -1, -1, /**/ 5, 0, 0, 0];
            AlphaTestUtil.Set(set, values);
            using (TensorScope.Begin())
                Assert.Equal([-1f, -1f, -1f, -1f], set.Row(1).Data.ToArray());
            Assert.Equal(values[8..], set.Logits()[2]);

            var w = set.Weights();
            Assert.Equal(3, w.Length);
            double z0 = Enumerable.Range(0, 4).Sum(j => Math.Exp(j));
            for (int j = 0; j < 4; j++) Assert.Equal(Math.Exp(j) / z0, w[0][j], 1e-15);
            Assert.All(w[1], v => Assert.Equal(0.25, v, 1e-15));
            Assert.All(w, row => Assert.Equal(1.0, row.Sum(), 1e-12));
            Assert.Equal(0, Array.IndexOf(w[2], w[2].Max()));
        }
        finally
        {
            set.Alpha.Data.Dispose();
        }
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new AlphaSet("arch.parameters", 6, 5, Cpu));
        Assert.Throws<ArgumentException>(() => new AlphaSet("", 6, 5, Cpu));
        Assert.Throws<ArgumentException>(() => new AlphaSet("a", 0, 5, Cpu));
        var set = new AlphaSet("a", 2, 3, Cpu);
        try
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => set.Mixer(2));
            Assert.Throws<ArgumentOutOfRangeException>(() => set.Row(-1));
            Assert.Equal((set, 1), (set.Mixer(1).Set, set.Mixer(1).Edge));
        }
        finally
        {
            set.Alpha.Data.Dispose();
        }
    }
}

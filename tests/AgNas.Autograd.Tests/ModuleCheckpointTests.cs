using AgNas.Autograd.Checkpoints;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Autograd.Tests;

public class ModuleCheckpointTests
{
    private static Sequential Net(ulong seed, int hidden = 4) => new(
        new Conv2d(3, hidden, 3, padding: 1, generator: new Generator(seed)),
        new BatchNorm2d(hidden),
        new ReLU(),
        new Conv2d(hidden, 2, 1, generator: new Generator(seed + 1)));

    [Fact]
    public void SavedModuleLoadsIntoAFreshOneWithIdenticalState()
    {
        var dir = Directory.CreateTempSubdirectory("agnas-ckpt-");
        try
        {
            var path = Path.Combine(dir.FullName, "checkpoint.safetensors");
            using var a = Net(1);
            using (TensorScope.Begin())
            {
                // One training forward so the BN buffers differ from their initial values.
                var x = new Var(Tensor.FromArray(Enumerable.Range(0, 2 * 3 * 4 * 4).Select(i => MathF.Sin(i)).ToArray(), new Shape(2, 3, 4, 4), a.Parameters().First().Backend));
                a.Forward(x);
            }
            a.SaveSafetensors(path, new Dictionary<string, string> { ["epoch"] = "3" });
            using var b = Net(99);
            var meta = b.LoadSafetensors(path);
            Assert.Equal("3", meta["epoch"]);
            // The host-side batch counter follows the loaded num_batches_tracked buffer.
            Assert.Equal(1, ((BatchNorm2d)b.Children().ElementAt(1)).NumBatchesTracked);
            var sa = a.StateDict();
            var sb = b.StateDict();
            Assert.Equal(sa.Select(e => e.Name), sb.Select(e => e.Name));
            for (int i = 0; i < sa.Count; i++)
            {
                if (sa[i].Value.DType == DType.Float32) Assert.Equal(sa[i].Value.ToArray(), sb[i].Value.ToArray());
                else Assert.Equal(sa[i].Value.ToInt32Array(), sb[i].Value.ToInt32Array());
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadingIntoADifferentShapeReportsEveryMismatchAndCopiesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("agnas-ckpt-");
        try
        {
            var path = Path.Combine(dir.FullName, "checkpoint.safetensors");
            using var a = Net(1, hidden: 4);
            a.SaveSafetensors(path);
            using var b = Net(2, hidden: 5);
            var before = b.StateDict()[0].Value.ToArray();
            var ex = Assert.Throws<CheckpointMismatchException>(() => b.LoadSafetensors(path));
            Assert.Contains("0.weight", ex.Message);
            Assert.Contains("1.running_mean", ex.Message);
            Assert.Contains("3.weight", ex.Message);
            Assert.Contains(path, ex.Message);
            Assert.Equal(before, b.StateDict()[0].Value.ToArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

using AgNas.Tensors;
using AgNas.Tensors.Checks;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Cuda;

namespace AgNas.Cuda.Tests;

/// <summary>Every IBackend op on emulated CUDA against the CPU reference (issue 4 item 5).</summary>
public class ConformanceTests
{
    public static TheoryData<string> Cases => new(BackendConformance.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheOpMatchesTheCpuWithinItsTolerance(string name)
    {
        var c = BackendConformance.All.Single(x => x.Name == name);
        var result = BackendConformance.Compare(c, CpuBackend.Instance, EmulatedCuda.Backend);
        Assert.True(result.Passed, $"{name}: {result.Failure}");
    }

    [Fact]
    public void EveryIBackendOpHasACase()
    {
        var covered = BackendConformance.All.Select(c => c.Op).ToHashSet();
        var ops = typeof(IBackend).GetMethods().Where(m => !m.IsSpecialName).Select(m => m.Name).Distinct();
        var missing = ops.Where(op => !covered.Contains(op)).ToList();
        Assert.True(missing.Count == 0, "no conformance case for: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryPtxEntryIsLaunchedByTheSuite()
    {
        var backend = EmulatedCuda.Backend;
        foreach (var c in BackendConformance.All) BackendConformance.Compare(c, CpuBackend.Instance, backend);
        var launched = backend.Kernels.LaunchCounts;
        var entries = PtxImage.Embedded.SelectMany(i => i.Entries.Keys).ToList();
        Assert.Equal(45, entries.Count);
        var never = entries.Where(e => launched.GetValueOrDefault(e) == 0).ToList();
        Assert.True(never.Count == 0, "never launched: " + string.Join(", ", never));
    }

    [Fact]
    public void TheEmbeddedPtxIsWhatTheNativeBuildListed()
    {
        var listed = FindRepoFile("build/native/ptx/entries.txt");
        var names = File.ReadAllLines(listed).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(Array.Empty<char>(), StringSplitOptions.RemoveEmptyEntries).Last()).ToHashSet();
        var embedded = PtxImage.Embedded.SelectMany(i => i.Entries.Keys).ToHashSet();
        Assert.Equal(names.Order(), embedded.Order());
    }

    [Fact]
    public void TheComparisonFailsWhenTheTargetDiffers()
    {
        var skewed = new ConformanceCase("Test", "skewed", BackendConformance.Exact, f =>
        {
            var x = f.Uniform(new Shape(3, 5));
            if (f.Backend is CudaBackend) f.Backend.Scale(x, x, 1.001f);
            return [x];
        });
        var result = BackendConformance.Compare(skewed, CpuBackend.Instance, EmulatedCuda.Backend);
        Assert.False(result.Passed);
        Assert.Contains("vs reference", result.Failure);
    }

    private static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, relative);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}

using System.Reflection;
using System.Runtime.InteropServices;
using AgNas.Tensors.Cuda;

namespace AgNas.Tensors.Tests.Cuda;

/// <summary>
/// No GPU is a normal state: the probe and the registry report a reason and never throw. On this
/// kind of machine (no driver) the reason names libcuda.so.1 and what was tried; on a machine with
/// a GPU or the emulator the same tests check the other side of each invariant.
/// </summary>
public class CudaRuntimeTests
{
    [Fact]
    public void TheProbeNeverThrowsAndIsRunOnce()
    {
        var first = CudaRuntime.Probe();
        Assert.Same(first, CudaRuntime.Probe());
        var again = CudaRuntime.ProbeNow();
        Assert.Equal(first.Available, again.Available);
        Assert.Equal(first.Reason, again.Reason);
    }

    [Fact]
    public void UnavailableAlwaysComesWithAReason()
    {
        var probe = CudaRuntime.Probe();
        if (probe.Available)
        {
            Assert.Null(probe.Reason);
            Assert.NotEmpty(probe.Gpus);
            Assert.True(probe.Driver.Usable && probe.Cublas.Usable && probe.Cudnn.Usable);
            return;
        }
        Assert.False(string.IsNullOrWhiteSpace(probe.Reason));
    }

    [Fact]
    public void WithoutTheDriverTheReasonNamesLibcudaAndWhatWasTried()
    {
        var probe = CudaRuntime.Probe();
        if (probe.Driver.Found) return;
        var load = CudaLibraries.Get(CudaLibrary.Driver);
        Assert.False(probe.Available);
        Assert.Equal(load.Error, probe.Reason);
        Assert.Contains(probe.Emulated ? "libagnas_cuda_emu.so not found" : "libcuda.so.1 not found (tried ", probe.Reason);
        Assert.Contains(CudaLibrarySettings.LibPathVariable, probe.Reason);
        Assert.Empty(probe.Gpus);
        Assert.Null(probe.Driver.Version);
        Assert.Equal(load.Error, probe.Driver.Describe());
    }

    [Fact]
    public void EachLibraryIsReportedOnItsOwn()
    {
        var probe = CudaRuntime.Probe();
        foreach (var (component, library) in new[] { (probe.Cublas, CudaLibrary.Cublas), (probe.Cudnn, CudaLibrary.Cudnn) })
        {
            var load = CudaLibraries.Get(library);
            Assert.Equal(load.IsLoaded, component.Found);
            if (!component.Found)
            {
                Assert.Equal(load.Error, component.Error);
                Assert.Contains(CudaLibraries.Wanted(library, probe.Emulated) + " not found", component.Describe());
            }
        }
    }

    [Fact]
    public void TheRegistryReportsTheProbesReasonAndFacts()
    {
        var probe = CudaRuntime.Probe();
        var cuda = Backends.Describe().Single(b => b.Name == "cuda");
        bool usable = probe.Available && PtxImage.Embedded.Count > 0;
        Assert.Equal(usable, cuda.Available);
        Assert.Equal(usable ? probe.Gpus.Count : 0, cuda.Devices.Count);
        if (!probe.Available) Assert.Equal(probe.Reason, cuda.Reason);
        if (usable) Assert.Null(cuda.Reason);
        var keys = cuda.Properties.Select(p => p.Key).ToList();
        Assert.Contains("driver", keys);
        Assert.Contains("cuBLAS", keys);
        Assert.Contains("cuDNN", keys);
        Assert.Contains(CudaLibrarySettings.LibPathVariable, keys);
        foreach (var gpu in probe.Gpus) Assert.Contains($"cuda:{gpu.Ordinal}", keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void GettingACudaDeviceThrowsTheTypedReasonNeverATypeInitializationException(int index)
    {
        var device = new Device(DeviceType.Cuda, index);
        var probe = CudaRuntime.Probe();
        if (probe.Available && index < probe.Gpus.Count) return; // that device exists here: nothing to refuse
        var e = Assert.Throws<BackendUnavailableException>(() => Backends.Get(device));
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
        Assert.Contains(device.ToString(), e.Message);
        Assert.False(Backends.TryGet(device, out var backend, out var reason));
        Assert.Null(backend);
        Assert.Equal(e.Reason, reason);
    }

    [Fact]
    public void OpeningADeviceWithoutADriverThrowsTheProbesReason()
    {
        var probe = CudaRuntime.Probe();
        if (probe.Driver.Usable && probe.Gpus.Count > 0) return;
        var e = Assert.Throws<BackendUnavailableException>(() => CudaDevice.Open(0));
        Assert.Equal(probe.Reason, e.Reason);
    }

    [Theory]
    [InlineData(12040, "12.4")]
    [InlineData(13000, "13.0")]
    [InlineData(12080, "12.8")]
    public void DriverVersionsPrintAsMajorMinor(int version, string text) => Assert.Equal(text, CudaFormat.DriverVersion(version));

    [Theory]
    [InlineData(120604, "12.6.4")]
    [InlineData(130100, "13.1.0")]
    public void CublasVersionsPrintAsMajorMinorPatch(int version, string text) => Assert.Equal(text, CudaFormat.CublasVersion(version));

    [Theory]
    [InlineData(90600, "9.6.0")]
    [InlineData(91002, "9.10.2")]
    [InlineData(8907, "8.9.7")]
    public void CudnnVersionsFollowTheirTwoEncodings(long version, string text) => Assert.Equal(text, CudaFormat.CudnnVersion(version));

    [Fact]
    public void GpusPrintNameMemoryAndComputeCapability()
    {
        var gpu = new CudaGpuInfo(0, "NVIDIA H200", 150_119_530_496, 9, 0, 132);
        Assert.Equal("NVIDIA H200, 139.8 GiB, compute capability 9.0, 132 SMs", gpu.ToString());
        Assert.Equal("512 B", CudaFormat.Bytes(512));
        Assert.Equal("1.0 GiB", CudaFormat.Bytes((1L << 30) - 4096)); // not "1024.0 MiB"
        Assert.Equal("1.5 MiB", CudaFormat.Bytes(3L << 19));
    }

    [Fact]
    public void ALibraryWithoutAVersionSaysWhy()
    {
        var c = new CudaComponent("cuBLAS", "libcublas.so.12", null, null, "its version is read through a handle, which needs a device");
        Assert.True(c.Usable);
        Assert.Equal("version unknown (libcublas.so.12); its version is read through a handle, which needs a device", c.Describe());
        var broken = new CudaComponent("cuDNN", "/x/libcudnn.so.9", "9.6.0", "cudnnCreate failed: CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED (…)");
        Assert.False(broken.Usable);
        Assert.Equal("9.6.0 (/x/libcudnn.so.9); unusable: cudnnCreate failed: CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED (…)", broken.Describe());
    }
}

/// <summary>The one resolver of the assembly serves every [LibraryImport] in it.</summary>
public class NativeLibrariesTests
{
    private static IEnumerable<MethodInfo> LibraryImports() =>
        typeof(IBackend).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<LibraryImportAttribute>() is not null);

    [Fact]
    public void EveryImportNamesALibraryTheResolverKnowsAndItsClassRegistersTheResolverFirst()
    {
        var imports = LibraryImports().ToList();
        Assert.Contains(imports, m => m.Name == "cuMemAlloc_v2");
        Assert.Contains(imports, m => m.Name == "cublasSgemmStridedBatched");
        Assert.Contains(imports, m => m.Name == "cudnnFindConvolutionBackwardFilterAlgorithm");
        Assert.Contains(imports, m => m.Name == "cblas_sgemm");
        foreach (var m in imports)
        {
            var attribute = m.GetCustomAttribute<LibraryImportAttribute>()!;
            Assert.Contains(attribute.LibraryName, NativeLibraries.Names);
            // A static constructor runs before the first call of any method of its class.
            Assert.NotNull(m.DeclaringType!.TypeInitializer);
        }
    }

    [Fact]
    public void TheNativeNamesAreKept()
    {
        // STYLE 7: bindings keep the exported names, versioned suffixes included.
        var names = LibraryImports().Select(m => m.GetCustomAttribute<LibraryImportAttribute>()!.EntryPoint ?? m.Name).ToHashSet();
        foreach (var n in new[]
                 {
                     "cuDeviceTotalMem_v2", "cuDevicePrimaryCtxRelease_v2", "cuMemAlloc_v2", "cuMemFree_v2", "cuMemGetInfo_v2",
                     "cuMemcpyHtoD_v2", "cuMemcpyDtoH_v2", "cuMemcpyDtoD_v2", "cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2",
                     "cuMemcpyDtoDAsync_v2", "cuMemsetD32_v2", "cuMemsetD32Async", "cuStreamDestroy_v2", "cuEventDestroy_v2",
                     "cuModuleLoadDataEx", "cuLaunchKernel", "cublasCreate_v2", "cublasSgemm_v2", "cudnnSetTensor4dDescriptorEx",
                 })
            Assert.Contains(n, names);
    }

    [Fact]
    public void TheResolverIsRegisteredOnceAndASecondRegistrationWouldBeRefused()
    {
        NativeLibraries.EnsureRegistered();
        NativeLibraries.EnsureRegistered();
        Assert.Throws<InvalidOperationException>(() =>
            NativeLibrary.SetDllImportResolver(typeof(IBackend).Assembly, (_, _, _) => IntPtr.Zero));
    }
}

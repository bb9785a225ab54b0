using AgNas.Tensors.Cuda;

namespace AgNas.Tensors.Tests.Cuda;

/// <summary>
/// The resolver's candidate lists as a pure function of the settings, and the reason a missing
/// library produces. Nothing here loads a CUDA library except <see cref="AMissingDriverIsAReasonNamingWhatWasTried"/>,
/// which only asserts on machines where the driver is absent.
/// </summary>
public class CudaLibrariesTests
{
    private static CudaLibrarySettings Plain(string? libPath = null) => new(libPath, Emulate: false, AssemblyDirectory: "/opt/agnas");

    [Fact]
    public void WithoutTheVariableOnlyTheSonamesAreTriedInOrder()
    {
        Assert.Equal(["libcuda.so.1"], CudaLibraries.Candidates(CudaLibrary.Driver, Plain()));
        Assert.Equal(["libcublas.so.13", "libcublas.so.12"], CudaLibraries.Candidates(CudaLibrary.Cublas, Plain()));
        Assert.Equal(["libcudnn.so.9"], CudaLibraries.Candidates(CudaLibrary.Cudnn, Plain()));
    }

    [Fact]
    public void AgnasCudaLibPathDirectoriesComeFirstInTheirOrder()
    {
        var settings = Plain("/usr/local/cuda/lib64:/opt/driver");
        Assert.Equal(
            ["/usr/local/cuda/lib64/libcuda.so.1", "/opt/driver/libcuda.so.1", "libcuda.so.1"],
            CudaLibraries.Candidates(CudaLibrary.Driver, settings));
    }

    [Fact]
    public void APythonSitePackagesDirectoryFindsTheNvidiaWheels()
    {
        const string site = "/home/u/venv/lib/python3.12/site-packages";
        var cublas = CudaLibraries.Candidates(CudaLibrary.Cublas, Plain(site));
        Assert.Equal(
        [
            $"{site}/libcublas.so.13", $"{site}/libcublas.so.12",
            $"{site}/nvidia/cu13/lib/libcublas.so.13", $"{site}/nvidia/cublas/lib/libcublas.so.12",
            "libcublas.so.13", "libcublas.so.12",
        ], cublas);

        var cudnn = CudaLibraries.Candidates(CudaLibrary.Cudnn, Plain(site));
        Assert.Equal(
            [$"{site}/libcudnn.so.9", $"{site}/nvidia/cudnn/lib/libcudnn.so.9", $"{site}/nvidia/cu13/lib/libcudnn.so.9", "libcudnn.so.9"],
            cudnn);
    }

    [Fact]
    public void AWheelLibDirectoryItselfWorksToo()
    {
        // The nvidia/*/lib folders named directly, several at once.
        var settings = Plain("/site/nvidia/cublas/lib:/site/nvidia/cudnn/lib");
        var cublas = CudaLibraries.Candidates(CudaLibrary.Cublas, settings);
        Assert.Equal("/site/nvidia/cublas/lib/libcublas.so.13", cublas[0]);
        Assert.Contains("/site/nvidia/cublas/lib/libcublas.so.12", cublas);
        Assert.Contains("/site/nvidia/cudnn/lib/libcudnn.so.9", CudaLibraries.Candidates(CudaLibrary.Cudnn, settings));
    }

    [Fact]
    public void EmptyEntriesAndSpacesInThePathAreIgnored()
    {
        var settings = Plain(" /a ::/b:");
        Assert.Equal(["/a", "/b"], settings.SearchDirectories);
        Assert.Equal(["/a/libcuda.so.1", "/b/libcuda.so.1", "libcuda.so.1"], CudaLibraries.Candidates(CudaLibrary.Driver, settings));
    }

    [Theory]
    [InlineData(CudaLibrary.Driver)]
    [InlineData(CudaLibrary.Cublas)]
    [InlineData(CudaLibrary.Cudnn)]
    public void EmulationResolvesAllThreeToTheEmulatorLookingInThePathBesideTheAssemblyThenTheRepository(CudaLibrary library)
    {
        var settings = new CudaLibrarySettings("/x:/y", Emulate: true, AssemblyDirectory: "/repo/src/AgNas.Cli/bin/Release/net10.0");
        bool Exists(string path) => path == "/repo/AgNas.Native.sln";
        Assert.Equal(
        [
            "/x/libagnas_cuda_emu.so",
            "/y/libagnas_cuda_emu.so",
            "/repo/src/AgNas.Cli/bin/Release/net10.0/libagnas_cuda_emu.so",
            "/repo/build/native/libagnas_cuda_emu.so",
            "libagnas_cuda_emu.so",
        ], CudaLibraries.Candidates(library, settings, Exists));
    }

    [Fact]
    public void EmulationOutsideTheRepositoryLooksBesideTheAssemblyAndByName()
    {
        var settings = new CudaLibrarySettings(null, Emulate: true, AssemblyDirectory: "/opt/agnas");
        Assert.Equal(["/opt/agnas/libagnas_cuda_emu.so", "libagnas_cuda_emu.so"],
            CudaLibraries.Candidates(CudaLibrary.Driver, settings, _ => false));
    }

    [Fact]
    public void TheRepositoryRootIsTheNearestDirectoryWithTheSolution()
    {
        bool Exists(string p) => p is "/w/AgNas.Native.sln" or "/w/wt/b/AgNas.Native.sln";
        Assert.Equal("/w/wt/b", CudaLibraries.FindRepositoryRoot("/w/wt/b/tests/T/bin/Debug/net10.0", Exists));
        Assert.Null(CudaLibraries.FindRepositoryRoot("/elsewhere/bin", Exists));
    }

    [Fact]
    public void SettingsComeFromTheEnvironment()
    {
        var savedPath = Environment.GetEnvironmentVariable(CudaLibrarySettings.LibPathVariable);
        var savedEmu = Environment.GetEnvironmentVariable(CudaLibrarySettings.EmulateVariable);
        try
        {
            Environment.SetEnvironmentVariable(CudaLibrarySettings.LibPathVariable, "/p1:/p2");
            Environment.SetEnvironmentVariable(CudaLibrarySettings.EmulateVariable, "1");
            var s = CudaLibrarySettings.FromEnvironment();
            Assert.Equal("/p1:/p2", s.LibPath);
            Assert.True(s.Emulate);
            Assert.Equal("AGNAS_CUDA_LIB_PATH=/p1:/p2", s.LibPathText);
            Assert.NotNull(s.AssemblyDirectory);

            Environment.SetEnvironmentVariable(CudaLibrarySettings.LibPathVariable, null);
            Environment.SetEnvironmentVariable(CudaLibrarySettings.EmulateVariable, "0");
            s = CudaLibrarySettings.FromEnvironment();
            Assert.Null(s.LibPath);
            Assert.False(s.Emulate);
            Assert.Equal("AGNAS_CUDA_LIB_PATH is not set", s.LibPathText);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CudaLibrarySettings.LibPathVariable, savedPath);
            Environment.SetEnvironmentVariable(CudaLibrarySettings.EmulateVariable, savedEmu);
        }
    }

    [Fact]
    public void TheLoaderMessageKeepsDlerrorsWordsNotDotnetsAdvice()
    {
        const string message = "Unable to load shared library '/x/libcudnn.so.9' or one of its dependencies. In order to help " +
            "diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the " +
            "LD_DEBUG environment variable: \nlibcudnn_graph.so.9: cannot open shared object file: No such file or directory";
        Assert.Equal("/x/libcudnn.so.9: libcudnn_graph.so.9: cannot open shared object file: No such file or directory",
            CudaLibraries.LoaderMessage("/x/libcudnn.so.9", message));
        Assert.Equal("/x/libcuda.so.1: file too short",
            CudaLibraries.LoaderMessage("/x/libcuda.so.1", "Unable to load...: \n/x/libcuda.so.1: file too short"));
    }

    [Fact]
    public void AMissingDriverIsAReasonNamingWhatWasTried()
    {
        var load = CudaLibraries.Get(CudaLibrary.Driver);
        if (load.IsLoaded) return; // a machine with a driver (or the emulator): nothing to check here
        var settings = CudaLibraries.Settings;
        Assert.Equal(0, load.Handle);
        Assert.Null(load.LoadedFrom);
        Assert.Equal(CudaLibraries.Candidates(CudaLibrary.Driver, settings), load.Tried);
        Assert.Contains(settings.Emulate ? "libagnas_cuda_emu.so not found" : "libcuda.so.1 not found", load.Error);
        Assert.Contains("tried " + string.Join(", ", load.Tried), load.Error);
        Assert.Contains(settings.LibPathText, load.Error);
        Assert.False(CudaLibraries.IsLoaded(CudaLibrary.Driver));
        // The resolver turns the reason into the DllNotFoundException a native call would see.
        var e = Assert.Throws<DllNotFoundException>(() => CudaLibraries.Resolve(CudaLibrary.Driver));
        Assert.Equal(load.Error, e.Message);
    }

    [Fact]
    public void SettingsCannotChangeAfterALibraryWasLookedUp()
    {
        _ = CudaLibraries.Get(CudaLibrary.Driver);
        Assert.Throws<InvalidOperationException>(() => CudaLibraries.Configure(Plain("/somewhere")));
    }
}

using System.Runtime.InteropServices;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// Where the CUDA libraries are looked for: the environment, read once.
/// </summary>
/// <param name="LibPath">AGNAS_CUDA_LIB_PATH as given: directories separated by ':' (null when unset).</param>
/// <param name="Emulate">AGNAS_CUDA_EMULATE=1: all three libraries are the host emulator.</param>
/// <param name="AssemblyDirectory">The directory of AgNas.Tensor (the emulator may sit beside it).</param>
public sealed record CudaLibrarySettings(string? LibPath, bool Emulate, string? AssemblyDirectory)
{
    public const string LibPathVariable = "AGNAS_CUDA_LIB_PATH";
    public const string EmulateVariable = "AGNAS_CUDA_EMULATE";

    /// <summary>The directories of <see cref="LibPath"/>, in order, empty entries dropped.</summary>
    public IReadOnlyList<string> SearchDirectories =>
        LibPath is null ? [] : LibPath.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>How the reasons name the search path: "AGNAS_CUDA_LIB_PATH=…" or "AGNAS_CUDA_LIB_PATH is not set".</summary>
    public string LibPathText => LibPath is null ? $"{LibPathVariable} is not set" : $"{LibPathVariable}={LibPath}";

    /// <summary>The process environment and this assembly's location.</summary>
    public static CudaLibrarySettings FromEnvironment()
    {
        var libPath = Environment.GetEnvironmentVariable(LibPathVariable);
        var emulate = Environment.GetEnvironmentVariable(EmulateVariable);
        return new CudaLibrarySettings(
            string.IsNullOrWhiteSpace(libPath) ? null : libPath,
            emulate is not null && (emulate.Trim() == "1" || emulate.Trim().Equals("true", StringComparison.OrdinalIgnoreCase)),
            AssemblyDirectoryOf(typeof(CudaLibrarySettings)));
    }

    private static string? AssemblyDirectoryOf(Type type)
    {
        // Location is empty in a single-file publish; the app's base directory is where it unpacks.
        var location = type.Assembly.Location;
        return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location);
    }
}

/// <summary>One library's load: the handle and where it came from, or why it is missing.</summary>
/// <param name="Library">Which library.</param>
/// <param name="Handle">The OS handle, 0 when not loaded.</param>
/// <param name="LoadedFrom">The candidate that loaded (a path or a soname).</param>
/// <param name="Tried">Every candidate, in the order tried.</param>
/// <param name="Error">Why none loaded: what was looked for, what was tried and AGNAS_CUDA_LIB_PATH.</param>
/// <param name="Emulated">Whether this is the host emulator (AGNAS_CUDA_EMULATE=1).</param>
public sealed record CudaLibraryLoad(
    CudaLibrary Library, nint Handle, string? LoadedFrom, IReadOnlyList<string> Tried, string? Error, bool Emulated)
{
    public bool IsLoaded => Handle != 0;
}

/// <summary>
/// Finds and loads the CUDA driver, cuBLAS and cuDNN, once per process, for
/// <see cref="NativeLibraries"/>' resolver. Order, for each library:
/// <list type="number">
/// <item>with AGNAS_CUDA_EMULATE=1, libagnas_cuda_emu.so for all three: in each AGNAS_CUDA_LIB_PATH
/// directory, beside the AgNas.Tensor assembly, in build/native/ of the repository found by walking
/// up from the assembly's directory (the one holding AgNas.Native.sln), then by name;</item>
/// <item>otherwise each AGNAS_CUDA_LIB_PATH directory, and in it the Python-wheel layouts
/// (nvidia/cu13/lib, nvidia/cublas/lib, nvidia/cudnn/lib), so pointing the variable at a
/// site-packages directory works;</item>
/// <item>then the sonames through the system's search (libcuda.so.1; libcublas.so.13, then .12;
/// libcudnn.so.9).</item>
/// </list>
/// A candidate counts only if it exports the library's key function (cuInit, cublasCreate_v2,
/// cudnnCreate). Failures are reasons (<see cref="CudaLibraryLoad.Error"/>), never exceptions, until
/// a native call is made anyway.
/// </summary>
public static class CudaLibraries
{
    /// <summary>The host emulation library built from kernels/ (a test instrument, not a fast path).</summary>
    public const string EmulatorFileName = "libagnas_cuda_emu.so";

    /// <summary>The file that marks the repository root when looking for build/native/.</summary>
    public const string RepositoryMarker = "AgNas.Native.sln";

    private static readonly object Gate = new();
    private static CudaLibrarySettings? _settings;
    private static readonly Lazy<CudaLibraryLoad>[] Loads =
    [
        new(() => Load(CudaLibrary.Driver)),
        new(() => Load(CudaLibrary.Cublas)),
        new(() => Load(CudaLibrary.Cudnn)),
    ];

    /// <summary>The settings in force (from the environment unless <see cref="Configure"/> set them first).</summary>
    public static CudaLibrarySettings Settings
    {
        get
        {
            lock (Gate) return _settings ??= CudaLibrarySettings.FromEnvironment();
        }
    }

    /// <summary>
    /// Replaces the environment's settings (a test fixture selecting the emulator, say). Only
    /// before any CUDA library was loaded: the OS keeps what it loaded.
    /// </summary>
    /// <exception cref="InvalidOperationException">A library was already looked up.</exception>
    public static void Configure(CudaLibrarySettings settings)
    {
        lock (Gate)
        {
            if (Loads.Any(l => l.IsValueCreated))
                throw new InvalidOperationException(
                    "CUDA libraries were already looked up with " + (_settings ?? settings) + "; configure them before the first use.");
            _settings = settings;
        }
    }

    /// <summary>The sonames tried through the system search, in order.</summary>
    public static IReadOnlyList<string> Sonames(CudaLibrary library) => library switch
    {
        CudaLibrary.Driver => ["libcuda.so.1"],
        CudaLibrary.Cublas => ["libcublas.so.13", "libcublas.so.12"],
        CudaLibrary.Cudnn => ["libcudnn.so.9"],
        _ => throw new ArgumentOutOfRangeException(nameof(library)),
    };

    /// <summary>The function a candidate must export to count as this library.</summary>
    public static string KeyExport(CudaLibrary library) => library switch
    {
        CudaLibrary.Driver => "cuInit",
        CudaLibrary.Cublas => "cublasCreate_v2",
        CudaLibrary.Cudnn => "cudnnCreate",
        _ => throw new ArgumentOutOfRangeException(nameof(library)),
    };

    /// <summary>Where the NVIDIA Python wheels put each soname, relative to site-packages.</summary>
    private static IEnumerable<(string Subdirectory, string Soname)> WheelLayouts(CudaLibrary library) => library switch
    {
        CudaLibrary.Cublas => [("nvidia/cu13/lib", "libcublas.so.13"), ("nvidia/cublas/lib", "libcublas.so.12")],
        CudaLibrary.Cudnn => [("nvidia/cudnn/lib", "libcudnn.so.9"), ("nvidia/cu13/lib", "libcudnn.so.9")],
        _ => [],
    };

    /// <summary>
    /// Every candidate for <paramref name="library"/> under <paramref name="settings"/>, in the
    /// order they are tried. Pure but for <paramref name="fileExists"/>, which the emulator's
    /// repository walk uses to recognise the repository root (default: <see cref="File.Exists"/>).
    /// </summary>
    public static IReadOnlyList<string> Candidates(CudaLibrary library, CudaLibrarySettings settings,
        Func<string, bool>? fileExists = null)
    {
        fileExists ??= File.Exists;
        var list = new List<string>();
        if (settings.Emulate)
        {
            foreach (var dir in settings.SearchDirectories) list.Add(Path.Combine(dir, EmulatorFileName));
            if (settings.AssemblyDirectory is { } asm)
            {
                list.Add(Path.Combine(asm, EmulatorFileName));
                if (FindRepositoryRoot(asm, fileExists) is { } root)
                    list.Add(Path.Combine(root, "build", "native", EmulatorFileName));
            }
            list.Add(EmulatorFileName);
            return list.Distinct(StringComparer.Ordinal).ToList();
        }

        var sonames = Sonames(library);
        foreach (var dir in settings.SearchDirectories)
        {
            foreach (var soname in sonames) list.Add(Path.Combine(dir, soname));
            foreach (var (sub, soname) in WheelLayouts(library)) list.Add(Path.Combine(dir, sub, soname));
        }
        list.AddRange(sonames);
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The nearest directory at or above <paramref name="start"/> that holds <see cref="RepositoryMarker"/>.</summary>
    public static string? FindRepositoryRoot(string start, Func<string, bool> fileExists)
    {
        for (var dir = start; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (fileExists(Path.Combine(dir, RepositoryMarker))) return dir;
        }
        return null;
    }

    /// <summary>What is looked for, as the reasons name it.</summary>
    public static string Wanted(CudaLibrary library, bool emulate) =>
        emulate ? EmulatorFileName : string.Join(" or ", Sonames(library));

    /// <summary>The load of <paramref name="library"/>, performed on first use. Never throws.</summary>
    public static CudaLibraryLoad Get(CudaLibrary library) => Loads[(int)library].Value;

    /// <summary>Whether <paramref name="library"/> was already loaded (does not trigger a load).</summary>
    public static bool IsLoaded(CudaLibrary library)
    {
        var lazy = Loads[(int)library];
        return lazy.IsValueCreated && lazy.Value.IsLoaded;
    }

    /// <summary>The handle for the resolver.</summary>
    /// <exception cref="DllNotFoundException">The library is missing; the message is the reason.</exception>
    internal static nint Resolve(CudaLibrary library)
    {
        var load = Get(library);
        return load.IsLoaded ? load.Handle : throw new DllNotFoundException(load.Error);
    }

    private static CudaLibraryLoad Load(CudaLibrary library)
    {
        var settings = Settings;
        var candidates = Candidates(library, settings);
        var export = KeyExport(library);
        var problems = new List<string>();
        foreach (var candidate in candidates)
        {
            bool isPath = candidate.Contains('/');
            if (isPath && !File.Exists(candidate)) continue;
            nint handle;
            try
            {
                handle = NativeLibrary.Load(candidate);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                // A file that exists but does not load (a missing dependency, the wrong architecture)
                // is worth naming; a soname the system does not know is just "not found".
                if (isPath) problems.Add(LoaderMessage(candidate, e.Message));
                continue;
            }
            if (NativeLibrary.TryGetExport(handle, export, out _))
                return new CudaLibraryLoad(library, handle, candidate, candidates, null, settings.Emulate);
            problems.Add($"{candidate} has no {export}");
            NativeLibrary.Free(handle);
        }

        var why = settings.Emulate
            ? $"{EmulatorFileName} not found ({CudaLibrarySettings.EmulateVariable}=1; tried {string.Join(", ", candidates)}; {settings.LibPathText})"
            : $"{Wanted(library, false)} not found (tried {string.Join(", ", candidates)}; {settings.LibPathText})";
        if (problems.Count > 0) why += "; " + string.Join("; ", problems);
        return new CudaLibraryLoad(library, 0, null, candidates, why, settings.Emulate);
    }

    /// <summary>
    /// The dynamic loader's own words (.NET puts dlerror's text on the last line of its message,
    /// after advice about strace and LD_DEBUG), prefixed with the path when they lack it.
    /// </summary>
    internal static string LoaderMessage(string candidate, string message)
    {
        var last = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault() ?? message;
        return last.StartsWith(candidate, StringComparison.Ordinal) ? last : $"{candidate}: {last}";
    }
}

using System.Reflection;
using System.Runtime.InteropServices;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Cuda;

namespace AgNas.Tensors;

/// <summary>
/// The one <see cref="NativeLibrary.SetDllImportResolver"/> of this assembly (.NET allows one per
/// assembly). Every <c>[LibraryImport]</c> in AgNas.Tensor names a logical library
/// (<c>agnas-cblas</c>, <c>agnas-cuda-driver</c>, <c>agnas-cublas</c>, <c>agnas-cudnn</c>); this
/// resolver hands each to the loader that knows where it lives: <see cref="Cblas"/> for the BLAS,
/// <see cref="CudaLibraries"/> for the CUDA stack. A library that could not be loaded throws
/// <see cref="DllNotFoundException"/> with the loader's reason at the call; code that must not
/// throw (<see cref="CudaRuntime.Probe"/>, <c>agnas devices</c>) asks the loaders first.
/// <para>Every class declaring <c>[LibraryImport]</c> methods calls <see cref="EnsureRegistered"/>
/// from its static constructor, which runs before its first native call
/// (tests/AgNas.Tensor.Tests/Cuda/NativeLibrariesTests.cs checks that).</para>
/// </summary>
internal static class NativeLibraries
{
    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>Registers the resolver once; later calls do nothing.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered) return;
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
            _registered = true;
        }
    }

    /// <summary>The logical library names this resolver answers for.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [Cblas.LibraryName, CudaDriver.LibraryName, Cublas.LibraryName, Cudnn.LibraryName];

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        Cblas.LibraryName => Cblas.ResolveHandle(),
        CudaDriver.LibraryName => CudaLibraries.Resolve(CudaLibrary.Driver),
        Cublas.LibraryName => CudaLibraries.Resolve(CudaLibrary.Cublas),
        Cudnn.LibraryName => CudaLibraries.Resolve(CudaLibrary.Cudnn),
        _ => IntPtr.Zero, // not ours: the runtime's default probing
    };
}

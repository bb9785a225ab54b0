using System.Runtime.CompilerServices;
using AgNas.Tensors;
using AgNas.Tensors.Cuda;

namespace AgNas.Cuda.Tests;

/// <summary>
/// Selects the host emulator for this test process before anything touches CUDA, and opens the
/// emulated device once. Every test here runs the real CudaBackend code path — bindings, PTX
/// signature checks, kernels, cuBLAS/cuDNN entry points — on the emulator built from the same
/// kernel sources.
/// </summary>
internal static class EmulatedCuda
{
    [ModuleInitializer]
    internal static void SelectEmulator() => Environment.SetEnvironmentVariable(CudaLibrarySettings.EmulateVariable, "1");

    private static readonly Lazy<CudaBackend> _backend = new(() =>
    {
        if (!Backends.TryGet(new Device(DeviceType.Cuda, 0), out var backend, out var reason))
            throw new InvalidOperationException($"The emulated CUDA backend is unavailable: {reason}. Build the emulator first (cmake, see scripts/test.sh).");
        return (CudaBackend)backend!;
    });

    public static CudaBackend Backend => _backend.Value;
}

namespace AgNas.Tensors.Cuda;

/// <summary>
/// The registry's entry for <c>cuda</c>: <see cref="Describe"/> prints what
/// <see cref="CudaRuntime.Probe"/> found (driver version, GPUs and memory, cuBLAS and cuDNN
/// versions, or why not). <see cref="TryGet"/> still answers "unavailable" on every machine: the
/// device-side infrastructure (bindings, device, allocator, stream, module loader, launches) is
/// here, but the backend over kernels/ comes with the kernels. Until then the reason is the
/// probe's when the stack is missing, and <see cref="NotBuiltYet"/> when it is complete.
/// </summary>
internal sealed class CudaBackendProvider : IBackendProvider
{
    /// <summary>The reason on a machine where the CUDA stack is complete.</summary>
    public const string NotBuiltYet = "the CUDA backend over kernels/ is not built yet (driver, GPU, cuBLAS and cuDNN were found)";

    public DeviceType Type => DeviceType.Cuda;

    public BackendInfo Describe()
    {
        var probe = CudaRuntime.Probe();
        var properties = new List<KeyValuePair<string, string>>();
        if (probe.Emulated)
            properties.Add(new("mode", $"host emulation ({CudaLibrarySettings.EmulateVariable}=1): a test instrument, not a fast path"));
        properties.Add(new("driver", probe.Driver.Describe()));
        foreach (var gpu in probe.Gpus) properties.Add(new($"cuda:{gpu.Ordinal}", gpu.ToString()));
        properties.Add(new("cuBLAS", probe.Cublas.Describe()));
        properties.Add(new("cuDNN", probe.Cudnn.Describe()));
        properties.Add(new(CudaLibrarySettings.LibPathVariable, probe.Settings.LibPath ?? "(not set)"));
        return new BackendInfo("cuda", false, Reason(probe), [], properties);
    }

    public bool TryGet(Device device, out IBackend? backend, out string? reason)
    {
        backend = null;
        var probe = CudaRuntime.Probe();
        if (probe.Available && device.Index >= probe.Gpus.Count)
        {
            reason = $"{device} does not exist: the driver reports {probe.Gpus.Count} GPU(s)";
            return false;
        }
        reason = Reason(probe);
        return false;
    }

    private static string Reason(CudaProbe probe) => probe.Available ? NotBuiltYet : probe.Reason!;
}

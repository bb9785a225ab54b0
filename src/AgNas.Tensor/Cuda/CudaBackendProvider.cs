namespace AgNas.Tensors.Cuda;

/// <summary>
/// The registry's entry for <c>cuda</c>: <see cref="Describe"/> prints what
/// <see cref="CudaRuntime.Probe"/> found (driver version, GPUs and memory, cuBLAS and cuDNN
/// versions, or why not); <see cref="TryGet"/> opens one <see cref="CudaBackend"/> per GPU on first
/// use and hands the same one out from then on (it lives for the process). A missing driver, GPU
/// or library, or a build without PTX, is a reason string, never an exception.
/// </summary>
internal sealed class CudaBackendProvider : IBackendProvider
{
    private static readonly Dictionary<int, CudaBackend> Opened = new();
    private static readonly object Lock = new();

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
        properties.Add(new("kernels", PtxImage.Embedded.Count == 0
            ? "none embedded (built without cmake/clang)"
            : $"{PtxImage.Embedded.Sum(i => i.Entries.Count)} in {PtxImage.Embedded.Count} PTX modules (sm_80, JIT-compiled for newer GPUs)"));
        properties.Add(new(CudaLibrarySettings.LibPathVariable, probe.Settings.LibPath ?? "(not set)"));
        var reason = Reason(probe);
        var devices = reason is null ? probe.Gpus.Select(g => new Device(DeviceType.Cuda, g.Ordinal)).ToList() : [];
        return new BackendInfo("cuda", reason is null, reason, devices, properties);
    }

    public bool TryGet(Device device, out IBackend? backend, out string? reason)
    {
        backend = null;
        var probe = CudaRuntime.Probe();
        reason = Reason(probe);
        if (reason is not null) return false;
        if (device.Index >= probe.Gpus.Count)
        {
            reason = $"{device} does not exist: the driver reports {probe.Gpus.Count} GPU(s)";
            return false;
        }
        lock (Lock)
        {
            if (!Opened.TryGetValue(device.Index, out var opened))
            {
                try
                {
                    opened = CudaBackend.Open(device.Index);
                }
                catch (Exception e) when (e is CudaException or BackendUnavailableException or InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
                {
                    reason = e is BackendUnavailableException u ? u.Reason : e.Message;
                    return false;
                }
                Opened.Add(device.Index, opened);
            }
            backend = opened;
            return true;
        }
    }

    private static string? Reason(CudaProbe probe)
    {
        if (!probe.Available) return probe.Reason!;
        if (PtxImage.Embedded.Count == 0) return "this build embeds no PTX: kernels/ was not built (cmake and clang 14 are needed at build time; scripts/setup.sh installs them)";
        return null;
    }
}

using AgNas.Tensors.Cpu;
using AgNas.Tensors.Cuda;

namespace AgNas.Tensors;

/// <summary>What <c>agnas devices</c> prints about one kind of backend.</summary>
/// <param name="Name">The device type as users write it ("cpu", "cuda").</param>
/// <param name="Available">Whether <see cref="Backends.Get(Device)"/> can return a backend of this kind.</param>
/// <param name="Reason">Why the backend is unavailable; null when it is available.</param>
/// <param name="Devices">The devices that can be used (empty when unavailable).</param>
/// <param name="Properties">Name/value facts in display order (threads, BLAS library, driver, memory, ...).</param>
public sealed record BackendInfo(
    string Name,
    bool Available,
    string? Reason,
    IReadOnlyList<Device> Devices,
    IReadOnlyList<KeyValuePair<string, string>> Properties);

/// <summary>
/// A device type that is not usable on this machine (or in this build). Carries the reason, which
/// is also in the message, so callers can print it without parsing.
/// </summary>
public sealed class BackendUnavailableException : InvalidOperationException
{
    public BackendUnavailableException(Device device, string reason)
        : base($"Device {device} is unavailable: {reason}")
    {
        Device = device;
        Reason = reason;
    }

    public Device Device { get; }
    public string Reason { get; }
}

/// <summary>
/// One kind of backend as the registry sees it. A missing driver or library is a normal state:
/// <see cref="Describe"/> and <see cref="TryGet"/> report it instead of throwing
/// (STYLE 10: never a <c>TypeInitializationException</c>).
/// </summary>
public interface IBackendProvider
{
    DeviceType Type { get; }

    /// <summary>Facts for <c>agnas devices</c>. Must not throw when the backend is unavailable.</summary>
    BackendInfo Describe();

    /// <summary>The backend for <paramref name="device"/> (of this provider's type), or false and the reason.</summary>
    bool TryGet(Device device, out IBackend? backend, out string? reason);
}

/// <summary>
/// The registry of backends: the one place that maps a <see cref="Device"/> to an
/// <see cref="IBackend"/>. Code above AgNas.Tensor asks here and never names a backend class.
/// <para><b>Adding a backend</b>: write a provider implementing <see cref="IBackendProvider"/>
/// beside the backend (as <c>Cuda/CudaBackendProvider.cs</c>) whose <c>TryGet</c> loads its
/// libraries lazily and turns every failure into a reason string, and list it in
/// <see cref="Providers"/>. Nothing else changes: <c>agnas devices</c>, <c>--device</c> options
/// and the tests iterate <see cref="Describe"/>. The CUDA provider reports the probe's facts and
/// stays unavailable until the backend over kernels/ exists.</para>
/// </summary>
public static class Backends
{
    /// <summary>One provider per device type, in display order.</summary>
    private static readonly IBackendProvider[] Providers =
    [
        new CpuBackendProvider(),
        new CudaBackendProvider(),
    ];

    /// <summary>The backend for <paramref name="device"/>.</summary>
    /// <exception cref="BackendUnavailableException">The device cannot be used here; the message says why.</exception>
    public static IBackend Get(Device device)
    {
        if (TryGet(device, out var backend, out var reason)) return backend!;
        throw new BackendUnavailableException(device, reason!);
    }

    /// <summary>The device name that picks CUDA when it is available and the CPU otherwise.</summary>
    public const string AutoDevice = "auto";

    /// <summary>"auto" → cuda:0 when a CUDA backend is available, else cpu; any other text is <see cref="Device.Parse"/>d.</summary>
    /// <exception cref="FormatException">Not a device name.</exception>
    public static Device ResolveDevice(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!string.Equals(text.Trim(), AutoDevice, StringComparison.OrdinalIgnoreCase)) return Device.Parse(text);
        var cuda = new Device(DeviceType.Cuda, 0);
        return TryGet(cuda, out _, out _) ? cuda : Device.Cpu;
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N" and returns that backend.</summary>
    /// <exception cref="FormatException">The text is not a device name.</exception>
    /// <exception cref="BackendUnavailableException">The device cannot be used here.</exception>
    public static IBackend Get(string device) => Get(Device.Parse(device));

    /// <summary>The backend for <paramref name="device"/>, or false and the reason it is unavailable.</summary>
    public static bool TryGet(Device device, out IBackend? backend, out string? reason)
    {
        foreach (var p in Providers)
        {
            if (p.Type == device.Type) return p.TryGet(device, out backend, out reason);
        }
        backend = null;
        reason = $"no backend is registered for device type {device.Type}";
        return false;
    }

    /// <summary>Every backend kind, available or not, with its facts or the reason it is unavailable.</summary>
    public static IEnumerable<BackendInfo> Describe()
    {
        foreach (var p in Providers)
        {
            BackendInfo info;
            try
            {
                info = p.Describe();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException or TypeInitializationException)
            {
                // A provider should report, not throw; if one slips, the registry still lists it.
                info = new BackendInfo(p.Type.ToString().ToLowerInvariant(), false, e.Message, [], []);
            }
            yield return info;
        }
    }

    /// <summary>The CPU backend: always available (GEMM needs a CBLAS; its absence is reported as a property).</summary>
    private sealed class CpuBackendProvider : IBackendProvider
    {
        public DeviceType Type => DeviceType.Cpu;

        public BackendInfo Describe() => new(
            "cpu", true, null, [Device.Cpu],
            [
                new("threads", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("BLAS", CpuBackend.BlasDescription),
            ]);

        public bool TryGet(Device device, out IBackend? backend, out string? reason)
        {
            if (device.Index != 0)
            {
                backend = null;
                reason = $"there is one cpu device (cpu = cpu:0); index {device.Index} does not exist";
                return false;
            }
            backend = CpuBackend.Instance;
            reason = null;
            return true;
        }
    }
}

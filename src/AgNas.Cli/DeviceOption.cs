using AgNas.Tensors;

namespace AgNas.Cli;

/// <summary>The <c>--device</c> option of the verbs that run on one backend (bench, gradcheck, selftest).</summary>
public static class DeviceOption
{
    public const string HelpText = "cpu, cuda, cuda:N, or auto (CUDA when available, else cpu).";

    /// <summary>The backend named by <paramref name="text"/> ("auto" included).</summary>
    /// <exception cref="UsageException">Not a device name (exit 2).</exception>
    /// <exception cref="BackendUnavailableException">A device that cannot be used here; the reason says why (exit 1).</exception>
    public static IBackend Get(string text)
    {
        Device device;
        try
        {
            device = Backends.ResolveDevice(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--device: {e.Message}, or 'auto'.");
        }
        return Backends.Get(device);
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// A PTX module loaded on a device (cuModuleLoadDataEx; the driver JIT-compiles the PTX for the
/// card). A load that fails throws <see cref="CudaModuleLoadException"/> carrying the JIT error
/// log. <see cref="GetKernel"/> looks functions up once and caches them.
/// </summary>
public sealed class CudaModule : IDisposable
{
    /// <summary>Size of the JIT error-log buffer (the driver truncates longer logs).</summary>
    internal const int JitLogBytes = 16 * 1024;

    private readonly CudaDevice _device;
    private readonly CudaModuleHandle _handle;
    private readonly Dictionary<string, CudaKernel> _kernels = new(StringComparer.Ordinal);

    private CudaModule(CudaDevice device, CudaModuleHandle handle, string name, IReadOnlyDictionary<string, byte[]>? signatures)
    {
        _device = device;
        _handle = handle;
        Name = name;
        _signatures = signatures;
    }

    private readonly IReadOnlyDictionary<string, byte[]>? _signatures;

    /// <summary>What the module is called in messages (e.g. the .cu family it was built from).</summary>
    public string Name { get; }

    internal CudaDevice Device => _device;

    /// <summary>
    /// Loads <paramref name="ptx"/> into <paramref name="device"/>'s context with the JIT error log
    /// captured. Use <see cref="CudaDevice.LoadModule(string, string)"/>, which also makes the device own the module.
    /// </summary>
    /// <exception cref="CudaModuleLoadException">The driver rejected the PTX (CUDA_ERROR_INVALID_PTX, …).</exception>
    internal static unsafe CudaModule Load(CudaDevice device, string ptx, string name, IReadOnlyDictionary<string, byte[]>? signatures = null)
    {
        ArgumentNullException.ThrowIfNull(ptx);
        device.MakeCurrent();

        // The image must be a NUL-terminated string.
        var image = new byte[Encoding.UTF8.GetByteCount(ptx) + 1];
        Encoding.UTF8.GetBytes(ptx, image);
        var log = new byte[JitLogBytes];

        CuJitOption* options = stackalloc CuJitOption[2];
        void** values = stackalloc void*[2];
        CuResult status;
        CudaModuleHandle handle;
        fixed (byte* imagePtr = image)
        fixed (byte* logPtr = log)
        {
            options[0] = CuJitOption.ErrorLogBuffer;
            values[0] = logPtr;
            options[1] = CuJitOption.ErrorLogBufferSizeBytes;
            values[1] = (void*)(nuint)JitLogBytes; // an unsigned int carried in the pointer; OUT: bytes written
            status = CudaDriver.cuModuleLoadDataEx(out handle, imagePtr, 2, options, values);
        }

        if (status != CuResult.Success)
        {
            handle.Dispose();
            throw new CudaModuleLoadException(status, CudaCheck.StatusName(status), CudaCheck.ErrorString(status),
                $"cuModuleLoadDataEx(&module, <PTX of {name}, {image.Length - 1} bytes>, [CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES])",
                JitLogText(log));
        }
        handle.KeepContextAlive(device.Context);
        return new CudaModule(device, handle, name, signatures);
    }

    /// <summary>The log's text up to its NUL, trimmed.</summary>
    internal static string JitLogText(ReadOnlySpan<byte> log)
    {
        int end = log.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? log : log[..end]).Trim();
    }

    /// <summary>The kernel <paramref name="name"/> (an extern "C" name), looked up once.</summary>
    /// <exception cref="CudaDriverException">No such function (CUDA_ERROR_NOT_FOUND); the call text names it.</exception>
    public CudaKernel GetKernel(string name)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        lock (_kernels)
        {
            if (_kernels.TryGetValue(name, out var kernel)) return kernel;
            _device.MakeCurrent();
            var status = CudaDriver.cuModuleGetFunction(out nint function, _handle, name);
            if (status != CuResult.Success) throw CudaCheck.Error(status, $"cuModuleGetFunction(&f, {Name}, \"{name}\")");
            kernel = new CudaKernel(this, function, name, _signatures?.GetValueOrDefault(name));
            _kernels.Add(name, kernel);
            return kernel;
        }
    }

    internal bool IsUnloaded => _handle.IsClosed;

    /// <summary>Unloads the module; its kernels become unusable.</summary>
    public void Dispose()
    {
        _device.Disown(this);
        _handle.DisposeAndThrowOnError();
    }

    public override string ToString() => $"module {Name} on {_device.Device}";
}

/// <summary>A grid or block shape.</summary>
public readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1)
{
    public ulong Count => (ulong)X * Y * Z;

    public override string ToString() => Y == 1 && Z == 1 ? $"{X}" : $"({X}, {Y}, {Z})";
}

/// <summary>How a kernel is launched: grid, block and dynamic shared memory in bytes.</summary>
public readonly record struct LaunchConfig(Dim3 Grid, Dim3 Block, uint SharedBytes = 0)
{
    /// <summary>One thread per element: ⌈n / blockSize⌉ blocks of <paramref name="blockSize"/> threads.</summary>
    public static LaunchConfig Linear(long n, uint blockSize = 256, uint sharedBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfZero(blockSize);
        long blocks = (n + blockSize - 1) / blockSize;
        if (blocks > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(n), $"{n} elements need more than 2^31 − 1 blocks of {blockSize}.");
        return new LaunchConfig(new Dim3((uint)blocks), new Dim3(blockSize), sharedBytes);
    }

    public override string ToString() => $"grid {Grid}, block {Block}, shared {SharedBytes} B";
}

/// <summary>
/// A kernel of a loaded module. <see cref="Launch{TArgs}"/> takes the kernel's parameters as one
/// small struct whose fields are the parameters in order, e.g.
/// <code>
/// [StructLayout(LayoutKind.Sequential)]
/// struct ReluArgs { public nint Y; public nint X; public long N; }   // relu_forward(float* y, const float* x, long long n)
/// kernel.Launch(LaunchConfig.Linear(n), new ReluArgs { Y = y, X = x, N = n });
/// </code>
/// Each field must have exactly the size of the C parameter (nint/pointers for pointers, int for
/// int, long for long long, float, double…; no bool or char). The launch passes the driver one
/// pointer per field (cuLaunchKernel's kernelParams).
/// </summary>
public sealed class CudaKernel
{
    private readonly CudaModule _module;
    private readonly nint _function;

    private readonly byte[]? _parameterWidths;

    internal CudaKernel(CudaModule module, nint function, string name, byte[]? parameterWidths = null)
    {
        _module = module;
        _function = function;
        Name = name;
        _parameterWidths = parameterWidths;
    }

    public string Name { get; }

    /// <summary>Queues the kernel on the device's stream. Errors inside the kernel surface at the next synchronisation.</summary>
    /// <exception cref="ArgumentException">The configuration exceeds the device's limits, or TArgs has a field of an unsupported type.</exception>
    /// <exception cref="CudaDriverException">cuLaunchKernel refused the launch.</exception>
    public unsafe void Launch<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] TArgs>(
        LaunchConfig config, TArgs args) where TArgs : unmanaged
    {
        if (_module.IsUnloaded) throw new ObjectDisposedException(_module.ToString());
        var device = _module.Device;
        Validate(config, device);
        var offsets = KernelArgumentLayout<TArgs>.Offsets;

        byte* basePtr = (byte*)&args;
        void** parameters = stackalloc void*[Math.Max(offsets.Length, 1)];
        for (int i = 0; i < offsets.Length; i++) parameters[i] = basePtr + offsets[i];

        device.MakeCurrent();
        var status = CudaDriver.cuLaunchKernel(_function,
            config.Grid.X, config.Grid.Y, config.Grid.Z,
            config.Block.X, config.Block.Y, config.Block.Z,
            config.SharedBytes, device.Stream.Handle, offsets.Length == 0 ? null : parameters, null);
        if (status != CuResult.Success)
            throw CudaCheck.Error(status, $"cuLaunchKernel({Name}, {config}, {offsets.Length} args of {typeof(TArgs).Name})");
    }

    /// <summary>
    /// Queues the kernel with packed parameters. When the module was loaded from a
    /// <see cref="PtxImage"/>, the parameters' count and widths are checked against the PTX entry first.
    /// </summary>
    /// <exception cref="ArgumentException">The parameters do not match the kernel's PTX signature, or the configuration exceeds the device's limits.</exception>
    /// <exception cref="CudaDriverException">cuLaunchKernel refused the launch.</exception>
    public unsafe void Launch(LaunchConfig config, ref KernelArgs args)
    {
        if (_module.IsUnloaded) throw new ObjectDisposedException(_module.ToString());
        var device = _module.Device;
        Validate(config, device);
        if (_parameterWidths is { } widths)
        {
            bool same = widths.Length == args.Count;
            for (int i = 0; same && i < widths.Length; i++) same = widths[i] == args.Width(i);
            if (!same)
            {
                var givenWidths = new byte[args.Count];
                for (int i = 0; i < givenWidths.Length; i++) givenWidths[i] = args.Width(i);
                var given = string.Join(", ", givenWidths);
                throw new ArgumentException($"{Name}: launched with {args.Count} parameters of widths ({given}) bytes; " +
                    $"its PTX entry takes {widths.Length} of widths ({string.Join(", ", widths)}) (kernels/ABI.md).");
            }
        }
        // The slots must not move until the driver has read them: a copy on this stack frame cannot.
        var pinned = args;
        void** parameters = stackalloc void*[Math.Max(pinned.Count, 1)];
        pinned.Pointers(parameters);
        device.MakeCurrent();
        var status = CudaDriver.cuLaunchKernel(_function,
            config.Grid.X, config.Grid.Y, config.Grid.Z,
            config.Block.X, config.Block.Y, config.Block.Z,
            config.SharedBytes, device.Stream.Handle, args.Count == 0 ? null : parameters, null);
        if (status != CuResult.Success)
            throw CudaCheck.Error(status, $"cuLaunchKernel({Name}, {config}, {args.Count} args)");
    }

    private void Validate(LaunchConfig config, CudaDevice device)
    {
        if (config.Grid.Count == 0 || config.Block.Count == 0)
            throw new ArgumentException($"{Name}: empty launch ({config}).", nameof(config));
        if (config.Block.Count > (ulong)device.MaxThreadsPerBlock)
            throw new ArgumentException($"{Name}: block {config.Block} has {config.Block.Count} threads; {device.Device} allows {device.MaxThreadsPerBlock}.", nameof(config));
        if (config.Grid.Y > 65535 || config.Grid.Z > 65535)
            throw new ArgumentException($"{Name}: grid {config.Grid} exceeds 65535 in y or z.", nameof(config));
    }

    public override string ToString() => $"{Name} in {_module.Name}";
}

/// <summary>
/// The byte offset of each field of a kernel-argument struct, in field order, computed once per
/// type. Only blittable primitive fields are accepted, so the marshalled layout that
/// <see cref="Marshal.OffsetOf(Type, string)"/> reports is also the in-memory layout.
/// </summary>
internal static class KernelArgumentLayout<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] T>
    where T : unmanaged
{
    private static int[]? _offsets;

    /// <exception cref="ArgumentException">T has a field of an unsupported type, or is not sequential.</exception>
    public static int[] Offsets => _offsets ??= Compute();

    private static readonly HashSet<Type> Allowed =
    [
        typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
        typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(nint), typeof(nuint),
    ];

    private static int[] Compute()
    {
        var type = typeof(T);
        if (IsAllowed(type)) return [0]; // a kernel with a single parameter may take it directly
        if (!type.IsLayoutSequential && !type.IsExplicitLayout)
            throw new ArgumentException($"Kernel arguments {type.Name} must be a struct with sequential layout.");
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        foreach (var f in fields)
        {
            if (!IsAllowed(f.FieldType))
                throw new ArgumentException(
                    $"Kernel arguments {type.Name}.{f.Name} has type {f.FieldType.Name}; use the C parameter's exact size " +
                    "(nint or a pointer for pointers, int, uint, long, ulong, float, double…; no bool, char or nested structs).");
        }
        return fields.Select(f => (int)Marshal.OffsetOf(type, f.Name)).Order().ToArray();
    }

    private static bool IsAllowed(Type t) =>
        t.IsPointer || Allowed.Contains(t) || (t.IsEnum && Allowed.Contains(Enum.GetUnderlyingType(t)));
}

namespace AgNas.Tensors.Cuda;

/// <summary>One GPU as the driver reports it.</summary>
public sealed record CudaGpuInfo(int Ordinal, string Name, long TotalMemoryBytes, int ComputeCapabilityMajor,
    int ComputeCapabilityMinor, int Multiprocessors)
{
    public string ComputeCapability => $"{ComputeCapabilityMajor}.{ComputeCapabilityMinor}";

    public override string ToString() =>
        $"{Name}, {CudaFormat.Bytes(TotalMemoryBytes)}, compute capability {ComputeCapability}, {Multiprocessors} SMs";
}

/// <summary>One library of the CUDA stack: where it was loaded from and its version, or why it cannot be used.</summary>
/// <param name="Name">"CUDA driver", "cuBLAS", "cuDNN".</param>
/// <param name="LoadedFrom">The path or soname that loaded; null when none did.</param>
/// <param name="Version">The library's version, when it could be read.</param>
/// <param name="Error">Why the library cannot be used (not found, or it failed to initialise); null when it can.</param>
/// <param name="Note">A remark that is not an error (e.g. why the version is unknown).</param>
public sealed record CudaComponent(string Name, string? LoadedFrom, string? Version, string? Error, string? Note = null)
{
    public bool Found => LoadedFrom is not null;
    public bool Usable => Found && Error is null;

    /// <summary>What <c>agnas devices</c> prints for it.</summary>
    public string Describe()
    {
        if (!Found) return Error ?? "not found";
        var text = $"{Version ?? "version unknown"} ({LoadedFrom})";
        if (Note is not null) text += $"; {Note}";
        if (Error is not null) text += $"; unusable: {Error}";
        return text;
    }
}

/// <summary>
/// What <see cref="CudaRuntime.Probe"/> found. <see cref="Available"/> means the driver
/// initialised, at least one GPU exists and cuBLAS and cuDNN are usable; otherwise
/// <see cref="Reason"/> says the first thing missing.
/// </summary>
public sealed record CudaProbe(
    bool Available,
    string? Reason,
    bool Emulated,
    CudaLibrarySettings Settings,
    CudaComponent Driver,
    IReadOnlyList<CudaGpuInfo> Gpus,
    CudaComponent Cublas,
    CudaComponent Cudnn);

/// <summary>
/// Finds out, without throwing, whether the CUDA stack can run here: loads the libraries
/// (<see cref="CudaLibraries"/>), initialises the driver, lists the GPUs, and reads the cuBLAS and
/// cuDNN versions (cuBLAS's needs a handle, hence a device; creating the handles also proves the
/// libraries work with this driver). No GPU, no driver, or a driver that does not start are normal
/// states, reported as reasons (STYLE 10).
/// </summary>
public static class CudaRuntime
{
    private static readonly Lazy<CudaProbe> Cached = new(ProbeNow);

    /// <summary>The probe, run once per process. Never throws.</summary>
    public static CudaProbe Probe() => Cached.Value;

    /// <summary>Runs the probe. Never throws: any failure becomes the reason.</summary>
    internal static CudaProbe ProbeNow()
    {
        var settings = CudaLibraries.Settings;
        var driverName = CudaException.DisplayName(CudaLibrary.Driver);
        try
        {
            if (!Environment.Is64BitProcess)
            {
                var why = "the CUDA backend needs a 64-bit process";
                return new CudaProbe(false, why, settings.Emulate, settings, new CudaComponent(driverName, null, null, why), [],
                    new CudaComponent("cuBLAS", null, null, why), new CudaComponent("cuDNN", null, null, why));
            }

            var (driver, gpus, reason) = ProbeDriver();
            var cublas = ProbeCublas(gpus);
            var cudnn = ProbeCudnn(gpus);
            reason ??= cublas.Usable ? null : "cuBLAS: " + cublas.Error;
            reason ??= cudnn.Usable ? null : "cuDNN: " + cudnn.Error;
            return new CudaProbe(reason is null, reason, settings.Emulate, settings, driver, gpus, cublas, cudnn);
        }
        catch (Exception e)
        {
            var why = $"probing the CUDA stack failed: {e.GetType().Name}: {e.Message}";
            return new CudaProbe(false, why, settings.Emulate, settings, new CudaComponent(driverName, null, null, why), [],
                new CudaComponent("cuBLAS", null, null, why), new CudaComponent("cuDNN", null, null, why));
        }
    }

    private static unsafe (CudaComponent Driver, IReadOnlyList<CudaGpuInfo> Gpus, string? Reason) ProbeDriver()
    {
        const string name = "CUDA driver";
        var load = CudaLibraries.Get(CudaLibrary.Driver);
        if (!load.IsLoaded) return (new CudaComponent(name, null, null, load.Error), [], load.Error);

        try
        {
            var rc = CudaDriver.cuInit(0);
            if (rc != CuResult.Success)
            {
                var why = $"cuInit(0) failed: {CudaCheck.StatusName(rc)} ({CudaCheck.ErrorString(rc)})";
                return (new CudaComponent(name, load.LoadedFrom, null, why), [], why);
            }
            CudaCheck.ThrowIfFailed(CudaDriver.cuDriverGetVersion(out int version));
            var versionText = CudaFormat.DriverVersion(version);
            CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetCount(out int count));
            if (count == 0)
            {
                var why = $"the CUDA driver {versionText} ({load.LoadedFrom}) reports no devices";
                return (new CudaComponent(name, load.LoadedFrom, versionText, null), [], why);
            }

            var gpus = new List<CudaGpuInfo>(count);
            for (int ordinal = 0; ordinal < count; ordinal++) gpus.Add(DescribeDevice(ordinal));
            return (new CudaComponent(name, load.LoadedFrom, versionText, null), gpus, null);
        }
        catch (Exception e) when (e is CudaException or EntryPointNotFoundException or DllNotFoundException)
        {
            var why = $"the CUDA driver at {load.LoadedFrom} failed: {e.Message}";
            return (new CudaComponent(name, load.LoadedFrom, null, why), [], why);
        }
    }

    /// <summary>Name, memory, compute capability and SM count of one device.</summary>
    internal static unsafe CudaGpuInfo DescribeDevice(int ordinal)
    {
        CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGet(out int device, ordinal));
        byte* buffer = stackalloc byte[256];
        CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetName(buffer, 256, device));
        var deviceName = new string((sbyte*)buffer);
        CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceTotalMem_v2(out nuint total, device));
        CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int major, CuDeviceAttribute.ComputeCapabilityMajor, device));
        CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int minor, CuDeviceAttribute.ComputeCapabilityMinor, device));
        CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int sms, CuDeviceAttribute.MultiprocessorCount, device));
        return new CudaGpuInfo(ordinal, deviceName, (long)total, major, minor, sms);
    }

    private static CudaComponent ProbeCublas(IReadOnlyList<CudaGpuInfo> gpus)
    {
        const string name = "cuBLAS";
        var load = CudaLibraries.Get(CudaLibrary.Cublas);
        if (!load.IsLoaded) return new CudaComponent(name, null, null, load.Error);
        if (gpus.Count == 0) return new CudaComponent(name, load.LoadedFrom, null, null, "its version is read through a handle, which needs a device");
        try
        {
            return InPrimaryContext(0, () =>
            {
                var rc = Cublas.cublasCreate_v2(out var handle);
                using (handle)
                {
                    if (rc != CublasStatus.Success)
                        return new CudaComponent(name, load.LoadedFrom, null,
                            $"cublasCreate_v2 failed: {CublasCheck.StatusName(rc)} ({CublasCheck.ErrorString(rc)})");
                    CublasCheck.ThrowIfFailed(Cublas.cublasGetVersion_v2(handle, out int version));
                    return new CudaComponent(name, load.LoadedFrom, CudaFormat.CublasVersion(version), null);
                }
            });
        }
        catch (Exception e) when (e is CudaException or EntryPointNotFoundException or DllNotFoundException)
        {
            return new CudaComponent(name, load.LoadedFrom, null, e.Message);
        }
    }

    private static CudaComponent ProbeCudnn(IReadOnlyList<CudaGpuInfo> gpus)
    {
        const string name = "cuDNN";
        var load = CudaLibraries.Get(CudaLibrary.Cudnn);
        if (!load.IsLoaded) return new CudaComponent(name, null, null, load.Error);
        try
        {
            var version = CudaFormat.CudnnVersion((long)Cudnn.cudnnGetVersion());
            if (gpus.Count == 0) return new CudaComponent(name, load.LoadedFrom, version, null);
            // cudnnCreate loads cuDNN 9's sub-libraries and checks them against the driver: the
            // failures a version number alone would hide (CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED…).
            return InPrimaryContext(0, () =>
            {
                var rc = Cudnn.cudnnCreate(out var handle);
                using (handle)
                {
                    return rc == CudnnStatus.Success
                        ? new CudaComponent(name, load.LoadedFrom, version, null)
                        : new CudaComponent(name, load.LoadedFrom, version,
                            $"cudnnCreate failed: {CudnnCheck.StatusName(rc)} ({CudnnCheck.ErrorString(rc)})");
                }
            });
        }
        catch (Exception e) when (e is CudaException or EntryPointNotFoundException or DllNotFoundException)
        {
            return new CudaComponent(name, load.LoadedFrom, null, e.Message);
        }
    }

    /// <summary>Runs <paramref name="body"/> with device <paramref name="ordinal"/>'s primary context current.</summary>
    private static T InPrimaryContext<T>(int ordinal, Func<T> body)
    {
        CudaCheck.ThrowIfFailed(CudaDriver.cuDeviceGet(out int device, ordinal));
        CudaCheck.ThrowIfFailed(CudaDriver.cuDevicePrimaryCtxRetain(out var context, device));
        context.Device = device;
        using (context)
        {
            CudaCheck.ThrowIfFailed(CudaDriver.cuCtxSetCurrent(context.Value));
            try
            {
                return body();
            }
            finally
            {
                CudaDriver.cuCtxSetCurrent(0);
            }
        }
    }
}

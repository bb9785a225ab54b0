using System.Runtime.InteropServices;
using CuDevicePtr = nint; // CUdeviceptr: unsigned long long, 64 bits; AgNas runs in 64-bit processes only

namespace AgNas.Tensors.Cuda;

/// <summary>
/// The CUDA driver API (libcuda), only the functions the backend uses, under their exported names
/// (the <c>_v2</c> suffixes are the symbols cuda.h's macros select). Every function returns
/// <see cref="CuResult"/>; callers pass it to <see cref="CudaCheck"/>. The library is found by
/// <see cref="NativeLibraries"/> (AGNAS_CUDA_LIB_PATH, then libcuda.so.1; the host emulator with
/// AGNAS_CUDA_EMULATE=1). Handles are <see cref="System.Runtime.InteropServices.SafeHandle"/>s except
/// where the driver hands out borrowed values (CUcontext for cuCtxSetCurrent, CUfunction) and in
/// the destroy functions that the handles' ReleaseHandle call with the raw value.
/// </summary>
internal static unsafe partial class CudaDriver
{
    public const string LibraryName = "agnas-cuda-driver";

    static CudaDriver() => NativeLibraries.EnsureRegistered();

    // ---- initialisation, version, errors ------------------------------------------------------

    [LibraryImport(LibraryName)]
    public static partial CuResult cuInit(uint flags);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuDriverGetVersion(out int driverVersion);

    /// <summary>pStr receives a static C string (never freed) naming the status, e.g. "CUDA_ERROR_INVALID_VALUE".</summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuGetErrorName(CuResult error, out nint pStr);

    /// <summary>pStr receives a static C string describing the status.</summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuGetErrorString(CuResult error, out nint pStr);

    // ---- devices ------------------------------------------------------------------------------

    [LibraryImport(LibraryName)]
    public static partial CuResult cuDeviceGetCount(out int count);

    /// <summary>device receives the CUdevice (an int) of the given ordinal.</summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuDeviceGet(out int device, int ordinal);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuDeviceGetName(byte* name, int len, int dev);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuDeviceTotalMem_v2(out nuint bytes, int dev);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuDeviceGetAttribute(out int pi, CuDeviceAttribute attrib, int dev);

    // ---- primary context ----------------------------------------------------------------------

    [LibraryImport(LibraryName)]
    public static partial CuResult cuDevicePrimaryCtxRetain(out CudaContextHandle pctx, int dev);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuDevicePrimaryCtxRelease_v2(int dev);

    /// <summary>ctx is borrowed (the CUcontext of a live <see cref="CudaContextHandle"/>) or 0 to unbind.</summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuCtxSetCurrent(nint ctx);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuCtxSynchronize();

    // ---- memory -------------------------------------------------------------------------------

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemAlloc_v2(out CudaDeviceMemoryHandle dptr, nuint bytesize);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemFree_v2(CuDevicePtr dptr);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemGetInfo_v2(out nuint free, out nuint total);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemcpyHtoD_v2(CuDevicePtr dstDevice, void* srcHost, nuint byteCount);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemcpyDtoH_v2(void* dstHost, CuDevicePtr srcDevice, nuint byteCount);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemcpyDtoD_v2(CuDevicePtr dstDevice, CuDevicePtr srcDevice, nuint byteCount);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemcpyHtoDAsync_v2(CuDevicePtr dstDevice, void* srcHost, nuint byteCount, CudaStreamHandle hStream);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemcpyDtoHAsync_v2(void* dstHost, CuDevicePtr srcDevice, nuint byteCount, CudaStreamHandle hStream);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemcpyDtoDAsync_v2(CuDevicePtr dstDevice, CuDevicePtr srcDevice, nuint byteCount, CudaStreamHandle hStream);

    /// <summary>Sets n 32-bit words (not bytes) to ui.</summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemsetD32_v2(CuDevicePtr dstDevice, uint ui, nuint n);

    /// <summary>The asynchronous memset has no _v2 symbol: cuda.h maps cuMemsetD32Async to itself.</summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuMemsetD32Async(CuDevicePtr dstDevice, uint ui, nuint n, CudaStreamHandle hStream);

    // ---- streams and events -------------------------------------------------------------------

    [LibraryImport(LibraryName)]
    public static partial CuResult cuStreamCreate(out CudaStreamHandle phStream, CuStreamFlags flags);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuStreamDestroy_v2(nint hStream);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuStreamSynchronize(CudaStreamHandle hStream);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuEventCreate(out CudaEventHandle phEvent, CuEventFlags flags);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuEventRecord(CudaEventHandle hEvent, CudaStreamHandle hStream);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuEventSynchronize(CudaEventHandle hEvent);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuEventElapsedTime(out float pMilliseconds, CudaEventHandle hStart, CudaEventHandle hEnd);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuEventDestroy_v2(nint hEvent);

    // ---- modules and launches -----------------------------------------------------------------

    /// <summary>image: a NUL-terminated PTX string (or a cubin/fatbin image).</summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuModuleLoadData(out CudaModuleHandle module, void* image);

    /// <summary>
    /// As <see cref="cuModuleLoadData"/> with JIT options: options[i] names the option and
    /// optionValues[i] holds its value (a pointer, or an integer cast to a pointer).
    /// </summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuModuleLoadDataEx(out CudaModuleHandle module, void* image, uint numOptions,
        CuJitOption* options, void** optionValues);

    /// <summary>hfunc receives a CUfunction owned by the module (valid until the module is unloaded).</summary>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial CuResult cuModuleGetFunction(out nint hfunc, CudaModuleHandle hmod, string name);

    [LibraryImport(LibraryName)]
    public static partial CuResult cuModuleUnload(nint hmod);

    /// <summary>
    /// kernelParams: one pointer per kernel parameter, each pointing at the parameter's value;
    /// extra: null (the alternative packed-buffer convention is not used).
    /// </summary>
    [LibraryImport(LibraryName)]
    public static partial CuResult cuLaunchKernel(nint f,
        uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ,
        uint sharedMemBytes, CudaStreamHandle hStream, void** kernelParams, void** extra);
}

/// <summary>
/// CUresult (cuda.h, CUDA 12.6), the values the backend can meet. Names are the C names in
/// PascalCase without the CUDA_ERROR_ prefix; <see cref="CudaCheck.StatusName(CuResult)"/> gives
/// the C name back.
/// </summary>
public enum CuResult
{
    Success = 0,
    InvalidValue = 1,
    OutOfMemory = 2,
    NotInitialized = 3,
    Deinitialized = 4,
    ProfilerDisabled = 5,
    StubLibrary = 34,
    DeviceUnavailable = 46,
    NoDevice = 100,
    InvalidDevice = 101,
    DeviceNotLicensed = 102,
    InvalidImage = 200,
    InvalidContext = 201,
    ContextAlreadyCurrent = 202,
    MapFailed = 205,
    UnmapFailed = 206,
    NoBinaryForGpu = 209,
    EccUncorrectable = 214,
    UnsupportedLimit = 215,
    ContextAlreadyInUse = 216,
    PeerAccessUnsupported = 217,
    InvalidPtx = 218,
    InvalidGraphicsContext = 219,
    NvlinkUncorrectable = 220,
    JitCompilerNotFound = 221,
    UnsupportedPtxVersion = 222,
    JitCompilationDisabled = 223,
    UnsupportedExecAffinity = 224,
    UnsupportedDevsideSync = 225,
    InvalidSource = 300,
    FileNotFound = 301,
    SharedObjectSymbolNotFound = 302,
    SharedObjectInitFailed = 303,
    OperatingSystem = 304,
    InvalidHandle = 400,
    IllegalState = 401,
    LossyQuery = 402,
    NotFound = 500,
    NotReady = 600,
    IllegalAddress = 700,
    LaunchOutOfResources = 701,
    LaunchTimeout = 702,
    LaunchIncompatibleTexturing = 703,
    PrimaryContextActive = 708,
    ContextIsDestroyed = 709,
    Assert = 710,
    HardwareStackError = 714,
    IllegalInstruction = 715,
    MisalignedAddress = 716,
    InvalidAddressSpace = 717,
    InvalidPc = 718,
    LaunchFailed = 719,
    CooperativeLaunchTooLarge = 720,
    NotPermitted = 800,
    NotSupported = 801,
    SystemNotReady = 802,
    SystemDriverMismatch = 803,
    CompatNotSupportedOnDevice = 804,
    Timeout = 909,
    FunctionNotLoaded = 913,
    Unknown = 999,
}

/// <summary>CUdevice_attribute values the probe and the launch checks read (cuda.h).</summary>
internal enum CuDeviceAttribute
{
    MaxThreadsPerBlock = 1,
    MaxBlockDimX = 2,
    MaxGridDimX = 5,
    MaxSharedMemoryPerBlock = 8,
    WarpSize = 10,
    MultiprocessorCount = 16,
    MaxThreadsPerMultiprocessor = 39,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
    MaxSharedMemoryPerBlockOptin = 97,
}

/// <summary>CUjit_option values used by <see cref="CudaDriver.cuModuleLoadDataEx"/> (cuda.h).</summary>
internal enum CuJitOption
{
    InfoLogBuffer = 3,
    InfoLogBufferSizeBytes = 4,
    ErrorLogBuffer = 5,
    ErrorLogBufferSizeBytes = 6,
    LogVerbose = 12,
}

/// <summary>CUstream_flags (cuda.h).</summary>
[Flags]
internal enum CuStreamFlags : uint
{
    /// <summary>Synchronises with the legacy default stream, so the synchronous copies stay ordered with it.</summary>
    Default = 0x0,
    NonBlocking = 0x1,
}

/// <summary>CUevent_flags (cuda.h).</summary>
[Flags]
internal enum CuEventFlags : uint
{
    Default = 0x0,
    BlockingSync = 0x1,
    DisableTiming = 0x2,
}

using System.Runtime.InteropServices;
using AgNas.Tensors.Cuda;

namespace AgNas.Tensors.Tests.Cuda;

/// <summary>
/// The three checks turn fabricated statuses into typed exceptions naming the library, the status
/// as the C headers spell it, an error string and the call's source text. The enum values are the
/// headers' (CUDA 12.6 cuda.h, cublas_api.h; cuDNN 9.6 cudnn_graph.h, cudnn_ops.h, cudnn_cnn.h).
/// </summary>
public class CudaChecksTests
{
    private static CuResult FakeMemAlloc(long bytes) => bytes > 0 ? CuResult.OutOfMemory : CuResult.Success;

    [Fact]
    public void ADriverStatusBecomesAnExceptionWithLibraryStatusStringAndCall()
    {
        var e = Assert.Throws<CudaDriverException>(() => CudaCheck.ThrowIfFailed(FakeMemAlloc(1L << 40)));
        Assert.Equal(CudaLibrary.Driver, e.Library);
        Assert.Equal(CuResult.OutOfMemory, e.Status);
        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.StatusName);
        Assert.Equal("FakeMemAlloc(1L << 40)", e.Call);
        Assert.False(string.IsNullOrWhiteSpace(e.ErrorString));
        Assert.Contains("CUDA driver", e.Message);
        Assert.Contains("CUDA_ERROR_OUT_OF_MEMORY", e.Message);
        Assert.Contains(e.ErrorString, e.Message);
        Assert.Contains("FakeMemAlloc(1L << 40)", e.Message);
        Assert.IsAssignableFrom<CudaException>(e);
    }

    [Fact]
    public void ACallWrittenOverSeveralLinesIsReportedOnOne()
    {
        var e = Assert.Throws<CudnnException>(() => CudnnCheck.ThrowIfFailed(FakeDescriptor(2, 8,
            32, 32)));
        Assert.Equal("FakeDescriptor(2, 8, 32, 32)", e.Call);
        Assert.DoesNotContain("\n", e.Message);
    }

    private static CudnnStatus FakeDescriptor(int n, int c, int h, int w) => CudnnStatus.BadParam;

    [Fact]
    public void SuccessPassesEveryCheck()
    {
        CudaCheck.ThrowIfFailed(CuResult.Success);
        CublasCheck.ThrowIfFailed(CublasStatus.Success);
        CudnnCheck.ThrowIfFailed(CudnnStatus.Success);
    }

    [Fact]
    public void ACublasStatusBecomesACublasException()
    {
        var e = Assert.Throws<CublasException>(() => CublasCheck.ThrowIfFailed(CublasStatus.InvalidValue));
        Assert.Equal(CudaLibrary.Cublas, e.Library);
        Assert.Equal(CublasStatus.InvalidValue, e.Status);
        Assert.Equal("CUBLAS_STATUS_INVALID_VALUE", e.StatusName);
        Assert.Equal("CublasStatus.InvalidValue", e.Call);
        Assert.Contains("unsupported value or parameter", e.ErrorString);
        Assert.StartsWith("cuBLAS: CUBLAS_STATUS_INVALID_VALUE", e.Message);
    }

    [Fact]
    public void ACudnnStatusBecomesACudnnException()
    {
        var status = CudnnStatus.NotSupportedIncompatibleCudaDriver;
        var e = Assert.Throws<CudnnException>(() => CudnnCheck.ThrowIfFailed(status));
        Assert.Equal(CudaLibrary.Cudnn, e.Library);
        Assert.Equal(status, e.Status);
        Assert.Equal("CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER", e.StatusName);
        Assert.Equal("status", e.Call);
        Assert.False(string.IsNullOrWhiteSpace(e.ErrorString));
        Assert.StartsWith("cuDNN: CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER", e.Message);
    }

    [Fact]
    public void AModuleLoadFailureCarriesTheJitLog()
    {
        var e = new CudaModuleLoadException(CuResult.InvalidPtx, CudaCheck.StatusName(CuResult.InvalidPtx),
            CudaCheck.ErrorString(CuResult.InvalidPtx), "cuModuleLoadDataEx(...)", "ptxas application ptx input, line 12; error   : Unknown symbol 'foo'");
        Assert.IsAssignableFrom<CudaDriverException>(e);
        Assert.Equal("CUDA_ERROR_INVALID_PTX", e.StatusName);
        Assert.Contains("JIT error log:", e.Message);
        Assert.Contains("line 12; error   : Unknown symbol 'foo'", e.Message);
    }

    [Fact]
    public void TheJitLogIsReadUpToItsTerminator()
    {
        var buffer = new byte[64];
        "line 3: bad\n"u8.CopyTo(buffer);
        Assert.Equal("line 3: bad", CudaModule.JitLogText(buffer));
        Assert.Equal("", CudaModule.JitLogText(new byte[8]));
    }

    [Fact]
    public void AnOutOfMemoryExceptionIsWhatTheCachingAllocatorRetriesOn()
    {
        var inner = CudaCheck.Error(CuResult.OutOfMemory, "cuMemAlloc_v2(&block, 1099511627776)");
        var e = new CudaOutOfMemoryException(new Device(DeviceType.Cuda, 1), 1L << 40, 1L << 30, 80L << 30, inner);
        Assert.IsAssignableFrom<OutOfMemoryException>(e);
        Assert.Same(inner, e.InnerException);
        Assert.Equal("cuda:1: out of device memory allocating 1.0 TiB (1.0 GiB free of 80.0 GiB)", e.Message);
    }

    [Fact]
    public void ReleasePathsTolerateDeinitializedOnly()
    {
        Assert.Null(CudaCheck.ReleaseError(CuResult.Success, "cuMemFree_v2(p)"));
        Assert.Null(CudaCheck.ReleaseError(CuResult.Deinitialized, "cuMemFree_v2(p)"));
        var e = CudaCheck.ReleaseError(CuResult.IllegalAddress, "cuMemFree_v2(p)");
        Assert.NotNull(e);
        Assert.Equal("CUDA_ERROR_ILLEGAL_ADDRESS", e!.StatusName);
        Assert.Equal("cuMemFree_v2(p)", e.Call);
    }

    [Fact]
    public void UnknownStatusValuesAreNamedByNumber()
    {
        if (CudaLibraries.IsLoaded(CudaLibrary.Driver)) return; // a real driver names it itself
        Assert.Equal("CUresult 12345", CudaCheck.StatusName((CuResult)12345));
        Assert.Equal("cublasStatus_t 99", CublasCheck.StatusName((CublasStatus)99));
        Assert.Equal("cudnnStatus_t 7777", CudnnCheck.StatusName((CudnnStatus)7777));
    }

    // ---- the header facts --------------------------------------------------------------------

    /// <summary>Every CuResult member: its value and C name as cuda.h (CUDA 12.6) declares them.</summary>
    public static TheoryData<CuResult, int, string> DriverStatuses => new()
    {
        { CuResult.Success, 0, "CUDA_SUCCESS" },
        { CuResult.InvalidValue, 1, "CUDA_ERROR_INVALID_VALUE" },
        { CuResult.OutOfMemory, 2, "CUDA_ERROR_OUT_OF_MEMORY" },
        { CuResult.NotInitialized, 3, "CUDA_ERROR_NOT_INITIALIZED" },
        { CuResult.Deinitialized, 4, "CUDA_ERROR_DEINITIALIZED" },
        { CuResult.ProfilerDisabled, 5, "CUDA_ERROR_PROFILER_DISABLED" },
        { CuResult.StubLibrary, 34, "CUDA_ERROR_STUB_LIBRARY" },
        { CuResult.DeviceUnavailable, 46, "CUDA_ERROR_DEVICE_UNAVAILABLE" },
        { CuResult.NoDevice, 100, "CUDA_ERROR_NO_DEVICE" },
        { CuResult.InvalidDevice, 101, "CUDA_ERROR_INVALID_DEVICE" },
        { CuResult.DeviceNotLicensed, 102, "CUDA_ERROR_DEVICE_NOT_LICENSED" },
        { CuResult.InvalidImage, 200, "CUDA_ERROR_INVALID_IMAGE" },
        { CuResult.InvalidContext, 201, "CUDA_ERROR_INVALID_CONTEXT" },
        { CuResult.ContextAlreadyCurrent, 202, "CUDA_ERROR_CONTEXT_ALREADY_CURRENT" },
        { CuResult.MapFailed, 205, "CUDA_ERROR_MAP_FAILED" },
        { CuResult.UnmapFailed, 206, "CUDA_ERROR_UNMAP_FAILED" },
        { CuResult.NoBinaryForGpu, 209, "CUDA_ERROR_NO_BINARY_FOR_GPU" },
        { CuResult.EccUncorrectable, 214, "CUDA_ERROR_ECC_UNCORRECTABLE" },
        { CuResult.UnsupportedLimit, 215, "CUDA_ERROR_UNSUPPORTED_LIMIT" },
        { CuResult.ContextAlreadyInUse, 216, "CUDA_ERROR_CONTEXT_ALREADY_IN_USE" },
        { CuResult.PeerAccessUnsupported, 217, "CUDA_ERROR_PEER_ACCESS_UNSUPPORTED" },
        { CuResult.InvalidPtx, 218, "CUDA_ERROR_INVALID_PTX" },
        { CuResult.InvalidGraphicsContext, 219, "CUDA_ERROR_INVALID_GRAPHICS_CONTEXT" },
        { CuResult.NvlinkUncorrectable, 220, "CUDA_ERROR_NVLINK_UNCORRECTABLE" },
        { CuResult.JitCompilerNotFound, 221, "CUDA_ERROR_JIT_COMPILER_NOT_FOUND" },
        { CuResult.UnsupportedPtxVersion, 222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION" },
        { CuResult.JitCompilationDisabled, 223, "CUDA_ERROR_JIT_COMPILATION_DISABLED" },
        { CuResult.UnsupportedExecAffinity, 224, "CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY" },
        { CuResult.UnsupportedDevsideSync, 225, "CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC" },
        { CuResult.InvalidSource, 300, "CUDA_ERROR_INVALID_SOURCE" },
        { CuResult.FileNotFound, 301, "CUDA_ERROR_FILE_NOT_FOUND" },
        { CuResult.SharedObjectSymbolNotFound, 302, "CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND" },
        { CuResult.SharedObjectInitFailed, 303, "CUDA_ERROR_SHARED_OBJECT_INIT_FAILED" },
        { CuResult.OperatingSystem, 304, "CUDA_ERROR_OPERATING_SYSTEM" },
        { CuResult.InvalidHandle, 400, "CUDA_ERROR_INVALID_HANDLE" },
        { CuResult.IllegalState, 401, "CUDA_ERROR_ILLEGAL_STATE" },
        { CuResult.LossyQuery, 402, "CUDA_ERROR_LOSSY_QUERY" },
        { CuResult.NotFound, 500, "CUDA_ERROR_NOT_FOUND" },
        { CuResult.NotReady, 600, "CUDA_ERROR_NOT_READY" },
        { CuResult.IllegalAddress, 700, "CUDA_ERROR_ILLEGAL_ADDRESS" },
        { CuResult.LaunchOutOfResources, 701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES" },
        { CuResult.LaunchTimeout, 702, "CUDA_ERROR_LAUNCH_TIMEOUT" },
        { CuResult.LaunchIncompatibleTexturing, 703, "CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING" },
        { CuResult.PrimaryContextActive, 708, "CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE" },
        { CuResult.ContextIsDestroyed, 709, "CUDA_ERROR_CONTEXT_IS_DESTROYED" },
        { CuResult.Assert, 710, "CUDA_ERROR_ASSERT" },
        { CuResult.HardwareStackError, 714, "CUDA_ERROR_HARDWARE_STACK_ERROR" },
        { CuResult.IllegalInstruction, 715, "CUDA_ERROR_ILLEGAL_INSTRUCTION" },
        { CuResult.MisalignedAddress, 716, "CUDA_ERROR_MISALIGNED_ADDRESS" },
        { CuResult.InvalidAddressSpace, 717, "CUDA_ERROR_INVALID_ADDRESS_SPACE" },
        { CuResult.InvalidPc, 718, "CUDA_ERROR_INVALID_PC" },
        { CuResult.LaunchFailed, 719, "CUDA_ERROR_LAUNCH_FAILED" },
        { CuResult.CooperativeLaunchTooLarge, 720, "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE" },
        { CuResult.NotPermitted, 800, "CUDA_ERROR_NOT_PERMITTED" },
        { CuResult.NotSupported, 801, "CUDA_ERROR_NOT_SUPPORTED" },
        { CuResult.SystemNotReady, 802, "CUDA_ERROR_SYSTEM_NOT_READY" },
        { CuResult.SystemDriverMismatch, 803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH" },
        { CuResult.CompatNotSupportedOnDevice, 804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE" },
        { CuResult.Timeout, 909, "CUDA_ERROR_TIMEOUT" },
        { CuResult.FunctionNotLoaded, 913, "CUDA_ERROR_FUNCTION_NOT_LOADED" },
        { CuResult.Unknown, 999, "CUDA_ERROR_UNKNOWN" },
    };

    [Theory]
    [MemberData(nameof(DriverStatuses))]
    public void DriverStatusValuesAndNamesAreCudaHs(CuResult status, int value, string name)
    {
        Assert.Equal(value, (int)status);
        Assert.Equal(name, CudaCheck.StatusName(status));
    }

    [Fact]
    public void EveryDriverStatusIsListedAbove() =>
        Assert.Equal(Enum.GetValues<CuResult>().Length, DriverStatuses.Count);

    /// <summary>Every cublasStatus_t value (cublas_api.h, cuBLAS 12.6).</summary>
    public static TheoryData<CublasStatus, int, string> CublasStatuses => new()
    {
        { CublasStatus.Success, 0, "CUBLAS_STATUS_SUCCESS" },
        { CublasStatus.NotInitialized, 1, "CUBLAS_STATUS_NOT_INITIALIZED" },
        { CublasStatus.AllocFailed, 3, "CUBLAS_STATUS_ALLOC_FAILED" },
        { CublasStatus.InvalidValue, 7, "CUBLAS_STATUS_INVALID_VALUE" },
        { CublasStatus.ArchMismatch, 8, "CUBLAS_STATUS_ARCH_MISMATCH" },
        { CublasStatus.MappingError, 11, "CUBLAS_STATUS_MAPPING_ERROR" },
        { CublasStatus.ExecutionFailed, 13, "CUBLAS_STATUS_EXECUTION_FAILED" },
        { CublasStatus.InternalError, 14, "CUBLAS_STATUS_INTERNAL_ERROR" },
        { CublasStatus.NotSupported, 15, "CUBLAS_STATUS_NOT_SUPPORTED" },
        { CublasStatus.LicenseError, 16, "CUBLAS_STATUS_LICENSE_ERROR" },
    };

    [Theory]
    [MemberData(nameof(CublasStatuses))]
    public void CublasStatusValuesAndNamesAreCublasApiHs(CublasStatus status, int value, string name)
    {
        Assert.Equal(value, (int)status);
        Assert.Equal(name, CublasCheck.StatusName(status));
        Assert.NotEqual("unknown cuBLAS status", CublasCheck.ErrorString(status));
    }

    [Fact]
    public void EveryCublasStatusIsListedAbove() =>
        Assert.Equal(Enum.GetValues<CublasStatus>().Length, CublasStatuses.Count);

    /// <summary>The cudnnStatus_t values the backend can meet (cudnn_graph.h, cuDNN 9.6).</summary>
    public static TheoryData<CudnnStatus, int, string> CudnnStatuses => new()
    {
        { CudnnStatus.Success, 0, "CUDNN_STATUS_SUCCESS" },
        { CudnnStatus.NotInitialized, 1001, "CUDNN_STATUS_NOT_INITIALIZED" },
        { CudnnStatus.SublibraryVersionMismatch, 1002, "CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH" },
        { CudnnStatus.SerializationVersionMismatch, 1003, "CUDNN_STATUS_SERIALIZATION_VERSION_MISMATCH" },
        { CudnnStatus.Deprecated, 1004, "CUDNN_STATUS_DEPRECATED" },
        { CudnnStatus.LicenseError, 1005, "CUDNN_STATUS_LICENSE_ERROR" },
        { CudnnStatus.RuntimeInProgress, 1006, "CUDNN_STATUS_RUNTIME_IN_PROGRESS" },
        { CudnnStatus.RuntimeFpOverflow, 1007, "CUDNN_STATUS_RUNTIME_FP_OVERFLOW" },
        { CudnnStatus.SublibraryLoadingFailed, 1008, "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED" },
        { CudnnStatus.BadParam, 2000, "CUDNN_STATUS_BAD_PARAM" },
        { CudnnStatus.InvalidValue, 2001, "CUDNN_STATUS_INVALID_VALUE" },
        { CudnnStatus.BadParamNullPointer, 2002, "CUDNN_STATUS_BAD_PARAM_NULL_POINTER" },
        { CudnnStatus.BadParamMisalignedPointer, 2003, "CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER" },
        { CudnnStatus.BadParamNotFinalized, 2004, "CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED" },
        { CudnnStatus.BadParamOutOfBound, 2005, "CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND" },
        { CudnnStatus.BadParamSizeInsufficient, 2006, "CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT" },
        { CudnnStatus.BadParamStreamMismatch, 2007, "CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH" },
        { CudnnStatus.BadParamShapeMismatch, 2008, "CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH" },
        { CudnnStatus.BadParamDuplicatedEntries, 2009, "CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES" },
        { CudnnStatus.BadParamAttributeType, 2010, "CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE" },
        { CudnnStatus.BadParamCudaGraphMismatch, 2011, "CUDNN_STATUS_BAD_PARAM_CUDA_GRAPH_MISMATCH" },
        { CudnnStatus.BadParamDescriptorType, 2012, "CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE" },
        { CudnnStatus.NotSupported, 3000, "CUDNN_STATUS_NOT_SUPPORTED" },
        { CudnnStatus.NotSupportedGraphPattern, 3001, "CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN" },
        { CudnnStatus.NotSupportedShape, 3002, "CUDNN_STATUS_NOT_SUPPORTED_SHAPE" },
        { CudnnStatus.NotSupportedDataType, 3003, "CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE" },
        { CudnnStatus.NotSupportedLayout, 3004, "CUDNN_STATUS_NOT_SUPPORTED_LAYOUT" },
        { CudnnStatus.NotSupportedIncompatibleCudaDriver, 3005, "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER" },
        { CudnnStatus.NotSupportedIncompatibleCudart, 3006, "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART" },
        { CudnnStatus.NotSupportedArchMismatch, 3007, "CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH" },
        { CudnnStatus.NotSupportedRuntimePrerequisiteMissing, 3008, "CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING" },
        { CudnnStatus.NotSupportedSublibraryUnavailable, 3009, "CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE" },
        { CudnnStatus.NotSupportedSharedMemoryInsufficient, 3010, "CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT" },
        { CudnnStatus.NotSupportedPadding, 3011, "CUDNN_STATUS_NOT_SUPPORTED_PADDING" },
        { CudnnStatus.NotSupportedBadLaunchParam, 3012, "CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM" },
        { CudnnStatus.NotSupportedCudaGraphNativeApi, 3013, "CUDNN_STATUS_NOT_SUPPORTED_CUDA_GRAPH_NATIVE_API" },
        { CudnnStatus.InternalError, 4000, "CUDNN_STATUS_INTERNAL_ERROR" },
        { CudnnStatus.InternalErrorCompilationFailed, 4001, "CUDNN_STATUS_INTERNAL_ERROR_COMPILATION_FAILED" },
        { CudnnStatus.InternalErrorUnexpectedValue, 4002, "CUDNN_STATUS_INTERNAL_ERROR_UNEXPECTED_VALUE" },
        { CudnnStatus.InternalErrorHostAllocationFailed, 4003, "CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED" },
        { CudnnStatus.InternalErrorDeviceAllocationFailed, 4004, "CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED" },
        { CudnnStatus.InternalErrorBadLaunchParam, 4005, "CUDNN_STATUS_INTERNAL_ERROR_BAD_LAUNCH_PARAM" },
        { CudnnStatus.InternalErrorTextureCreationFailed, 4006, "CUDNN_STATUS_INTERNAL_ERROR_TEXTURE_CREATION_FAILED" },
        { CudnnStatus.ExecutionFailed, 5000, "CUDNN_STATUS_EXECUTION_FAILED" },
        { CudnnStatus.ExecutionFailedCudaDriver, 5001, "CUDNN_STATUS_EXECUTION_FAILED_CUDA_DRIVER" },
        { CudnnStatus.ExecutionFailedCublas, 5002, "CUDNN_STATUS_EXECUTION_FAILED_CUBLAS" },
        { CudnnStatus.ExecutionFailedCudart, 5003, "CUDNN_STATUS_EXECUTION_FAILED_CUDART" },
        { CudnnStatus.ExecutionFailedCurand, 5004, "CUDNN_STATUS_EXECUTION_FAILED_CURAND" },
    };

    [Theory]
    [MemberData(nameof(CudnnStatuses))]
    public void CudnnStatusValuesAndNamesAreCudnnGraphHs(CudnnStatus status, int value, string name)
    {
        Assert.Equal(value, (int)status);
        Assert.Equal(name, CudnnCheck.StatusName(status));
    }

    [Fact]
    public void EveryCudnnStatusIsListedAbove() =>
        Assert.Equal(Enum.GetValues<CudnnStatus>().Length, CudnnStatuses.Count);

    [Fact]
    public void TheOtherEnumValuesAreTheHeaders()
    {
        // cuda.h
        Assert.Equal(5, (int)CuJitOption.ErrorLogBuffer);
        Assert.Equal(6, (int)CuJitOption.ErrorLogBufferSizeBytes);
        Assert.Equal(3, (int)CuJitOption.InfoLogBuffer);
        Assert.Equal(4, (int)CuJitOption.InfoLogBufferSizeBytes);
        Assert.Equal(12, (int)CuJitOption.LogVerbose);
        Assert.Equal(1, (int)CuDeviceAttribute.MaxThreadsPerBlock);
        Assert.Equal(8, (int)CuDeviceAttribute.MaxSharedMemoryPerBlock);
        Assert.Equal(16, (int)CuDeviceAttribute.MultiprocessorCount);
        Assert.Equal(75, (int)CuDeviceAttribute.ComputeCapabilityMajor);
        Assert.Equal(76, (int)CuDeviceAttribute.ComputeCapabilityMinor);
        Assert.Equal(1u, (uint)CuStreamFlags.NonBlocking);
        Assert.Equal(2u, (uint)CuEventFlags.DisableTiming);
        // cublas_api.h
        Assert.Equal(0, (int)CublasOperation.N);
        Assert.Equal(1, (int)CublasOperation.T);
        // cudnn_graph.h, cudnn_ops.h
        Assert.Equal(0, (int)CudnnDataType.Float);
        Assert.Equal(0, (int)CudnnTensorFormat.Nchw);
        Assert.Equal(1, (int)CudnnConvolutionMode.CrossCorrelation);
        Assert.Equal(3, (int)CudnnMathType.Fma);
        Assert.Equal(8, (int)CudnnConvolutionFwdAlgo.Count);
        Assert.Equal(6, (int)CudnnConvolutionBwdDataAlgo.Count);
        Assert.Equal(7, (int)CudnnConvolutionBwdFilterAlgo.Count);
        Assert.Equal(6, (int)CudnnConvolutionBwdFilterAlgo.FftTiling);
        Assert.Equal(3, (int)CudnnConvolutionBwdDataAlgo.FftTiling);
    }

    [Fact]
    public void ThePerfStructsAreLaidOutAsCudnnCnnH()
    {
        // algo, status, time at 0/4/8; size_t memory aligned to 16; determinism, mathType at 24/28;
        // int reserved[3] at 32; 44 bytes padded to 48.
        foreach (var t in new[] { typeof(CudnnConvolutionFwdAlgoPerf), typeof(CudnnConvolutionBwdDataAlgoPerf), typeof(CudnnConvolutionBwdFilterAlgoPerf) })
        {
            Assert.Equal(48, Marshal.SizeOf(t));
            Assert.Equal(0, (int)Marshal.OffsetOf(t, "Algo"));
            Assert.Equal(4, (int)Marshal.OffsetOf(t, "Status"));
            Assert.Equal(8, (int)Marshal.OffsetOf(t, "Time"));
            Assert.Equal(16, (int)Marshal.OffsetOf(t, "Memory"));
            Assert.Equal(24, (int)Marshal.OffsetOf(t, "Determinism"));
            Assert.Equal(28, (int)Marshal.OffsetOf(t, "MathType"));
        }
        Assert.Equal(48, System.Runtime.CompilerServices.Unsafe.SizeOf<CudnnConvolutionFwdAlgoPerf>());
    }
}

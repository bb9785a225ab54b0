using System.Runtime.InteropServices;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// cuDNN 9 (libcudnn.so.9), only the legacy convolution API the backend uses (deprecated in 9 but
/// exported and supported), under its exported names. Descriptors are SafeHandles; x, w, y and the
/// workspace are device pointers; alpha and beta point at host floats. Every function returns
/// <see cref="CudnnStatus"/>; callers pass it to <see cref="CudnnCheck"/>.
/// </summary>
internal static unsafe partial class Cudnn
{
    public const string LibraryName = "agnas-cudnn";

    static Cudnn() => NativeLibraries.EnsureRegistered();

    // ---- library ------------------------------------------------------------------------------

    /// <summary>CUDNN_VERSION: major·10000 + minor·100 + patch from cuDNN 9 (major·1000 + minor·100 + patch before).</summary>
    [LibraryImport(LibraryName)]
    public static partial nuint cudnnGetVersion();

    /// <summary>A static C string naming the status.</summary>
    [LibraryImport(LibraryName)]
    public static partial nint cudnnGetErrorString(CudnnStatus status);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnCreate(out CudnnHandle handle);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnDestroy(nint handle);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnSetStream(CudnnHandle handle, CudaStreamHandle streamId);

    // ---- tensor and filter descriptors --------------------------------------------------------

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnCreateTensorDescriptor(out CudnnTensorDescriptorHandle tensorDesc);

    /// <summary>Strides in elements, so a channel view of an NCHW buffer is described without a copy.</summary>
    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnSetTensor4dDescriptorEx(CudnnTensorDescriptorHandle tensorDesc,
        CudnnDataType dataType, int n, int c, int h, int w, int nStride, int cStride, int hStride, int wStride);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnDestroyTensorDescriptor(nint tensorDesc);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnCreateFilterDescriptor(out CudnnFilterDescriptorHandle filterDesc);

    /// <summary>k output channels, c = input channels per group, h × w kernel.</summary>
    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnSetFilter4dDescriptor(CudnnFilterDescriptorHandle filterDesc,
        CudnnDataType dataType, CudnnTensorFormat format, int k, int c, int h, int w);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnDestroyFilterDescriptor(nint filterDesc);

    // ---- convolution descriptors --------------------------------------------------------------

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnCreateConvolutionDescriptor(out CudnnConvolutionDescriptorHandle convDesc);

    /// <summary>u, v: vertical and horizontal stride.</summary>
    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnSetConvolution2dDescriptor(CudnnConvolutionDescriptorHandle convDesc,
        int padH, int padW, int u, int v, int dilationH, int dilationW, CudnnConvolutionMode mode,
        CudnnDataType computeType);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnSetConvolutionGroupCount(CudnnConvolutionDescriptorHandle convDesc, int groupCount);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnSetConvolutionMathType(CudnnConvolutionDescriptorHandle convDesc, CudnnMathType mathType);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnDestroyConvolutionDescriptor(nint convDesc);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnGetConvolution2dForwardOutputDim(CudnnConvolutionDescriptorHandle convDesc,
        CudnnTensorDescriptorHandle inputTensorDesc, CudnnFilterDescriptorHandle filterDesc,
        out int n, out int c, out int h, out int w);

    // ---- algorithm search (runs each candidate once; cache the answer per shape) ---------------

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnFindConvolutionForwardAlgorithm(CudnnHandle handle,
        CudnnTensorDescriptorHandle xDesc, CudnnFilterDescriptorHandle wDesc, CudnnConvolutionDescriptorHandle convDesc,
        CudnnTensorDescriptorHandle yDesc, int requestedAlgoCount, out int returnedAlgoCount,
        CudnnConvolutionFwdAlgoPerf* perfResults);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnFindConvolutionBackwardDataAlgorithm(CudnnHandle handle,
        CudnnFilterDescriptorHandle wDesc, CudnnTensorDescriptorHandle dyDesc, CudnnConvolutionDescriptorHandle convDesc,
        CudnnTensorDescriptorHandle dxDesc, int requestedAlgoCount, out int returnedAlgoCount,
        CudnnConvolutionBwdDataAlgoPerf* perfResults);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnFindConvolutionBackwardFilterAlgorithm(CudnnHandle handle,
        CudnnTensorDescriptorHandle xDesc, CudnnTensorDescriptorHandle dyDesc, CudnnConvolutionDescriptorHandle convDesc,
        CudnnFilterDescriptorHandle dwDesc, int requestedAlgoCount, out int returnedAlgoCount,
        CudnnConvolutionBwdFilterAlgoPerf* perfResults);

    // ---- workspace sizes ----------------------------------------------------------------------

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnGetConvolutionForwardWorkspaceSize(CudnnHandle handle,
        CudnnTensorDescriptorHandle xDesc, CudnnFilterDescriptorHandle wDesc, CudnnConvolutionDescriptorHandle convDesc,
        CudnnTensorDescriptorHandle yDesc, CudnnConvolutionFwdAlgo algo, out nuint sizeInBytes);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnGetConvolutionBackwardDataWorkspaceSize(CudnnHandle handle,
        CudnnFilterDescriptorHandle wDesc, CudnnTensorDescriptorHandle dyDesc, CudnnConvolutionDescriptorHandle convDesc,
        CudnnTensorDescriptorHandle dxDesc, CudnnConvolutionBwdDataAlgo algo, out nuint sizeInBytes);

    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnGetConvolutionBackwardFilterWorkspaceSize(CudnnHandle handle,
        CudnnTensorDescriptorHandle xDesc, CudnnTensorDescriptorHandle dyDesc, CudnnConvolutionDescriptorHandle convDesc,
        CudnnFilterDescriptorHandle gradDesc, CudnnConvolutionBwdFilterAlgo algo, out nuint sizeInBytes);

    // ---- convolutions -------------------------------------------------------------------------

    /// <summary>y ← alpha·conv(x, w) + beta·y.</summary>
    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnConvolutionForward(CudnnHandle handle, float* alpha,
        CudnnTensorDescriptorHandle xDesc, nint x, CudnnFilterDescriptorHandle wDesc, nint w,
        CudnnConvolutionDescriptorHandle convDesc, CudnnConvolutionFwdAlgo algo, nint workSpace,
        nuint workSpaceSizeInBytes, float* beta, CudnnTensorDescriptorHandle yDesc, nint y);

    /// <summary>dx ← alpha·∂/∂x + beta·dx.</summary>
    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnConvolutionBackwardData(CudnnHandle handle, float* alpha,
        CudnnFilterDescriptorHandle wDesc, nint w, CudnnTensorDescriptorHandle dyDesc, nint dy,
        CudnnConvolutionDescriptorHandle convDesc, CudnnConvolutionBwdDataAlgo algo, nint workSpace,
        nuint workSpaceSizeInBytes, float* beta, CudnnTensorDescriptorHandle dxDesc, nint dx);

    /// <summary>dw ← alpha·∂/∂w + beta·dw.</summary>
    [LibraryImport(LibraryName)]
    public static partial CudnnStatus cudnnConvolutionBackwardFilter(CudnnHandle handle, float* alpha,
        CudnnTensorDescriptorHandle xDesc, nint x, CudnnTensorDescriptorHandle dyDesc, nint dy,
        CudnnConvolutionDescriptorHandle convDesc, CudnnConvolutionBwdFilterAlgo algo, nint workSpace,
        nuint workSpaceSizeInBytes, float* beta, CudnnFilterDescriptorHandle dwDesc, nint dw);
}

/// <summary>
/// cudnnStatus_t (cudnn_graph.h, cuDNN 9.6). cuDNN 9 numbers statuses by category (1xxx not
/// initialised / version, 2xxx bad parameter, 3xxx not supported, 4xxx internal, 5xxx execution);
/// the cuDNN 8 values (1…10) are gone. Names are the C names in PascalCase without the
/// CUDNN_STATUS_ prefix.
/// </summary>
public enum CudnnStatus
{
    Success = 0,
    NotInitialized = 1001,
    SublibraryVersionMismatch = 1002,
    SerializationVersionMismatch = 1003,
    Deprecated = 1004,
    LicenseError = 1005,
    RuntimeInProgress = 1006,
    RuntimeFpOverflow = 1007,
    SublibraryLoadingFailed = 1008,
    BadParam = 2000,
    /// <summary>Deprecated alias kept by cudnn_graph.h ("please transition to CUDNN_STATUS_BAD_PARAM").</summary>
    InvalidValue = 2001,
    BadParamNullPointer = 2002,
    BadParamMisalignedPointer = 2003,
    BadParamNotFinalized = 2004,
    BadParamOutOfBound = 2005,
    BadParamSizeInsufficient = 2006,
    BadParamStreamMismatch = 2007,
    BadParamShapeMismatch = 2008,
    BadParamDuplicatedEntries = 2009,
    BadParamAttributeType = 2010,
    BadParamCudaGraphMismatch = 2011,
    BadParamDescriptorType = 2012,
    NotSupported = 3000,
    NotSupportedGraphPattern = 3001,
    NotSupportedShape = 3002,
    NotSupportedDataType = 3003,
    NotSupportedLayout = 3004,
    NotSupportedIncompatibleCudaDriver = 3005,
    NotSupportedIncompatibleCudart = 3006,
    NotSupportedArchMismatch = 3007,
    NotSupportedRuntimePrerequisiteMissing = 3008,
    NotSupportedSublibraryUnavailable = 3009,
    NotSupportedSharedMemoryInsufficient = 3010,
    NotSupportedPadding = 3011,
    NotSupportedBadLaunchParam = 3012,
    NotSupportedCudaGraphNativeApi = 3013,
    InternalError = 4000,
    InternalErrorCompilationFailed = 4001,
    InternalErrorUnexpectedValue = 4002,
    InternalErrorHostAllocationFailed = 4003,
    InternalErrorDeviceAllocationFailed = 4004,
    InternalErrorBadLaunchParam = 4005,
    InternalErrorTextureCreationFailed = 4006,
    ExecutionFailed = 5000,
    ExecutionFailedCudaDriver = 5001,
    ExecutionFailedCublas = 5002,
    ExecutionFailedCudart = 5003,
    ExecutionFailedCurand = 5004,
}

/// <summary>cudnnDataType_t (cudnn_graph.h), the one value used.</summary>
internal enum CudnnDataType
{
    Float = 0,
}

/// <summary>cudnnTensorFormat_t (cudnn_graph.h).</summary>
internal enum CudnnTensorFormat
{
    Nchw = 0,
    Nhwc = 1,
}

/// <summary>cudnnConvolutionMode_t (cudnn_graph.h). PyTorch's conv2d is cross-correlation.</summary>
internal enum CudnnConvolutionMode
{
    Convolution = 0,
    CrossCorrelation = 1,
}

/// <summary>
/// cudnnMathType_t (cudnn_graph.h). <see cref="Fma"/> keeps float32 convolutions off TF32 tensor
/// cores, so results stay within the CPU-equivalence tolerances.
/// </summary>
public enum CudnnMathType
{
    Default = 0,
    TensorOp = 1,
    TensorOpAllowConversion = 2,
    Fma = 3,
}

/// <summary>cudnnDeterminism_t (cudnn_ops.h).</summary>
public enum CudnnDeterminism
{
    NonDeterministic = 0,
    Deterministic = 1,
}

/// <summary>cudnnConvolutionFwdAlgo_t (cudnn_ops.h).</summary>
public enum CudnnConvolutionFwdAlgo
{
    ImplicitGemm = 0,
    ImplicitPrecompGemm = 1,
    Gemm = 2,
    Direct = 3,
    Fft = 4,
    FftTiling = 5,
    Winograd = 6,
    WinogradNonfused = 7,
    Count = 8,
}

/// <summary>cudnnConvolutionBwdDataAlgo_t (cudnn_ops.h).</summary>
public enum CudnnConvolutionBwdDataAlgo
{
    Algo0 = 0,
    Algo1 = 1,
    Fft = 2,
    FftTiling = 3,
    Winograd = 4,
    WinogradNonfused = 5,
    Count = 6,
}

/// <summary>cudnnConvolutionBwdFilterAlgo_t (cudnn_ops.h).</summary>
public enum CudnnConvolutionBwdFilterAlgo
{
    Algo0 = 0,
    Algo1 = 1,
    Fft = 2,
    Algo3 = 3,
    Winograd = 4,
    WinogradNonfused = 5,
    FftTiling = 6,
    Count = 7,
}

/// <summary>
/// cudnnConvolutionFwdAlgoPerf_t (cudnn_cnn.h, cuDNN 9): algo, status, time (ms), 4 bytes of
/// padding, memory (size_t workspace bytes) at offset 16, determinism, mathType, int reserved[3];
/// 48 bytes. The three perf structs share this layout.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct CudnnConvolutionFwdAlgoPerf
{
    public CudnnConvolutionFwdAlgo Algo;
    public CudnnStatus Status;
    public float Time;
    public nuint Memory;
    public CudnnDeterminism Determinism;
    public CudnnMathType MathType;
    private int _reserved0, _reserved1, _reserved2;
}

/// <summary>cudnnConvolutionBwdDataAlgoPerf_t (cudnn_cnn.h, cuDNN 9); layout as <see cref="CudnnConvolutionFwdAlgoPerf"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct CudnnConvolutionBwdDataAlgoPerf
{
    public CudnnConvolutionBwdDataAlgo Algo;
    public CudnnStatus Status;
    public float Time;
    public nuint Memory;
    public CudnnDeterminism Determinism;
    public CudnnMathType MathType;
    private int _reserved0, _reserved1, _reserved2;
}

/// <summary>cudnnConvolutionBwdFilterAlgoPerf_t (cudnn_cnn.h, cuDNN 9); layout as <see cref="CudnnConvolutionFwdAlgoPerf"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct CudnnConvolutionBwdFilterAlgoPerf
{
    public CudnnConvolutionBwdFilterAlgo Algo;
    public CudnnStatus Status;
    public float Time;
    public nuint Memory;
    public CudnnDeterminism Determinism;
    public CudnnMathType MathType;
    private int _reserved0, _reserved1, _reserved2;
}

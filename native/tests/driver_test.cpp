// driver_test.cpp — the emulated driver API: device queries, memory accounting and OOM, module loading
// from the real PTX (and its failures with JIT-style logs), launch validation, streams and events, the
// exported symbol set, and the execution model's barrier under large and odd block sizes.
#include "test_util.h"

#include <chrono>
#include <dlfcn.h>
#include <set>
#include <thread>

TEST_F(Emu, DeviceQueries)
{
    int version = 0, count = 0, v = 0;
    CU_OK(cuDriverGetVersion(&version));
    EXPECT_GE(version, 12000);
    CU_OK(cuDeviceGetCount(&count));
    EXPECT_EQ(count, 1);
    char name[128];
    CU_OK(cuDeviceGetName(name, sizeof name, 0));
    EXPECT_NE(std::string(name).find("emulator"), std::string::npos);
    CU_OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 0));
    EXPECT_EQ(v, 8);
    CU_OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, 0));
    EXPECT_EQ(v, 0);
    CU_OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, 0));
    EXPECT_EQ(v, 1);
    CU_OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 0));
    EXPECT_EQ(v, 1024);
    EXPECT_EQ(cuDeviceGetAttribute(&v, 12345, 0), CUDA_ERROR_INVALID_VALUE);
    CUdevice d;
    EXPECT_EQ(cuDeviceGet(&d, 1), CUDA_ERROR_INVALID_DEVICE);
}

TEST_F(Emu, MemoryIsCountedAndLargeAllocationsFailWithOutOfMemory)
{
    size_t free = 0, total = 0, reported = 0;
    CU_OK(cuMemGetInfo_v2(&free, &total));
    CU_OK(cuDeviceTotalMem_v2(&reported, 0));
    EXPECT_EQ(total, reported);
    if (const char* mb = std::getenv("AGNAS_EMU_MEMORY_MB")) EXPECT_EQ(total, std::stoull(mb) * 1024 * 1024);

    CUdeviceptr p = 0;
    const CUresult rc = cuMemAlloc_v2(&p, total + 1);
    EXPECT_EQ(rc, CUDA_ERROR_OUT_OF_MEMORY);
    const char* nameText = nullptr;
    CU_OK(cuGetErrorName(rc, &nameText));
    EXPECT_STREQ(nameText, "CUDA_ERROR_OUT_OF_MEMORY");
    const char* text = nullptr;
    CU_OK(cuGetErrorString(rc, &text));
    EXPECT_NE(std::string(text).find("out of memory"), std::string::npos) << text;

    CU_OK(cuMemAlloc_v2(&p, 1000));
    size_t free2 = 0;
    CU_OK(cuMemGetInfo_v2(&free2, &total));
    EXPECT_EQ(free - free2, 1024u); // rounded to 256 bytes
    EXPECT_EQ(cuMemAlloc_v2(&p, 0), CUDA_ERROR_INVALID_VALUE);
    CU_OK(cuMemFree_v2(p));
    EXPECT_EQ(cuMemFree_v2(p), CUDA_ERROR_INVALID_VALUE); // double free
}

TEST_F(Emu, CopiesAreCheckedAgainstAllocations)
{
    DevBuf<float> a(16);
    std::vector<float> host(16, 1.0f), big(17, 0.0f);
    CU_OK(cuMemcpyHtoD_v2(a.raw(), host.data(), 64));
    EXPECT_EQ(cuMemcpyHtoD_v2(a.raw(), big.data(), 17 * 4 + 256), CUDA_ERROR_INVALID_VALUE);
    EXPECT_EQ(cuMemcpyDtoH_v2(host.data(), reinterpret_cast<CUdeviceptr>(big.data()), 4), CUDA_ERROR_INVALID_VALUE);
    CU_OK(cuMemsetD32_v2(a.raw(), 0x3F800000u, 16)); // 1.0f
    CU_OK(cuMemsetD8_v2(a.raw(), 0, 4));
    const auto back = a.get();
    EXPECT_EQ(back[0], 0.0f);
    EXPECT_EQ(back[1], 1.0f);
    DevBuf<float> b(16);
    CU_OK(cuMemcpyDtoDAsync_v2(b.raw(), a.raw(), 64, nullptr));
    EXPECT_EQ(b.get(), back);
}

TEST_F(Emu, EveryPtxEntryBindsToAHostKernelAndBack)
{
    std::set<std::string> fromPtx;
    for (const auto& f : ptxFiles())
        for (const auto& e : ptxEntries(readText(f)))
        {
            EXPECT_TRUE(fromPtx.insert(e).second) << "entry " << e << " appears in two modules";
            EXPECT_NE(fn(e), nullptr);
        }
    std::set<std::string> registered;
    for (int i = 0; i < agnasEmuKernelCount(); ++i) registered.insert(agnasEmuKernelName(i));
    EXPECT_EQ(fromPtx, registered);
    EXPECT_GE(fromPtx.size(), 40u);
}

TEST_F(Emu, UnknownFunctionIsNotFound)
{
    CUfunction f;
    EXPECT_EQ(cuModuleGetFunction(&f, modules_[0], "no_such_kernel"), CUDA_ERROR_NOT_FOUND);
}

TEST_F(Emu, GarbagePtxFailsWithAJitLog)
{
    char log[512] = {};
    CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void* values[] = {log, reinterpret_cast<void*>(static_cast<uintptr_t>(sizeof log))};
    CUmodule m;
    const CUresult rc = cuModuleLoadDataEx(&m, "this is not ptx", 2, options, values);
    EXPECT_EQ(rc, CUDA_ERROR_INVALID_PTX);
    EXPECT_NE(std::string(log).find("Parsing error near 'this'"), std::string::npos) << log;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(values[1]), std::strlen(log) + 1);
    const char* text = nullptr;
    CU_OK(cuGetErrorString(rc, &text));
    EXPECT_NE(std::string(text).find("Parsing error"), std::string::npos) << text;
}

TEST_F(Emu, PtxWithAnUnknownEntryOrMismatchedParametersIsRejected)
{
    std::string text = readText(std::filesystem::path(AGNAS_PTX_DIR) / "elementwise.ptx");
    const size_t at = text.find(".entry relu_f32(");
    ASSERT_NE(at, std::string::npos);
    std::string renamed = text;
    renamed.replace(at, 16, ".entry relu_f99(");
    CUmodule m;
    EXPECT_EQ(cuModuleLoadData(&m, renamed.c_str()), CUDA_ERROR_INVALID_PTX);
    const char* err = nullptr;
    cuGetErrorString(CUDA_ERROR_INVALID_PTX, &err);
    EXPECT_NE(std::string(err).find("relu_f99"), std::string::npos) << err;

    const char* shortParams = ".version 7.0\n.target sm_80\n.address_size 64\n"
                              ".visible .entry relu_f32(\n\t.param .u64 relu_f32_param_0\n)\n{\n\tret;\n}\n";
    EXPECT_EQ(cuModuleLoadData(&m, shortParams), CUDA_ERROR_INVALID_PTX);
    cuGetErrorString(CUDA_ERROR_INVALID_PTX, &err);
    EXPECT_NE(std::string(err).find("declares parameters of 1"), std::string::npos) << err;

    const char elf[] = "\x7f" "ELF\x02\x01\x01";
    EXPECT_EQ(cuModuleLoadData(&m, elf), CUDA_ERROR_INVALID_IMAGE);
}

TEST_F(Emu, BadLaunchesAreRejected)
{
    CUfunction relu = fn("relu_f32");
    DevBuf<float> y(64), x(64);
    long long stride = 64, batch = 1, sample = 64;
    EXPECT_EQ(launch(relu, 1, 1025, y.p(), stride, x.p(), stride, batch, sample), CUDA_ERROR_INVALID_VALUE);
    EXPECT_EQ(launch(relu, 0, 64, y.p(), stride, x.p(), stride, batch, sample), CUDA_ERROR_INVALID_VALUE);
    EXPECT_EQ(launch(static_cast<CUfunction>(nullptr), 1, 64, y.p(), stride, x.p(), stride, batch, sample),
              CUDA_ERROR_INVALID_VALUE);
    void* params[] = {nullptr};
    EXPECT_EQ(cuLaunchKernel(relu, 1, 1, 1, 64, 1, 1, 0, nullptr, nullptr, nullptr), CUDA_ERROR_INVALID_VALUE);
    EXPECT_EQ(cuLaunchKernel(relu, 1, 1, 1, 64, 1, 1, 0, reinterpret_cast<CUstream>(0x1234), params, nullptr),
              CUDA_ERROR_INVALID_HANDLE);
    EXPECT_EQ(cuLaunchKernel(relu, 1, 1, 1, 32, 32, 2, 0, nullptr, params, nullptr), CUDA_ERROR_INVALID_VALUE);
    EXPECT_EQ(cuLaunchKernel(relu, 1, 1, 1, 64, 1, 1, 64 * 1024, nullptr, params, nullptr), CUDA_ERROR_INVALID_VALUE);

    // A host pointer where the kernel expects device memory.
    std::vector<float> host(64);
    const CUresult rc = launch(relu, 1, 64, host.data(), stride, x.p(), stride, batch, sample);
    EXPECT_EQ(rc, CUDA_ERROR_ILLEGAL_ADDRESS);
    EXPECT_NE(cuText(rc).find("parameter 0"), std::string::npos) << cuText(rc);

    // And a good launch afterwards still works.
    EXPECT_EQ(launch(relu, 1, 64, y.p(), stride, x.p(), stride, batch, sample), CUDA_SUCCESS);
}

TEST_F(Emu, ACallWithoutACurrentContextFails)
{
    CUresult rc = CUDA_SUCCESS;
    std::thread([&rc] {
        CUdeviceptr p;
        rc = cuMemAlloc_v2(&p, 16);
    }).join();
    EXPECT_EQ(rc, CUDA_ERROR_INVALID_CONTEXT);
}

TEST_F(Emu, StreamsAndEvents)
{
    CUstream s;
    CUevent start, stop;
    CU_OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    CU_OK(cuEventCreate(&start, CU_EVENT_DEFAULT));
    CU_OK(cuEventCreate(&stop, CU_EVENT_DEFAULT));
    float ms = -1;
    EXPECT_EQ(cuEventElapsedTime(&ms, start, stop), CUDA_ERROR_INVALID_HANDLE); // not recorded yet
    DevBuf<float> y(1000), x(randomVector(1000, 1));
    CU_OK(cuEventRecord(start, s));
    void* params[6];
    float* yp = y.p();
    float* xp = x.p();
    long long st = 1000, b = 1, n = 1000;
    params[0] = &yp; params[1] = &st; params[2] = &xp; params[3] = &st; params[4] = &b; params[5] = &n;
    CU_OK(cuLaunchKernel(fn("relu_f32"), 4, 1, 1, 128, 1, 1, 0, s, params, nullptr));
    CU_OK(cuEventRecord(stop, s));
    CU_OK(cuEventSynchronize(stop));
    CU_OK(cuStreamSynchronize(s));
    CU_OK(cuEventElapsedTime(&ms, start, stop));
    EXPECT_GE(ms, 0.0f);
    CU_OK(cuEventDestroy_v2(start));
    CU_OK(cuEventDestroy_v2(stop));
    CU_OK(cuStreamDestroy_v2(s));
    EXPECT_EQ(cuLaunchKernel(fn("relu_f32"), 1, 1, 1, 32, 1, 1, 0, s, params, nullptr), CUDA_ERROR_INVALID_HANDLE);
}

TEST(EmuLibrary, ExportsTheNamesTheBindingsCall)
{
    void* lib = dlopen(AGNAS_EMU_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib, nullptr) << dlerror();
    const char* names[] = {
        "cuInit", "cuDriverGetVersion", "cuDeviceGetCount", "cuDeviceGet", "cuDeviceGetName", "cuDeviceTotalMem_v2",
        "cuDeviceGetAttribute", "cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRelease_v2", "cuCtxSetCurrent",
        "cuCtxSynchronize", "cuMemAlloc_v2", "cuMemFree_v2", "cuMemGetInfo_v2", "cuMemcpyHtoD_v2", "cuMemcpyDtoH_v2",
        "cuMemcpyDtoD_v2", "cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2", "cuMemcpyDtoDAsync_v2", "cuMemsetD8_v2",
        "cuMemsetD32_v2", "cuMemsetD8Async", "cuMemsetD32Async", "cuStreamCreate", "cuStreamDestroy_v2",
        "cuStreamSynchronize", "cuEventCreate", "cuEventRecord", "cuEventSynchronize", "cuEventElapsedTime",
        "cuEventDestroy_v2", "cuModuleLoadData", "cuModuleLoadDataEx", "cuModuleGetFunction", "cuModuleUnload",
        "cuLaunchKernel", "cuGetErrorName", "cuGetErrorString",
        "cublasCreate_v2", "cublasDestroy_v2", "cublasSetStream_v2", "cublasGetVersion_v2", "cublasSgemm_v2",
        "cublasSgemmStridedBatched", "cublasGetStatusName", "cublasGetStatusString", "cublasSetMathMode",
        "cudnnGetVersion", "cudnnGetErrorString", "cudnnCreate", "cudnnDestroy", "cudnnSetStream",
        "cudnnCreateTensorDescriptor", "cudnnDestroyTensorDescriptor", "cudnnSetTensor4dDescriptor",
        "cudnnSetTensor4dDescriptorEx", "cudnnCreateFilterDescriptor", "cudnnDestroyFilterDescriptor",
        "cudnnSetFilter4dDescriptor", "cudnnCreateConvolutionDescriptor", "cudnnDestroyConvolutionDescriptor",
        "cudnnSetConvolution2dDescriptor", "cudnnSetConvolutionGroupCount", "cudnnSetConvolutionMathType",
        "cudnnGetConvolution2dForwardOutputDim", "cudnnFindConvolutionForwardAlgorithm",
        "cudnnFindConvolutionBackwardDataAlgorithm", "cudnnFindConvolutionBackwardFilterAlgorithm",
        "cudnnGetConvolutionForwardAlgorithm_v7", "cudnnGetConvolutionBackwardDataAlgorithm_v7",
        "cudnnGetConvolutionBackwardFilterAlgorithm_v7", "cudnnGetConvolutionForwardWorkspaceSize",
        "cudnnGetConvolutionBackwardDataWorkspaceSize", "cudnnGetConvolutionBackwardFilterWorkspaceSize",
        "cudnnConvolutionForward", "cudnnConvolutionBackwardData", "cudnnConvolutionBackwardFilter",
        "cudnnConvolutionBackwardBias", "cudnnAddTensor", "cudnnGetLastErrorString"};
    for (const char* n : names) EXPECT_NE(dlsym(lib, n), nullptr) << n;
    // Kernels and internals stay hidden.
    EXPECT_EQ(dlsym(lib, "relu_f32"), nullptr);
    EXPECT_EQ(dlsym(lib, "agnas_emu_syncthreads"), nullptr);
    dlclose(lib);
}

// channel_sum_f32 reduces with agnas_block_sum (three __syncthreads per channel): run it with blocks
// of 1, 33 (not a power of two) and 1024 threads, and fewer blocks than channels (grid-stride).
TEST_F(Emu, BlockBarrierWorksForAnyBlockSize)
{
    const long long batch = 5, plane = 333;
    const int channels = 7;
    const auto dy = randomVector(batch * channels * plane, 7);
    DevBuf<float> d(dy), out(channels);
    std::vector<float> want(channels);
    for (int c = 0; c < channels; ++c)
    {
        double acc = 0;
        for (long long n = 0; n < batch; ++n)
            for (long long p = 0; p < plane; ++p) acc += dy[(n * channels + c) * plane + p];
        want[c] = static_cast<float>(acc);
    }
    for (unsigned block : {1u, 33u, 1024u})
        for (unsigned grid : {1u, 3u, 16u})
        {
            CU_OK(cuMemsetD32_v2(out.raw(), 0, channels));
            CU_OK(launch(fn("channel_sum_f32"), grid, block, out.p(), d.p(), static_cast<long long>(channels * plane),
                         batch, channels, plane));
            EXPECT_TRUE(allClose(out.get(), want, 1e-5, 1e-6)) << "block " << block << " grid " << grid;
        }
}

// Not a check: prints what one launch costs here (the emulator is a test instrument, not a fast path).
TEST_F(Emu, LaunchCostIsPrinted)
{
    const long long n = 1 << 16;
    DevBuf<float> y(n), x(randomVector(n, 3));
    CUfunction relu = fn("relu_f32"), gap = fn("global_avgpool_forward_f32");
    DevBuf<float> g(64);
    for (unsigned block : {64u, 256u})
    {
        const unsigned grid = 2048 / block;
        CU_OK(launch(relu, grid, block, y.p(), n, x.p(), n, 1LL, n));
        const auto t0 = std::chrono::steady_clock::now();
        const int reps = 20;
        for (int i = 0; i < reps; ++i) CU_OK(launch(relu, grid, block, y.p(), n, x.p(), n, 1LL, n));
        const auto t1 = std::chrono::steady_clock::now();
        for (int i = 0; i < reps; ++i) CU_OK(launch(gap, grid, block, g.p(), 64LL, x.p(), 1024LL, 1LL, 64, 1024LL));
        const auto t2 = std::chrono::steady_clock::now();
        std::printf("[ info     ] block %u x grid %u: relu over %lld floats %.3f ms/launch; global_avgpool 64 planes "
                    "(2 barriers each) %.3f ms/launch\n",
                    block, grid, n, std::chrono::duration<double, std::milli>(t1 - t0).count() / reps,
                    std::chrono::duration<double, std::milli>(t2 - t1).count() / reps);
    }
}

// test_util.h — helpers for the native tests: a fixture that brings up the emulated device and loads
// every built PTX module exactly as the C# side does (cuModuleLoadData on the PTX text from the build,
// cuModuleGetFunction, cuLaunchKernel with void** parameters), device buffers, and comparisons.
#pragma once
#include "agnas_emu_api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

inline std::string cuText(CUresult r)
{
    const char* name = nullptr;
    const char* text = nullptr;
    cuGetErrorName(r, &name);
    cuGetErrorString(r, &text);
    return std::string(name ? name : "?") + ": " + (text ? text : "?");
}

#define CU_OK(expr)                                                                  \
    do                                                                               \
    {                                                                                \
        const CUresult cu_ok_rc_ = (expr);                                           \
        ASSERT_EQ(cu_ok_rc_, CUDA_SUCCESS) << #expr << " -> " << cuText(cu_ok_rc_); \
    } while (0)

inline std::string readText(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::vector<std::filesystem::path> ptxFiles()
{
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(AGNAS_PTX_DIR))
        if (e.path().extension() == ".ptx") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

// Every ".entry NAME" of a PTX text.
inline std::vector<std::string> ptxEntries(const std::string& text)
{
    std::vector<std::string> names;
    for (size_t pos = text.find(".entry"); pos != std::string::npos; pos = text.find(".entry", pos + 6))
    {
        size_t i = pos + 6;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        size_t j = i;
        while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
        names.push_back(text.substr(i, j - i));
    }
    return names;
}

template <typename T>
class DevBuf
{
public:
    explicit DevBuf(size_t n) : n_(n)
    {
        const CUresult rc = cuMemAlloc_v2(&ptr_, std::max<size_t>(n, 1) * sizeof(T));
        EXPECT_EQ(rc, CUDA_SUCCESS) << cuText(rc);
    }
    explicit DevBuf(const std::vector<T>& host) : DevBuf(host.size()) { put(host); }
    ~DevBuf()
    {
        if (ptr_) cuMemFree_v2(ptr_);
    }
    DevBuf(const DevBuf&) = delete;
    DevBuf& operator=(const DevBuf&) = delete;

    void put(const std::vector<T>& host)
    {
        const CUresult rc = cuMemcpyHtoD_v2(ptr_, host.data(), host.size() * sizeof(T));
        EXPECT_EQ(rc, CUDA_SUCCESS) << cuText(rc);
    }
    std::vector<T> get() const
    {
        std::vector<T> host(n_);
        const CUresult rc = cuMemcpyDtoH_v2(host.data(), ptr_, n_ * sizeof(T));
        EXPECT_EQ(rc, CUDA_SUCCESS) << cuText(rc);
        return host;
    }
    T* p(size_t offset = 0) const { return reinterpret_cast<T*>(ptr_) + offset; }
    CUdeviceptr raw() const { return ptr_; }
    size_t size() const { return n_; }

private:
    CUdeviceptr ptr_ = 0;
    size_t n_;
};

// Launches f on a 1-D grid with the given arguments (each passed by address, as the C# side does).
template <typename... A>
CUresult launch(CUfunction f, unsigned grid, unsigned block, A... args)
{
    void* params[] = {static_cast<void*>(&args)..., nullptr};
    return cuLaunchKernel(f, grid, 1, 1, block, 1, 1, 0, nullptr, params, nullptr);
}

inline std::vector<float> randomVector(size_t n, unsigned seed, float lo = -1.0f, float hi = 1.0f)
{
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(gen);
    return v;
}

// |got − want| ≤ atol + rtol·|want| everywhere (NaN matches NaN); on failure: max difference, its index
// and the first five mismatches.
inline ::testing::AssertionResult allClose(const std::vector<float>& got, const std::vector<float>& want, double atol,
                                           double rtol)
{
    if (got.size() != want.size())
        return ::testing::AssertionFailure() << "size " << got.size() << " != " << want.size();
    double maxDiff = 0;
    size_t maxAt = 0, bad = 0;
    std::ostringstream first;
    for (size_t i = 0; i < got.size(); ++i)
    {
        const double g = got[i], w = want[i];
        if ((std::isnan(g) && std::isnan(w)) || g == w) continue;
        const double d = std::fabs(g - w);
        if (!(d <= atol + rtol * std::fabs(w)) || std::isnan(g) != std::isnan(w))
        {
            if (bad < 5) first << "  [" << i << "] got " << g << " want " << w << "\n";
            ++bad;
        }
        if (d > maxDiff || std::isnan(d))
        {
            maxDiff = d;
            maxAt = i;
        }
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << bad << " of " << got.size() << " elements differ; max |diff| " << maxDiff
                                         << " at " << maxAt << " (atol " << atol << ", rtol " << rtol << ")\n"
                                         << first.str();
}

// Brings up the emulated device, makes the primary context current and loads every PTX module.
class Emu : public ::testing::Test
{
protected:
    void SetUp() override
    {
        CU_OK(cuInit(0));
        CUdevice dev;
        CU_OK(cuDeviceGet(&dev, 0));
        CU_OK(cuDevicePrimaryCtxRetain(&ctx_, dev));
        CU_OK(cuCtxSetCurrent(ctx_));
        baselineBytes_ = agnasEmuBytesInUse();
        for (const auto& f : ptxFiles())
        {
            const std::string text = readText(f);
            CUmodule m;
            CU_OK(cuModuleLoadData(&m, text.c_str()));
            modules_.push_back(m);
        }
        ASSERT_FALSE(modules_.empty()) << "no PTX in " << AGNAS_PTX_DIR;
    }

    void TearDown() override
    {
        for (CUmodule m : modules_) EXPECT_EQ(cuModuleUnload(m), CUDA_SUCCESS);
        EXPECT_EQ(agnasEmuBytesInUse(), baselineBytes_) << "a test leaked device memory";
        EXPECT_EQ(cuDevicePrimaryCtxRelease_v2(0), CUDA_SUCCESS);
        cuCtxSetCurrent(nullptr);
    }

    CUfunction fn(const std::string& name)
    {
        for (CUmodule m : modules_)
        {
            CUfunction f;
            if (cuModuleGetFunction(&f, m, name.c_str()) == CUDA_SUCCESS) return f;
        }
        ADD_FAILURE() << "no module has an entry " << name;
        return nullptr;
    }

    CUcontext ctx_ = nullptr;
    std::vector<CUmodule> modules_;
    size_t baselineBytes_ = 0;
};

// emu_internal.h — what the emulator's translation units share (not exported).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace agnas_emu {

// A host-compiled kernel, registered by AGNAS_KERNEL (kernels/agnas_cuda.h) at library load.
struct KernelInfo
{
    std::string name;
    void* fn = nullptr;
    void (*call)(void* fn, void** args) = nullptr;
    std::vector<unsigned> paramSizes;
    std::vector<unsigned char> paramIsPointer;
    int flags = 0; // AGNAS_BLOCK_SYNC or 0
};

const KernelInfo* findKernel(const std::string& name);
const std::vector<const KernelInfo*>& allKernels();

struct Dim3
{
    unsigned x, y, z;
};

enum class LaunchError
{
    None,
    SyncInIndependentKernel, // __syncthreads in a kernel registered without AGNAS_BLOCK_SYNC
};

// Runs the grid on the persistent thread pool (one host thread per CUDA thread of a block).
// Serialised: one kernel runs at a time.
LaunchError runKernel(const KernelInfo& k, Dim3 grid, Dim3 block, unsigned sharedMemBytes, void** args);

// Device memory bookkeeping (driver.cpp): is [p, p + bytes) inside one live cuMemAlloc block?
bool isDeviceRange(const void* p, size_t bytes);
// Is p inside a live cuMemAlloc block?
bool isDevicePointer(const void* p);

// Per-thread detail of the last failure, appended by the libraries' error-string functions.
void setDetail(int library, int code, const std::string& detail);
const char* withDetail(int library, int code, const char* base);
enum { LibDriver = 0, LibCublas = 1, LibCudnn = 2 };

bool verbose();

} // namespace agnas_emu

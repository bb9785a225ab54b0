// driver.cpp — the CUDA driver API subset, emulated on the host.
//
// One device ("AgNas host emulator"), compute capability 8.0, one multiprocessor (so grids sized
// from the multiprocessor count stay small), memory size from AGNAS_EMU_MEMORY_MB (default 4096):
// device memory is host memory (aligned_alloc), counted against that size, so an allocation larger
// than what is left fails with CUDA_ERROR_OUT_OF_MEMORY. Fresh allocations are filled with 0xFF bytes
// (NaN as float, −1 as int) unless AGNAS_EMU_POISON=0, so a kernel that reads memory nobody wrote
// shows up. Everything is synchronous: streams and the Async variants run at call time, events take
// host clock time when recorded. A context must be current on the calling thread (cuCtxSetCurrent),
// as with the real driver; releasing the primary context's last reference resets the device (frees
// allocations, modules, streams and events).
//
// cuModuleLoadData takes PTX text: it checks .version/.target, finds every .entry with its parameter
// list and binds it by name to the host-compiled kernel of the same name, checking the parameter
// count and sizes. Garbage, cubin/fatbin images, unknown entries or mismatched parameters fail with
// CUDA_ERROR_INVALID_PTX / CUDA_ERROR_INVALID_IMAGE and a JIT-style log, returned through
// cuModuleLoadDataEx's CU_JIT_ERROR_LOG_BUFFER and appended (emulator extension) to
// cuGetErrorString's text for that status on the failing thread.
#define AGNAS_EMU_BUILDING 1
#include "agnas_emu_api.h"
#include "emu_internal.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

struct CUctx_st
{
    int refcount = 0;
};
struct CUfunc_st
{
    const agnas_emu::KernelInfo* kernel;
    CUmodule module;
};
struct CUmod_st
{
    std::map<std::string, std::unique_ptr<CUfunc_st>> functions;
};
struct CUstream_st
{
    unsigned flags;
};
struct CUevent_st
{
    unsigned flags;
    bool recorded = false;
    std::chrono::steady_clock::time_point at;
};

namespace agnas_emu {

bool verbose()
{
    static const bool v = [] {
        const char* e = std::getenv("AGNAS_EMU_VERBOSE");
        return e && *e && std::strcmp(e, "0") != 0;
    }();
    return v;
}

namespace {
struct Detail
{
    int code = 0;
    std::string text;
    std::string joined;
};
thread_local Detail t_detail[3];
} // namespace

void setDetail(int library, int code, const std::string& detail)
{
    t_detail[library].code = code;
    t_detail[library].text = detail;
    if (verbose()) std::fprintf(stderr, "agnas-emu: %s\n", detail.c_str());
}

const char* withDetail(int library, int code, const char* base)
{
    Detail& d = t_detail[library];
    if (d.code != code || d.text.empty()) return base;
    d.joined = std::string(base) + " (agnas-emu: " + d.text + ")";
    return d.joined.c_str();
}

namespace {

// ---- global state ---------------------------------------------------------------------------------------
// Heap-allocated and never destroyed, so that a call arriving while the process exits (a finaliser, a
// pool thread) finds live objects; after exit() has begun every call returns CUDA_ERROR_DEINITIALIZED,
// as the real driver does during shutdown.
struct DriverState
{
    std::recursive_mutex mutex; // every entry point that touches shared state
    std::map<uintptr_t, size_t> allocs; // base → size
    std::set<CUmodule> modules;
    std::set<CUfunction> functions;
    std::set<CUstream> streams;
    std::set<CUevent> events;
    CUctx_st primary;
};
DriverState& state()
{
    static DriverState* s = new DriverState();
    return *s;
}
std::recursive_mutex& g_mutex = state().mutex;
std::map<uintptr_t, size_t>& g_allocs = state().allocs;
std::set<CUmodule>& g_modules = state().modules;
std::set<CUfunction>& g_functions = state().functions;
std::set<CUstream>& g_streams = state().streams;
std::set<CUevent>& g_events = state().events;
CUctx_st& g_primary = state().primary;
std::atomic<bool> g_initialized{false};
std::atomic<bool> g_deinitialized{false};
thread_local CUcontext t_current = nullptr;
size_t g_capacity = 0;
size_t g_used = 0;

constexpr int kCcMajor = 8, kCcMinor = 0;
constexpr int kDriverVersion = 12080;
constexpr int kMaxSharedPerBlock = 48 * 1024;

CUresult fail(CUresult code, const std::string& detail)
{
    setDetail(LibDriver, code, detail);
    return code;
}

size_t envMegabytes(const char* name, size_t fallback)
{
    const char* e = std::getenv(name);
    if (!e || !*e) return fallback;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(e, &end, 10);
    return (end && *end == 0 && v > 0) ? static_cast<size_t>(v) : fallback;
}

bool poisonEnabled()
{
    const char* e = std::getenv("AGNAS_EMU_POISON");
    return !(e && std::strcmp(e, "0") == 0);
}

// Needs cuInit and a current, live context on this thread.
CUresult requireContext()
{
    if (g_deinitialized.load()) return CUDA_ERROR_DEINITIALIZED;
    if (!g_initialized.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    if (!t_current) return fail(CUDA_ERROR_INVALID_CONTEXT, "no context is current on this thread (cuCtxSetCurrent)");
    if (t_current->refcount <= 0)
        return fail(CUDA_ERROR_INVALID_CONTEXT, "the current context was released (cuDevicePrimaryCtxRelease)");
    return CUDA_SUCCESS;
}

CUresult checkDevice(CUdevice dev)
{
    if (g_deinitialized.load()) return CUDA_ERROR_DEINITIALIZED;
    if (!g_initialized.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    if (dev != 0) return fail(CUDA_ERROR_INVALID_DEVICE, "the emulator has one device, ordinal 0");
    return CUDA_SUCCESS;
}

CUresult checkStream(CUstream s)
{
    if (s == nullptr || s == CU_STREAM_LEGACY || s == CU_STREAM_PER_THREAD || g_streams.count(s)) return CUDA_SUCCESS;
    return fail(CUDA_ERROR_INVALID_HANDLE, "unknown or destroyed stream");
}

// [p, p + bytes) lies in one live allocation (caller holds g_mutex).
bool inAllocation(uintptr_t p, size_t bytes)
{
    auto it = g_allocs.upper_bound(p);
    if (it == g_allocs.begin()) return false;
    --it;
    return p >= it->first && p + bytes <= it->first + it->second && p + bytes >= p;
}

std::string hex(uintptr_t p)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(p));
    return buf;
}

void resetDevice()
{
    for (auto& a : g_allocs) std::free(reinterpret_cast<void*>(a.first));
    g_allocs.clear();
    g_used = 0;
    for (CUmodule m : g_modules) delete m;
    g_modules.clear();
    g_functions.clear();
    for (CUstream s : g_streams) delete s;
    g_streams.clear();
    for (CUevent e : g_events) delete e;
    g_events.clear();
}

// ---- PTX ------------------------------------------------------------------------------------------------
struct PtxEntry
{
    std::string name;
    int line;
    std::vector<unsigned> paramSizes;
};

struct PtxParse
{
    CUresult status = CUDA_SUCCESS;
    std::string log;
    std::vector<PtxEntry> entries;
};

bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.'; }

int lineOf(const std::string& text, size_t pos) { return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n')); }

// Size in bytes of one ".param …" declaration: its .bN/.uN/.sN/.fN type times its array length.
bool paramSize(const std::string& decl, unsigned* size)
{
    std::istringstream in(decl);
    std::string tok;
    unsigned bits = 0;
    while (in >> tok)
    {
        if (tok.size() >= 3 && tok[0] == '.' && std::strchr("busf", tok[1]) && std::isdigit(static_cast<unsigned char>(tok[2])))
        {
            bits = static_cast<unsigned>(std::strtoul(tok.c_str() + 2, nullptr, 10));
            break;
        }
    }
    if (bits == 0 || bits % 8 != 0) return false;
    unsigned count = 1;
    const size_t lb = decl.find('[');
    if (lb != std::string::npos) count = static_cast<unsigned>(std::strtoul(decl.c_str() + lb + 1, nullptr, 10));
    *size = bits / 8 * count;
    return count > 0;
}

std::string firstToken(const std::string& text, int* line)
{
    size_t i = 0;
    *line = 1;
    while (i < text.size())
    {
        if (text[i] == '\n') ++*line;
        if (std::isspace(static_cast<unsigned char>(text[i]))) { ++i; continue; }
        if (text.compare(i, 2, "//") == 0) { while (i < text.size() && text[i] != '\n') ++i; continue; }
        break;
    }
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) && j - i < 32) ++j;
    return text.substr(i, j - i);
}

PtxParse parsePtx(const void* image)
{
    PtxParse r;
    const unsigned char* bytes = static_cast<const unsigned char*>(image);
    if (bytes[0] == 0x7F && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F')
    {
        r.status = CUDA_ERROR_INVALID_IMAGE;
        r.log = "agnas-emu: the image is an ELF cubin; the emulator runs PTX text only";
        return r;
    }
    uint32_t magic;
    std::memcpy(&magic, bytes, 4);
    if (magic == 0xBA55ED50u || magic == 0x466243B1u)
    {
        r.status = CUDA_ERROR_INVALID_IMAGE;
        r.log = "agnas-emu: the image is a fatbinary; the emulator runs PTX text only";
        return r;
    }
    const std::string text(static_cast<const char*>(image));
    const size_t version = text.find(".version");
    const size_t target = text.find(".target");
    if (version == std::string::npos || target == std::string::npos)
    {
        int line;
        const std::string tok = firstToken(text, &line);
        r.status = CUDA_ERROR_INVALID_PTX;
        r.log = "ptxas application ptx input, line " + std::to_string(line) + "; fatal   : Parsing error near '" + tok +
                "': syntax error\nptxas fatal   : Ptx assembly aborted due to errors";
        return r;
    }
    const int major = std::atoi(text.c_str() + version + 8);
    if (major < 1 || major > 8)
    {
        r.status = CUDA_ERROR_UNSUPPORTED_PTX_VERSION;
        r.log = "ptxas application ptx input, line " + std::to_string(lineOf(text, version)) +
                "; fatal   : Unsupported .version " + std::to_string(major) + ".x";
        return r;
    }
    {
        const size_t sm = text.find("sm_", target);
        const int arch = sm == std::string::npos ? 0 : std::atoi(text.c_str() + sm + 3);
        if (arch > kCcMajor * 10 + kCcMinor)
        {
            r.status = CUDA_ERROR_INVALID_PTX;
            r.log = "ptxas application ptx input, line " + std::to_string(lineOf(text, target)) +
                    "; fatal   : SM version specified by .target (sm_" + std::to_string(arch) +
                    ") is higher than the device's (sm_80)";
            return r;
        }
    }
    for (size_t pos = text.find(".entry"); pos != std::string::npos; pos = text.find(".entry", pos + 6))
    {
        if (pos > 0 && isIdentChar(text[pos - 1])) continue;
        size_t i = pos + 6;
        if (i < text.size() && isIdentChar(text[i])) continue;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        size_t j = i;
        while (j < text.size() && isIdentChar(text[j])) ++j;
        PtxEntry e;
        e.name = text.substr(i, j - i);
        e.line = lineOf(text, pos);
        while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
        if (e.name.empty() || j >= text.size() || text[j] != '(')
        {
            r.status = CUDA_ERROR_INVALID_PTX;
            r.log = "ptxas application ptx input, line " + std::to_string(e.line) +
                    "; fatal   : Parsing error near '.entry': syntax error";
            return r;
        }
        const size_t close = text.find(')', j);
        if (close == std::string::npos)
        {
            r.status = CUDA_ERROR_INVALID_PTX;
            r.log = "ptxas application ptx input, line " + std::to_string(e.line) + "; fatal   : unterminated parameter list";
            return r;
        }
        const std::string params = text.substr(j + 1, close - j - 1);
        size_t start = 0;
        while (start < params.size())
        {
            size_t comma = params.find(',', start);
            if (comma == std::string::npos) comma = params.size();
            const std::string decl = params.substr(start, comma - start);
            start = comma + 1;
            if (decl.find(".param") == std::string::npos) continue;
            unsigned size = 0;
            if (!paramSize(decl, &size))
            {
                r.status = CUDA_ERROR_INVALID_PTX;
                r.log = "ptxas application ptx input, line " + std::to_string(e.line) +
                        "; fatal   : cannot read parameter declaration '" + decl + "' of " + e.name;
                return r;
            }
            e.paramSizes.push_back(size);
        }
        r.entries.push_back(std::move(e));
    }
    return r;
}

void writeLog(unsigned numOptions, CUjit_option* options, void** values, int bufferOption, int sizeOption,
              const std::string& log)
{
    if (!options || !values) return;
    char* buffer = nullptr;
    int sizeIndex = -1;
    for (unsigned i = 0; i < numOptions; ++i)
    {
        if (options[i] == bufferOption) buffer = static_cast<char*>(values[i]);
        if (options[i] == sizeOption) sizeIndex = static_cast<int>(i);
    }
    if (!buffer || sizeIndex < 0) return;
    const size_t capacity = static_cast<size_t>(reinterpret_cast<uintptr_t>(values[sizeIndex]));
    if (capacity == 0) return;
    const size_t n = std::min(capacity - 1, log.size());
    std::memcpy(buffer, log.data(), n);
    buffer[n] = 0;
    values[sizeIndex] = reinterpret_cast<void*>(static_cast<uintptr_t>(n + 1));
}

CUresult memcpyChecked(void* dst, const void* src, size_t bytes, bool dstDevice, bool srcDevice, CUstream stream,
                       const char* call)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (CUresult rc = checkStream(stream)) return rc;
    if (bytes == 0) return CUDA_SUCCESS;
    if (!dst || !src) return fail(CUDA_ERROR_INVALID_VALUE, std::string(call) + ": null pointer");
    if (dstDevice && !inAllocation(reinterpret_cast<uintptr_t>(dst), bytes))
        return fail(CUDA_ERROR_INVALID_VALUE, std::string(call) + ": destination " + hex(reinterpret_cast<uintptr_t>(dst)) +
                                                  " + " + std::to_string(bytes) + " bytes is not inside a device allocation");
    if (srcDevice && !inAllocation(reinterpret_cast<uintptr_t>(src), bytes))
        return fail(CUDA_ERROR_INVALID_VALUE, std::string(call) + ": source " + hex(reinterpret_cast<uintptr_t>(src)) +
                                                  " + " + std::to_string(bytes) + " bytes is not inside a device allocation");
    std::memmove(dst, src, bytes);
    return CUDA_SUCCESS;
}

template <typename T>
CUresult memsetChecked(CUdeviceptr dst, T value, size_t n, CUstream stream, const char* call)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (CUresult rc = checkStream(stream)) return rc;
    if (n == 0) return CUDA_SUCCESS;
    if (dst % sizeof(T) != 0) return fail(CUDA_ERROR_INVALID_VALUE, std::string(call) + ": misaligned destination");
    if (!inAllocation(dst, n * sizeof(T)))
        return fail(CUDA_ERROR_INVALID_VALUE, std::string(call) + ": " + hex(dst) + " + " + std::to_string(n) +
                                                  " elements is not inside a device allocation");
    T* p = reinterpret_cast<T*>(dst);
    std::fill(p, p + n, value);
    return CUDA_SUCCESS;
}

struct ErrorText
{
    CUresult code;
    const char* name;
    const char* text;
};
const ErrorText kErrors[] = {
    {CUDA_SUCCESS, "CUDA_SUCCESS", "no error"},
    {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {CUDA_ERROR_DEINITIALIZED, "CUDA_ERROR_DEINITIALIZED", "driver shutting down"},
    {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"},
    {CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {CUDA_ERROR_NO_BINARY_FOR_GPU, "CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for execution on the device"},
    {CUDA_ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the provided PTX was compiled with an unsupported toolchain."},
    {CUDA_ERROR_INVALID_SOURCE, "CUDA_ERROR_INVALID_SOURCE", "device kernel image is invalid"},
    {CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {CUDA_ERROR_NOT_READY, "CUDA_ERROR_NOT_READY", "device not ready"},
    {CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
    {CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch"},
    {CUDA_ERROR_LAUNCH_FAILED, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"},
    {CUDA_ERROR_NOT_PERMITTED, "CUDA_ERROR_NOT_PERMITTED", "operation not permitted"},
    {CUDA_ERROR_NOT_SUPPORTED, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported"},
    {CUDA_ERROR_UNKNOWN, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

const ErrorText* findError(CUresult code)
{
    for (const auto& e : kErrors)
        if (e.code == code) return &e;
    return nullptr;
}

} // namespace

bool isDeviceRange(const void* p, size_t bytes)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    return inAllocation(reinterpret_cast<uintptr_t>(p), bytes);
}

bool isDevicePointer(const void* p)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    const uintptr_t a = reinterpret_cast<uintptr_t>(p);
    auto it = g_allocs.upper_bound(a);
    if (it == g_allocs.begin()) return false;
    --it;
    return a >= it->first && a < it->first + it->second;
}

} // namespace agnas_emu

using namespace agnas_emu;

// ==== init, devices, contexts ============================================================================
extern "C" {

AGNAS_EMU_EXPORT CUresult cuInit(unsigned int flags)
{
    if (flags != 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuInit: flags must be 0");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (g_deinitialized.load()) return CUDA_ERROR_DEINITIALIZED;
    if (!g_initialized.load())
    {
        g_capacity = envMegabytes("AGNAS_EMU_MEMORY_MB", 4096) * 1024 * 1024;
        g_initialized.store(true);
        std::atexit([] { g_deinitialized.store(true); });
    }
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuDriverGetVersion(int* driverVersion)
{
    if (!driverVersion) return fail(CUDA_ERROR_INVALID_VALUE, "cuDriverGetVersion: null pointer");
    *driverVersion = kDriverVersion;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuDeviceGetCount(int* count)
{
    if (!count) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetCount: null pointer");
    if (!g_initialized.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    *count = 1;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuDeviceGet(CUdevice* device, int ordinal)
{
    if (!device) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGet: null pointer");
    if (CUresult rc = checkDevice(ordinal)) return rc;
    *device = 0;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuDeviceGetName(char* name, int len, CUdevice dev)
{
    if (!name || len <= 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetName: null buffer or length <= 0");
    if (CUresult rc = checkDevice(dev)) return rc;
    std::snprintf(name, static_cast<size_t>(len), "%s", "AgNas host emulator (CPU)");
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev)
{
    if (!bytes) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceTotalMem: null pointer");
    if (CUresult rc = checkDevice(dev)) return rc;
    *bytes = g_capacity;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuDeviceGetAttribute(int* pi, CUdevice_attribute attrib, CUdevice dev)
{
    if (!pi) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetAttribute: null pointer");
    if (CUresult rc = checkDevice(dev)) return rc;
    int v;
    switch (attrib)
    {
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X: v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: v = 64; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: v = 2147483647; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: v = 65535; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: v = 65535; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: v = kMaxSharedPerBlock; break;
    case CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY: v = 65536; break;
    case CU_DEVICE_ATTRIBUTE_WARP_SIZE: v = 32; break;
    case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK: v = 65536; break;
    case CU_DEVICE_ATTRIBUTE_CLOCK_RATE: v = 1000000; break;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: v = 1; break;
    case CU_DEVICE_ATTRIBUTE_INTEGRATED: v = 1; break;
    case CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS: v = 0; break;
    case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE: v = 1000000; break;
    case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH: v = 64; break;
    case CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE: v = 1 << 20; break;
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR: v = 2048; break;
    case CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING: v = 1; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: v = kCcMajor; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: v = kCcMinor; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR: v = 164 * 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR: v = 65536; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: v = kMaxSharedPerBlock; break;
    default:
        return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetAttribute: attribute " + std::to_string(attrib) +
                                                  " is not emulated");
    }
    *pi = v;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice dev)
{
    if (!pctx) return fail(CUDA_ERROR_INVALID_VALUE, "cuDevicePrimaryCtxRetain: null pointer");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = checkDevice(dev)) return rc;
    ++g_primary.refcount;
    *pctx = &g_primary;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = checkDevice(dev)) return rc;
    if (g_primary.refcount <= 0) return fail(CUDA_ERROR_INVALID_CONTEXT, "the primary context is not retained");
    if (--g_primary.refcount == 0) resetDevice();
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuCtxSetCurrent(CUcontext ctx)
{
    if (g_deinitialized.load()) return CUDA_ERROR_DEINITIALIZED;
    if (!g_initialized.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    if (ctx && ctx != &g_primary) return fail(CUDA_ERROR_INVALID_CONTEXT, "unknown context handle");
    t_current = ctx;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuCtxGetCurrent(CUcontext* pctx)
{
    if (!pctx) return fail(CUDA_ERROR_INVALID_VALUE, "cuCtxGetCurrent: null pointer");
    if (!g_initialized.load()) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    *pctx = t_current;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuCtxSynchronize(void)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    return requireContext();
}

// ==== memory ===============================================================================================
AGNAS_EMU_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytesize)
{
    if (!dptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc: null pointer");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (bytesize == 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc: 0 bytes");
    const size_t rounded = (bytesize + 255) / 256 * 256;
    if (rounded < bytesize || rounded > g_capacity - g_used)
        return fail(CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc: " + std::to_string(bytesize) + " bytes requested, " +
                                                  std::to_string(g_capacity - g_used) + " of " +
                                                  std::to_string(g_capacity) + " free (AGNAS_EMU_MEMORY_MB)");
    void* p = std::aligned_alloc(256, rounded);
    if (!p) return fail(CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc: host allocation of " + std::to_string(rounded) + " bytes failed");
    if (poisonEnabled()) std::memset(p, 0xFF, rounded);
    g_allocs[reinterpret_cast<uintptr_t>(p)] = rounded;
    g_used += rounded;
    *dptr = reinterpret_cast<uintptr_t>(p);
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuMemFree_v2(CUdeviceptr dptr)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    auto it = g_allocs.find(dptr);
    if (it == g_allocs.end())
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFree: " + hex(dptr) + " is not the start of a live allocation");
    g_used -= it->second;
    std::free(reinterpret_cast<void*>(it->first));
    g_allocs.erase(it);
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuMemGetInfo_v2(size_t* free, size_t* total)
{
    if (!free || !total) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemGetInfo: null pointer");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    *free = g_capacity - g_used;
    *total = g_capacity;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dstDevice, const void* srcHost, size_t byteCount)
{
    return memcpyChecked(reinterpret_cast<void*>(dstDevice), srcHost, byteCount, true, false, nullptr, "cuMemcpyHtoD");
}

AGNAS_EMU_EXPORT CUresult cuMemcpyDtoH_v2(void* dstHost, CUdeviceptr srcDevice, size_t byteCount)
{
    return memcpyChecked(dstHost, reinterpret_cast<const void*>(srcDevice), byteCount, false, true, nullptr, "cuMemcpyDtoH");
}

AGNAS_EMU_EXPORT CUresult cuMemcpyDtoD_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t byteCount)
{
    return memcpyChecked(reinterpret_cast<void*>(dstDevice), reinterpret_cast<const void*>(srcDevice), byteCount, true,
                         true, nullptr, "cuMemcpyDtoD");
}

AGNAS_EMU_EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dstDevice, const void* srcHost, size_t byteCount, CUstream hStream)
{
    return memcpyChecked(reinterpret_cast<void*>(dstDevice), srcHost, byteCount, true, false, hStream, "cuMemcpyHtoDAsync");
}

AGNAS_EMU_EXPORT CUresult cuMemcpyDtoHAsync_v2(void* dstHost, CUdeviceptr srcDevice, size_t byteCount, CUstream hStream)
{
    return memcpyChecked(dstHost, reinterpret_cast<const void*>(srcDevice), byteCount, false, true, hStream,
                         "cuMemcpyDtoHAsync");
}

AGNAS_EMU_EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t byteCount,
                                               CUstream hStream)
{
    return memcpyChecked(reinterpret_cast<void*>(dstDevice), reinterpret_cast<const void*>(srcDevice), byteCount, true,
                         true, hStream, "cuMemcpyDtoDAsync");
}

AGNAS_EMU_EXPORT CUresult cuMemsetD8_v2(CUdeviceptr dstDevice, unsigned char uc, size_t n)
{
    return memsetChecked<unsigned char>(dstDevice, uc, n, nullptr, "cuMemsetD8");
}

AGNAS_EMU_EXPORT CUresult cuMemsetD32_v2(CUdeviceptr dstDevice, unsigned int ui, size_t n)
{
    return memsetChecked<unsigned int>(dstDevice, ui, n, nullptr, "cuMemsetD32");
}

AGNAS_EMU_EXPORT CUresult cuMemsetD8Async(CUdeviceptr dstDevice, unsigned char uc, size_t n, CUstream hStream)
{
    return memsetChecked<unsigned char>(dstDevice, uc, n, hStream, "cuMemsetD8Async");
}

AGNAS_EMU_EXPORT CUresult cuMemsetD32Async(CUdeviceptr dstDevice, unsigned int ui, size_t n, CUstream hStream)
{
    return memsetChecked<unsigned int>(dstDevice, ui, n, hStream, "cuMemsetD32Async");
}

// ==== streams and events =================================================================================
AGNAS_EMU_EXPORT CUresult cuStreamCreate(CUstream* phStream, unsigned int flags)
{
    if (!phStream) return fail(CUDA_ERROR_INVALID_VALUE, "cuStreamCreate: null pointer");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (flags > CU_STREAM_NON_BLOCKING) return fail(CUDA_ERROR_INVALID_VALUE, "cuStreamCreate: unknown flags");
    CUstream s = new CUstream_st{flags};
    g_streams.insert(s);
    *phStream = s;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuStreamDestroy_v2(CUstream hStream)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (!g_streams.erase(hStream)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamDestroy: unknown stream");
    delete hStream;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuStreamSynchronize(CUstream hStream)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    return checkStream(hStream);
}

AGNAS_EMU_EXPORT CUresult cuEventCreate(CUevent* phEvent, unsigned int flags)
{
    if (!phEvent) return fail(CUDA_ERROR_INVALID_VALUE, "cuEventCreate: null pointer");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (flags & ~7u) return fail(CUDA_ERROR_INVALID_VALUE, "cuEventCreate: unknown flags");
    CUevent e = new CUevent_st{};
    e->flags = flags;
    g_events.insert(e);
    *phEvent = e;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuEventRecord(CUevent hEvent, CUstream hStream)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (!g_events.count(hEvent)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventRecord: unknown event");
    if (CUresult rc = checkStream(hStream)) return rc;
    hEvent->recorded = true;
    hEvent->at = std::chrono::steady_clock::now();
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuEventSynchronize(CUevent hEvent)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (!g_events.count(hEvent)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventSynchronize: unknown event");
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuEventQuery(CUevent hEvent)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (!g_events.count(hEvent)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventQuery: unknown event");
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuEventElapsedTime(float* pMilliseconds, CUevent hStart, CUevent hEnd)
{
    if (!pMilliseconds) return fail(CUDA_ERROR_INVALID_VALUE, "cuEventElapsedTime: null pointer");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (!g_events.count(hStart) || !g_events.count(hEnd))
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime: unknown event");
    if ((hStart->flags | hEnd->flags) & CU_EVENT_DISABLE_TIMING)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime: an event was created with CU_EVENT_DISABLE_TIMING");
    if (!hStart->recorded || !hEnd->recorded)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime: an event has not been recorded");
    *pMilliseconds = std::chrono::duration<float, std::milli>(hEnd->at - hStart->at).count();
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuEventDestroy_v2(CUevent hEvent)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (!g_events.erase(hEvent)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventDestroy: unknown event");
    delete hEvent;
    return CUDA_SUCCESS;
}

// ==== modules and launches ==================================================================================
AGNAS_EMU_EXPORT CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int numOptions,
                                             CUjit_option* options, void** optionValues)
{
    if (!module || !image) return fail(CUDA_ERROR_INVALID_VALUE, "cuModuleLoadData: null pointer");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    PtxParse parse = parsePtx(image);
    auto mod = std::make_unique<CUmod_st>();
    if (parse.status == CUDA_SUCCESS)
    {
        for (const PtxEntry& e : parse.entries)
        {
            const KernelInfo* k = findKernel(e.name);
            std::string problem;
            if (!k)
                problem = "entry '" + e.name + "' has no host-compiled kernel in libagnas_cuda_emu.so (build the emulator "
                                               "from the same kernels/ as the PTX)";
            else if (k->paramSizes != e.paramSizes)
            {
                std::string ptx, host;
                for (unsigned s : e.paramSizes) ptx += (ptx.empty() ? "" : ",") + std::to_string(s);
                for (unsigned s : k->paramSizes) host += (host.empty() ? "" : ",") + std::to_string(s);
                problem = "entry '" + e.name + "' declares parameters of " + std::to_string(e.paramSizes.size()) +
                          " (sizes " + ptx + ") but the host-compiled kernel takes " +
                          std::to_string(k->paramSizes.size()) + " (sizes " + host + ")";
            }
            if (!problem.empty())
            {
                parse.status = CUDA_ERROR_INVALID_PTX;
                parse.log = "ptxas application ptx input, line " + std::to_string(e.line) + "; error   : agnas-emu: " +
                            problem + "\nptxas fatal   : Ptx assembly aborted due to errors";
                break;
            }
            mod->functions[e.name] = std::make_unique<CUfunc_st>(CUfunc_st{k, nullptr});
        }
    }
    if (parse.status != CUDA_SUCCESS)
    {
        writeLog(numOptions, options, optionValues, CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, parse.log);
        writeLog(numOptions, options, optionValues, CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, "");
        return fail(parse.status, parse.log);
    }
    writeLog(numOptions, options, optionValues, CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, "");
    writeLog(numOptions, options, optionValues, CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
             "agnas-emu: " + std::to_string(mod->functions.size()) + " entries bound to host-compiled kernels");
    CUmodule m = mod.release();
    for (auto& f : m->functions)
    {
        f.second->module = m;
        g_functions.insert(f.second.get());
    }
    g_modules.insert(m);
    *module = m;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuModuleLoadData(CUmodule* module, const void* image)
{
    return cuModuleLoadDataEx(module, image, 0, nullptr, nullptr);
}

AGNAS_EMU_EXPORT CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name)
{
    if (!hfunc || !name) return fail(CUDA_ERROR_INVALID_VALUE, "cuModuleGetFunction: null pointer");
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (!g_modules.count(hmod)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction: unknown module");
    auto it = hmod->functions.find(name);
    if (it == hmod->functions.end())
        return fail(CUDA_ERROR_NOT_FOUND, std::string("cuModuleGetFunction: the module has no entry '") + name + "'");
    *hfunc = it->second.get();
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuModuleUnload(CUmodule hmod)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    if (CUresult rc = requireContext()) return rc;
    if (!g_modules.erase(hmod)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleUnload: unknown module");
    for (auto& f : hmod->functions) g_functions.erase(f.second.get());
    delete hmod;
    return CUDA_SUCCESS;
}

AGNAS_EMU_EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ,
                                         unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
                                         unsigned int sharedMemBytes, CUstream hStream, void** kernelParams, void** extra)
{
    const KernelInfo* k;
    {
        std::lock_guard<std::recursive_mutex> lock(g_mutex);
        if (CUresult rc = requireContext()) return rc;
        if (!f) return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel: null function");
        if (!g_functions.count(f)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel: unknown or unloaded function");
        k = f->kernel;
        if (CUresult rc = checkStream(hStream)) return rc;
        const std::string where = "cuLaunchKernel(" + k->name + "): ";
        if (gridDimX == 0 || gridDimY == 0 || gridDimZ == 0 || blockDimX == 0 || blockDimY == 0 || blockDimZ == 0)
            return fail(CUDA_ERROR_INVALID_VALUE, where + "a grid or block dimension is 0");
        if (blockDimX > 1024 || blockDimY > 1024 || blockDimZ > 64 ||
            static_cast<unsigned long long>(blockDimX) * blockDimY * blockDimZ > 1024)
            return fail(CUDA_ERROR_INVALID_VALUE, where + "block " + std::to_string(blockDimX) + "x" +
                                                      std::to_string(blockDimY) + "x" + std::to_string(blockDimZ) +
                                                      " exceeds 1024 threads (or 1024 x 1024 x 64)");
        if (gridDimX > 2147483647u || gridDimY > 65535 || gridDimZ > 65535)
            return fail(CUDA_ERROR_INVALID_VALUE, where + "grid dimension too large");
        if (sharedMemBytes > static_cast<unsigned>(kMaxSharedPerBlock))
            return fail(CUDA_ERROR_INVALID_VALUE, where + std::to_string(sharedMemBytes) +
                                                      " bytes of dynamic shared memory exceed 48 KiB");
        if (extra) return fail(CUDA_ERROR_NOT_SUPPORTED, where + "the 'extra' launch parameter form is not emulated");
        if (!k->paramSizes.empty() && !kernelParams)
            return fail(CUDA_ERROR_INVALID_VALUE, where + "kernelParams is NULL but the kernel takes " +
                                                      std::to_string(k->paramSizes.size()) + " parameters");
        for (size_t i = 0; i < k->paramSizes.size(); ++i)
        {
            if (!kernelParams[i]) return fail(CUDA_ERROR_INVALID_VALUE, where + "kernelParams[" + std::to_string(i) + "] is NULL");
            if (!k->paramIsPointer[i]) continue;
            void* p = *static_cast<void**>(kernelParams[i]);
            if (p && !isDevicePointer(p))
                return fail(CUDA_ERROR_ILLEGAL_ADDRESS, where + "parameter " + std::to_string(i) + " = " +
                                                            hex(reinterpret_cast<uintptr_t>(p)) +
                                                            " is not a device pointer (not inside any cuMemAlloc block)");
        }
    }
    const LaunchError err = runKernel(*k, {gridDimX, gridDimY, gridDimZ}, {blockDimX, blockDimY, blockDimZ}, sharedMemBytes,
                                      kernelParams);
    if (err == LaunchError::SyncInIndependentKernel)
        return fail(CUDA_ERROR_LAUNCH_FAILED, "kernel " + k->name + " called __syncthreads but is registered without "
                                                                     "AGNAS_BLOCK_SYNC (fix its AGNAS_KERNEL line)");
    return CUDA_SUCCESS;
}

// ==== errors ============================================================================================
AGNAS_EMU_EXPORT CUresult cuGetErrorName(CUresult error, const char** pStr)
{
    if (!pStr) return CUDA_ERROR_INVALID_VALUE;
    const ErrorText* e = findError(error);
    *pStr = e ? e->name : nullptr;
    return e ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

AGNAS_EMU_EXPORT CUresult cuGetErrorString(CUresult error, const char** pStr)
{
    if (!pStr) return CUDA_ERROR_INVALID_VALUE;
    const ErrorText* e = findError(error);
    *pStr = e ? withDetail(LibDriver, error, e->text) : nullptr;
    return e ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

// ==== emulator extras ===================================================================================
AGNAS_EMU_EXPORT int agnasEmuKernelCount(void) { return static_cast<int>(allKernels().size()); }

AGNAS_EMU_EXPORT const char* agnasEmuKernelName(int index)
{
    const auto& all = allKernels();
    return index >= 0 && static_cast<size_t>(index) < all.size() ? all[index]->name.c_str() : nullptr;
}

AGNAS_EMU_EXPORT size_t agnasEmuBytesInUse(void)
{
    std::lock_guard<std::recursive_mutex> lock(g_mutex);
    return g_used;
}

} // extern "C"

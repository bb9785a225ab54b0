// agnas_cuda.h — the one header every kernels/*.cu includes. It makes the same source compile
// three ways:
//
//   (a) nvcc                       __NVCC__ is defined; CUDA's own headers provide everything.
//   (b) clang 14, device only      clang++-14 -x cuda --cuda-device-only -nocudainc -nocudalib
//                                  --cuda-gpu-arch=sm_80 -S   (no CUDA toolkit, no libdevice):
//                                  the CUDA keywords, threadIdx & co. (clang's builtin-variable
//                                  header), barriers, atomics and the few math functions we use
//                                  are spelled with clang's NVPTX builtins here.
//   (c) host C++ (g++ / clang++)   for the emulator (native/emulator): a kernel is an ordinary
//                                  function run by one host thread per CUDA thread; threadIdx & co.
//                                  are thread_local, __syncthreads is a barrier across the block's
//                                  threads, __shared__ is a function-level static (blocks that use
//                                  shared memory run one at a time), atomics are std::atomic_ref.
//
// Rules the kernels follow so that all three agree:
//   - kernels are extern "C" __global__ and use 1-D blocks and 1-D grids (blockIdx.x, threadIdx.x);
//   - element counts and strides are long long; helpers are static __device__ __forceinline__
//     (so nothing but the .entry functions appears in the PTX);
//   - math goes through agnas_expf / agnas_logf / agnas_sqrtf / agnas_sqrt (no libdevice under (b));
//   - every kernel is listed once at the end of its file with AGNAS_KERNEL(name, flags), which under
//     (c) registers it with the emulator (name, entry point, parameter sizes) and under (a)/(b)
//     expands to nothing. flags = AGNAS_BLOCK_SYNC for kernels that use __syncthreads or shared
//     memory, 0 otherwise (the emulator runs those without block barriers and reports an error if
//     one calls __syncthreads after all).
#pragma once

#define AGNAS_BLOCK_INDEPENDENT 0
#define AGNAS_BLOCK_SYNC 1

// =====================================================================================================
#if defined(__NVCC__)
// (a) nvcc ---------------------------------------------------------------------------------------------
#define AGNAS_DEVICE_NVCC 1
#define AGNAS_KERNEL(name, flags)
#define AGNAS_DYNAMIC_SHARED(type, name) extern __shared__ type name[]

static __device__ __forceinline__ float agnas_expf(float x) { return expf(x); }
static __device__ __forceinline__ float agnas_logf(float x) { return logf(x); }
static __device__ __forceinline__ float agnas_sqrtf(float x) { return sqrtf(x); }
static __device__ __forceinline__ double agnas_sqrt(double x) { return sqrt(x); }
static __device__ __forceinline__ void agnas_set_flag(int* p) { *(volatile int*)p = 1; }
static __device__ __forceinline__ float agnas_inf() { return __int_as_float(0x7f800000); }
static __device__ __forceinline__ float agnas_nan() { return __int_as_float(0x7fffffff); }

// =====================================================================================================
#elif defined(__CUDA__) && defined(__clang__)
// (b) clang -x cuda --cuda-device-only -nocudainc -nocudalib --------------------------------------------
#define AGNAS_DEVICE_CLANG 1
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __host__ __attribute__((host))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#define __forceinline__ __inline__ __attribute__((always_inline))
#include "__clang_cuda_builtin_vars.h"   // threadIdx, blockIdx, blockDim, gridDim (clang resource dir)

#define AGNAS_KERNEL(name, flags)
#define AGNAS_DYNAMIC_SHARED(type, name) extern __shared__ type name[]

#if defined(__CUDA_ARCH__)
// __syncthreads() is a clang builtin for NVPTX (bar.sync 0).
static __device__ __forceinline__ float atomicAdd(float* p, float v) { return __nvvm_atom_add_gen_f(p, v); }
static __device__ __forceinline__ double atomicAdd(double* p, double v) { return __nvvm_atom_add_gen_d(p, v); }
static __device__ __forceinline__ int atomicAdd(int* p, int v) { return __nvvm_atom_add_gen_i(p, v); }
static __device__ __forceinline__ unsigned long long atomicAdd(unsigned long long* p, unsigned long long v)
{
    return (unsigned long long)__nvvm_atom_add_gen_ll((long long*)p, (long long)v);
}
static __device__ __forceinline__ void agnas_set_flag(int* p) { *(volatile int*)p = 1; }
static __device__ __forceinline__ float agnas_inf() { return __builtin_inff(); }
static __device__ __forceinline__ float agnas_nan() { return __builtin_nanf(""); }

// exp(x) for float with ~2 ulp error and no libdevice: Cody–Waite reduction x = n·ln2 + r, 2^(r·log2 e)
// by ex2.approx (|r| ≤ ln2/2, where ex2.approx is accurate to ~2^-22), then scaling by 2^n built in
// the exponent bits. Results below FLT_MIN flush to 0 (inputs < −87.34).
static __device__ __forceinline__ float agnas_expf(float x)
{
    if (x != x) return x;
    if (x > 88.72283935546875f) return __builtin_inff();
    if (x < -87.33654022216797f) return 0.0f;
    const float n = __builtin_rintf(x * 1.4426950408889634f);
    float r = __builtin_fmaf(n, -0.693145751953125f, x);      // ln2 high part (exact in n·hi)
    r = __builtin_fmaf(n, -1.428606765330187e-06f, r);          // ln2 low part
    float p = __nvvm_ex2_approx_f(r * 1.4426950408889634f);
    int e = (int)n;
    if (e > 127) { p *= 2.0f; e = 127; }
    return p * __builtin_bit_cast(float, (unsigned)(e + 127) << 23);
}

// log(x) for float: lg2.approx then one Newton step on exp(y) = x (relative error ~1e-7 for
// normal positive x). 0 → −inf, negative/NaN → NaN, +inf → +inf.
static __device__ __forceinline__ float agnas_logf(float x)
{
    if (!(x > 0.0f)) return x == 0.0f ? -__builtin_inff() : __builtin_nanf("");
    if (x == __builtin_inff()) return x;
    float y = __nvvm_lg2_approx_f(x) * 0.6931471805599453f;
    return y + (x * agnas_expf(-y) - 1.0f);
}

static __device__ __forceinline__ float agnas_sqrtf(float x) { return __nvvm_sqrt_rn_f(x); }
static __device__ __forceinline__ double agnas_sqrt(double x) { return __nvvm_sqrt_rn_d(x); }
#endif // __CUDA_ARCH__

// =====================================================================================================
#else
// (c) host C++ for the emulator --------------------------------------------------------------------------
#define AGNAS_HOST_EMULATION 1
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#define __global__
#define __device__
#define __host__
#define __constant__
#define __forceinline__ inline
// Function-scope __shared__ arrays become statics: one instance, shared by the threads of the block
// that runs; the emulator runs the blocks of a kernel that uses shared memory one at a time.
#define __shared__ static

struct agnas_uint3 { unsigned int x, y, z; };

// The emulated thread's coordinates, set by the emulator before it calls the kernel.
struct agnas_emu_thread_t
{
    agnas_uint3 threadIdx, blockIdx, blockDim, gridDim;
};
extern thread_local agnas_emu_thread_t agnas_emu_thread;

#define threadIdx (agnas_emu_thread.threadIdx)
#define blockIdx (agnas_emu_thread.blockIdx)
#define blockDim (agnas_emu_thread.blockDim)
#define gridDim (agnas_emu_thread.gridDim)

extern "C" void agnas_emu_syncthreads(void);
extern "C" void* agnas_emu_dynamic_shared(void);
#define __syncthreads() agnas_emu_syncthreads()
#define AGNAS_DYNAMIC_SHARED(type, name) type* name = static_cast<type*>(agnas_emu_dynamic_shared())

template <typename T>
inline T atomicAdd(T* p, T v) { return std::atomic_ref<T>(*p).fetch_add(v, std::memory_order_relaxed); }
inline void agnas_set_flag(int* p) { std::atomic_ref<int>(*p).store(1, std::memory_order_relaxed); }
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }

inline float agnas_expf(float x) { return std::exp(x); }
inline float agnas_logf(float x) { return std::log(x); }
inline float agnas_sqrtf(float x) { return std::sqrt(x); }
inline double agnas_sqrt(double x) { return std::sqrt(x); }
inline float agnas_inf() { return __builtin_inff(); }
inline float agnas_nan() { return __builtin_nanf(""); }

// ---- kernel registration (emulator only) ----------------------------------------------------------
typedef void (*agnas_emu_trampoline_t)(void* fn, void** args);
extern "C" void agnas_emu_register_kernel(const char* name, void* fn, agnas_emu_trampoline_t call,
                                          const unsigned* paramSizes, const unsigned char* paramIsPointer,
                                          int paramCount, int flags);

namespace agnas_emu_detail {
template <typename... A, std::size_t... I>
inline void call_with(void (*fn)(A...), void** args, std::index_sequence<I...>)
{
    fn(*static_cast<std::remove_reference_t<A>*>(args[I])...);
}

template <typename... A>
struct Registrar
{
    static void trampoline(void* fn, void** args)
    {
        call_with(reinterpret_cast<void (*)(A...)>(fn), args, std::index_sequence_for<A...>{});
    }
    Registrar(const char* name, void (*fn)(A...), int flags)
    {
        static const unsigned sizes[sizeof...(A) + 1] = {static_cast<unsigned>(sizeof(A))..., 0u};
        static const unsigned char pointers[sizeof...(A) + 1] = {
            static_cast<unsigned char>(std::is_pointer<A>::value)..., 0};
        agnas_emu_register_kernel(name, reinterpret_cast<void*>(fn), &trampoline, sizes, pointers,
                                  static_cast<int>(sizeof...(A)), flags);
    }
};
template <typename... A>
inline Registrar<A...> make_registrar(const char* name, void (*fn)(A...), int flags)
{
    return Registrar<A...>(name, fn, flags);
}
} // namespace agnas_emu_detail

#define AGNAS_KERNEL(name, flags) \
    static const auto agnas_emu_registrar_##name = agnas_emu_detail::make_registrar(#name, &name, flags);

#endif
// =====================================================================================================

// ---- helpers shared by all three builds ----------------------------------------------------------------

typedef long long agnas_i64;

// First index and step of a grid-stride loop over [0, n): every kernel accepts any grid size ≥ 1.
#define AGNAS_GRID_STRIDE_LOOP(i, n)                                                       \
    for (agnas_i64 i = (agnas_i64)blockIdx.x * blockDim.x + threadIdx.x; i < (agnas_i64)(n); \
         i += (agnas_i64)blockDim.x * gridDim.x)

// i / d for non-negative i and positive d, with a 32-bit division when both fit (64-bit integer
// division is several times slower on the GPU).
static __device__ __forceinline__ agnas_i64 agnas_div(agnas_i64 i, agnas_i64 d)
{
    if ((((unsigned long long)i | (unsigned long long)d) >> 32) == 0) return (agnas_i64)((unsigned)i / (unsigned)d);
    return i / d;
}

// Offset of flat element i (row-major over B × sample) in a tensor whose samples are `stride`
// elements apart (stride == sample for a dense tensor, larger for a channel view).
static __device__ __forceinline__ agnas_i64 agnas_at(agnas_i64 i, agnas_i64 sample, agnas_i64 stride)
{
    if (stride == sample) return i;
    const agnas_i64 n = agnas_div(i, sample);
    return n * stride + (i - n * sample);
}

// x is finite (not NaN, not ±inf) without bit tricks: x − x is 0 exactly for finite x.
static __device__ __forceinline__ bool agnas_isfinite(float x) { return (x - x) == 0.0f; }

// Sum of v over the (1-D) block, returned to every thread. sh: shared memory of at least
// blockDim.x + 32 elements. Fixed order for a given block size (deterministic). Two barriers, and
// back-to-back calls on the same sh need none in between: a call writes sh[0, n) before its first
// barrier and sh[n, n + 32) only between its two, while the previous call's last reads (of
// sh[n, n + 32)) all happen before any thread passes this call's first barrier.
template <typename T>
static __device__ __forceinline__ T agnas_block_sum(T v, T* sh)
{
    const unsigned t = threadIdx.x, n = blockDim.x;
    sh[t] = v;
    __syncthreads();
    if (t < 32)
    {
        T s = T(0);
        for (unsigned i = t; i < n; i += 32) s += sh[i];
        sh[n + t] = s;
    }
    __syncthreads();
    T total = T(0);
    const unsigned lanes = n < 32 ? n : 32;
    for (unsigned i = 0; i < lanes; ++i) total += sh[n + i];
    return total;
}

// The sums of a and of b over the block in one pass (two barriers for both). Layout: a in sh[0, n),
// b in sh[n + 32, 2n + 32), partials in sh[2n + 32, 2n + 96), so that it never writes before its
// first barrier where agnas_block_sum reads after its last (sh[n, n + 32)), and vice versa: the two may
// follow each other on the same sh without a barrier in between. sh: at least 2·blockDim.x + 96.
template <typename T>
static __device__ __forceinline__ void agnas_block_sum2(T a, T b, T* sh, T* sumA, T* sumB)
{
    const unsigned t = threadIdx.x, n = blockDim.x;
    T* shB = sh + n + 32;
    T* part = sh + 2 * n + 32;
    sh[t] = a;
    shB[t] = b;
    __syncthreads();
    if (t < 32)
    {
        T s = T(0), r = T(0);
        for (unsigned i = t; i < n; i += 32)
        {
            s += sh[i];
            r += shB[i];
        }
        part[t] = s;
        part[32 + t] = r;
    }
    __syncthreads();
    T ta = T(0), tb = T(0);
    const unsigned lanes = n < 32 ? n : 32;
    for (unsigned i = 0; i < lanes; ++i)
    {
        ta += part[i];
        tb += part[32 + i];
    }
    *sumA = ta;
    *sumB = tb;
}

// Shared-memory size (elements) the block reductions need for blocks of up to 1024 threads:
// agnas_block_sum uses the first 1024 + 32, agnas_block_sum2 all of it.
#define AGNAS_REDUCE_SHARED (2 * 1024 + 96)

// runtime.cpp — the execution model: kernel registry, persistent thread pool, block barrier.
//
// A launch runs the grid block by block. Each CUDA thread of a block is a real host thread from a
// persistent pool (grown to the largest block seen, reused across blocks and launches). Within a
// block, __syncthreads is a barrier across the block's live threads (a thread that returned no
// longer counts, as on current GPUs). Kernels registered with AGNAS_BLOCK_SYNC (they use
// __syncthreads or shared memory) run one block at a time, with a barrier between blocks so the
// function-scope static that stands for __shared__ memory and the dynamic shared buffer belong to one
// block at a time; the dynamic shared buffer is filled with 0xFF (NaN) bytes before each block.
// Kernels registered without it have no block-level cooperation, so each pool thread runs its
// threadIdx through all the blocks without waiting for the others (blocks then overlap, as they do
// on a GPU). Atomics are real (std::atomic_ref). This is a test instrument, not a fast path.
#include "emu_internal.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <linux/futex.h>
#include <memory>
#include <mutex>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>

// The per-thread coordinates kernels/agnas_cuda.h declares.
struct agnas_uint3
{
    unsigned int x, y, z;
};
struct agnas_emu_thread_t
{
    agnas_uint3 threadIdx, blockIdx, blockDim, gridDim;
};
__attribute__((visibility("hidden"))) thread_local agnas_emu_thread_t agnas_emu_thread;

namespace agnas_emu {
namespace {

// ---- futex helpers ---------------------------------------------------------------------------------
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t), "futex word");

void futexWait(std::atomic<uint32_t>* word, uint32_t expected)
{
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futexWake(std::atomic<uint32_t>* word, int count)
{
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
}

unsigned hardwareThreads()
{
    static const unsigned n = std::max(1u, std::thread::hardware_concurrency());
    return n;
}

// ---- block barrier ---------------------------------------------------------------------------------
// state = live << 32 | arrived. The thread whose arrival (or departure) makes arrived == live
// releases everybody: it resets arrived, runs the hook, and bumps the generation the others wait on.
class Barrier
{
public:
    void reset(uint32_t live) { state_.store(static_cast<uint64_t>(live) << 32, std::memory_order_relaxed); }

    template <typename Hook>
    void arriveAndWait(Hook&& onRelease, bool spin)
    {
        const uint32_t gen = gen_.load(std::memory_order_acquire);
        const uint64_t s = state_.fetch_add(1, std::memory_order_acq_rel) + 1;
        if (static_cast<uint32_t>(s) == static_cast<uint32_t>(s >> 32))
        {
            release(s, onRelease);
            return;
        }
        waitFor(gen, spin);
    }

    // A thread that returned from the kernel: it leaves the barrier's count.
    void arriveAndDrop()
    {
        const uint64_t s = state_.fetch_sub(1ull << 32, std::memory_order_acq_rel) - (1ull << 32);
        const uint32_t arrived = static_cast<uint32_t>(s), live = static_cast<uint32_t>(s >> 32);
        if (arrived != 0 && arrived == live) release(s, [] {});
    }

private:
    template <typename Hook>
    void release(uint64_t s, Hook&& onRelease)
    {
        onRelease();
        state_.store((s >> 32) << 32, std::memory_order_relaxed);
        gen_.fetch_add(1, std::memory_order_acq_rel);
        futexWake(&gen_, INT_MAX);
    }

    void waitFor(uint32_t gen, bool spin)
    {
        if (spin)
            for (int i = 0; i < 4000; ++i)
            {
                if (gen_.load(std::memory_order_acquire) != gen) return;
#if defined(__x86_64__) || defined(__i386__)
                __builtin_ia32_pause();
#endif
            }
        while (gen_.load(std::memory_order_acquire) == gen) futexWait(&gen_, gen);
    }

    std::atomic<uint64_t> state_{0};
    std::atomic<uint32_t> gen_{0};
};

// ---- one launch -------------------------------------------------------------------------------------
struct Job
{
    const KernelInfo* kernel;
    void** args;
    Dim3 grid, block;
    unsigned threads;
    bool blockSync;
    bool spin;
    std::vector<unsigned char> dynamicShared;
    Barrier syncBarrier;  // __syncthreads
    Barrier blockBarrier; // end of block (blockSync kernels)
    std::atomic<int> error{0};
    std::atomic<uint32_t> remaining{0};
};

thread_local Job* t_job = nullptr;

void poisonShared(Job& job)
{
    if (!job.dynamicShared.empty()) std::memset(job.dynamicShared.data(), 0xFF, job.dynamicShared.size());
}

void runThread(Job& job, unsigned t)
{
    agnas_emu_thread.blockDim = {job.block.x, job.block.y, job.block.z};
    agnas_emu_thread.gridDim = {job.grid.x, job.grid.y, job.grid.z};
    agnas_emu_thread.threadIdx = {t % job.block.x, (t / job.block.x) % job.block.y, t / (job.block.x * job.block.y)};
    t_job = &job;
    for (unsigned bz = 0; bz < job.grid.z; ++bz)
        for (unsigned by = 0; by < job.grid.y; ++by)
            for (unsigned bx = 0; bx < job.grid.x; ++bx)
            {
                agnas_emu_thread.blockIdx = {bx, by, bz};
                job.kernel->call(job.kernel->fn, job.args);
                if (job.blockSync)
                {
                    job.syncBarrier.arriveAndDrop();
                    job.blockBarrier.arriveAndWait(
                        [&job] {
                            job.syncBarrier.reset(job.threads);
                            poisonShared(job);
                        },
                        job.spin);
                }
            }
    t_job = nullptr;
}

// ---- persistent pool --------------------------------------------------------------------------------
class Pool
{
public:
    LaunchError run(Job& job)
    {
        std::lock_guard<std::mutex> lock(launchMutex_);
        grow(job.threads);
        job.remaining.store(job.threads, std::memory_order_relaxed);
        done_.store(0, std::memory_order_relaxed);
        job_ = &job;
        for (unsigned i = 0; i < job.threads; ++i)
        {
            workers_[i]->seq.fetch_add(1, std::memory_order_release);
            futexWake(&workers_[i]->seq, 1);
        }
        // done_ belongs to the pool, not the job: the last worker may still be inside futexWake when
        // this returns and the Job (on this stack) goes away.
        while (done_.load(std::memory_order_acquire) == 0) futexWait(&done_, 0);
        job_ = nullptr;
        return job.error.load() ? LaunchError::SyncInIndependentKernel : LaunchError::None;
    }

private:
    struct Worker
    {
        std::atomic<uint32_t> seq{0};
    };

    void grow(unsigned threads)
    {
        while (workers_.size() < threads)
        {
            const unsigned index = static_cast<unsigned>(workers_.size());
            workers_.push_back(std::make_unique<Worker>());
            Worker* w = workers_.back().get();
            // Detached on purpose: the pool lives as long as the process (it is never destroyed, so
            // no thread is joined from a static destructor while another library unloads).
            std::thread([this, w, index] { loop(w, index); }).detach();
        }
    }

    void loop(Worker* w, unsigned index)
    {
        uint32_t seen = 0;
        for (;;)
        {
            uint32_t now;
            while ((now = w->seq.load(std::memory_order_acquire)) == seen) futexWait(&w->seq, seen);
            seen = now;
            Job& job = *job_;
            runThread(job, index);
            if (job.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1)
            {
                done_.store(1, std::memory_order_release);
                futexWake(&done_, 1);
            }
        }
    }

    std::mutex launchMutex_;
    std::atomic<uint32_t> done_{0};
    std::vector<std::unique_ptr<Worker>> workers_;
    Job* volatile job_ = nullptr;
};

Pool& pool()
{
    static Pool* p = new Pool(); // never destroyed: see Pool::grow
    return *p;
}

// ---- registry ---------------------------------------------------------------------------------------
struct Registry
{
    std::mutex mutex;
    std::unordered_map<std::string, std::unique_ptr<KernelInfo>> byName;
    std::vector<const KernelInfo*> ordered;
};

Registry& registry()
{
    static Registry* r = new Registry();
    return *r;
}

} // namespace

const KernelInfo* findKernel(const std::string& name)
{
    auto& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.byName.find(name);
    return it == r.byName.end() ? nullptr : it->second.get();
}

const std::vector<const KernelInfo*>& allKernels() { return registry().ordered; }

LaunchError runKernel(const KernelInfo& k, Dim3 grid, Dim3 block, unsigned sharedMemBytes, void** args)
{
    Job job;
    job.kernel = &k;
    job.args = args;
    job.grid = grid;
    job.block = block;
    job.threads = block.x * block.y * block.z;
    job.blockSync = (k.flags & 1) != 0 || sharedMemBytes > 0;
    job.spin = job.threads <= hardwareThreads();
    job.dynamicShared.assign(sharedMemBytes, 0xFF);
    job.syncBarrier.reset(job.threads);
    job.blockBarrier.reset(job.threads);
    return pool().run(job);
}

} // namespace agnas_emu

// ---- the hooks kernels/agnas_cuda.h calls ----------------------------------------------------------------
extern "C" __attribute__((visibility("hidden"))) void agnas_emu_syncthreads(void)
{
    using namespace agnas_emu;
    Job* job = t_job;
    if (!job) return;
    if (!job->blockSync)
    {
        job->error.store(1);
        return;
    }
    job->syncBarrier.arriveAndWait([] {}, job->spin);
}

extern "C" __attribute__((visibility("hidden"))) void* agnas_emu_dynamic_shared(void)
{
    using namespace agnas_emu;
    Job* job = t_job;
    if (!job || job->dynamicShared.empty()) return nullptr;
    return job->dynamicShared.data();
}

extern "C" __attribute__((visibility("hidden"))) void agnas_emu_register_kernel(const char* name, void* fn,
                                                                               void (*call)(void*, void**),
                                                                               const unsigned* paramSizes,
                                                                               const unsigned char* paramIsPointer,
                                                                               int paramCount, int flags)
{
    using namespace agnas_emu;
    auto info = std::make_unique<KernelInfo>();
    info->name = name;
    info->fn = fn;
    info->call = call;
    info->paramSizes.assign(paramSizes, paramSizes + paramCount);
    info->paramIsPointer.assign(paramIsPointer, paramIsPointer + paramCount);
    info->flags = flags;
    auto& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.ordered.push_back(info.get());
    r.byName[name] = std::move(info);
}

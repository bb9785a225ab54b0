#!/usr/bin/env bash
# The GPU check: runs the published agnas binary (scripts/publish-device.sh, here build/device/agnas)
# on a machine with an NVIDIA GPU, its driver, cuBLAS, cuDNN and PyTorch but no .NET, from the
# repository root. It finds the CUDA libraries (system-wide or in the Python environment's nvidia
# wheels) and exports AGNAS_CUDA_LIB_PATH, prints nvidia-smi's summary, then runs, each step under
# its own timeout and whatever the previous steps did:
#   agnas devices                                       (+ devices --json, read by this script)
#   agnas gradcheck                                     CPU-side check (the CUDA checks' reference)
#   agnas bench --space nb201 --device cpu --batch 2    CPU-side smoke test of the supernet step
#   agnas selftest --device cuda
#   agnas gradcheck --device cuda
#   agnas bench --space nb201 --device cuda --batch 64 [--profile]   (--json, read by this script)
#   agnas bench --model attention --device cuda --batch 64 --input 64x32x32   (fused kernels' GB/s against a copy)
#   agnas bench --space darts --device cuda --batch 64; --model darts-net --batch 96   (the DARTS space)
#   python3 bench/torch/nb201_peer.py --device cuda --batch 64       the PyTorch eager peer
#   agnas selftest --space proxyless; bench --space proxyless --batch 32 --input 3x224x224; --model proxyless-net
#   python3 bench/torch/proxyless_peer.py --device cuda --batch 32 --input 3x224x224   (the macro space's peer)
# and ends with a summary: each step's status and seconds, our images/s, PyTorch's and the ratio
# (also written to LOGS/summary.json). Without a GPU the CUDA steps are reported as skipped with
# the reason, and the CPU-side steps (and the peer, on the CPU, as a smoke test) still run.
# Every step's output is in LOGS/<step>.log. The whole check stays under AGNAS_CHECK_BUDGET seconds
# (default 420, so even a run of hanging steps ends within 8 minutes): a step's timeout is cut to
# what is left of it, and a step that would get less than 10 s is skipped.
#
# Usage: scripts/device-check.sh [--bin FILE] [--logs DIR] [--python PY] [--steps N] [--warmup N]
#                                [--require-gpu]
#   --bin FILE     the agnas binary (default: build/device/agnas, or $AGNAS_BIN)
#   --logs DIR     where logs and summary.json go (default: build/device/check-<date>-<time>)
#   --python PY    the Python with PyTorch for the peer and the wheel search (default: $PYTHON or python3)
#   --steps N      timed steps of both benchmarks (default 10, as agnas bench)
#   --warmup N     untimed steps first (default 3)
#   --require-gpu  treat "no GPU here" as a failure (exit 3)
# Exit status: 0 every step that ran passed (steps skipped for want of a GPU, or a peer without
# PyTorch, are not failures); 1 a step failed or timed out (a GPU that agnas cannot use counts);
# 2 the check could not start (bad arguments, no agnas binary, not x86-64); 3 with --require-gpu,
# no GPU was found (and nothing failed).
#
# Not `set -e`: a failing step is recorded and the next one still runs.
set -uo pipefail
export LC_ALL=C # decimal points in printf and awk whatever the machine's locale
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

bin=${AGNAS_BIN:-build/device/agnas}
logs=""
python=${PYTHON:-python3}
steps=10
warmup=3
require_gpu=0
budget=${AGNAS_CHECK_BUDGET:-420}
usage_error() { echo "device-check.sh: $*" >&2; echo "Run scripts/device-check.sh --help for the options." >&2; exit 2; }
while (($# > 0)); do
    case $1 in
        --bin) (($# >= 2)) || usage_error "--bin needs a file"; bin=$2; shift 2 ;;
        --logs) (($# >= 2)) || usage_error "--logs needs a folder"; logs=$2; shift 2 ;;
        --python) (($# >= 2)) || usage_error "--python needs a command"; python=$2; shift 2 ;;
        --steps) (($# >= 2)) || usage_error "--steps needs a number"; steps=$2; shift 2 ;;
        --warmup) (($# >= 2)) || usage_error "--warmup needs a number"; warmup=$2; shift 2 ;;
        --require-gpu) require_gpu=1; shift ;;
        -h | --help) sed -n '2,/^# Not .set -e./p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) usage_error "unknown argument '$1'" ;;
    esac
done
[[ $steps =~ ^[1-9][0-9]*$ ]] || usage_error "--steps $steps: expected a positive integer"
[[ $warmup =~ ^[0-9]+$ ]] || usage_error "--warmup $warmup: expected 0 or more"
[[ $budget =~ ^[1-9][0-9]*$ ]] || usage_error "AGNAS_CHECK_BUDGET=$budget: expected a positive number of seconds"
[[ -f $bin ]] || usage_error "no agnas binary at $bin: build it on a .NET machine with scripts/publish-device.sh and carry build/device here"
[[ -x $bin ]] || chmod +x "$bin" 2>/dev/null || usage_error "$bin is not executable"
[[ $(uname -m) == x86_64 ]] || usage_error "this machine is $(uname -m); the published agnas is linux-x64"
logs=${logs:-build/device/check-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$logs" || usage_error "cannot create $logs"

# Tools this script uses beyond bash 5 (EPOCHREALTIME) and coreutils.
for tool in awk grep sed timeout tee; do
    command -v "$tool" >/dev/null 2>&1 || usage_error "$tool is not installed here"
done
[[ -n ${EPOCHREALTIME:-} ]] || usage_error "bash ${BASH_VERSION} has no EPOCHREALTIME; bash 5 or later is needed"

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t)); } # microseconds, whatever the locale's decimal sign
t_start=$(now_us)
elapsed() { echo $((($(now_us) - t_start) / 1000000)); }                  # whole seconds since the start
tenths_since() { local d=$((($(now_us) - $1) / 100000)); echo "$((d / 10)).$((d % 10))"; } # "12.3" seconds
section() { printf '\n=== %s\n' "$*"; }
note() { echo "device-check: $*"; }

# ---- results -----------------------------------------------------------------------------------
step_ids=() step_labels=() step_status=() step_secs=() step_notes=()
record() { # record ID LABEL STATUS SECONDS NOTE
    step_ids+=("$1") step_labels+=("$2") step_status+=("$3") step_secs+=("$4") step_notes+=("$5")
}
last_rc=0

# run_step ID LABEL CAP COMMAND...: runs COMMAND under min(CAP, budget left) seconds, output shown and
# kept in LOGS/ID.log; records ok, FAIL, TIMEOUT or (exit 3 of the peer) UNAVAILABLE.
run_step() {
    local id=$1 label=$2 cap=$3
    shift 3
    local left=$((budget - $(elapsed)))
    if ((left < 10)); then
        record "$id" "$label" SKIP 0 "the check's time budget (${budget} s) is spent"
        last_rc=-1
        return
    fi
    local limit=$((cap < left ? cap : left))
    local log=$logs/$id.log
    section "$label (timeout ${limit} s)"
    local t0
    t0=$(now_us)
    timeout --kill-after=5 "$limit" "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local secs
    secs=$(tenths_since "$t0")
    last_rc=$rc
    local why
    why=$(grep -E '^(error:|Unhandled exception|[A-Za-z_.]*(Error|Exception):|nb201_peer:)' "$log" | tail -n 1 | cut -c1-200)
    case $rc in
        0) record "$id" "$label" ok "$secs" "" ;;
        124 | 137) record "$id" "$label" TIMEOUT "$secs" "stopped after ${limit} s" ;;
        *) record "$id" "$label" FAIL "$secs" "exit $rc${why:+: $why}" ;;
    esac
}

skip_step() { record "$1" "$2" SKIP 0 "$3"; }

# ---- the machine -------------------------------------------------------------------------------
section "machine"
note "$(uname -srm); $(nproc) CPUs; started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
note "agnas: $bin ($(du -h "$bin" | cut -f1)); logs: $logs"
export DOTNET_BUNDLE_EXTRACT_BASE_DIR=${DOTNET_BUNDLE_EXTRACT_BASE_DIR:-${TMPDIR:-/tmp}/agnas-dotnet-bundle}

has_gpu=0
gpu_summary=""
gpu_reason=""
if command -v nvidia-smi >/dev/null 2>&1; then
    if gpu_summary=$(timeout 20 nvidia-smi --query-gpu=index,name,driver_version,memory.total,memory.used,utilization.gpu,temperature.gpu --format=csv,noheader 2>&1) \
        && [[ -n $gpu_summary ]]; then
        has_gpu=1
        while IFS= read -r line; do note "nvidia-smi: $line"; done <<<"$gpu_summary"
    else
        gpu_reason="nvidia-smi failed: $(head -n 1 <<<"$gpu_summary")"
        gpu_summary=""
    fi
elif compgen -G '/dev/nvidia[0-9]*' >/dev/null; then
    has_gpu=1
    gpu_summary="(nvidia-smi not found; $(compgen -G '/dev/nvidia[0-9]*' | paste -sd' ' -) present)"
else
    gpu_reason="no nvidia-smi and no /dev/nvidia* device"
fi
((has_gpu)) || note "no GPU: $gpu_reason"

# ---- the CUDA libraries ------------------------------------------------------------------------
# First where the system's loader finds a soname (ldconfig's cache), then the usual folders, then
# the Python environment's NVIDIA wheels (site-packages/nvidia/*/lib).
section "CUDA libraries"
ldcache=$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) || true)
py_lib_dirs=() py_site_dirs=()
if command -v "$python" >/dev/null 2>&1; then
    while IFS=' ' read -r kind dir; do
        [[ $kind == LIB ]] && py_lib_dirs+=("$dir")
        [[ $kind == SITE ]] && py_site_dirs+=("$dir")
    done < <(timeout 30 "$python" - 2>/dev/null <<'EOF'
import glob, os, site, sys
roots = []
try:
    roots += site.getsitepackages()
except Exception:
    pass
try:
    roots.append(site.getusersitepackages())
except Exception:
    pass
roots += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
libs = []
for root in dict.fromkeys(roots):
    if os.path.isdir(os.path.join(root, "nvidia")):
        print("SITE", root)
        libs += sorted(glob.glob(os.path.join(root, "nvidia", "*", "lib")))
try:  # the nvidia namespace package wherever it is installed
    import nvidia
    for p in getattr(nvidia, "__path__", []):
        libs += sorted(glob.glob(os.path.join(p, "*", "lib")))
except Exception:
    pass
for lib in dict.fromkeys(os.path.realpath(l) for l in libs):
    print("LIB", lib)
EOF
    )
else
    note "no $python here: the Python environment's NVIDIA wheels are not searched"
fi
ld_dirs=()
[[ -n ${LD_LIBRARY_PATH:-} ]] && IFS=: read -r -a ld_dirs <<<"$LD_LIBRARY_PATH"

# find_lib SONAME DIR...: prints "PATH ORIGIN" of the first hit, nothing when none.
find_lib() {
    local soname=$1 path
    shift
    path=$(awk -v s="$soname" '$1 == s && $2 ~ /x86-64/ { print $NF; exit }' <<<"$ldcache")
    if [[ -n $path && -e $path ]]; then echo "$path system"; return; fi
    local dir
    for dir in "$@"; do
        [[ -n $dir && -e $dir/$soname ]] || continue
        local origin=system
        local p
        for p in "${py_lib_dirs[@]}"; do [[ $dir == "$p" ]] && origin=python; done
        echo "$dir/$soname $origin"
        return
    done
}
sys_dirs=(/usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /lib/x86_64-linux-gnu)
driver=$(find_lib libcuda.so.1 "${ld_dirs[@]}" /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib/wsl/lib /usr/local/cuda/compat)
cublas=$(find_lib libcublas.so.13 "${ld_dirs[@]}" "${sys_dirs[@]}" "${py_lib_dirs[@]}")
[[ -n $cublas ]] || cublas=$(find_lib libcublas.so.12 "${ld_dirs[@]}" "${sys_dirs[@]}" "${py_lib_dirs[@]}")
cudnn=$(find_lib libcudnn.so.9 "${ld_dirs[@]}" "${sys_dirs[@]}" "${py_lib_dirs[@]}")
show() { [[ -n $1 ]] && echo "${1% *} (${1##* })" || echo "$2"; }
note "CUDA driver: $(show "$driver" "libcuda.so.1 not found")"
note "cuBLAS:      $(show "$cublas" "libcublas.so.13 / .12 not found")"
note "cuDNN:       $(show "$cudnn" "libcudnn.so.9 not found")"

# AGNAS_CUDA_LIB_PATH: directories separated by ':' (src/AgNas.Tensor/Cuda/CudaLibraries.cs), the
# folders of what was found, then the site-packages folders (their nvidia/*/lib are searched too).
# The same folders go first on the agnas processes' LD_LIBRARY_PATH, so that what cuBLAS and cuDNN
# load by name themselves (cuBLASLt, cuDNN's engine libraries, NVRTC) comes from the same place.
uniq_join() { awk 'NF && !seen[$0]++' | paste -sd: -; }
found_dirs=$(for f in "$cublas" "$cudnn" "$driver"; do [[ -n $f ]] && dirname "${f% *}"; done | uniq_join)
if [[ -n ${AGNAS_CUDA_LIB_PATH:-} ]]; then
    note "AGNAS_CUDA_LIB_PATH was set by the caller; kept: $AGNAS_CUDA_LIB_PATH"
else
    AGNAS_CUDA_LIB_PATH=$(printf '%s\n' "${found_dirs//:/$'\n'}" "${py_site_dirs[@]}" | uniq_join)
fi
if [[ -n $AGNAS_CUDA_LIB_PATH ]]; then export AGNAS_CUDA_LIB_PATH; else unset AGNAS_CUDA_LIB_PATH; fi
agnas_ld_path=$(printf '%s\n' "${found_dirs//:/$'\n'}" "${py_lib_dirs[@]}" "${ld_dirs[@]}" | uniq_join)
note "AGNAS_CUDA_LIB_PATH=${AGNAS_CUDA_LIB_PATH:-(not set: nothing found)}"
note "LD_LIBRARY_PATH for agnas=${agnas_ld_path:-(empty)}"

# Every agnas step runs as `env LD_LIBRARY_PATH=$agnas_ld_path agnas ...`; the Python peer keeps the
# caller's environment (PyTorch finds its own libraries).

# ---- devices -------------------------------------------------------------------------------------
devices_json=$logs/devices.json
read_devices() { # sets cpu_blas, cuda_available, cuda_reason from `agnas devices --json`
    cpu_blas="" cuda_available=false cuda_reason="agnas devices --json failed"
    env LD_LIBRARY_PATH="$agnas_ld_path" timeout 20 "$bin" devices --json >"$devices_json" 2>"$logs/devices-json.err" || return 0
    if command -v "$python" >/dev/null 2>&1; then
        local parsed
        parsed=$("$python" - "$devices_json" <<'EOF' 2>/dev/null
import json, sys
backends = {b["name"]: b for b in json.load(open(sys.argv[1]))}
cpu, cuda = backends.get("cpu", {}), backends.get("cuda", {})
print((cpu.get("properties") or {}).get("BLAS", ""))
print("true" if cuda.get("available") else "false")
print((cuda.get("reason") or "").replace("\n", " "))
EOF
        ) && { { read -r cpu_blas; read -r cuda_available; read -r cuda_reason; } <<<"$parsed"; return 0; }
    fi
    # No Python: the JSON is indented one key per line, in a fixed order.
    local flat
    flat=$(tr -d '\n' <"$devices_json")
    cpu_blas=$(grep -oE '"BLAS": *"[^"]*"' <<<"$flat" | head -n 1 | sed -E 's/^"BLAS": *"//; s/"$//')
    grep -qE '"name": *"cuda", *"available": *true' <<<"$flat" && cuda_available=true
    cuda_reason=$(grep -oE '"name": *"cuda", *"available": *false, *"reason": *"[^"]*"' <<<"$flat" | sed -E 's/.*"reason": *"//; s/"$//')
}

run_step devices "agnas devices" 30 env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" devices
read_devices
cblas_fallback=$(dirname "$bin")/lib/cblas-fallback.tar.xz
if [[ $cpu_blas == none* || -z $cpu_blas ]] && [[ -f $cblas_fallback ]]; then
    # No CBLAS on this machine: use the OpenBLAS that publish-device.sh packed.
    # Unpacked outside the logs (about 40 MB), removed at exit.
    blas_dir=$(mktemp -d "${TMPDIR:-/tmp}/agnas-cblas.XXXXXX")
    trap 'rm -rf "$blas_dir"' EXIT
    if tar -C "$blas_dir" -xJf "$cblas_fallback" 2>/dev/null \
        || "$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$cblas_fallback" "$blas_dir"; then
        agnas_ld_path=$blas_dir${agnas_ld_path:+:$agnas_ld_path}
        note "no CBLAS on this machine ($cpu_blas); using the packed OpenBLAS from $cblas_fallback"
        read_devices
    else
        note "no CBLAS on this machine and $cblas_fallback could not be unpacked"
    fi
fi
note "cpu BLAS: ${cpu_blas:-unknown}"
note "cuda: $([[ $cuda_available == true ]] && echo available || echo "unavailable: ${cuda_reason:-unknown}")"

# ---- CPU-side checks -------------------------------------------------------------------------------
run_step gradcheck-cpu "agnas gradcheck (cpu)" 30 env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" gradcheck
run_step bench-cpu "agnas bench --space nb201 --device cpu --batch 2 (smoke)" 45 \
    env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" bench --space nb201 --device cpu --batch 2 --steps 1 --warmup 0

# ---- CUDA checks ---------------------------------------------------------------------------------
run_cuda=0
if ((has_gpu)) || [[ $cuda_available == true ]]; then run_cuda=1; fi
no_gpu_note="no GPU (${gpu_reason:-none found}); agnas: ${cuda_reason:-cuda unavailable}"
ours_json=$logs/bench-cuda.json
profile_json=$logs/bench-cuda-profile.json
if ((run_cuda)); then
    run_step selftest-cuda "agnas selftest --device cuda" 90 env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" selftest --device cuda
    if ((last_rc == 2)); then
        step_notes[-1]+=" (exit 2 is a bad command line: does this agnas have the selftest verb yet?)"
    fi
    run_step gradcheck-cuda "agnas gradcheck --device cuda" 60 env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" gradcheck --device cuda
    run_step bench-cuda "agnas bench --space nb201 --device cuda --batch 64" 60 \
        env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" bench --space nb201 --device cuda --batch 64 --input 3x32x32 \
        --steps "$steps" --warmup "$warmup" --json "$ours_json"
    run_step bench-cuda-profile "agnas bench --space nb201 --device cuda --batch 64 --profile" 60 \
        env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" bench --space nb201 --device cuda --batch 64 --input 3x32x32 \
        --steps 3 --warmup 1 --profile --json "$profile_json"
    run_step attention-cuda "agnas bench --model attention --device cuda --batch 64 --input 64x32x32" 45 \
        env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" bench --model attention --device cuda --batch 64 --input 64x32x32 \
        --steps 5 --warmup 1
    run_step darts-cuda "agnas bench --space darts --device cuda --batch 64" 60 \
        env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" bench --space darts --device cuda --batch 64 --input 3x32x32 --steps 3 --warmup 1
    run_step darts-net-cuda "agnas bench --model darts-net --device cuda --batch 96" 60 \
        env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" bench --model darts-net --device cuda --batch 96 --input 3x32x32 --steps 3 --warmup 1
else
    for s in "selftest-cuda|agnas selftest --device cuda" "gradcheck-cuda|agnas gradcheck --device cuda" \
        "bench-cuda|agnas bench --space nb201 --device cuda --batch 64" \
        "bench-cuda-profile|agnas bench --space nb201 --device cuda --batch 64 --profile" \
        "attention-cuda|agnas bench --model attention --device cuda --batch 64 --input 64x32x32" \
        "darts-cuda|agnas bench --space darts --device cuda --batch 64" \
        "darts-net-cuda|agnas bench --model darts-net --device cuda --batch 96"; do
        skip_step "${s%%|*}" "${s#*|}" "$no_gpu_note"
    done
fi

# ---- the PyTorch peer ----------------------------------------------------------------------------
peer_json=$logs/peer.json
peer_device=cuda peer_batch=64 peer_steps=$steps peer_warmup=$warmup
((has_gpu)) || { peer_device=cpu peer_batch=2 peer_steps=2 peer_warmup=1; }
peer_label="pytorch peer --device $peer_device --batch $peer_batch$([[ $peer_device == cpu ]] && echo ' (smoke)')"
if ! command -v "$python" >/dev/null 2>&1; then
    record peer "$peer_label" UNAVAILABLE 0 "no $python here"
else
    # --no-tf32: agnas computes convolutions and GEMMs in strict float32 (cuDNN FMA math), so the
    # peer is held to the same precision; PyTorch's default would let cuDNN use TF32 tensor cores.
    run_step peer "$peer_label" 90 env PYTHONUNBUFFERED=1 "$python" bench/torch/nb201_peer.py --device "$peer_device" \
        --batch "$peer_batch" --input 3x32x32 --steps "$peer_steps" --warmup "$peer_warmup" --no-tf32
    if ((last_rc == 3)); then
        step_status[-1]=UNAVAILABLE
        step_notes[-1]=$(grep '^nb201_peer:' "$logs/peer.log" | tail -n 1 | cut -c1-200)
    fi
    grep '^{' "$logs/peer.log" | tail -n 1 >"$peer_json" || true
fi

# ---- the macro space: ProxylessNAS supernet and exported network, ours and the peer -----------------
proxyless_json=$logs/proxyless-cuda.json
proxyless_peer_json=$logs/proxyless-peer.json
if ((run_cuda)); then
    run_step selftest-proxyless-cuda "agnas selftest --device cuda --space proxyless" 60 \
        env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" selftest --device cuda --space proxyless --filter Relu6 --batch 4 --size 32
    run_step proxyless-cuda "agnas bench --space proxyless --device cuda --batch 32 --input 3x224x224" 90 \
        env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" bench --space proxyless --device cuda --batch 32 --input 3x224x224 --steps 3 --warmup 1 \
        --json "$proxyless_json"
    run_step proxyless-net-cuda "agnas bench --model proxyless-net --device cuda --batch 128 --input 3x224x224" 60 \
        env LD_LIBRARY_PATH="$agnas_ld_path" "$bin" bench --model proxyless-net --device cuda --batch 128 --input 3x224x224 --steps 3 --warmup 1
else
    for s in "selftest-proxyless-cuda|agnas selftest --device cuda --space proxyless" \
        "proxyless-cuda|agnas bench --space proxyless --device cuda --batch 32 --input 3x224x224" \
        "proxyless-net-cuda|agnas bench --model proxyless-net --device cuda --batch 128 --input 3x224x224"; do
        skip_step "${s%%|*}" "${s#*|}" "$no_gpu_note"
    done
fi
if ((has_gpu)) && command -v "$python" >/dev/null 2>&1; then
    # The same supernet step in PyTorch eager (10 classes, as agnas bench), strict float32 as above.
    run_step proxyless-peer "pytorch proxyless peer --device cuda --batch 32 --input 3x224x224" 90 env PYTHONUNBUFFERED=1 "$python" \
        bench/torch/proxyless_peer.py --device cuda --batch 32 --input 3x224x224 --classes 10 --steps 3 --warmup 1 --no-tf32
    grep '^{' "$logs/proxyless-peer.log" | tail -n 1 >"$proxyless_peer_json" || true
fi

# ---- summary -------------------------------------------------------------------------------------
jget() { # jget FILE KEY: a top-level scalar of a flat-enough JSON file; empty when absent or null
    [[ -s $1 ]] || return 0
    grep -oE "\"$2\": *(\"[^\"]*\"|-?[0-9][0-9.eE+-]*|true|false|null)" "$1" | head -n 1 \
        | sed -E 's/^"[^"]*": *//; s/^"//; s/"$//; s/^null$//'
}
fmt_bytes() { [[ -n $1 ]] && awk -v b="$1" 'BEGIN { if (b >= 2^30) printf "%.2f GiB", b / 2^30; else printf "%.1f MiB", b / 2^20 }'; }

failed=0
for st in "${step_status[@]}"; do [[ $st == FAIL || $st == TIMEOUT ]] && failed=$((failed + 1)); done

section "summary"
[[ -n $gpu_summary ]] && echo "GPU: $gpu_summary" || echo "GPU: none ($gpu_reason)"
printf '%-62s %-12s %8s  %s\n' "step" "status" "seconds" "note"
for i in "${!step_ids[@]}"; do
    printf '%-62s %-12s %8s  %s\n' "${step_labels[$i]}" "${step_status[$i]}" "${step_secs[$i]}" "${step_notes[$i]}"
done

ours_ips=$(jget "$ours_json" images_per_s)
peer_ips=""
[[ $(jget "$peer_json" device) == cuda* ]] && peer_ips=$(jget "$peer_json" images_per_s)
ratio=""
echo
echo "NB201 supernet training step, batch 64, 3x32x32 (median of $steps steps after $warmup warm-up):"
if [[ -n $ours_ips ]]; then
    printf '  agnas    %-8s %9.2f ms/step %10.1f images/s   peak %s   %s parameters\n' "$(jget "$ours_json" device)" \
        "$(jget "$ours_json" median_ms_per_step)" "$ours_ips" "$(fmt_bytes "$(jget "$ours_json" peak_bytes)")" "$(jget "$ours_json" params)"
else
    echo "  agnas    no result"
fi
if [[ -n $peer_ips ]]; then
    printf '  pytorch  %-8s %9.2f ms/step %10.1f images/s   peak %s   %s parameters   (torch %s, %s)\n' "$(jget "$peer_json" device)" \
        "$(jget "$peer_json" median_ms_per_step)" "$peer_ips" "$(fmt_bytes "$(jget "$peer_json" peak_bytes)")" "$(jget "$peer_json" params)" \
        "$(jget "$peer_json" torch)" "$(jget "$peer_json" device_name)"
else
    echo "  pytorch  no GPU result"
fi
if [[ -n $ours_ips && -n $peer_ips ]]; then
    ratio=$(awk -v a="$ours_ips" -v b="$peer_ips" 'BEGIN { printf "%.3f", a / b }')
    echo "  ratio    agnas / pytorch images/s = $ratio"
    ours_params=$(jget "$ours_json" params) peer_params=$(jget "$peer_json" params)
    [[ $ours_params == "$peer_params" ]] || echo "  warning: the parameter counts differ ($ours_params vs $peer_params): the two networks are not the same"
fi

p_ours=$(jget "$proxyless_json" images_per_s)
p_peer=""
[[ $(jget "$proxyless_peer_json" device) == cuda* ]] && p_peer=$(jget "$proxyless_peer_json" images_per_s)
echo
echo "ProxylessNAS-space supernet training step, batch 32, 3x224x224 (median of 3 steps after 1 warm-up):"
[[ -n $p_ours ]] && printf '  agnas    %9.2f ms/step %10.1f images/s   peak %s   %s parameters\n' "$(jget "$proxyless_json" median_ms_per_step)" "$p_ours" \
    "$(fmt_bytes "$(jget "$proxyless_json" peak_bytes)")" "$(jget "$proxyless_json" params)" || echo "  agnas    no result"
[[ -n $p_peer ]] && printf '  pytorch  %9.2f ms/step %10.1f images/s   peak %s   %s parameters\n' "$(jget "$proxyless_peer_json" median_ms_per_step)" "$p_peer" \
    "$(fmt_bytes "$(jget "$proxyless_peer_json" peak_bytes)")" "$(jget "$proxyless_peer_json" params)" || echo "  pytorch  no GPU result"
[[ -n $p_ours && -n $p_peer ]] && echo "  ratio    agnas / pytorch images/s = $(awk -v a="$p_ours" -v b="$p_peer" 'BEGIN { printf "%.3f", a / b }')"

status=0
((failed > 0)) && status=1
if ((status == 0 && require_gpu && !has_gpu)); then status=3; fi
if ((failed > 0)); then
    echo "exit status 1: $failed step(s) failed or timed out; logs in $logs"
elif ((!has_gpu)); then
    echo "exit status $status: no GPU here, the CUDA steps were skipped; the CPU-side steps passed; logs in $logs"
else
    echo "exit status 0: every step that ran passed; logs in $logs"
fi
echo "total $(elapsed) s"

# summary.json, for whoever reads the logs with a program.
jstr() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/ }; printf '"%s"' "${s//$'\n'/ }"; }
jnum() { [[ -n $1 ]] && printf '%s' "$1" || printf 'null'; }
{
    printf '{\n  "gpu": %s,\n  "has_gpu": %s,\n' "$(jstr "${gpu_summary:-$gpu_reason}")" "$([[ $has_gpu == 1 ]] && echo true || echo false)"
    printf '  "agnas_cuda_lib_path": %s,\n  "steps": [\n' "$(jstr "${AGNAS_CUDA_LIB_PATH:-}")"
    for i in "${!step_ids[@]}"; do
        printf '    {"id": %s, "label": %s, "status": %s, "seconds": %s, "note": %s}%s\n' "$(jstr "${step_ids[$i]}")" \
            "$(jstr "${step_labels[$i]}")" "$(jstr "${step_status[$i]}")" "${step_secs[$i]}" "$(jstr "${step_notes[$i]}")" \
            "$( ((i + 1 < ${#step_ids[@]})) && echo ,)"
    done
    printf '  ],\n  "agnas_images_per_s": %s,\n  "pytorch_images_per_s": %s,\n  "ratio": %s,\n  "exit_status": %s\n}\n' \
        "$(jnum "$ours_ips")" "$(jnum "$peer_ips")" "$(jnum "$ratio")" "$status"
} >"$logs/summary.json"
exit $status

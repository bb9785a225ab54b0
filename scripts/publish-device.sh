#!/usr/bin/env bash
# Builds what scripts/device-check.sh needs on a GPU machine that has no .NET, here (a machine with the
# .NET 10 SDK), into build/device/:
#   build/device/agnas                     the agnas command as one self-contained, trimmed linux-x64 file
#                                          (the .NET runtime, our assemblies with the embedded PTX and the
#                                          NAS-Bench-201 table, SkiaSharp's native libraries)
#   build/device/lib/cblas-fallback.tar.xz this machine's OpenBLAS (+ libgfortran, libquadmath), unpacked
#                                          there only if the GPU machine has no CBLAS of its own
#   build/device/publish.log               the build's output (trim warnings included)
# Then it runs the binary here on the CPU (devices, gradcheck, bench, lookup, and a one-epoch search
# plus its resume on Fashion-MNIST when /usr/share/datasets/fashion-mnist exists) to check that
# trimming kept what reflection needs. Carry build/device to the GPU machine and run
# scripts/device-check.sh there from the repository root.
#
# Usage: scripts/publish-device.sh [--no-verify]
# Exit status: 0 built (and verified); 1 the build or a verification failed; 2 bad arguments.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

verify=1
for arg in "$@"; do
    case $arg in
        --no-verify) verify=0 ;;
        -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "publish-device.sh: unknown argument '$arg' (expected --no-verify)" >&2; exit 2 ;;
    esac
done

say() { echo "publish-device.sh: $*"; }
die() { echo "publish-device.sh: $*" >&2; exit 1; }

command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK (dotnet) is not on PATH"
out=build/device
stage=$out/.publish
log=$out/publish.log
mkdir -p "$out"
rm -rf "$stage" "$out/agnas"

# 1. The kernels' PTX (build/native/ptx/, from kernels/*.cu with clang 14), so that a build which embeds
#    it finds it. Cheap when it is up to date.
if command -v cmake >/dev/null 2>&1; then
    say "building the kernels' PTX (cmake target agnas_ptx, log: $out/ptx.log)"
    if ! { cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release && cmake --build build/native --target agnas_ptx; } >"$out/ptx.log" 2>&1; then
        tail -n 20 "$out/ptx.log" >&2
        die "the PTX build failed (see $out/ptx.log); scripts/setup.sh installs clang-14 and cmake"
    fi
else
    say "warning: cmake is not installed, the PTX was not rebuilt (scripts/setup.sh installs it)" >&2
fi

# 2. The single file. Trimming settings live in src/AgNas.Cli/AgNas.Cli.csproj (they apply only when
#    PublishTrimmed is set). Trim-analysis warnings are expected (reflection over our own and
#    CommandLineParser's types, which the partial trim keeps whole) and must not fail this publish, so
#    warnings are not errors here; the verification below is what checks the result.
say "publishing src/AgNas.Cli (Release, linux-x64, self-contained, single file, trimmed; log: $log)"
if ! dotnet publish src/AgNas.Cli -c Release -r linux-x64 --self-contained \
    -p:PublishSingleFile=true -p:PublishTrimmed=true -p:TreatWarningsAsErrors=false \
    -o "$stage" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "dotnet publish failed (see $log)"
fi
[[ -x $stage/agnas ]] || die "dotnet publish produced no $stage/agnas"
extra=$(find "$stage" -type f \( -name '*.so' -o -name '*.so.*' -o -name '*.dll' \) -printf '%f ')
[[ -z $extra ]] || die "the publish left files beside agnas that a single file must contain: $extra"
mv "$stage/agnas" "$out/agnas"
rm -rf "$stage"
warnings=$(grep -oE 'warning IL[0-9]+' "$log" | sort | uniq -c | awk '{print $3 " x" $1}' | paste -sd, - | sed 's/,/, /g' || true)
say "built $out/agnas ($(du -h "$out/agnas" | cut -f1)); trim/single-file warnings: ${warnings:-none} (details in $log)"

# 3. Is the PTX inside? It travels as an embedded resource of AgNas.Tensor.dll (the single file is
#    compressed, so look at the assembly that went into it).
tensor_dll=""
for candidate in src/AgNas.Cli/obj/Release/net10.0/linux-x64/linked/AgNas.Tensor.dll src/AgNas.Cli/bin/Release/net10.0/linux-x64/AgNas.Tensor.dll; do
    if [[ -f $candidate ]]; then tensor_dll=$candidate; break; fi
done
if [[ -z $tensor_dll ]]; then
    say "warning: could not find the AgNas.Tensor.dll of this publish to check for embedded PTX" >&2
elif LC_ALL=C grep -aqE '^\.target[[:space:]]+sm_[0-9]+' "$tensor_dll"; then
    entries=$(LC_ALL=C grep -acE '^(\.visible[[:space:]]+)?\.entry[[:space:]]' "$tensor_dll")
    expected=$( [[ -f build/native/ptx/entries.txt ]] && wc -l <build/native/ptx/entries.txt || echo "?")
    say "PTX is embedded in AgNas.Tensor: $entries kernel entries (build/native/ptx/entries.txt lists $expected)"
    [[ $expected == "?" || $entries -eq $expected ]] || say "warning: the embedded PTX has $entries entries, build/native/ptx has $expected: is the binary up to date with kernels/?" >&2
else
    say "warning: no PTX text found in $tensor_dll: the CUDA backend will have no kernels in this binary" >&2
fi

# 4. The CBLAS fallback: the GPU machine may have no OpenBLAS/libblas, and the CPU backend (the
#    reference the CUDA checks compare against) needs cblas_sgemm.
blas_real=""
for candidate in /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0 /usr/lib/x86_64-linux-gnu/libopenblas.so.0; do
    if [[ -e $candidate ]]; then blas_real=$(readlink -f "$candidate"); break; fi
done
if [[ -n $blas_real ]]; then
    staging=$(mktemp -d)
    cp "$blas_real" "$staging/libopenblas.so.0"
    for dep in libgfortran.so.5 libquadmath.so.0; do
        path=$(ldd "$blas_real" | awk -v d="$dep" '$1 == d { print $3 }')
        [[ -n $path && -e $path ]] && cp "$(readlink -f "$path")" "$staging/$dep"
    done
    mkdir -p "$out/lib"
    tar -C "$staging" -cJf "$out/lib/cblas-fallback.tar.xz" .
    rm -rf "$staging"
    say "CBLAS fallback: $out/lib/cblas-fallback.tar.xz ($(du -h "$out/lib/cblas-fallback.tar.xz" | cut -f1), from $blas_real)"
else
    say "warning: no OpenBLAS here (scripts/setup.sh installs it); no CBLAS fallback is packed" >&2
fi

((verify)) || { say "done (not verified: --no-verify)"; exit 0; }

# 5. Verification on this machine's CPU: every verb that the device check uses, and the
#    reflection-heavy paths (options parsing, JSON run files, plots, resume).
bin=$out/agnas
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export DOTNET_BUNDLE_EXTRACT_BASE_DIR=$tmp/bundle
check() { # check NAME COMMAND...: runs it quietly, prints one line, keeps the output on failure
    local name=$1
    shift
    local start=$SECONDS
    if "$@" >"$tmp/$name.log" 2>&1; then
        say "  ok    $name ($((SECONDS - start)) s)"
    else
        local rc=$?
        tail -n 20 "$tmp/$name.log" >&2
        die "  FAIL  $name (exit $rc): $*"
    fi
}
expect_file() { [[ -s $1 ]] || die "  FAIL  expected file $1 is missing or empty"; }

say "verifying $bin on this machine's CPU"
check version "$bin" --version
check devices "$bin" devices
check devices-json "$bin" devices --json
grep -q '"name": "cuda"' "$tmp/devices-json.log" || die "  FAIL  devices --json does not list cuda"
check gradcheck "$bin" gradcheck
check bench-nb201 "$bin" bench --space nb201 --device cpu --batch 2 --steps 2 --warmup 1 --json "$tmp/bench.json"
check bench-profile "$bin" bench --space nb201 --device cpu --batch 2 --steps 1 --warmup 0 --profile
grep -q '"images_per_s"' "$tmp/bench.json" || die "  FAIL  bench --json wrote no images_per_s"
check lookup "$bin" lookup '|nor_conv_3x3~0|+|skip_connect~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|'
grep -q '92.73' "$tmp/lookup.log" || die "  FAIL  lookup did not print the benchmark's CIFAR-10 accuracy (92.73)"
check usage-error bash -c "\"$bin\" bench --batch 1 >/dev/null 2>&1; test \$? -eq 2"
if [[ -d /usr/share/datasets/fashion-mnist ]]; then
    run=$tmp/run
    check search "$bin" search --space nb201 --dataset fashion-mnist --subset 128 --epochs 1 --batch-size 32 --out "$run"
    for f in config.json metrics.jsonl attention/epoch-001.json arch.txt checkpoint.safetensors optimizer.safetensors state.json curves.png attention.png; do
        expect_file "$run/$f"
    done
    check search-resume "$bin" search --resume "$run" --epochs 2
    expect_file "$run/attention/epoch-002.json"
    [[ $(wc -l <"$run/metrics.jsonl") -eq 2 ]] || die "  FAIL  metrics.jsonl should have 2 lines after the resume"
else
    say "  skip  search (no /usr/share/datasets/fashion-mnist; scripts/setup.sh installs it)"
fi
say "done: $bin ($(du -h "$bin" | cut -f1)); carry build/device to the GPU machine and run scripts/device-check.sh there"

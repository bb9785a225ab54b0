#!/usr/bin/env bash
# Installs what AgNas needs on a fresh Debian/Ubuntu machine, then restores the NuGet packages.
# Idempotent: apt runs only when something below is missing, and installs only that.
#   - libopenblas0-pthread   the CBLAS the CPU backend loads (libopenblas.so.0)
#   - dataset-fashion-mnist  /usr/share/datasets/fashion-mnist, the data of the main job and the tests
#   - clang-14, cmake, g++, libgtest-dev   the native build: kernels/ to PTX, the CUDA host
#                            emulator (build/native/libagnas_cuda_emu.so) and its tests
# The .NET 10 SDK itself must already be on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

have_openblas() {
    local ldconfig libs
    ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
    # Capture first: `ldconfig -p | grep -q` can fail under pipefail when grep exits early.
    libs=$("$ldconfig" -p 2>/dev/null || true)
    grep -q 'libopenblas\.so\.0' <<<"$libs"
}

missing=()
packages=()
have_openblas || { missing+=("libopenblas.so.0"); packages+=(libopenblas0-pthread); }
[[ -d /usr/share/datasets/fashion-mnist ]] || { missing+=("/usr/share/datasets/fashion-mnist"); packages+=(dataset-fashion-mnist); }
# The native build: kernels to PTX with clang 14, the CUDA host emulator and its GoogleTest suite.
command -v clang++-14 >/dev/null 2>&1 || { missing+=("clang++-14"); packages+=(clang-14); }
command -v cmake >/dev/null 2>&1 || { missing+=("cmake"); packages+=(cmake); }
command -v g++ >/dev/null 2>&1 || { missing+=("g++"); packages+=(g++); }
[[ -f /usr/include/gtest/gtest.h ]] || { missing+=("GoogleTest headers"); packages+=(libgtest-dev); }

if ((${#missing[@]} > 0)); then
    echo "setup.sh: missing ${missing[*]}; installing with apt-get" >&2
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "setup.sh: need root (or sudo) to install ${packages[*]}" >&2
            exit 1
        fi
    fi
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${packages[@]}"
else
    echo "setup.sh: OpenBLAS, Fashion-MNIST and the native toolchain present; nothing to install"
fi

if ! command -v dotnet >/dev/null 2>&1; then
    echo "setup.sh: the .NET 10 SDK (dotnet) is not on PATH; install it first (https://dot.net)" >&2
    exit 1
fi
dotnet restore AgNas.Native.sln

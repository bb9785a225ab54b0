#!/usr/bin/env bash
# Installs what AgNas needs on a fresh Debian/Ubuntu machine, then restores the NuGet packages.
# Idempotent: apt runs only when OpenBLAS or the Fashion-MNIST data set is missing.
#   - libopenblas0-pthread   the CBLAS the CPU backend loads (libopenblas.so.0)
#   - dataset-fashion-mnist  /usr/share/datasets/fashion-mnist, the data of the tiny end-to-end runs
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
have_openblas || missing+=("libopenblas.so.0")
[[ -d /usr/share/datasets/fashion-mnist ]] || missing+=("/usr/share/datasets/fashion-mnist")

if ((${#missing[@]} > 0)); then
    echo "setup.sh: missing ${missing[*]}; installing with apt-get" >&2
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "setup.sh: need root (or sudo) to install libopenblas0-pthread dataset-fashion-mnist" >&2
            exit 1
        fi
    fi
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends libopenblas0-pthread dataset-fashion-mnist
else
    echo "setup.sh: OpenBLAS and Fashion-MNIST present; nothing to install"
fi

if ! command -v dotnet >/dev/null 2>&1; then
    echo "setup.sh: the .NET 10 SDK (dotnet) is not on PATH; install it first (https://dot.net)" >&2
    exit 1
fi
dotnet restore AgNas.Native.sln

#!/usr/bin/env bash
# Installs the Debian 12 packages that building, testing and benchmarking coact need.
# Quiet and idempotent: prints nothing and exits 0 when everything is already installed.
set -euo pipefail

packages=(
    cmake ninja-build g++ clang
    libclang-rt-14-dev          # clang's sanitizer runtimes
    pkg-config                  # the consumer test checks coact.pc
    libboost-dev                # Boost.Lockfree (header-only)
    libconcurrentqueue-dev      # moodycamel::ConcurrentQueue (header-only)
    libbenchmark-dev            # Google Benchmark, for bench/
    catch2                      # Catch2 2.13, for tests/
    libssl-dev libsqlite3-dev   # used by demos
    clang-format clang-tidy     # make format / make tidy
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$p")
    fi
done
((${#missing[@]} == 0)) && exit 0

sudo=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "install-deps: missing ${missing[*]}, and not root (no sudo to install them)" >&2
        exit 1
    fi
fi

echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

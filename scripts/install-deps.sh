#!/usr/bin/env bash
# Installs the Debian 12 packages that building, testing and benchmarking coact need.
# Quiet and idempotent: prints nothing and exits 0 when everything is already installed.
#
#   scripts/install-deps.sh            what building and testing need (make deps)
#   scripts/install-deps.sh peers      also the peer systems of bench/peers (make compare)
#   scripts/install-deps.sh docs       also Doxygen, for the API reference (make docs)
set -euo pipefail

packages=(
    cmake ninja-build g++ clang
    libclang-rt-14-dev          # clang's sanitizer runtimes
    pkg-config                  # the consumer test checks coact.pc
    libboost-dev                # Boost.Lockfree (header-only)
    libconcurrentqueue-dev      # moodycamel::ConcurrentQueue (header-only)
    libbenchmark-dev            # Google Benchmark, for bench/
    catch2                      # Catch2 2.13, for tests/
    nlohmann-json3-dev          # tests/trace reads the trace files back
    libssl-dev libsqlite3-dev   # used by demos
    libcpp-httplib-dev          # the docs example that serves /metrics (docs/examples/metrics_http.cpp)
    clang-format clang-tidy     # make format / make tidy
    python3                     # scripts/, bench/peers/compare.py
    libnats-dev nats-server     # coact::cluster (cluster/): the NATS C client, the server for tests
    libmsgpack-cxx-dev          # coact::cluster's wire format
    openssl                     # the cluster tests make a certificate authority for TLS
    chromium chromium-driver    # the trace viewer's browser test (tests/viewer), headless
)
# Node.js and npm for the cross-language test (tests/cluster/node_client), unless a node is
# installed already (from Debian or elsewhere).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
for group in "$@"; do
    case "$group" in
        peers) packages+=(libcaf-dev erlang-base) ;;  # CAF 0.17; Erlang/OTP 25 with escript
        docs) packages+=(doxygen) ;;
        *)
            echo "install-deps: unknown group '$group' (known: peers, docs)" >&2
            exit 2
            ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$p")
    fi
done
sudo=()
if ((${#missing[@]} > 0 && EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "install-deps: missing ${missing[*]}, and not root (no sudo to install them)" >&2
        exit 1
    fi
fi

if ((${#missing[@]} > 0)); then
    echo "install-deps: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The trace viewer's browser test drives Chromium with npm's playwright-core (tests/viewer,
# pinned by its package-lock.json): installed there when its node_modules is missing.
viewer_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/viewer"
if [[ -f "$viewer_dir/package-lock.json" && ! -d "$viewer_dir/node_modules" ]]; then
    echo "install-deps: npm ci in tests/viewer"
    (cd "$viewer_dir" && npm ci --silent --no-audit --no-fund >/dev/null)
fi

# A thin wrapper over the CMake presets (CMakePresets.json): every build goes through a preset,
# so `make X` and `cmake --workflow --preset X` build the same thing in build/<preset>/.
#
#   make demo        build (release) and run the flagship demo
#   make demo-cluster build (release) and run the market feed across three processes on NATS
#                    (demos/cluster_pubsub: its own nats-server, one subscriber killed midway)
#   make test        the full test suite under AddressSanitizer + UBSan (asan preset)
#   make test-debug | test-release | test-tsan | test-clang
#   make bench       build (release) and run every benchmark, JSON into build/release/bench/
#   make compare     coact, CAF and Erlang side by side (bench/peers): installs the peers if
#                    missing, writes bench/results/<date>-<host>.{json,md,svg}, with a section
#                    across processes (coact::cluster, raw cnats, Erlang distribution)
#   make compare-remote  that section alone (bench/cluster/remote_compare.py)
#   make docs        the API reference (Doxygen, warnings are errors): build/docs/api/html/
#   make pictures    the tutorial's pictures (docs/images/tutorial-*.svg): builds (release) and
#                    runs their examples with COACT_TRACE, traces in build/release/pictures/,
#                    drawn by scripts/coact-trace (the list: scripts/make_pictures.py)
#   make format | format-check | tidy | clean
#
# Nothing here is interactive, so it runs the same with CI=true.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

CMAKE ?= cmake
CLANG_FORMAT ?= clang-format
CLANG_TIDY ?= clang-tidy

# The demo `make demo` runs: its binary, its arguments, and the file fed to its stdin (empty for
# none). The target built is the binary's file name.
DEMO_BIN ?= build/release/demos/pingpong/pingpong
DEMO_ARGS ?=
DEMO_INPUT ?=
DEMO_TARGET ?= $(notdir $(DEMO_BIN))

BENCH_DIR := build/release/bench
BENCH_ARGS ?= --benchmark_min_time=0.05 --benchmark_format=console

# Our sources for format/tidy: tracked and new files, without anything .gitignore'd (build/).
SOURCES = $(wildcard $(shell git ls-files --cached --others --exclude-standard -- '*.hpp' '*.cpp' \
            2>/dev/null || find . -path ./build -prune -o \( -name '*.hpp' -o -name '*.cpp' \) -print))
RUNTIME_SOURCES = $(shell find runtime/src -name '*.cpp' | sort)

.PHONY: all deps deps-peers deps-docs compare compare-remote docs pictures demo demo-cluster test test-asan test-debug test-release test-tsan test-clang \
        test-clang-release bench format format-check tidy clean

all: test

deps:
	bash scripts/install-deps.sh

deps-peers:
	bash scripts/install-deps.sh peers

deps-docs:
	bash scripts/install-deps.sh docs

# COMPARE_ARGS: e.g. --rounds 9, --workloads pingpong,pairs, --quick (see compare.py --help)
COMPARE_ARGS ?=
compare: deps deps-peers
	$(CMAKE) --preset release
	$(CMAKE) --build --preset release --target peers bench_cluster
	python3 bench/peers/compare.py --build-dir build/release $(COMPARE_ARGS)

compare-remote: deps deps-peers
	$(CMAKE) --preset release
	$(CMAKE) --build --preset release --target bench_cluster
	python3 bench/cluster/remote_compare.py --build-dir build/release

docs: deps-docs
	bash scripts/build-docs.sh build/docs/api

# CTest's docs.pictures checks that the committed pictures still show what the examples do.
pictures: deps
	$(CMAKE) --preset release
	$(CMAKE) --build --preset release --target $$(python3 scripts/make_pictures.py --targets)
	python3 scripts/make_pictures.py --build-dir build/release

demo: deps
	$(CMAKE) --preset release
	$(CMAKE) --build --preset release --target $(DEMO_TARGET)
	$(DEMO_BIN) $(DEMO_ARGS) $(if $(DEMO_INPUT),< $(DEMO_INPUT))

demo-cluster: deps
	$(CMAKE) --preset release
	$(CMAKE) --build --preset release --target cluster_pubsub
	build/release/demos/cluster_pubsub/cluster_pubsub

test: test-asan

test-asan test-debug test-release test-tsan test-clang test-clang-release: test-%: deps
	$(CMAKE) --workflow --preset $*

bench: deps
	$(CMAKE) --preset release
	$(CMAKE) --build --preset release
	found=0; \
	for exe in $$(find $(BENCH_DIR) -path '*/CMakeFiles' -prune -o -type f -perm -u+x -print 2>/dev/null | sort); do \
	    name=$$(basename "$$exe"); found=1; \
	    echo "==== $$name"; \
	    "$$exe" $(BENCH_ARGS) --benchmark_out=$(BENCH_DIR)/$$name.json --benchmark_out_format=json; \
	done; \
	if [ $$found = 0 ]; then echo "bench: no benchmark executable in $(BENCH_DIR)" >&2; exit 1; fi

format: deps
	$(CLANG_FORMAT) -i $(SOURCES)

format-check: deps
	$(CLANG_FORMAT) --dry-run --Werror $(SOURCES)

build/release/compile_commands.json:
	$(CMAKE) --preset release

tidy: deps build/release/compile_commands.json
	$(CLANG_TIDY) -p build/release --quiet --extra-arg=-Wno-unknown-warning-option $(RUNTIME_SOURCES)

clean:
	rm -rf build

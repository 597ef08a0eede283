#!/usr/bin/env python3
"""Compare builds of a Google Benchmark program side by side, alternating them.

On a shared machine the rate of one binary moves by tens of percent from minute to minute, so
runs of two versions made one after the other are not comparable. This runs each binary once per
round, in turn (every other round in the opposite order), for several rounds, and prints the median of items_per_second (in millions, four
significant digits) per benchmark and binary, and with two binaries the second's over the first's:

    scripts/bench_ab.py --rounds 5 --filter '^(pingpong|threadring)' \\
        /tmp/bench_scaling.old build/release/bench/bench_scaling

Extra arguments for the benchmark programs go after `--`, e.g. `-- --benchmark_min_time=0.5`
(the default is --benchmark_min_time=0.2). Exits non-zero with a message if a binary fails or
prints no JSON.
"""
import argparse
import collections
import json
import statistics
import subprocess
import sys


def run(binary, bench_filter, extra):
    cmd = [binary, "--benchmark_filter=" + bench_filter, "--benchmark_format=json"] + extra
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        sys.exit(f"bench_ab: cannot run {binary}: {e.strerror}")
    if done.returncode != 0:
        sys.exit(f"bench_ab: {binary} exited with {done.returncode}:\n{done.stderr}")
    try:
        return json.loads(done.stdout)["benchmarks"]
    except (json.JSONDecodeError, KeyError) as e:
        sys.exit(f"bench_ab: {binary} printed no benchmark JSON ({e})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each binary (default 3)")
    parser.add_argument("--filter", default=".", help="--benchmark_filter for every run")
    parser.add_argument("binaries", nargs="+", help="benchmark programs to compare")
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:  # what follows goes to the benchmark programs (argparse would take it as
        at = argv.index("--")  # more binaries)
        argv, extra = argv[:at], argv[at + 1:]
    args = parser.parse_args(argv)
    extra = extra or ["--benchmark_min_time=0.2"]
    if args.rounds < 1:
        sys.exit("bench_ab: --rounds must be at least 1")

    rates = collections.defaultdict(list)  # (benchmark, binary) -> items/s in M
    names = []
    for r in range(args.rounds):
        # Every other round in the opposite order: the first program of a round measured 13 to
        # 18% slower than the second on the 2-core VM (the same code in both), whichever it was.
        for binary in (args.binaries if r % 2 == 0 else list(reversed(args.binaries))):
            print(f"[round {r + 1}/{args.rounds}] {binary}", file=sys.stderr)
            for b in run(binary, args.filter, extra):
                if b["name"] not in names:
                    names.append(b["name"])
                rates[(b["name"], binary)].append(b.get("items_per_second", 0.0) / 1e6)

    width = max([len(n) for n in names] + [9])
    ratio = len(args.binaries) == 2  # the second binary's median over the first's
    print(f"{'benchmark':<{width}}" + "".join(f"{b.split('/')[-1][-16:]:>18}" for b in args.binaries)
          + (f"{'second/first':>14}" if ratio else ""))
    for n in names:
        cells = []
        medians = []
        for b in args.binaries:
            got = rates.get((n, b))
            medians.append(statistics.median(got) if got else None)
            # Four significant digits: round trips per second are thousandths of a million.
            cells.append(f"{medians[-1]:>18.4g}" if got else f"{'-':>18}")
        if ratio:
            first, second = medians
            cells.append(f"{second / first:>14.3f}" if first and second is not None else f"{'-':>14}")
        print(f"{n:<{width}}" + "".join(cells))


if __name__ == "__main__":
    main()

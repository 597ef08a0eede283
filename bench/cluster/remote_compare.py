#!/usr/bin/env python3
"""coact between two nodes, next to raw cnats and Erlang/OTP distribution, in one run.

    python3 bench/cluster/remote_compare.py --build-dir build/release [--rounds 3]

Alternates bench_cluster (coact and raw cnats, on a nats-server of its own) and
bench/cluster/erlang_dist.escript (two Erlang nodes on this host), ROUNDS times each, and prints
the median of every workload with the ratios the issue sets targets on: coact against raw cnats
(the broker's own cost), and coact against Erlang distribution. Exits non-zero with a message
when a program fails or Erlang is not installed (make deps-peers).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (row, coact benchmark, raw cnats benchmark, Erlang workload)
ROWS = [
    ("ping-pong, one message in flight (round trips/s)", "coact/pingpong/workers:1",
     "raw/pingpong", "erlang/pingpong"),
    ("ask / request-reply (round trips/s)", "coact/ask/workers:1", "raw/request",
     "erlang/pingpong"),
    ("one-way stream (messages/s)", "coact/stream", "raw/stream", "erlang/stream"),
    ("100 pairs (round trips/s)", "coact/pairs/workers:1", "raw/pairs", "erlang/pairs"),
    ("100 pairs, 2 workers (round trips/s)", "coact/pairs/workers:2", "raw/pairs",
     "erlang/pairs"),
]


def run_bench(binary):
    # The throughput workloads only: crash_to_down (the fault benchmark) is not compared here.
    out = subprocess.run([binary, "--benchmark_format=json",
                          "--benchmark_filter=^(coact|raw)/(pingpong|ask|stream|request|pairs)"],
                         check=True, capture_output=True, text=True).stdout
    rates = {}
    for b in json.loads(out)["benchmarks"]:
        if "error_occurred" in b and b["error_occurred"]:
            sys.exit(f"remote_compare: {b['name']}: {b.get('error_message', 'failed')}")
        name = b["name"].removesuffix("/real_time")
        rates[name] = b["items_per_second"]
        if "p50_us" in b:  # a round trip's median time (ask, request): the p50 target
            rates[name + "#p50_us"] = b["p50_us"]
    return rates


def run_erlang():
    out = subprocess.run(["escript", os.path.join(HERE, "erlang_dist.escript"), "3"], check=True,
                         capture_output=True, text=True, timeout=300).stdout
    rates = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith("erlang/"):
            rates[parts[0]] = float(parts[1])
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default="build/release")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    binary = os.path.join(args.build_dir, "bench", "cluster", "bench_cluster")
    if not os.path.exists(binary):
        sys.exit(f"remote_compare: no {binary} (build the release preset with the cluster library)")
    if shutil.which("escript") is None:
        sys.exit("remote_compare: escript not found (make deps-peers installs erlang-base)")
    samples = {}
    for r in range(args.rounds):
        print(f"[round {r + 1}/{args.rounds}]", file=sys.stderr)
        for rates in (run_bench(binary), run_erlang()):
            for name, rate in rates.items():
                samples.setdefault(name, []).append(rate)
    med = {name: statistics.median(v) for name, v in samples.items()}
    print(f"| workload | coact | raw cnats | Erlang distribution | coact / raw | coact / Erlang |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row, c, raw, erl in ROWS:
        if c not in med or raw not in med or erl not in med:
            continue
        print(f"| {row} | {med[c]:,.0f} | {med[raw]:,.0f} | {med[erl]:,.0f} | "
              f"{med[c] / med[raw]:.2f} | {med[c] / med[erl]:.2f} |")
    c, raw = "coact/ask/workers:1#p50_us", "raw/request#p50_us"
    if c in med and raw in med:
        print(f"\nAsk p50: coact {med[c]:,.1f} µs, raw cnats request {med[raw]:,.1f} µs, "
              f"coact / raw {med[c] / med[raw]:.2f} (lower is better).")
    rounds = f"{args.rounds} round" + ("s" if args.rounds > 1 else "")
    print(f"\n{rounds}, medians; bench_cluster and erlang_dist.escript alternate.")


if __name__ == "__main__":
    main()

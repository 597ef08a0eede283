#!/usr/bin/env python3
"""Runs the peer benchmarks (bench/peers/README.md) side by side and writes a report.

For every workload, every system present (coact always; CAF when caf_peer was built; Erlang when
`escript` is installed) and every thread count (1 and 2), one process runs a warm-up round and
then --rounds timed rounds, printing one JSON line per round. This script collects them and
writes, into --out (bench/results/ by default):

  <date>-<host>.json        the machine, compilers, versions, counts, every round, medians, min/max
  <date>-<host>.md          tables of absolute rates and the ratios coact/peer, and the charts
  <date>-<host>-threads-1.svg, -threads-2.svg   bars per workload, one per system (log scale)
  <date>-<host>-scaling.svg                     2 threads over 1, per workload and system

Progress goes to stderr ("[7/36] threadring caf threads=2 ..."). The exit status is 0 when every
run succeeded, 1 when one failed (the report says which), 2 on bad arguments or a missing coact_peer.

  python3 bench/peers/compare.py                      # what `make compare` runs
  python3 bench/peers/compare.py --quick --out /tmp/x # tiny counts, one round: a smoke test
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# (workload, n, m): the counts every system runs. Items per round: README.md's table.
WORKLOADS = [
    ("pingpong", 1_000_000, None),
    ("threadring", 1_000_000, None),
    ("counting", 1_000_000, None),
    ("fanout", 1_000, 1_000),
    ("spawn", 100_000, None),
    ("pairs", 10_000, 100),
]
QUICK = {
    "pingpong": (10_000, None),
    "threadring": (10_000, None),
    "counting": (10_000, None),
    "fanout": (10, 100),
    "spawn": (1_000, None),
    "pairs": (100, 10),
}
DESCRIPTIONS = {
    "pingpong": "two actors pass a count back and forth",
    "threadring": "a token passes around a ring of 503 actors",
    "counting": "1..n sent to a counter, then one request for the sum",
    "fanout": "one publisher, 1,000 subscribers, n publications each delivered to all",
    "spawn": "n actors spawned, each sent one message, all ended",
    "pairs": "100 independent ping-pong pairs",
}
SYSTEMS = ["coact", "caf", "erlang"]
COLORS = {"coact": "#2b6cb0", "caf": "#dd6b20", "erlang": "#a0282d"}
THREADS = [1, 2]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_text(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "host": socket.gethostname(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "kernel": platform.release(),
        "os": run_text(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
    }


def compiler(build_dir: Path) -> str:
    cache = build_dir / "CMakeCache.txt"
    exe = "c++"
    build_type = ""
    if cache.exists():
        for line in cache.read_text().splitlines():
            if line.startswith("CMAKE_CXX_COMPILER:"):
                exe = line.split("=", 1)[1]
            elif line.startswith("CMAKE_BUILD_TYPE:"):
                build_type = line.split("=", 1)[1]
    first = run_text([exe, "--version"]).splitlines()
    return (first[0] if first else exe) + (f", {build_type}" if build_type else "")


def commands(build_dir: Path) -> tuple[dict, dict]:
    """The command prefix per system present, and why each absent one is absent."""
    present: dict[str, list[str]] = {}
    absent: dict[str, str] = {}
    peers = build_dir / "bench" / "peers"
    coact = peers / "coact_peer"
    if not coact.exists():
        log(f"compare: {coact} is missing: build it first "
            f"(cmake --preset release && cmake --build --preset release --target peers)")
        sys.exit(2)
    present["coact"] = [str(coact)]
    caf = peers / "caf_peer"
    if caf.exists():
        present["caf"] = [str(caf)]
    else:
        absent["caf"] = f"{caf} not built (install libcaf-dev, then configure again)"
    escript = shutil.which("escript")
    if escript:
        present["erlang"] = [escript]
    else:
        absent["erlang"] = "escript not found (install erlang-base)"
    return present, absent


def command_for(system: str, prefix: list[str], workload: str, threads: int, rounds: int,
                n: int, m: int | None) -> tuple[list[str], dict]:
    env = dict(os.environ)
    counts = [str(n)] + ([str(m)] if m is not None else [])
    if system == "erlang":
        env["ERL_FLAGS"] = f"+S {threads}:{threads}"
        script = HERE / "erlang" / f"{workload}.escript"
        return prefix + [str(script), str(threads), str(rounds)] + counts, env
    return prefix + [workload, str(threads), str(rounds)] + counts, env


def parse_rounds(stdout: str, system: str, workload: str, threads: int, rounds: int) -> list[dict]:
    lines = [line for line in stdout.splitlines() if line.strip()]
    if len(lines) != rounds:
        raise ValueError(f"expected {rounds} JSON lines, got {len(lines)}: {stdout[-300:]!r}")
    out = []
    for line in lines:
        record = json.loads(line)
        for key in ("system", "version", "workload", "workers", "threads", "round", "items",
                    "seconds"):
            if key not in record:
                raise ValueError(f"a line lacks '{key}': {line}")
        if record["system"] != system or record["workload"] != workload:
            raise ValueError(f"a line is about {record['system']}/{record['workload']}: {line}")
        if record["workers"] != threads or record["threads"] != threads:
            raise ValueError(f"asked for {threads} threads, the program ran {record['threads']}")
        if record["seconds"] <= 0 or record["items"] <= 0:
            raise ValueError(f"a round with no time or no items: {line}")
        out.append(record)
    return out


def fmt_rate(rate: float | None) -> str:
    if rate is None:
        return "—"
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if rate >= scale:
            return f"{rate / scale:.3g} {unit}/s"
    return f"{rate:.3g} /s"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    return f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


# ---- SVG charts (plain SVG, no plotting library) ---------------------------------------------

def svg_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def bar_chart(title: str, rows: list[str], series: list[str], value, label, log_scale: bool,
              axis_label: str, reference: float | None = None) -> str:
    """Horizontal grouped bars: one group per row, one bar per series; value(row, s) or None."""
    bar_h, gap, group_gap = 14, 2, 14
    left, right, top = 120, 150, 44
    width = 820
    plot_w = width - left - right
    group_h = len(series) * (bar_h + gap) + group_gap
    legend_h = 26
    height = top + len(rows) * group_h + 40 + legend_h
    values = [value(r, s) for r in rows for s in series if value(r, s)]
    if not values:
        values = [1.0]
    if log_scale:
        lo = 10 ** math.floor(math.log10(min(values)))
        hi = 10 ** math.ceil(math.log10(max(values)))
        if hi <= lo:
            hi = lo * 10

        def x_of(v: float) -> float:
            return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        ticks = [lo * 10 ** k for k in range(int(round(math.log10(hi / lo))) + 1)]
    else:
        hi = max(max(values), reference or 0.0) * 1.1
        step = 10 ** math.floor(math.log10(hi))
        if hi / step < 3:
            step /= 2
        ticks = [step * k for k in range(int(hi / step) + 1)]
        hi = max(hi, ticks[-1])

        def x_of(v: float) -> float:
            return left + plot_w * v / hi
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15" '
           f'font-weight="bold">{svg_escape(title)}</text>']
    plot_bottom = top + len(rows) * group_h
    for t in ticks:
        x = x_of(t) if (not log_scale or t > 0) else left
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{plot_bottom}" '
                   f'stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" '
                   f'fill="#555">{svg_escape(label(t, axis=True))}</text>')
    if reference is not None:
        x = x_of(reference)
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{plot_bottom}" '
                   f'stroke="#333" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{left + plot_w / 2}" y="{plot_bottom + 34}" text-anchor="middle" '
               f'fill="#333">{svg_escape(axis_label)}</text>')
    for i, row in enumerate(rows):
        y0 = top + i * group_h
        out.append(f'<text x="{left - 8}" y="{y0 + len(series) * (bar_h + gap) / 2 + 4:.1f}" '
                   f'text-anchor="end" font-weight="bold">{svg_escape(row)}</text>')
        for j, s in enumerate(series):
            y = y0 + j * (bar_h + gap)
            v = value(row, s)
            if not v:
                out.append(f'<text x="{left + 4}" y="{y + bar_h - 3}" fill="#888">{s}: not run'
                           f'</text>')
                continue
            x = x_of(v)
            out.append(f'<rect x="{left}" y="{y}" width="{max(x - left, 1):.1f}" height="{bar_h}" '
                       f'fill="{COLORS[s]}"><title>{s}: {svg_escape(label(v))}</title></rect>')
            out.append(f'<text x="{x + 4:.1f}" y="{y + bar_h - 3}" fill="#222">'
                       f'{svg_escape(label(v))}</text>')
    ly = height - 14
    for j, s in enumerate(series):
        lx = left + j * 110
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{COLORS[s]}"/>')
        out.append(f'<text x="{lx + 16}" y="{ly}">{s}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def rate_label(v: float, axis: bool = False) -> str:
    text = fmt_rate(v)
    return text.replace(" /s", "").replace("/s", "") if axis else text


def ratio_label(v: float, axis: bool = False) -> str:
    return f"{v:g}×" if axis else f"{v:.2f}×"


# ---- the run ---------------------------------------------------------------------------------

def remote_section(build_dir: Path, rounds: int) -> list[str]:
    """The section across processes: bench/cluster/remote_compare.py's table, or why not."""
    md = ["", "## Across processes: coact::cluster, raw cnats, Erlang distribution", ""]
    script = ROOT / "bench" / "cluster" / "remote_compare.py"
    log("compare: the remote section (bench/cluster/remote_compare.py)")
    done = subprocess.run([sys.executable, str(script), "--build-dir", str(build_dir),
                           "--rounds", str(rounds)], capture_output=True, text=True)
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        log(f"compare: remote section not run: {why}")
        return md + [f"Not run: {why}", ""]
    return md + ["Two nodes of one process on a nats-server of their own against raw cnats (the "
                 "same messages, no coact) and two Erlang nodes on this host, alternated "
                 "([bench/cluster](../cluster)).", "", done.stdout.strip(), ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build" / "release")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="tiny counts and one round: checks that everything runs")
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help="comma-separated subset of " + ",".join(SYSTEMS))
    parser.add_argument("--workloads", default=",".join(w for w, _, _ in WORKLOADS))
    parser.add_argument("--timeout", type=float, default=300, help="seconds per process")
    parser.add_argument("--remote", action=argparse.BooleanOptionalAction, default=None,
                        help="add the section across processes (bench/cluster/remote_compare.py:"
                             " coact::cluster, raw cnats, Erlang distribution); on by default,"
                             " off with --quick")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.quick:
        args.rounds = 1
    if args.remote is None:
        args.remote = not args.quick
    wanted_systems = [s for s in args.systems.split(",") if s]
    wanted_workloads = [w for w in args.workloads.split(",") if w]
    for s in wanted_systems:
        if s not in SYSTEMS:
            parser.error(f"unknown system '{s}' (known: {', '.join(SYSTEMS)})")
    known_workloads = [w for w, _, _ in WORKLOADS]
    for w in wanted_workloads:
        if w not in known_workloads:
            parser.error(f"unknown workload '{w}' (known: {', '.join(known_workloads)})")

    present, absent = commands(args.build_dir)
    systems = [s for s in wanted_systems if s in present]
    for s in wanted_systems:
        if s in absent:
            log(f"compare: skipping {s}: {absent[s]}")
    workloads = []
    for name, n, m in WORKLOADS:
        if name in wanted_workloads:
            if args.quick:
                n, m = QUICK[name]
            workloads.append((name, n, m))

    plan = [(w, t, s) for (w, _, _) in workloads for t in THREADS for s in systems]
    counts = {w: (n, m) for w, n, m in workloads}
    results: list[dict] = []
    versions: dict[str, str] = {}
    failures: list[str] = []
    started = time.monotonic()
    for i, (workload, threads, system) in enumerate(plan, 1):
        n, m = counts[workload]
        command, env = command_for(system, present[system], workload, threads, args.rounds, n, m)
        log(f"[{i}/{len(plan)}] {workload} {system} threads={threads} ...")
        shown = " ".join(([f"ERL_FLAGS='{env['ERL_FLAGS']}'"] if system == "erlang" else [])
                         + command).replace(str(ROOT) + "/", "")  # relative to the checkout
        entry = {"workload": workload, "system": system, "threads": threads, "n": n, "m": m,
                 "command": shown}
        t0 = time.monotonic()
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True,
                                  timeout=args.timeout)
            if done.returncode != 0:
                raise ValueError(f"exit status {done.returncode}: {done.stderr.strip()[-400:]}")
            rounds = parse_rounds(done.stdout, system, workload, threads, args.rounds)
        except subprocess.TimeoutExpired:
            rounds, error = None, f"timed out after {args.timeout:g} s"
        except (ValueError, json.JSONDecodeError) as e:
            rounds, error = None, str(e)
        entry["wall_seconds"] = round(time.monotonic() - t0, 3)
        if rounds is None:
            entry["error"] = error
            failures.append(f"{workload} {system} threads={threads}: {error}")
            log(f"      FAILED: {error}")
        else:
            versions[system] = rounds[0]["version"]
            rates = [r["items"] / r["seconds"] for r in rounds]
            entry.update({
                "items": rounds[0]["items"],
                "seconds": [r["seconds"] for r in rounds],
                "rates": rates,
                "median": statistics.median(rates),
                "min": min(rates),
                "max": max(rates),
            })
            log(f"      median {fmt_rate(entry['median'])} "
                f"(min {fmt_rate(entry['min'])}, max {fmt_rate(entry['max'])}), "
                f"{entry['wall_seconds']:.1f} s")
        results.append(entry)
    total = time.monotonic() - started

    now = datetime.datetime.now()
    host = re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname())
    stem = f"{now:%Y-%m-%d}-{host}"
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "date": now.isoformat(timespec="seconds"),
        "machine": machine(),
        "compiler": compiler(args.build_dir),
        "versions": versions,
        "skipped": absent,
        "rounds": args.rounds,
        "quick": args.quick,
        "threads": THREADS,
        "workloads": {w: {"n": n, "m": m, "what": DESCRIPTIONS[w]} for w, n, m in workloads},
        "total_seconds": round(total, 1),
        "results": results,
    }
    (args.out / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")

    def median(workload: str, system: str, threads: int) -> float | None:
        for r in results:
            if (r["workload"], r["system"], r["threads"]) == (workload, system, threads):
                return r.get("median")
        return None

    names = [w for w, _, _ in workloads]
    charts = {}
    for t in THREADS:
        charts[f"threads-{t}"] = bar_chart(
            f"Throughput with {t} thread{'s' if t > 1 else ''} (median of {args.rounds}; log scale)",
            names, systems, lambda w, s, t=t: median(w, s, t), rate_label, True,
            "items per second (messages; deliveries for fanout; actors for spawn)")

    def speedup(w: str, s: str) -> float | None:
        one, two = median(w, s, 1), median(w, s, 2)
        return two / one if one and two else None
    charts["scaling"] = bar_chart("Scaling: rate with 2 threads over rate with 1", names, systems,
                                  speedup, ratio_label, False,
                                  "speed-up (dashed line: 1×, no change)", reference=1.0)
    for name, svg in charts.items():
        (args.out / f"{stem}-{name}.svg").write_text(svg)

    peers = [s for s in systems if s != "coact"]
    md = [f"# coact, CAF and Erlang side by side: {now:%Y-%m-%d}, {host}", ""]
    m_ = report["machine"]
    md += [f"- Machine: {m_['cpu'] or 'unknown CPU'}, {m_['cores']} cores, "
           f"{m_['memory_gib']} GiB, {m_['os']}, Linux {m_['kernel']}",
           f"- Compiler (coact, CAF): {report['compiler']}",
           "- Versions: " + ", ".join(f"{s} {versions.get(s, '?')}" for s in systems),
           f"- Each figure: the median of {args.rounds} timed rounds after one warm-up round, in "
           f"items per second of wall-clock time (min–max below it); all runs one after the "
           f"other in {total:.0f} s, by `python3 bench/peers/compare.py`"
           + (" --quick (tiny counts: not a measurement)" if args.quick else ""),
           ]
    for s, why in absent.items():
        md.append(f"- Not run: {s}: {why}")
    if failures:
        md.append("- **Failed runs:** " + "; ".join(failures))
    md.append("")
    for t in THREADS:
        plural = "s" if t > 1 else ""
        md += [f"## {t} thread{plural}", "",
               f"![throughput with {t} thread{plural}]({stem}-threads-{t}.svg)", ""]
        columns = ["workload"] + systems + [f"coact/{p}" for p in peers]
        if t > 1 and "coact" in systems:
            columns.append(f"coact {t} workers / coact 1 thread")
        md += ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
        for w in names:
            cells = []
            for s in systems:
                entry = next((r for r in results
                              if (r["workload"], r["system"], r["threads"]) == (w, s, t)), None)
                if entry is None or "median" not in entry:
                    cells.append("failed" if entry is not None else "—")
                else:
                    cells.append(f"{fmt_rate(entry['median'])}<br><sub>{fmt_rate(entry['min'])}"
                                 f"–{fmt_rate(entry['max'])}</sub>")
            ratios = [fmt_ratio(median(w, "coact", t), median(w, p, t)) for p in peers]
            if t > 1 and "coact" in systems:
                ratios.append(fmt_ratio(median(w, "coact", t), median(w, "coact", 1)))
            md.append("| " + " | ".join([w] + cells + ratios) + " |")
        md.append("")
    md += ["## Scaling from 1 thread to 2", "", f"![scaling]({stem}-scaling.svg)", "",
           "| workload | " + " | ".join(f"{s} 2 threads / {s} 1 thread" for s in systems) + " |",
           "|" + " --- |" * (1 + len(systems))]
    for w in names:
        md.append(f"| {w} | " + " | ".join(
            fmt_ratio(median(w, s, 2), median(w, s, 1)) for s in systems) + " |")
    md += ["", "## The workloads", "",
           "| workload | n | m | what a round does |", "| --- | --- | --- | --- |"]
    for w, n, m in workloads:
        md.append(f"| {w} | {n:,} | {'' if m is None else f'{m:,}'} | {DESCRIPTIONS[w]} |")
    if args.remote:
        md += remote_section(args.build_dir, args.rounds)
    md += ["", "The programs and the rules they follow: [bench/peers/README.md]"
           "(../peers/README.md). Raw figures, every round: "
           f"[{stem}.json]({stem}.json).", ""]
    (args.out / f"{stem}.md").write_text("\n".join(md))
    log(f"compare: {len(plan)} runs in {total:.0f} s; report {args.out / (stem + '.md')}")
    if failures:
        log("compare: FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

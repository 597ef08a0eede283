#!/usr/bin/env python3
"""The tutorial's pictures, drawn from traces of its example programs, and the check that they
still show what the programs do.

Each picture below is one example program run with COACT_TRACE (which writes one trace per
runtime the program makes: FILE for the first, FILE-<n> for runtime #n), one of those traces,
and how scripts/coact-trace draws it. The example's standard output must stay its .out file:
tracing is set from the environment, not in the code.

    make_pictures.py --targets                 the CMake targets the examples need
    make_pictures.py --build-dir build/release writes the SVGs into docs/images/ (`make pictures`)
    make_pictures.py --check --examples-dir D  runs the examples in D and compares each SVG's
                                               signature with theirs now (CTest: docs.pictures)

A picture's signature (scripts/coact_trace/signature.py) is what it shows without the clock: a
sequence diagram's lanes, messages and marks in order, a timeline's threads and actor names.
--check fails, naming the picture, when a committed SVG's signature is not the one its example
gives now, and says to run `make pictures`. It needs no browser.

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWER = ROOT / "scripts" / "coact-trace"


@dataclass(frozen=True)
class Picture:
    example: str  # docs/examples/<example>.cpp, built as docs_example_<example>
    runtime: int  # which of its runtimes' traces: 1 the first, n the n-th (FILE-n.json)
    view: str  # "sequence" or "timeline"
    output: str  # the SVG, from the repository's root
    title: str
    options: list[str] = field(default_factory=list)  # more coact-trace options


PICTURES = [
    # Chapter 2: Beazley's ping-pong, the chapter's snippet, as a sequence diagram.
    Picture("actors_pingpong", 1, "sequence", "docs/images/tutorial-pingpong.svg",
            "actors_pingpong: ping and pong send a number back and forth up to 9"),
    # Chapter 4: the first runtime, {.workers = 2}: a tally and its 4 prime counters. Which
    # worker runs which counter changes every run; the signature keeps only threads and actors.
    Picture("tutorial_work_stealing", 1, "timeline", "docs/images/tutorial-work-stealing.svg",
            "tutorial_work_stealing: a tally (#1) and 4 prime counters (#2-#5) on 2 workers"),
    # Chapter 5: the fourth runtime, the one_for_one supervisor: the parser fails on
    # "bergen warm", is restarted and takes the lines queued behind it.
    Picture("tutorial_fault_tolerance", 4, "sequence", "docs/images/tutorial-restart.svg",
            "tutorial_fault_tolerance: the supervisor restarts the parser"),
]

SVG_NS = "{http://www.w3.org/2000/svg}"


class Failure(Exception):
    """What went wrong, in a line or a few, for standard error."""


def trace_file(base: Path, runtime: int) -> Path:
    """The file COACT_TRACE=base writes for runtime #runtime (runtime/src/trace/tracer.cpp)."""
    return base if runtime == 1 else base.with_name(f"{base.stem}-{runtime}{base.suffix}")


def run_example(examples_dir: Path, example: str, work: Path) -> Path:
    """Runs one example with COACT_TRACE=work/<example>.json; returns that path."""
    exe = examples_dir / example
    if not exe.is_file():
        raise Failure(f"{exe}: not built (cmake --build --preset release --target "
                      f"docs_example_{example})")
    base = work / f"{example}.json"
    for old in work.glob(f"{example}*.json"):
        old.unlink()
    env = dict(os.environ, COACT_TRACE=str(base))
    r = subprocess.run([str(exe)], env=env, capture_output=True, text=True, timeout=300, check=False)
    if r.returncode != 0:
        raise Failure(f"{exe} exited with {r.returncode}:\n{r.stdout}{r.stderr}")
    expected = ROOT / "docs" / "examples" / f"{example}.out"
    if expected.is_file():  # docs.example.<example> checks it too, but without tracing

        def lines(text: str) -> list[str]:
            return [line.rstrip() for line in text.rstrip().splitlines()]

        if lines(r.stdout) != lines(expected.read_text(encoding="utf-8")):
            print(f"make_pictures: note: traced, {example} does not print "
                  f"{expected.relative_to(ROOT)} (docs.example.{example} checks that)",
                  file=sys.stderr)
    return base


def the_trace(base: Path, pic: Picture) -> Path:
    path = trace_file(base, pic.runtime)
    if not path.is_file():
        raise Failure(f"{pic.example} wrote no trace for runtime #{pic.runtime} ({path.name}): "
                      f"does it still make {pic.runtime} runtimes?")
    number = json.loads(path.read_text(encoding="utf-8")).get("otherData", {}).get("runtime")
    if number != pic.runtime:
        raise Failure(f"{path}: the trace of runtime #{number}, not #{pic.runtime}")
    return path


def viewer(trace: Path, pic: Picture, *args: str) -> str:
    cmd = [sys.executable, str(VIEWER), str(trace), "--view", pic.view, "--title", pic.title,
           *pic.options, *args]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise Failure(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def committed_signature(svg: Path) -> str | None:
    try:
        desc = ET.parse(svg).getroot().find(f"{SVG_NS}desc[@id='coact-signature']")
    except (OSError, ET.ParseError):
        return None
    return None if desc is None else (desc.text or "").lstrip("\n")


def traces(examples_dir: Path, work: Path) -> dict[str, Path]:
    """Runs each example once; its pictures share the run."""
    bases: dict[str, Path] = {}
    for pic in PICTURES:
        if pic.example not in bases:
            bases[pic.example] = run_example(examples_dir, pic.example, work)
    return bases


def make(examples_dir: Path, work: Path) -> int:
    work.mkdir(parents=True, exist_ok=True)
    bases = traces(examples_dir, work)
    for pic in PICTURES:
        viewer(the_trace(bases[pic.example], pic), pic, "--svg", str(ROOT / pic.output))
        print(f"make_pictures: {pic.output} from {pic.example} (runtime #{pic.runtime}, {pic.view})")
    return 0


def check(examples_dir: Path, work: Path) -> int:
    bases = traces(examples_dir, work)
    failed = 0
    for pic in PICTURES:
        now = viewer(the_trace(bases[pic.example], pic), pic, "--signature")
        then = committed_signature(ROOT / pic.output)
        if then == now:
            print(f"docs.pictures: {pic.output} shows what {pic.example} does")
            continue
        failed += 1
        why = ("is missing or has no signature" if then is None else
               f"no longer shows what {pic.example} does (runtime #{pic.runtime}, {pic.view})")
        print(f"docs.pictures: FAILED: {pic.output} {why}: run `make pictures` and commit it",
              file=sys.stderr)
        if then is not None:
            sys.stderr.writelines(difflib.unified_diff(
                then.splitlines(keepends=True), now.splitlines(keepends=True),
                f"{pic.output} (committed)", f"{pic.example} (now)"))
    return 1 if failed else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--targets", action="store_true", help="print the examples' CMake targets")
    p.add_argument("--build-dir", type=Path, help="a build tree (build/<preset>)")
    p.add_argument("--examples-dir", type=Path, help="where the examples are (default: "
                   "BUILD_DIR/docs/examples)")
    p.add_argument("--work-dir", type=Path, help="where the traces go (default: "
                   "BUILD_DIR/pictures; a temporary folder for --check)")
    p.add_argument("--check", action="store_true", help="compare, do not write")
    args = p.parse_args()
    if args.targets:
        print(" ".join(dict.fromkeys(f"docs_example_{pic.example}" for pic in PICTURES)))
        return 0
    if not args.examples_dir and not args.build_dir:
        p.error("give --build-dir or --examples-dir")
    examples = args.examples_dir or args.build_dir / "docs" / "examples"
    try:
        if args.check:
            if args.work_dir:
                args.work_dir.mkdir(parents=True, exist_ok=True)
                return check(examples, args.work_dir)
            with tempfile.TemporaryDirectory(prefix="coact-pictures-") as tmp:
                return check(examples, Path(tmp))
        work = args.work_dir or (args.build_dir or examples.parent.parent) / "pictures"
        return make(examples, work)
    except Failure as e:
        print(f"make_pictures: FAILED: {e}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as e:
        print(f"make_pictures: FAILED: {e.cmd[0]} ran over {e.timeout} s", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""The command line of scripts/coact-trace."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .model import TraceError, build, load
from .page import page_html
from .signature import signature
from .svg import sequence_svg, timeline_svg

# "auto" picks the sequence diagram up to this many messages, the timeline above.
AUTO_SEQUENCE_MESSAGES = 200


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="coact-trace",
        description="Turn a coact trace (COACT_TRACE=FILE) into a self-contained HTML page "
        "or a static SVG: a sequence diagram of the messages, or a timeline of the turns.")
    p.add_argument("trace", help="the trace file (Chrome Trace Event Format JSON)")
    p.add_argument("-o", "--output", metavar="OUT.html", help="write the interactive page here")
    p.add_argument("--svg", metavar="OUT.svg", help="write a static picture here")
    p.add_argument("--view", choices=("auto", "sequence", "timeline"), default="auto",
                   help="which view the page opens with and the SVG draws (default: auto, the "
                   f"sequence diagram up to {AUTO_SEQUENCE_MESSAGES} messages)")
    p.add_argument("--max-messages", type=int, default=60, metavar="N",
                   help="the SVG's sequence diagram draws the first N messages (default 60)")
    p.add_argument("--title", help="the heading (default: the trace's file name)")
    p.add_argument("--signature", action="store_true",
                   help="print what the SVG of this view would show, stable from run to run "
                   "(the SVG carries the same text in <desc id=\"coact-signature\">)")
    args = p.parse_args(argv)
    if not args.output and not args.svg and not args.signature:
        p.error("nothing to write: give -o OUT.html, --svg OUT.svg, --signature or several")
    if args.max_messages < 1:
        p.error("--max-messages must be at least 1")
    return args


def write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise TraceError(f"{path}: cannot write ({e.strerror})") from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        model = build(load(args.trace), args.title or Path(args.trace).name)
        view = args.view
        if view == "auto":
            few = model["summary"]["messages"] <= AUTO_SEQUENCE_MESSAGES
            view = "sequence" if few and model["summary"]["messages"] > 0 else "timeline"
        if args.output:
            write(args.output, page_html(model, view))
        if args.svg:
            svg = (sequence_svg(model, args.max_messages) if view == "sequence"
                   else timeline_svg(model))
            write(args.svg, svg)
        if args.signature:
            sys.stdout.write(signature(model, view, args.max_messages))
    except TraceError as e:
        print(f"coact-trace: {e}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as e:
        # A file that is JSON but not the shape the runtime writes: one line, not a traceback.
        print(f"coact-trace: {args.trace}: not a coact trace ({type(e).__name__}: {e})",
              file=sys.stderr)
        return 2
    return 0

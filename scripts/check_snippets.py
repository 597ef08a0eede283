#!/usr/bin/env python3
"""Check that the code shown in the documentation is code that builds.

Every fenced C++ block in the Markdown files under docs/ and in README.md must be cut from a
source file that the build compiles, and say so on the line before it:

    <!-- snippet: docs/examples/generators.cpp#fib -->
    ```cpp
    ...exactly the lines of the region "fib", dedented...
    ```

In the source file the region is marked with comment lines (any of them may be indented):

    // [snippet:fib]
    ...
    // [/snippet:fib]

(`#` comments work too, for CMake or shell sources.) Marker lines are left out of the region, so
regions may nest or overlap; the region is dedented and its leading and trailing blank lines are
dropped; trailing whitespace is ignored on both sides.

A C++ block that deliberately shows code that is not compiled (a compile error, pseudo-code)
says why instead: `<!-- snippet: none (the error g++ 12 gives) -->`. A C++ block with no marker
at all is an error, so no uncompiled code slips into the docs. Blocks in other languages need no
marker, but may have one.

Program output can be checked the same way: a block preceded by
`<!-- output: docs/examples/generators.out -->` must be a run of consecutive lines of that file
(the docs' CTest tests compare each example's output with its .out file).

    check_snippets.py            check; exit 1 naming file, line and snippet on any problem
    check_snippets.py --fix      rewrite the snippet blocks from their sources, then check
    check_snippets.py FILE.md    only these Markdown files

Pure Python 3 standard library.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

CPP_LANGUAGES = {"cpp", "c++", "cxx", "cc", "hpp", "hxx", "h++"}

# Indented 4 spaces or more, a marker is inside an indented code block: an example, not a marker.
MARKER_RE = re.compile(r"^ {0,3}<!--\s*(snippet|output)\s*:\s*(.*?)\s*-->\s*$")
NONE_RE = re.compile(r"^none\s*\((.*\S.*)\)$")
FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")
REGION_START_RE = re.compile(r"^\s*(?://|#)\s*\[snippet:(?P<name>[\w.\-]+)\]\s*$")
REGION_END_RE = re.compile(r"^\s*(?://|#)\s*\[/snippet:(?P<name>[\w.\-]+)\]\s*$")


@dataclass
class Block:
    """A fenced block in a Markdown file."""

    start: int  # index of the opening fence line
    end: int  # index of the closing fence line
    indent: str
    language: str
    marker_kind: str | None  # "snippet", "output" or None
    marker_value: str | None
    marker_line: int | None  # index of the marker line

    def content(self, lines: list[str]) -> list[str]:
        return [strip_indent(line, self.indent) for line in lines[self.start + 1 : self.end]]


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    snippets: int = 0
    outputs: int = 0
    fixed: int = 0

    def error(self, where: str, message: str, detail: str = "") -> None:
        self.errors.append(f"{where}: {message}" + (f"\n{detail}" if detail else ""))


def strip_indent(line: str, indent: str) -> str:
    if line.startswith(indent):
        return line[len(indent) :]
    return line.lstrip(" \t")


def dedent(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    widths = [len(line) - len(line.lstrip(" \t")) for line in lines if line]
    cut = min(widths, default=0)
    return [line[cut:] for line in lines]


def find_blocks(lines: list[str], where: str, report: Report) -> list[Block]:
    """The fenced blocks of a Markdown file, each with the marker line before it (if any)."""
    blocks: list[Block] = []
    pending: tuple[str, str, int] | None = None  # a marker waiting for its block
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = MARKER_RE.match(line)
        if marker:
            if pending:
                report.error(f"{where}:{pending[2] + 1}", "marker not followed by a fenced block")
            pending = (marker.group(1), marker.group(2), i)
            i += 1
            continue
        fence = FENCE_RE.match(line)
        if fence:
            indent, opening = fence.group("indent"), fence.group("fence")
            language = fence.group("info").split()[0].lower() if fence.group("info") else ""
            close = i + 1
            while close < len(lines):
                stripped = lines[close].strip()
                if (
                    stripped.startswith(opening[0] * len(opening))
                    and not stripped.strip(opening[0])
                ):
                    break
                close += 1
            if close == len(lines):
                report.error(f"{where}:{i + 1}", "fenced block is never closed")
                return blocks
            kind, value, at = pending if pending else (None, None, None)
            blocks.append(Block(i, close, indent, language, kind, value, at))
            pending = None
            i = close + 1
            continue
        if line.strip() and pending:
            report.error(f"{where}:{pending[2] + 1}", "marker not followed by a fenced block")
            pending = None
        i += 1
    if pending:
        report.error(f"{where}:{pending[2] + 1}", "marker not followed by a fenced block")
    return blocks


class Sources:
    """Snippet regions of source files, read once each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.regions: dict[str, dict[str, list[str]] | None] = {}
        self.broken: dict[str, dict[str, str]] = {}
        self.texts: dict[str, list[str] | None] = {}

    def lines(self, rel: str) -> list[str] | None:
        if rel not in self.texts:
            path = self.root / rel
            try:
                self.texts[rel] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self.texts[rel] = None
        return self.texts[rel]

    def region(self, rel: str, name: str) -> tuple[list[str] | None, str]:
        """The dedented region `name` of file `rel`, or None and why not."""
        if rel not in self.regions:
            self._parse(rel)
        regions = self.regions[rel]
        if regions is None:
            return None, f"cannot read {rel}"
        if name in self.broken.get(rel, {}):
            return None, self.broken[rel][name]
        if name not in regions:
            return None, f"{rel} has no region [snippet:{name}]"
        return dedent(regions[name]), ""

    def _parse(self, rel: str) -> None:
        text = self.lines(rel)
        if text is None:
            self.regions[rel] = None
            return
        regions: dict[str, list[str]] = {}
        broken: dict[str, str] = {}  # region name -> what is wrong with it
        open_names: list[str] = []
        for number, line in enumerate(text, start=1):
            start, end = REGION_START_RE.match(line), REGION_END_RE.match(line)
            if start:
                name = start.group("name")
                if name in regions:
                    broken[name] = f"{rel}:{number}: region {name} is defined twice"
                regions[name] = []
                open_names.append(name)
            elif end:
                name = end.group("name")
                if name not in open_names:
                    broken[name] = f"{rel}:{number}: [/snippet:{name}] closes no open region"
                else:
                    open_names.remove(name)
            else:
                for name in open_names:
                    regions[name].append(line)
        for name in open_names:
            broken[name] = f"{rel}: region {name} is never closed"
        self.regions[rel] = regions
        self.broken[rel] = broken


def resolve(root: Path, rel: str) -> str | None:
    """`rel` as a path relative to root, or None if it leaves the repository."""
    path = (root / rel).resolve()
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def check_file(md: Path, root: Path, sources: Sources, fix: bool, report: Report) -> None:
    rel_md = md.resolve().relative_to(root.resolve()).as_posix()
    text = md.read_text(encoding="utf-8")
    lines = text.splitlines()
    blocks = find_blocks(lines, rel_md, report)
    replacements: list[tuple[Block, list[str]]] = []

    for block in blocks:
        where = f"{rel_md}:{block.start + 1}"
        is_cpp = block.language in CPP_LANGUAGES
        if block.marker_kind is None:
            if is_cpp:
                report.error(
                    where,
                    f"```{block.language} block without a snippet marker: put "
                    "<!-- snippet: docs/examples/FILE.cpp#NAME --> on the line before it "
                    "(or <!-- snippet: none (reason) --> for code that is not compiled)",
                )
            continue

        value = block.marker_value or ""
        if block.marker_kind == "snippet":
            if value.startswith("none"):
                if not NONE_RE.match(value):
                    report.error(where, "'snippet: none' needs a reason: <!-- snippet: none (why) -->")
                continue
            report.snippets += 1
            if "#" not in value:
                report.error(where, f"snippet marker '{value}' is not FILE#NAME")
                continue
            file_part, name = value.rsplit("#", 1)
            rel = resolve(root, file_part)
            if rel is None:
                report.error(where, f"snippet {value}: the file is outside the repository")
                continue
            wanted, why = sources.region(rel, name)
            if wanted is None:
                report.error(where, f"snippet {value}: {why}")
                continue
            shown = [line.rstrip() for line in block.content(lines)]
            if shown != wanted:
                if fix:
                    replacements.append((block, wanted))
                    continue
                diff = "\n".join(
                    "    " + d
                    for d in difflib.unified_diff(
                        wanted, shown, f"{value} (source)", f"{rel_md} (shown)", lineterm="", n=1
                    )
                )
                report.error(where, f"snippet {value} differs from its source", diff)
        else:  # output
            report.outputs += 1
            rel = resolve(root, value)
            expected = sources.lines(rel) if rel else None
            if expected is None:
                report.error(where, f"output {value}: cannot read the file")
                continue
            shown = [line.rstrip() for line in block.content(lines)]
            expected = [line.rstrip() for line in expected]
            if not shown or not any(
                expected[i : i + len(shown)] == shown for i in range(len(expected) - len(shown) + 1)
            ):
                report.error(
                    where,
                    f"output block is not a run of consecutive lines of {value} "
                    "(rerun the example and copy its output)",
                )

    if replacements:
        for block, wanted in sorted(replacements, key=lambda r: r[0].start, reverse=True):
            body = [(block.indent + line) if line else "" for line in wanted]
            lines[block.start + 1 : block.end] = body
        md.write_text("\n".join(lines) + ("\n" if text.endswith("\n") else ""), encoding="utf-8")
        report.fixed += len(replacements)
        print(f"{rel_md}: rewrote {len(replacements)} snippet block(s) from their sources")


def markdown_files(root: Path) -> list[Path]:
    files = sorted((root / "docs").rglob("*.md")) if (root / "docs").is_dir() else []
    readme = root / "README.md"
    if readme.is_file():
        files.append(readme)
    return files


def main(argv: list[str]) -> int:
    default_root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=default_root, help="the repository root")
    parser.add_argument("--fix", action="store_true", help="rewrite snippet blocks from sources")
    parser.add_argument("files", nargs="*", type=Path, help="Markdown files (default: all)")
    args = parser.parse_args(argv)

    root: Path = args.root.resolve()
    files = [f.resolve() for f in args.files] if args.files else markdown_files(root)
    sources = Sources(root)
    report = Report()
    for md in files:
        if not md.is_file():
            report.error(str(md), "no such Markdown file")
            continue
        try:
            md.resolve().relative_to(root)
        except ValueError:
            report.error(str(md), f"not inside the repository root {root}")
            continue
        check_file(md, root, sources, args.fix, report)

    if report.errors:
        for message in report.errors:
            print(message, file=sys.stderr)
        print(f"check_snippets: {len(report.errors)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"check_snippets: {report.snippets} snippet and {report.outputs} output block(s) "
        f"in {len(files)} file(s) match their sources"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Checks the names of the Catch2 test cases under tests/ for what CTest cannot take.

catch_discover_tests registers each TEST_CASE as a CTest test named after it, and CTest splits
names at ';': a case named "a; b" becomes two tests that match nothing, and fail ("No test cases
matched"). This finds such names before CTest does, naming the file and line.

    scripts/check_test_names.py [--root DIR]     # exit 1 and one line per bad name
"""
import argparse
import pathlib
import re
import sys

# TEST_CASE( then one or more adjacent string literals (a name split over lines).
CASE = re.compile(r'TEST_CASE\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', re.S)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=pathlib.Path(__file__).resolve().parent.parent)
    root = pathlib.Path(parser.parse_args().root)
    bad = 0
    for path in sorted((root / "tests").rglob("*.cpp")):
        text = path.read_text(encoding="utf-8")
        for m in CASE.finditer(text):
            name = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
            if ";" in name:
                line = text.count("\n", 0, m.start()) + 1
                print(f"{path.relative_to(root)}:{line}: test case name has ';', which CTest "
                      f"splits into two tests: \"{name}\"")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

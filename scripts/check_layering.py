#!/usr/bin/env python3
"""Check that the engine keeps its layers (docs/design/architecture.md, "Rules the layers keep").

    scripts/check_layering.py [--root DIR]     # exit 1 and one line per breach
    scripts/check_layering.py --self-test      # proves each rule catches what it should

The rules, checked on code with its comments removed:
  1. Only the scheduler folders (runtime/include/coact/detail/scheduler/, runtime/src/scheduler/)
     name a scheduler implementation (local_scheduler, deterministic_scheduler,
     work_stealing_scheduler, remote_queue, worker, sched.local, sched.stealing). The one
     exception is the cell's own declaration (context.hpp), which befriends the schedulers.
  2. Nothing tests a mode flag: no `parallel` identifier, no `*_parallel` twin, no
     lock_if_parallel, in runtime/ and actors/.
  3. A public header includes only public headers: every #include "..." under runtime/include
     and actors/include names a coact/ header; the private ones (runtime/src) never install.
  4. The actor layer does not include a scheduler's private headers (scheduler/local/...,
     scheduler/work_stealing/...).
  5. The work-stealing scheduler's private pieces are not in the installed tree.
Include lines alone would miss the old coupling (one struct whose members two files defined),
so rules 1 and 2 look at names, not only at includes.
"""
import argparse
import os
import re
import sys
import tempfile

IMPLEMENTATION_NAMES = re.compile(
    r"\b(local_scheduler|deterministic_scheduler|work_stealing_scheduler|remote_queue|"
    r"remote_item|worker)\b|\bsched\.(local|stealing)\b|\bcurrent_worker\b")
MODE_TESTS = re.compile(r"\bparallel\b|\w+_parallel\b|\block_if_parallel\b")
PRIVATE_PIECES = ("work_deque.hpp", "idle.hpp", "parker.hpp", "spin.hpp", "remote_queue.hpp")
SCHEDULER_FOLDERS = ("runtime/include/coact/detail/scheduler/", "runtime/src/scheduler/")
# The cell's declaration: forward declarations of the schedulers and their friendship.
CELL_EXCEPTION = ("runtime/include/coact/context.hpp",
                  re.compile(r"^\s*(friend\s+)?class\s+(detail::)?\w+_scheduler;\s*$"))


def strip_comments(text):
    """Removes // and /* */ comments (and string literals' contents), keeping line numbers."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def sources(root, folders):
    for folder in folders:
        base = os.path.join(root, folder)
        for dirpath, _, files in os.walk(base):
            for f in sorted(files):
                if f.endswith((".hpp", ".cpp", ".h")):
                    path = os.path.join(dirpath, f)
                    yield os.path.relpath(path, root).replace(os.sep, "/"), path


def check(root):
    breaches = []
    for rel, path in sources(root, ("runtime", "actors")):
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        code = strip_comments(raw)
        lines = code.split("\n")
        in_scheduler = rel.startswith(SCHEDULER_FOLDERS)
        for number, line in enumerate(lines, 1):
            if not in_scheduler and IMPLEMENTATION_NAMES.search(line):
                if not (rel == CELL_EXCEPTION[0] and CELL_EXCEPTION[1].match(line)):
                    breaches.append(f"{rel}:{number}: names a scheduler implementation outside "
                                    f"the scheduler folders: {line.strip()}")
            if MODE_TESTS.search(line):
                breaches.append(f"{rel}:{number}: tests a mode flag: {line.strip()}")
        for number, line in enumerate(raw.split("\n"), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            target = m.group(1)
            public = rel.startswith(("runtime/include/", "actors/include/"))
            if public and not target.startswith("coact/"):
                breaches.append(f"{rel}:{number}: a public header includes a private one: "
                                f"{target}")
            actor_layer = rel.startswith(("runtime/src/actor/",
                                          "runtime/include/coact/detail/actor/"))
            if actor_layer and target.startswith(("scheduler/local/", "scheduler/work_stealing/")):
                breaches.append(f"{rel}:{number}: the actor layer includes a scheduler's private "
                                f"header: {target}")
    for rel, _ in sources(root, ("runtime/include",)):
        if os.path.basename(rel) in PRIVATE_PIECES:
            breaches.append(f"{rel}: a private piece of a scheduler is in the installed tree")
    return breaches


def self_test():
    """Builds a tiny tree with one breach of each rule and checks each is reported."""
    cases = {
        "runtime/src/actor/a.cpp": "void f(core& k) { k.sched.stealing->x(); }\n",
        "runtime/src/actor/b.cpp": "void g(core& k) { if (k.parallel) {} }\n",
        "runtime/include/coact/c.hpp": '#include "scheduler/work_stealing/idle.hpp"\n',
        "runtime/src/actor/d.cpp": '#include "scheduler/local/remote_queue.hpp"\n',
        "runtime/include/coact/detail/idle.hpp": "int x;\n",
        "runtime/src/actor/e.cpp": "// work_stealing_scheduler in a comment is fine\n",
        "runtime/include/coact/context.hpp": "    friend class detail::local_scheduler;\n",
        "runtime/src/scheduler/ok.cpp": "void h(core& k) { k.sched.local->run(false); }\n",
    }
    expected = ["runtime/src/actor/a.cpp:1:", "runtime/src/actor/b.cpp:1:",
                "runtime/include/coact/c.hpp:1:", "runtime/src/actor/d.cpp:1:",
                "runtime/include/coact/detail/idle.hpp:"]
    with tempfile.TemporaryDirectory() as root:
        for rel, text in cases.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        found = check(root)
    missing = [e for e in expected if not any(b.startswith(e) for b in found)]
    extra = [b for b in found if not any(b.startswith(e) for e in expected)]
    for m in missing:
        print(f"check_layering self-test: not caught: {m}")
    for x in extra:
        print(f"check_layering self-test: reported wrongly: {x}")
    return 1 if missing or extra else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        sys.exit(self_test())
    breaches = check(os.path.abspath(args.root))
    for b in breaches:
        print(b)
    if breaches:
        print(f"check_layering: {len(breaches)} breach(es) of the layers "
              "(docs/design/architecture.md)")
        sys.exit(1)
    print("check_layering: the layers hold")


if __name__ == "__main__":
    main()

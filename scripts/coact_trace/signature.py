"""What a picture shows, as text that stays the same from run to run of the same program: the
SVGs carry it (<desc id="coact-signature">) and `coact-trace --signature` prints it, so that a
check (scripts/make_pictures.py --check) can tell whether a committed picture still shows what
its program does now, although every run's timestamps differ.

    sequence                    timeline
    lanes: ping | pong | ...    threads: outside | worker 0 | worker 1
    ping:spawn                  actors: <anonymous #1> | <anonymous #2> | ...
    outside→ping:int
    ping→pong:int
    ...

A sequence diagram's signature is its lanes in order, then its messages (from→to:type) and its
lane instants (actor:name) in the order the picture draws them, top to bottom: the same for every
run of a deterministic single-threaded program. A timeline's is only its thread rows and the set
of actor names, which is what stays when several workers share the work differently each run.
"""

from __future__ import annotations

from .model import sequence_layout

HEAD = "coact-trace signature 1"


def sequence_signature(model: dict, max_messages: int) -> str:
    lay = sequence_layout(model, max_messages)
    name = [a["name"] for a in model["actors"]]
    lines = [HEAD, "sequence", "lanes: " + " | ".join(name[a] for a in lay["lanes"])]
    items = [(r0, 1, f"{name[frm]}→{name[to]}:{label}") for frm, to, r0, _r1, label in lay["arrows"]]
    items += [(r, 0, f"{name[a]}:{kind}") for a, r, kind, _detail in lay["marks"]]
    lines += [text for _row, _mark_first, text in sorted(items, key=lambda i: (i[0], i[1]))]
    return "\n".join(lines) + "\n"


def timeline_signature(model: dict) -> str:
    actors = sorted({a["name"] for a in model["actors"] if a["id"] != 0})
    return "\n".join([HEAD, "timeline", "threads: " + " | ".join(t["name"] for t in model["threads"]),
                      "actors: " + " | ".join(actors)]) + "\n"


def signature(model: dict, view: str, max_messages: int) -> str:
    return sequence_signature(model, max_messages) if view == "sequence" else timeline_signature(model)

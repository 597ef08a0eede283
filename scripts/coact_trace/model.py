"""A coact trace (Chrome Trace Event Format, written with COACT_TRACE=FILE) read into the
compact model that both views draw: threads, actors, turns, matched messages and instants.

    trace = load("run.json")          # raises TraceError with a one-line reason
    model = build(trace, title="run")  # a dict of lists, JSON-ready for the page

Times in the model are microseconds from the first event. Events may come in any order across
threads; unknown phases and names are kept as plain instants or ignored, never an error.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from pathlib import Path

from .style import STYLE

# Instants drawn on an actor's lane in the sequence diagram, and how.
INSTANT_KINDS = {
    "spawn": "spawn",
    "end": "end",
    "failure": "failure",
    "restart": "restart",
    "dead letter": "dead",
    "timer": "timer",
    "publish": "publish",
    "remote send": "remote",
    "remote receive": "remote",
}


class TraceError(Exception):
    """What is wrong with a trace file, in one line."""


def load(path: str) -> dict:
    p = Path(path)
    if not p.is_file():
        raise TraceError(f"{path}: no such file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise TraceError(f"{path}: not UTF-8 text ({e.reason})") from None
    except json.JSONDecodeError as e:
        raise TraceError(f"{path}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    if isinstance(data, list):  # the format's bare array form
        data = {"traceEvents": data}
    if not isinstance(data, dict) or not isinstance(data.get("traceEvents"), list):
        raise TraceError(f"{path}: no traceEvents list (not a Chrome trace)")
    return data


def _num(value, default=0.0) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _args(event: dict) -> dict:
    args = event.get("args")
    return args if isinstance(args, dict) else {}


def type_name(name) -> str:
    """A message's type as the picture shows it: without "(anonymous namespace)::", which the
    runtime's demangled names carry for every type an example declares in one."""
    return str(name).replace("(anonymous namespace)::", "")


def _detail(name: str, args: dict) -> str:
    """The text shown next to an instant: the part of its args that says what happened."""
    if name == "end":
        return str(args.get("reason", ""))
    if name == "failure":
        return str(args.get("error", ""))
    if name == "dead letter":
        return f"{args.get('message', '')} to {args.get('to', '?')}"
    if name == "publish":
        return f"{args.get('topic', '')}: {args.get('message', '')} ({args.get('subscribers', 0)} subscribers)"
    if name.startswith("remote"):
        return f"{args.get('message', '')} {args.get('to', '')} @ {args.get('node', '')}".strip()
    return ""


class _Actors:
    """Actors keyed by id, numbered by first appearance (that number is the lane)."""

    def __init__(self) -> None:
        self.index: dict[int, int] = {}
        self.list: list[dict] = []

    def see(self, actor_id, name) -> int:
        if not isinstance(actor_id, int) or isinstance(actor_id, bool):
            return -1
        i = self.index.get(actor_id)
        if i is None:
            i = self.index[actor_id] = len(self.list)
            label = "outside" if actor_id == 0 else (str(name) if name else f"#{actor_id}")
            self.list.append({"id": actor_id, "name": label})
        elif name and self.list[i]["name"].startswith("#") and actor_id != 0:
            self.list[i]["name"] = str(name)
        return i


def build(trace: dict, title: str = "") -> dict:
    events = [e for e in trace["traceEvents"] if isinstance(e, dict)]
    other = trace.get("otherData") if isinstance(trace.get("otherData"), dict) else {}

    thread_names: dict[int, str] = {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            thread_names[int(_num(e.get("tid")))] = str(_args(e).get("name", ""))
    timed = [e for e in events if e.get("ph") in ("X", "s", "f", "i", "I", "B", "E")]
    timed.sort(key=lambda e: _num(e.get("ts")))  # stable: each thread's order stays
    t0 = _num(timed[0].get("ts")) if timed else 0.0

    tids = sorted({int(_num(e.get("tid"))) for e in timed} | set(thread_names))
    thread_row = {tid: i for i, tid in enumerate(tids)}
    threads = [{"tid": t, "name": thread_names.get(t, f"thread {t}")} for t in tids]

    actors = _Actors()
    turns: list[list] = []  # [row, start, dur, actor, message, messages]
    sends: dict = {}
    takes: dict = {}
    instants: list[list] = []  # [row, ts, name, actor, detail, order]
    # `order` is an event's place in `timed`: events of one time (a single-threaded turn's
    # messages share its clock reading) keep the order their thread recorded them in.
    for order, e in enumerate(timed):
        ph, args = e.get("ph"), _args(e)
        ts = round(_num(e.get("ts")) - t0, 3)
        row = thread_row[int(_num(e.get("tid")))]
        if ph == "X":
            a = actors.see(args.get("id"), args.get("actor") or e.get("name"))
            turns.append([row, ts, round(_num(e.get("dur")), 3), a,
                          type_name(args.get("message", "")), int(_num(args.get("messages"), 0))])
        elif ph in ("s", "f"):
            fid = json.dumps(e.get("id"), sort_keys=True)  # any JSON value, hashable
            if ph == "f":
                takes.setdefault(fid, (ts, row, order))
                continue
            frm = actors.see(args.get("from_id"), args.get("from"))
            to = actors.see(args.get("to_id"), args.get("to"))
            sends.setdefault(fid, (ts, frm, to, type_name(e.get("name", "")), row, order))
        elif ph in ("i", "I"):
            name = str(e.get("name", ""))
            a = -1
            if "id" in args:
                a = actors.see(args.get("id"), args.get("actor"))
            elif name == "dead letter" and "to_id" in args:
                a = actors.see(args.get("to_id"), args.get("to"))
            instants.append([row, ts, name, a, _detail(name, args), order])

    # An instant without an actor belongs to the turn around it on its thread, if any.
    by_row: dict[int, list] = {}
    for t in turns:
        by_row.setdefault(t[0], []).append(t)
    starts = {r: [t[1] for t in ts] for r, ts in by_row.items()}
    for inst in instants:
        if inst[3] < 0 and inst[0] in by_row:
            k = bisect_right(starts[inst[0]], inst[1]) - 1
            if k >= 0:
                t = by_row[inst[0]][k]
                if t[1] <= inst[1] <= t[1] + t[2]:
                    inst[3] = t[3]

    # [from, to, sent, taken, message, sent row, taken row, send's order, take's order]
    flows = []
    for fid, (ts, frm, to, name, row, order) in sends.items():
        if fid in takes and frm >= 0 and to >= 0:
            taken, taken_row, taken_order = takes[fid]
            flows.append([frm, to, ts, taken, name, row, taken_row, order, taken_order])
    flows.sort(key=lambda f: (f[2], f[7]))

    end = max([t[1] + t[2] for t in turns] + [f[3] for f in flows] + [i[1] for i in instants] + [0.0])
    dropped = int(_num(other.get("dropped"), 0))
    return {
        "title": title,
        "summary": {
            "actors": sum(1 for a in actors.list if a["id"] != 0),
            "messages": len(flows),
            "unmatched": len(sends) - len(flows),
            "turns": len(turns),
            "threads": len(threads),
            "span": round(end, 3),
            "dropped": dropped,
            "recorded": int(_num(other.get("recorded"), len(events))),
            "workers": int(_num(other.get("workers"), 0)),
        },
        "threads": threads,
        "actors": actors.list,
        "turns": turns,
        "flows": flows,
        "instants": instants,
    }


def sequence_layout(model: dict, limit: int) -> dict:
    """Rows of the sequence diagram, top to bottom; only the first `limit` messages (by send
    time) are drawn. Events are placed in time order, and events of one time in the order their
    thread recorded them: a row holds one lane instant alone, or at most one take followed by at
    most one send (a message arrives and another leaves from the same point). So the messages of
    one single-threaded turn, which share its clock reading, still get a row each."""
    flows = model["flows"][:limit]
    cut = max((f[3] for f in flows), default=None)
    if len(model["flows"]) <= limit:
        cut = None  # everything fits: keep the instants after the last message too
    marks = [i for i in model["instants"] if i[3] >= 0 and (cut is None or i[1] <= cut)]
    events = ([(f[2], f[7], "send", k) for k, f in enumerate(flows)]
              + [(f[3], f[8], "take", k) for k, f in enumerate(flows)]
              + [(i[1], i[5], "mark", k) for k, i in enumerate(marks)])
    events.sort(key=lambda e: (e[0], e[1]))
    times: list[float] = []
    kinds: list[set] = []
    send_row, take_row, mark_row = {}, {}, {}
    for ts, _order, kind, k in events:
        here = kinds[-1] if kinds else None
        fits = (here is not None and times[-1] == ts and "mark" not in here and kind != "mark"
                and kind not in here and not (kind == "take" and "send" in here))
        if not fits:
            times.append(ts)
            kinds.append(set())
        kinds[-1].add(kind)
        {"send": send_row, "take": take_row, "mark": mark_row}[kind][k] = len(times) - 1
    boxes = []  # a turn spans the rows of the events inside it, on its actor's lane
    for t in model["turns"]:
        lo, hi = bisect_right(times, t[1] - 1e-9), bisect_right(times, t[1] + t[2] + 1e-9) - 1
        if lo <= hi:
            boxes.append([t[3], lo, hi])
    lanes = sorted({f[0] for f in flows} | {f[1] for f in flows} | {i[3] for i in marks})
    # Lanes narrow down to 90 pixels to keep up to 7 actors within 800 pixels.
    lane_width = max(90, min(STYLE["lane_width"], 600 // max(len(lanes), 1)))
    fit = max(4, (lane_width - 20) // 7)  # characters that fit on a lane's head

    def short(name: str) -> str:  # the middle goes: names often differ only at their ends
        head = (fit - 1) // 2
        return name if len(name) <= fit else name[:head] + "…" + name[len(name) - (fit - 1 - head):]

    return {
        "lane_width": lane_width,
        "labels": [short(model["actors"][a]["name"]) for a in lanes],
        "lanes": lanes,  # actor indices with something on them, in order of first appearance
        "times": times,  # one per row; rows of one time repeat it
        "arrows": [[f[0], f[1], send_row[k], take_row[k], f[4]] for k, f in enumerate(flows)],
        "marks": [[i[3], mark_row[k], i[2], i[4]] for k, i in enumerate(marks)],
        "boxes": boxes,
        "shown": len(flows),
    }

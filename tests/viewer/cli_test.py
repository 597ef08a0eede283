#!/usr/bin/env python3
"""The trace viewer's command line without a browser (CTest: viewer.cli): the signature that
`coact-trace --signature` prints and every SVG carries (what scripts/make_pictures.py --check
compares), the sequence diagram's rows when a single-threaded turn's events share one time, and
message types without "(anonymous namespace)::".

    python3 tests/viewer/cli_test.py            # unittest; exits 1 on a failure
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TOOL = ROOT / "scripts" / "coact-trace"
sys.path.insert(0, str(ROOT / "scripts"))

from coact_trace.model import build, sequence_layout  # noqa: E402

SVG_NS = "{http://www.w3.org/2000/svg}"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True,
                          check=False)


def svg_signature(path: Path) -> str:
    desc = ET.parse(path).getroot().find(f"{SVG_NS}desc[@id='coact-signature']")
    assert desc is not None, f"{path}: no <desc id=\"coact-signature\">"
    return (desc.text or "").lstrip("\n")


# One single-threaded turn of b takes two messages from outside and sends one to c, all at the
# clock reading of the turn's start (as the runtime writes them); then c takes it.
def one_turn_trace() -> dict:
    def flow_start(fid, ts, frm, frm_id, to, to_id, name):
        return {"ph": "s", "tid": 0 if frm_id == 0 else 1, "ts": ts, "id": fid, "cat": "message",
                "name": name, "args": {"from": frm, "from_id": frm_id, "to": to, "to_id": to_id}}

    def take(fid, ts):
        return {"ph": "f", "tid": 1, "ts": ts, "id": fid, "bp": "e", "cat": "message"}

    def turn(ts, dur, actor, actor_id, n):
        return {"ph": "X", "tid": 1, "ts": ts, "dur": dur, "cat": "turn",
                "args": {"actor": actor, "id": actor_id, "message": "std::string", "messages": n}}

    word = "(anonymous namespace)::word"
    return {"traceEvents": [
        {"ph": "M", "tid": 0, "name": "thread_name", "args": {"name": "outside"}},
        {"ph": "M", "tid": 1, "name": "thread_name", "args": {"name": "scheduler"}},
        {"ph": "i", "tid": 0, "ts": 0, "name": "spawn", "args": {"actor": "b", "id": 1}},
        {"ph": "i", "tid": 0, "ts": 1, "name": "spawn", "args": {"actor": "c", "id": 2}},
        flow_start(1, 2, "outside", 0, "b", 1, "std::string"),
        flow_start(2, 3, "outside", 0, "b", 1, "std::string"),
        take(1, 10), flow_start(3, 10, "b", 1, "c", 2, word), take(2, 10),
        {"ph": "i", "tid": 1, "ts": 10, "name": "failure", "args": {"actor": "b", "id": 1, "error": "x"}},
        turn(10, 5, "b", 1, 2),
        take(3, 20), turn(20, 1, "c", 2, 1)]}


class Signature(unittest.TestCase):
    def printed_and_embedded(self, fixture: str, view: str) -> list[str]:
        """The signature --signature prints for a fixture, checked equal to its SVG's."""
        with tempfile.TemporaryDirectory() as tmp:
            svg = Path(tmp) / "out.svg"
            r = run(str(HERE / "fixtures" / fixture), "--view", view, "--svg", str(svg), "--signature")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(svg_signature(svg), r.stdout)
            return r.stdout.splitlines()

    def test_sequence_signature_is_printed_and_embedded(self):
        lines = self.printed_and_embedded("pingpong.json", "sequence")
        self.assertEqual(lines[:3], ["coact-trace signature 1", "sequence", "lanes: ping | pong | outside"])
        self.assertEqual(lines[3:6], ["ping:spawn", "pong:spawn", "outside→ping:int"])
        self.assertEqual(sum("→" in line for line in lines), 10)  # the matched messages
        self.assertIn("pong:failure", lines)

    def test_timeline_signature_has_only_threads_and_actor_names(self):
        self.assertEqual(self.printed_and_embedded("timeline.json", "timeline"), [
            "coact-trace signature 1", "timeline", "threads: outside | worker 0 | worker 1",
            "actors: " + " | ".join(f"stage-{c}" for c in "abcdefgh")])

    def test_signature_alone_writes_nothing_else(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace = Path(tmp) / "t.json"
            trace.write_text(json.dumps(one_turn_trace()))
            r = run(str(trace), "--signature")  # auto: a sequence diagram for 3 messages
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sorted(p.name for p in Path(tmp).iterdir()), ["t.json"])
            self.assertEqual(r.stdout.splitlines()[1:], [
                "sequence", "lanes: b | c | outside", "b:spawn", "c:spawn",
                "outside→b:std::string", "outside→b:std::string", "b→c:word", "b:failure"])

    def test_nothing_to_do_is_an_error(self):
        r = run(str(HERE / "fixtures" / "pingpong.json"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("--signature", r.stderr)


class SequenceRows(unittest.TestCase):
    def test_events_of_one_time_get_rows_in_recorded_order(self):
        model = build(one_turn_trace())
        lay = sequence_layout(model, 60)
        rows = {(model["actors"][a]["name"], model["actors"][b]["name"], r0): r1
                for a, b, r0, r1, _label in lay["arrows"]}
        takes = sorted(r1 for (frm, _to, _r0), r1 in rows.items() if frm == "outside")
        send = next(r0 for (frm, _to, r0) in rows if frm == "b")
        # The first take and b's send share a row (one arrives, one leaves); the second take
        # comes after it, and the failure after that, alone on its row.
        self.assertEqual(send, takes[0])
        self.assertEqual(takes[1], takes[0] + 1)
        (failure_row,) = [r for _a, r, name, _d in lay["marks"] if name == "failure"]
        self.assertEqual(failure_row, takes[1] + 1)
        self.assertEqual(lay["times"][takes[0]], lay["times"][failure_row])  # one time, 3 rows
        # b's turn spans the rows of its time.
        b = next(i for i, a in enumerate(model["actors"]) if a["name"] == "b")
        self.assertIn([b, takes[0], failure_row], lay["boxes"])

    def test_anonymous_namespace_is_left_out_of_type_names(self):
        model = build(one_turn_trace())
        self.assertIn("word", [f[4] for f in model["flows"]])
        self.assertFalse(any("anonymous" in f[4] for f in model["flows"]))

    def test_svg_shows_each_time_once_and_fits_mark_labels(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace, svg = Path(tmp) / "t.json", Path(tmp) / "t.svg"
            data = one_turn_trace()
            data["traceEvents"][9]["args"]["error"] = "e" * 120  # a long failure
            trace.write_text(json.dumps(data))
            self.assertEqual(run(str(trace), "--svg", str(svg)).returncode, 0)
            root = ET.parse(svg).getroot()
            times = [t.text for t in root.iter(f"{SVG_NS}text") if t.get("fill") == "#888"]
            self.assertEqual(len(times), len(set(times)), times)
            width = float(root.get("width"))
            (label,) = [t for t in root.iter(f"{SVG_NS}text") if (t.text or "").startswith("failure")]
            self.assertGreater(width, float(label.get("x")) + 6 * len(label.text))


class Timeline(unittest.TestCase):
    def test_svg_has_round_times_and_messages_across_threads(self):
        with tempfile.TemporaryDirectory() as tmp:
            fixture, svg = HERE / "fixtures" / "timeline.json", Path(tmp) / "tl.svg"
            self.assertEqual(run(str(fixture), "--view", "timeline", "--svg", str(svg)).returncode, 0)
            root = ET.parse(svg).getroot()
            ticks = [t.text for t in root.iter(f"{SVG_NS}text") if t.get("fill") == "#666"]
            self.assertEqual(ticks, ["0 ns", "200 µs", "400 µs", "600 µs"])  # spans 699 µs
            self.assertEqual(root.get("width"), "800")
            model = build(json.loads(fixture.read_text()))
            across = sum(1 for f in model["flows"] if f[5] != f[6])
            lines = [e for e in root.iter(f"{SVG_NS}line") if e.get("class") == "flow"]
            self.assertEqual(len(lines), across)


if __name__ == "__main__":
    unittest.main()

"""What both renderers share: colours, sizes and how a time reads. viewer.js gets the same
numbers from the page's data (page.py puts STYLE there), so the HTML and the SVG look alike."""

from __future__ import annotations

STYLE = {
    "kinds": {  # instant name -> colour
        "spawn": "#2e7d32",
        "end": "#555555",
        "failure": "#d32f2f",
        "restart": "#ef6c00",
        "dead letter": "#6a1b9a",
        "timer": "#0277bd",
        "publish": "#00838f",
        "remote send": "#5d4037",
        "remote receive": "#5d4037",
        "other": "#777777",
    },
    "lane_width": 130,  # sequence: distance between lanes, at most
    "row_height": 24,  # sequence: one event time
    "track_height": 36,  # timeline: one thread
    "label_width": 110,  # timeline: thread names on the left
}


def kind_colour(name: str) -> str:
    return STYLE["kinds"].get(name, STYLE["kinds"]["other"])


def actor_colour(index: int) -> str:
    """A colour per actor, golden-angle hues so neighbours differ (viewer.js: actorColour)."""
    return f"hsl({round(index * 137.508) % 360}, 60%, 62%)"


def fmt_time(us: float) -> str:
    """A duration or a time from the start, in the unit that suits it (viewer.js: fmtTime)."""
    a = abs(us)
    if a < 1:
        return f"{us * 1000:.0f} ns"
    if a < 1000:
        return f"{us:.3g} µs" if a < 100 else f"{us:.0f} µs"
    if a < 1e6:
        return f"{us / 1000:.3g} ms"
    return f"{us / 1e6:.3g} s"


def summary_line(summary: dict) -> str:
    """The legend line both views show (viewer.js builds the same from the same numbers)."""
    parts = [
        f"{summary['actors']} actors",
        f"{summary['messages']} messages",
        f"{summary['turns']} turns",
        f"{summary['threads']} threads",
        f"span {fmt_time(summary['span'])}",
        f"{summary['dropped']} dropped",
    ]
    if summary["unmatched"]:
        parts.insert(2, f"{summary['unmatched']} sent, never taken")
    return " · ".join(parts)


def dropped_line(summary: dict) -> str:
    n = summary["dropped"]
    return (f"{n} events were dropped: the runtime's trace buffers overflowed, "
            "so this picture is incomplete") if n > 0 else ""

"""The interactive page: one HTML file with the model as JSON and viewer.js/viewer.css inlined,
so it opens from file:// with no network (no CDN, no fetch)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .model import sequence_layout
from .style import STYLE, dropped_line, summary_line

HERE = Path(__file__).resolve().parent
# The page draws the sequence diagram only up to this many messages; the timeline has no limit.
PAGE_SEQUENCE_LIMIT = 2000


def page_html(model: dict, view: str) -> str:
    s = model["summary"]
    data = dict(model)
    data["style"] = STYLE
    data["view"] = view
    data["summaryLine"] = summary_line(s)
    data["sequence"] = sequence_layout(model, PAGE_SEQUENCE_LIMIT)
    # Compact, and safe inside <script>: no "<" at all, so nothing in a name ("</script>",
    # "<!--") can end the element early; "<" only occurs inside JSON strings, where \u003c reads
    # back the same.
    blob = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    title = escape(model["title"] or "coact trace")
    dropped = escape(dropped_line(s))
    css = (HERE / "viewer.css").read_text(encoding="utf-8")
    js = (HERE / "viewer.js").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <p id="summary">{escape(summary_line(s))}</p>
  <p id="dropped" class="warning"{'' if dropped else ' hidden'}>{dropped}</p>
  <nav>
    <button id="show-sequence" type="button">Sequence</button>
    <button id="show-timeline" type="button">Timeline</button>
    <span id="zoom-controls">
      <button id="zoom-in" type="button" title="zoom in (or the mouse wheel)">+</button>
      <button id="zoom-out" type="button" title="zoom out">&minus;</button>
      <button id="zoom-reset" type="button" title="the whole trace">reset</button>
      <span id="range"></span>
    </span>
  </nav>
</header>
<main>
  <section id="sequence-view"></section>
  <section id="timeline-view"></section>
</main>
<aside id="detail">Point at a turn, a message or a mark for its details.</aside>
<script type="application/json" id="trace-data">{blob}</script>
<script>
{js}</script>
</body>
</html>
"""

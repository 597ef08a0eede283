"""The static pictures: a sequence diagram or a timeline as one self-contained SVG document
(no script, no external font: generic sans-serif), readable at about 800 pixels wide."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from .model import sequence_layout
from .signature import sequence_signature, timeline_signature
from .style import STYLE, actor_colour, dropped_line, fmt_time, kind_colour, summary_line

FONT = 'font-family="sans-serif"'
HEADER = 64  # title, summary and dropped warning
# Labels get a white outline under their letters, so that lines they cross do not hide them.
HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
CHAR = 6.5
TIMELINE_FLOWS = 300  # the timeline draws messages across threads up to this many  # about how wide a character of 11-pixel sans-serif is, for room to the right


def _text(x, y, s, size=12, anchor="start", fill="#222", extra="") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}"{extra}>{escape(str(s))}</text>')


def _document(width: int, height: int, model: dict, caption: str, body: list[str],
              signature: str) -> str:
    s = model["summary"]
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT}>',
        # What the picture shows, stable from run to run (signature.py): checks compare it.
        f'<desc id="coact-signature">\n{escape(signature)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        _text(12, 22, model["title"] or "coact trace", 16, extra=' font-weight="bold"'),
        _text(12, 40, f"{summary_line(s)}{caption}", 12, fill="#444", extra=' class="summary"'),
    ]
    if s["dropped"] > 0:
        head.append(_text(12, 57, dropped_line(s), 12, fill="#b00020",
                          extra=' font-weight="bold" class="dropped"'))
    return "\n".join(head + body + ["</svg>", ""])


def sequence_svg(model: dict, max_messages: int) -> str:
    lay = sequence_layout(model, max_messages)
    lw, rh = lay["lane_width"], STYLE["row_height"]
    left, top = 80, HEADER + 40
    x = {a: left + lw // 2 + k * lw for k, a in enumerate(lay["lanes"])}
    width = max(800, left + lw * len(lay["lanes"]) + 120)
    for a, _r, name, detail in lay["marks"]:  # room for the marks' labels, on the right
        width = max(width, int(x[a] + 9 + CHAR * len(f"{name}: {detail}") + 12))
    bottom = top + rh * (len(lay["times"]) + 1)
    out = [
        '<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#333"/>'
        "</marker></defs>"
    ]
    for (a, ax), label in zip(x.items(), lay["labels"]):
        name = model["actors"][a]["name"]
        out.append(f'<g class="lane" data-actor="{escape(name)}"><title>{escape(name)}</title>')
        out.append(f'<rect x="{ax - lw / 2 + 8}" y="{top - 34}" width="{lw - 16}" height="24" '
                   f'rx="4" fill="{actor_colour(a)}" stroke="#333" stroke-width="0.5"/>')
        out.append(_text(ax, top - 17, label, 13, "middle", extra=' class="lane-label"'))
        out.append(f'<line x1="{ax}" y1="{top - 10}" x2="{ax}" y2="{bottom}" stroke="#999" '
                   'stroke-dasharray="4 3"/></g>')
    for a, lo, hi in lay["boxes"]:
        if a in x:
            out.append(f'<rect class="turn" x="{x[a] - 5}" y="{top + lo * rh - 6}" width="10" '
                       f'height="{(hi - lo) * rh + 12}" fill="{actor_colour(a)}" '
                       'stroke="#333" stroke-width="0.5"/>')
    for k, t in enumerate(lay["times"]):
        if k == 0 or t != lay["times"][k - 1]:  # rows of one time: the time once
            out.append(_text(left - 8, top + k * rh + 4, fmt_time(t), 10, "end", "#888"))
    for frm, to, r0, r1, label in lay["arrows"]:
        x0, y0, x1, y1 = x[frm], top + r0 * rh, x[to], top + r1 * rh
        if frm == to:  # a message to itself: a loop on the right of its lane
            path = f"M{x0},{y0} C{x0 + 50},{y0} {x1 + 50},{y1} {x1 + 6},{y1}"
            lx, ly, anchor = x0 + 40, (y0 + y1) / 2, "middle"
        else:
            # A short arrow has its label on it, half a lane from its sender (mid-way between
            # neighbours). A long one, which would put it among other rows' labels, has it at
            # its start, beside the sender's lane: a row has one send at most.
            path = f"M{x0},{y0} L{x1 + (-6 if x1 > x0 else 6)},{y1}"
            if abs(r1 - r0) <= 2:
                k = min(0.5, lw / 2 / abs(x1 - x0))
                lx, ly, anchor = x0 + k * (x1 - x0), y0 + k * (y1 - y0) - 4, "middle"
            else:
                lx, ly, anchor = (x0 + 9, y0 - 4, "start") if x1 > x0 else (x0 - 9, y0 - 4, "end")
        out.append(f'<g class="arrow"><path d="{path}" fill="none" stroke="#333" '
                   'stroke-width="1.2" marker-end="url(#head)"/>')
        out.append(_text(lx, ly, label, 11, anchor, "#1a237e", HALO) + "</g>")
    for a, r, name, detail in lay["marks"]:
        colour, cy = kind_colour(name), top + r * rh
        label = f"{name}: {detail}" if detail else name
        out.append(f'<g class="mark" data-kind="{escape(name)}"><circle cx="{x[a]}" cy="{cy}" '
                   f'r="5" fill="{colour}" stroke="#fff"/>')
        bold = HALO + (' font-weight="bold"' if name == "failure" else "")
        out.append(_text(x[a] + 9, cy + 4, label, 11, fill=colour, extra=bold) + "</g>")
    shown, total = lay["shown"], model["summary"]["messages"]
    caption = f" · first {shown} of {total} messages" if shown < total else ""
    return _document(width, bottom + 20, model, caption, out,
                     sequence_signature(model, max_messages))


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts `span` in 5 parts or fewer."""
    raw = span / 5
    p = 10 ** math.floor(math.log10(raw))
    return next(k * p for k in (1, 2, 5, 10) if k * p >= raw * (1 - 1e-9))


def timeline_svg(model: dict, width: int = 800) -> str:
    th, lw = STYLE["track_height"], STYLE["label_width"]
    top, span = HEADER + 30, max(model["summary"]["span"], 1e-3)
    plot = width - lw - 30
    out = []

    def px(t: float) -> float:
        return lw + t / span * plot

    step = _nice_step(span)
    for k in range(int(span / step * (1 + 1e-9)) + 1):  # the time axis, at round times
        t = k * step
        out.append(f'<line x1="{px(t):.1f}" y1="{top - 6}" x2="{px(t):.1f}" '
                   f'y2="{top + th * len(model["threads"])}" stroke="#e0e0e0"/>')
        out.append(_text(px(t), top - 10, fmt_time(t), 10, "middle", "#666"))
    for r, th_ in enumerate(model["threads"]):
        y = top + r * th
        out.append(f'<g class="thread" data-tid="{th_["tid"]}"><rect x="{lw}" y="{y}" '
                   f'width="{plot}" height="{th - 2}" fill="#f5f5f5"/>')
        out.append(_text(lw - 8, y + th / 2 + 4, th_["name"], 12, "end",
                         extra=' class="thread-label"') + "</g>")
    last: dict = {}
    for row, start, dur, actor, _msg, _n in model["turns"]:
        x0, x1 = px(start), px(start + dur)
        if x1 - x0 < 1 and last.get(row, -1) >= int(x0):
            continue  # many turns within one pixel draw as one
        last[row] = int(x1)
        out.append(f'<rect class="turn" x="{x0:.2f}" y="{top + row * th + 3}" '
                   f'width="{max(x1 - x0, 2):.2f}" height="{th - 8}" fill="{actor_colour(actor)}"/>')
    # Messages from one thread to another, as thin lines from send to take (as the page does
    # once few enough are in view): where work went from one worker to the other.
    across = [f for f in model["flows"] if f[5] != f[6]]
    if len(across) <= TIMELINE_FLOWS:
        for f in across:
            out.append(f'<line class="flow" x1="{px(f[2]):.2f}" y1="{top + f[5] * th + th / 2 - 1}" '
                       f'x2="{px(f[3]):.2f}" y2="{top + f[6] * th + th / 2 - 1}" stroke="#1a237e" '
                       'stroke-width="1" stroke-opacity="0.6"/>')
    for row, ts, name, *_ in model["instants"]:
        y = top + row * th
        out.append(f'<line class="tick" x1="{px(ts):.2f}" y1="{y}" x2="{px(ts):.2f}" '
                   f'y2="{y + th - 2}" stroke="{kind_colour(name)}" stroke-width="1.5"/>')
    y = top + th * len(model["threads"]) + 22  # the legend: actor colours
    xl = 12
    for i, a in enumerate(model["actors"]):
        if a["id"] == 0:
            continue
        w = 22 + 7 * len(a["name"])
        if xl + w > width:
            xl, y = 12, y + 18
        out.append(f'<rect x="{xl}" y="{y - 10}" width="12" height="12" fill="{actor_colour(i)}"/>')
        out.append(_text(xl + 16, y, a["name"], 11))
        xl += w
    return _document(width, y + 16, model, "", out, timeline_signature(model))

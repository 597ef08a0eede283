// The trace viewer's page script, inlined by scripts/coact_trace/page.py into every page it
// writes: it reads the model from <script id="trace-data"> and draws it as SVG in the page.
// Two views: the sequence diagram (rows laid out by model.py's sequence_layout, the same the
// static SVG uses) and the timeline (one row per thread, turns as rectangles, zoom and pan).
// No network, no library: the page must open from file://.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("trace-data").textContent);
  const style = data.style;
  const NS = "http://www.w3.org/2000/svg";
  const detail = document.getElementById("detail");

  function el(name, attrs, parent, text) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  // The same colours and time format as style.py (actor_colour, fmt_time).
  function actorColour(i) { return "hsl(" + (Math.round(i * 137.508) % 360) + ", 60%, 62%)"; }
  function kindColour(name) { return style.kinds[name] || style.kinds.other; }
  function fmtTime(us) {
    const a = Math.abs(us);
    if (a < 1) return (us * 1000).toFixed(0) + " ns";
    if (a < 1000) return (a < 100 ? +us.toPrecision(3) : us.toFixed(0)) + " µs";
    if (a < 1e6) return +(us / 1000).toPrecision(3) + " ms";
    return +(us / 1e6).toPrecision(3) + " s";
  }
  function actorName(i) { return i >= 0 ? data.actors[i].name : "?"; }
  function showDetail(lines) {
    detail.textContent = "";
    for (const line of lines) {
      const p = document.createElement("div");
      p.textContent = line;
      detail.appendChild(p);
    }
  }
  // Hover and click show an element's details; each drawn element carries a data-detail key.
  function hook(svg, describe) {
    const handler = (ev) => {
      const t = ev.target.closest("[data-detail]");
      if (t) showDetail(describe(t.getAttribute("data-detail")));
    };
    svg.addEventListener("mouseover", handler);
    svg.addEventListener("click", handler);
  }

  // ---- sequence diagram --------------------------------------------------------------------
  function drawSequence(root) {
    const seq = data.sequence;
    const lw = seq.lane_width, rh = style.row_height, left = 80, top = 44;
    const x = {};
    seq.lanes.forEach((a, k) => { x[a] = left + lw / 2 + k * lw; });
    let width = Math.max(700, left + lw * seq.lanes.length + 160);
    for (const [a, , name, text] of seq.marks) {  // room for the marks' labels (as svg.py)
      width = Math.max(width, Math.ceil(x[a] + 9 + 6.5 * (name.length + (text ? text.length + 2 : 0)) + 12));
    }
    const bottom = top + rh * (seq.times.length + 1);
    const svg = el("svg", { width: width, height: bottom + 20, class: "sequence" }, root);
    const defs = el("defs", {}, svg);
    const m = el("marker", { id: "head", viewBox: "0 0 10 10", refX: 10, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0L10,5L0,10z", fill: "#333" }, m);
    if (seq.shown < data.flows.length) {
      el("text", { x: 12, y: 14, class: "note" }, svg,
        "first " + seq.shown + " of " + data.flows.length + " messages (the timeline has them all)");
    }
    seq.lanes.forEach((a, k) => {
      const g = el("g", { class: "lane", "data-actor": actorName(a), "data-detail": "lane " + a }, svg);
      el("rect", { x: x[a] - lw / 2 + 8, y: top - 34, width: lw - 16, height: 24, rx: 4,
        fill: actorColour(a), class: "lane-head" }, g);
      el("text", { x: x[a], y: top - 17, "text-anchor": "middle", class: "lane-label" }, g, seq.labels[k]);
      el("line", { x1: x[a], y1: top - 10, x2: x[a], y2: bottom, class: "lifeline" }, g);
    });
    for (const [a, lo, hi] of seq.boxes) {
      if (!(a in x)) continue;
      el("rect", { x: x[a] - 5, y: top + lo * rh - 6, width: 10, height: (hi - lo) * rh + 12,
        fill: actorColour(a), class: "turn" }, svg);
    }
    seq.times.forEach((t, k) => {  // rows of one time: the time once
      if (k > 0 && t === seq.times[k - 1]) return;
      el("text", { x: left - 8, y: top + k * rh + 4, "text-anchor": "end", class: "time" }, svg, fmtTime(t));
    });
    seq.arrows.forEach(([from, to, r0, r1, label], i) => {
      const x0 = x[from], y0 = top + r0 * rh, x1 = x[to], y1 = top + r1 * rh;
      const g = el("g", { class: "arrow", "data-detail": "arrow " + i }, svg);
      let d, lx, ly, anchor = "middle";
      if (from === to) {
        d = `M${x0},${y0} C${x0 + 50},${y0} ${x1 + 50},${y1} ${x1 + 6},${y1}`;
        lx = x0 + 40; ly = (y0 + y1) / 2;
      } else {  // as svg.py: on a short arrow half a lane from the sender, else at its start
        d = `M${x0},${y0} L${x1 + (x1 > x0 ? -6 : 6)},${y1}`;
        if (Math.abs(r1 - r0) <= 2) {
          const k = Math.min(0.5, lw / 2 / Math.abs(x1 - x0));
          lx = x0 + k * (x1 - x0); ly = y0 + k * (y1 - y0) - 4;
        } else {
          lx = x1 > x0 ? x0 + 9 : x0 - 9; ly = y0 - 4; anchor = x1 > x0 ? "start" : "end";
        }
      }
      el("path", { d: d, class: "arrow-line", "marker-end": "url(#head)" }, g);
      el("path", { d: d, class: "arrow-hit" }, g);  // a wide invisible stroke to point at
      el("text", { x: lx, y: ly, "text-anchor": anchor, class: "arrow-label" }, g, label);
    });
    seq.marks.forEach(([a, r, name, text], i) => {
      const g = el("g", { class: "mark", "data-kind": name, "data-detail": "mark " + i }, svg);
      el("circle", { cx: x[a], cy: top + r * rh, r: 5, fill: kindColour(name) }, g);
      el("text", { x: x[a] + 9, y: top + r * rh + 4, fill: kindColour(name),
        class: name === "failure" ? "mark-label failure" : "mark-label" }, g, text ? name + ": " + text : name);
    });
    hook(svg, (key) => {
      const [what, n] = key.split(" ");
      const i = +n;
      if (what === "lane") {
        const a = data.actors[i];
        const turns = data.turns.filter((t) => t[3] === i).length;
        return ["actor " + a.name + (a.id ? " (id " + a.id + ")" : ""), turns + " turns"];
      }
      if (what === "arrow") {
        const f = data.flows[i];
        return ["message " + f[4] + ": " + actorName(f[0]) + " → " + actorName(f[1]),
          "sent at " + fmtTime(f[2]) + " on " + data.threads[f[5]].name,
          "taken at " + fmtTime(f[3]) + " on " + data.threads[f[6]].name + ", " +
          fmtTime(f[3] - f[2]) + " later"];
      }
      const [a, r, name, text] = seq.marks[i];
      return [name + (text ? ": " + text : ""), "actor " + actorName(a) + ", at " + fmtTime(seq.times[r])];
    });
  }

  // ---- timeline ----------------------------------------------------------------------------
  const full = { start: 0, end: Math.max(data.summary.span, 0.001) };
  const view = { start: full.start, end: full.end };
  const range = document.getElementById("range");
  let timeline = null;  // { root, svg, plot }

  function niceStep(span) {
    const raw = span / 8, p = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw);
  }
  function clampView() {
    const pad = (full.end - full.start) * 0.05;
    let span = Math.min(Math.max(view.end - view.start, 0.01), full.end - full.start + 2 * pad);
    let start = Math.max(Math.min(view.start, full.end + pad - span), full.start - pad);
    view.start = start; view.end = start + span;
  }
  function drawTimeline() {
    const root = document.getElementById("timeline-view");
    root.textContent = "";
    const th = style.track_height, lw = style.label_width, top = 26;
    const width = Math.max(root.clientWidth - 4, 500), plot = width - lw - 12;
    const height = top + th * data.threads.length + 8;
    const svg = el("svg", { width: width, height: height, class: "timeline" }, root);
    const px = (t) => lw + (t - view.start) / (view.end - view.start) * plot;
    const step = niceStep(view.end - view.start);
    for (let t = Math.ceil(view.start / step) * step; t <= view.end; t += step) {
      el("line", { x1: px(t), y1: top - 4, x2: px(t), y2: height - 8, class: "grid" }, svg);
      el("text", { x: px(t), y: top - 8, "text-anchor": "middle", class: "time" }, svg, fmtTime(t));
    }
    const clip = el("clipPath", { id: "plot-clip" }, el("defs", {}, svg));
    el("rect", { x: lw, y: 0, width: plot, height: height }, clip);
    const body = el("g", { "clip-path": "url(#plot-clip)" }, svg);
    data.threads.forEach((t, r) => {
      const g = el("g", { class: "thread", "data-tid": t.tid }, svg);
      el("text", { x: lw - 8, y: top + r * th + th / 2 + 4, "text-anchor": "end", class: "thread-label" }, g, t.name);
      el("rect", { x: lw, y: top + r * th, width: plot, height: th - 2, class: "track" }, body);
    });
    const last = {};  // per row, the last pixel drawn: turns within one pixel draw as one
    data.turns.forEach((t, i) => {
      const [row, start, dur, actor] = t;
      if (start > view.end || start + dur < view.start) return;
      const x0 = px(start), x1 = px(start + dur);
      if (x1 - x0 < 1 && (last[row] ?? -1) >= Math.floor(x0)) return;
      last[row] = Math.floor(x1);
      el("rect", { x: x0, y: top + row * th + 3, width: Math.max(x1 - x0, 1), height: th - 8,
        fill: actorColour(actor), class: "turn", "data-detail": "turn " + i }, body);
    });
    // Messages between threads as thin lines from send to take, once few enough are in view to
    // tell apart (those within one thread would only strike through its row).
    const flows = data.flows.filter((f) => f[5] !== f[6] && f[3] >= view.start && f[2] <= view.end);
    if (flows.length <= 300) {
      for (const f of flows) {
        el("line", { x1: px(f[2]), y1: top + f[5] * th + th / 2, x2: px(f[3]), y2: top + f[6] * th + th / 2,
          class: "flow" }, body);
      }
    }
    data.instants.forEach(([row, ts, name], i) => {
      if (ts < view.start || ts > view.end) return;
      el("line", { x1: px(ts), y1: top + row * th, x2: px(ts), y2: top + row * th + th - 2,
        stroke: kindColour(name), class: "tick", "data-detail": "tick " + i }, body);
    });
    hook(svg, (key) => {
      const [what, n] = key.split(" ");
      if (what === "turn") {
        const [row, start, dur, actor, message, messages] = data.turns[+n];
        return ["turn of " + actorName(actor) + (actor >= 0 ? " (id " + data.actors[actor].id + ")" : ""),
          "message " + (message || "(none)") + ", " + messages + (messages === 1 ? " message" : " messages"),
          "duration " + fmtTime(dur) + ", from " + fmtTime(start) + " on " + data.threads[row].name];
      }
      const [row, ts, name, actor, text] = data.instants[+n];
      return [name + (text ? ": " + text : ""),
        (actor >= 0 ? "actor " + actorName(actor) + ", " : "") + "at " + fmtTime(ts) + " on " + data.threads[row].name];
    });
    const legend = document.createElement("div");
    legend.className = "legend";
    data.actors.forEach((a, i) => {
      if (a.id === 0) return;
      const item = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.style.background = actorColour(i);
      item.append(swatch, a.name);
      legend.appendChild(item);
    });
    root.appendChild(legend);
    range.textContent = fmtTime(view.start) + " – " + fmtTime(view.end);
    root.dataset.start = view.start;
    root.dataset.end = view.end;
    timeline = { root: root, svg: svg, lw: lw, plot: plot };
  }
  let pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawTimeline(); });
  }
  function zoom(factor, at) {
    const centre = at === undefined ? (view.start + view.end) / 2 : at;
    view.start = centre - (centre - view.start) * factor;
    view.end = centre + (view.end - centre) * factor;
    clampView();
    redraw();
  }
  function timeAt(clientX) {
    const box = timeline.svg.getBoundingClientRect();
    const f = Math.min(Math.max((clientX - box.left - timeline.lw) / timeline.plot, 0), 1);
    return view.start + f * (view.end - view.start);
  }
  function setUpTimeline() {
    const root = document.getElementById("timeline-view");
    root.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      zoom(ev.deltaY < 0 ? 0.8 : 1.25, timeAt(ev.clientX));
    }, { passive: false });
    let drag = null;
    root.addEventListener("mousedown", (ev) => {
      drag = { x: ev.clientX, start: view.start, end: view.end };
      root.classList.add("dragging");
      ev.preventDefault();
    });
    window.addEventListener("mousemove", (ev) => {
      if (!drag) return;
      const dt = (ev.clientX - drag.x) / timeline.plot * (drag.end - drag.start);
      view.start = drag.start - dt; view.end = drag.end - dt;
      clampView();
      redraw();
    });
    window.addEventListener("mouseup", () => { drag = null; root.classList.remove("dragging"); });
    document.getElementById("zoom-in").addEventListener("click", () => zoom(0.5));
    document.getElementById("zoom-out").addEventListener("click", () => zoom(2));
    document.getElementById("zoom-reset").addEventListener("click", () => {
      view.start = full.start; view.end = full.end; redraw();
    });
    window.addEventListener("resize", () => { if (!root.hidden) redraw(); });
  }

  // ---- the page ----------------------------------------------------------------------------
  let sequenceDrawn = false;
  function show(which) {
    const seq = which === "sequence";
    document.getElementById("sequence-view").hidden = !seq;
    document.getElementById("timeline-view").hidden = seq;
    document.getElementById("zoom-controls").hidden = seq;
    document.getElementById("show-sequence").classList.toggle("active", seq);
    document.getElementById("show-timeline").classList.toggle("active", !seq);
    document.body.dataset.view = which;
    if (seq && !sequenceDrawn) {
      drawSequence(document.getElementById("sequence-view"));
      sequenceDrawn = true;
    }
    if (!seq) drawTimeline();
  }
  document.getElementById("show-sequence").addEventListener("click", () => show("sequence"));
  document.getElementById("show-timeline").addEventListener("click", () => show("timeline"));
  setUpTimeline();
  show(data.view);
})();

// The trace viewer's browser test (CTest: viewer.browser). For each sample trace in fixtures/,
// runs scripts/coact-trace to an HTML page and an SVG, opens them in headless Chromium from
// file:// (npm's playwright-core drives Debian's /usr/bin/chromium) and checks what is drawn:
// the lanes or thread rows, one arrow per matched message, the dropped-events warning, zoom and
// pan, the details on hover, no console error, no network request, and screenshots that are not
// blank. It also checks the command's errors (exit 2, one line on stderr, no traceback).
//
//   node viewer_test.mjs --out DIR [--python PYTHON] [--update-docs]
//
// Screenshots go to DIR; --update-docs also copies the two the docs show to docs/images/.
// Exits 1 naming the check that failed; fails (never skips) when Chromium or playwright-core is
// missing, telling to run `make deps`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const opts = { out: path.join(os.tmpdir(), "coact-viewer-test"), python: "python3", updateDocs: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--out") opts.out = process.argv[++i];
  else if (a === "--python") opts.python = process.argv[++i];
  else if (a === "--update-docs") opts.updateDocs = true;
  else fail(`unknown argument ${a}`);
}
const CHROMIUM = process.env.COACT_CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let checks = 0;
function fail(message) {
  console.error(`viewer test: FAILED: ${message}`);
  process.exit(1);
}
function check(ok, what, got) {
  checks++;
  if (!ok) fail(what + (got === undefined ? "" : ` (got ${JSON.stringify(got)})`));
}

// ---- what each fixture should show, read from the fixture itself ------------------------------
function expected(file) {
  const trace = JSON.parse(fs.readFileSync(file, "utf8"));
  const ev = trace.traceEvents;
  const taken = new Set(ev.filter((e) => e.ph === "f").map((e) => e.id));
  const sends = ev.filter((e) => e.ph === "s" && taken.has(e.id));
  const matched = sends.length, outside = sends.some((e) => e.args.from_id === 0);
  const threads = ev.filter((e) => e.ph === "M" && e.name === "thread_name")
    .sort((a, b) => a.tid - b.tid).map((e) => e.args.name);
  const actors = new Set();
  for (const e of ev) {
    if (e.ph === "X") actors.add(e.args.actor);
    if (e.ph === "s") { actors.add(e.args.to); if (e.args.from_id !== 0) actors.add(e.args.from); }
  }
  return { matched, outside, threads, actors: [...actors].sort(), dropped: trace.otherData.dropped };
}

function coactTrace(args) {
  return spawnSync(opts.python, [path.join(root, "scripts/coact-trace"), ...args], { encoding: "utf8" });
}

function render(name, extra = []) {
  const html = path.join(opts.out, `${name}.html`), svg = path.join(opts.out, `${name}.svg`);
  const r = coactTrace([path.join(here, "fixtures", `${name}.json`), "-o", html, "--svg", svg, ...extra]);
  check(r.status === 0, `coact-trace ${name}.json exits 0: ${r.stderr}`, r.status);
  return { html, svg };
}

function checkErrors() {
  const bad = path.join(opts.out, "bad");
  fs.mkdirSync(bad, { recursive: true });
  fs.writeFileSync(path.join(bad, "invalid.json"), '{"traceEvents": [');
  fs.writeFileSync(path.join(bad, "other.json"), '{"events": []}');
  const cases = [["missing.json", "no such file"], ["invalid.json", "invalid JSON"],
    ["other.json", "no traceEvents"]];
  for (const [file, says] of cases) {
    const r = coactTrace([path.join(bad, file), "-o", path.join(bad, "out.html")]);
    const lines = r.stderr.trim().split("\n");
    check(r.status === 2, `coact-trace on ${file} exits 2`, r.status);
    check(lines.length === 1 && lines[0].includes(file) && lines[0].includes(says),
      `coact-trace on ${file} says "${says}" in one line naming the file`, r.stderr);
    check(!r.stderr.includes("Traceback"), `no traceback for ${file}`, r.stderr);
  }
}

// ---- in the browser -------------------------------------------------------------------------
async function launch() {
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} not found: run \`make deps\` (installs Debian's chromium)`);
  let playwright;
  try {
    playwright = await import("playwright-core");
  } catch {
    fail(`playwright-core is not installed in ${here}/node_modules: run \`make deps\` (npm ci there)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "coact-viewer-chromium-"));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1000, height: 760 },
  });
  return { context, profile };
}

// Opens a file:// URL and collects console errors, page errors and any request off this disk.
async function open(context, file) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => { if (!r.url().startsWith("file:")) problems.push(`request: ${r.url()}`); });
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

// Decodes a PNG in the page (no PNG library here) and counts pixels unlike the white background
// and the distinct colours: a blank or text-only picture has few of either. The pages' checks
// picture the view alone, without the header: an empty view has nothing to picture and fails.
async function inked(page, png) {
  const b64 = png.toString("base64");
  return page.evaluate(async (src) => {
    const img = new Image();
    img.src = "data:image/png;base64," + src;
    await img.decode();
    const c = new OffscreenCanvas(img.width, img.height);  // works in an SVG document too
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    const colours = new Set();
    for (let i = 0; i < px.length; i += 4) {
      if (px[i] + px[i + 1] + px[i + 2] < 3 * 235) ink++;
      colours.add((px[i] >> 4) << 8 | (px[i + 1] >> 4) << 4 | px[i + 2] >> 4);
    }
    return { share: ink / (c.width * c.height), colours: colours.size };
  }, b64);
}

async function checkNotBlank(page, png, what) {
  const { share, colours } = await inked(page, png);
  console.log(`viewer test: ${what}: ${(share * 100).toFixed(1)}% ink, ${colours} colours`);
  check(share > 0.02 && colours > 20, `${what} is not blank (${(share * 100).toFixed(1)}% ink, ${colours} colours)`,
    { share, colours });
}

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent));
const count = (page, sel) => page.$$eval(sel, (els) => els.length);

async function checkSequence(context, name, exp, shot) {
  const { html } = render(name);
  const { page, problems } = await open(context, html);
  check(await page.evaluate(() => document.body.dataset.view) === "sequence", `${name}: opens on the sequence diagram`);
  const lanes = await texts(page, "#sequence-view .lane-label");
  for (const a of exp.actors) check(lanes.includes(a), `${name}: a lane labelled ${a}`, lanes);
  check(lanes.includes("outside") === exp.outside, `${name}: an outside lane if a message came from outside`, lanes);
  check(await count(page, "#sequence-view g.arrow") === exp.matched,
    `${name}: ${exp.matched} arrows, one per matched message`, await count(page, "#sequence-view g.arrow"));
  const summary = await page.textContent("#summary");
  check(summary.includes(`${exp.actors.length} actors`) && summary.includes(`${exp.matched} messages`),
    `${name}: the summary line counts actors and messages`, summary);
  await page.hover("#sequence-view g.arrow >> nth=2");
  check((await page.textContent("#detail")).includes("message int"), `${name}: hovering an arrow shows the message`);
  if (shot) await page.screenshot({ path: path.join(opts.out, shot), fullPage: true });
  check(problems.length === 0, `${name}: no console error and no network request`, problems);
  return page;
}

async function main() {
  fs.mkdirSync(opts.out, { recursive: true });
  checkErrors();
  const { context, profile } = await launch();
  try {
    // The ping-pong: a sequence diagram with its failure, end and dead letter on pong's lane.
    const pp = expected(path.join(here, "fixtures/pingpong.json"));
    const page = await checkSequence(context, "pingpong", pp, "viewer-sequence.png");
    const kinds = await page.$$eval("#sequence-view g.mark", (els) => els.map((e) => e.dataset.kind));
    for (const k of ["spawn", "end", "failure", "dead letter"]) check(kinds.includes(k), `pingpong: a ${k} mark`, kinds);
    const red = await page.$eval('#sequence-view g.mark[data-kind="failure"] text', (e) => getComputedStyle(e).fill);
    check(red === "rgb(211, 47, 47)", "pingpong: the failure is red", red);
    check(await page.isHidden("#dropped"), "pingpong: no dropped warning");
    await checkNotBlank(page, await page.locator("#sequence-view").screenshot(), "the sequence view's screenshot");

    // The dropped one: the warning, in view.
    const dr = expected(path.join(here, "fixtures/dropped.json"));
    const dpage = await checkSequence(context, "dropped", dr);
    check(await dpage.isVisible("#dropped"), "dropped: the warning is visible");
    const warning = await dpage.textContent("#dropped");
    check(warning.includes(`${dr.dropped} events were dropped`), "dropped: the warning says how many", warning);

    // The two-worker trace: a timeline, zoom and pan.
    const tl = expected(path.join(here, "fixtures/timeline.json"));
    const { html } = render("timeline");
    const { page: tpage, problems } = await open(context, html);
    check(await tpage.evaluate(() => document.body.dataset.view) === "timeline", "timeline: opens on the timeline");
    const rows = await texts(tpage, "#timeline-view .thread-label");
    check(JSON.stringify(rows) === JSON.stringify(tl.threads), "timeline: one row per thread, by name", rows);
    const turns = await count(tpage, "#timeline-view rect.turn");
    check(turns > 50, "timeline: turns drawn", turns);
    const visible = () => tpage.evaluate(() => {
      const d = document.getElementById("timeline-view").dataset;
      return { start: +d.start, end: +d.end, range: document.getElementById("range").textContent };
    });
    const whole = await visible();
    await tpage.click("#zoom-in");
    await tpage.waitForFunction((w) => +document.getElementById("timeline-view").dataset.end < w, whole.end);
    const zoomed = await visible();
    check(Math.abs((zoomed.end - zoomed.start) * 2 - (whole.end - whole.start)) < 1e-6 && zoomed.range !== whole.range,
      "timeline: + halves the visible range", { whole, zoomed });
    const box = await tpage.locator("#timeline-view svg").boundingBox();
    await tpage.mouse.move(box.x + box.width * 0.3, box.y + 60);
    await tpage.mouse.wheel(0, -300);
    await tpage.waitForFunction((z) => { const d = document.getElementById("timeline-view").dataset; return +d.end - +d.start < z; },
      zoomed.end - zoomed.start);
    const wheeled = await visible();
    check(wheeled.end - wheeled.start < zoomed.end - zoomed.start, "timeline: the wheel zooms in", { zoomed, wheeled });
    await tpage.mouse.move(box.x + box.width * 0.5, box.y + 60);
    await tpage.mouse.down();
    await tpage.mouse.move(box.x + box.width * 0.3, box.y + 60, { steps: 4 });
    await tpage.mouse.up();
    await tpage.waitForFunction((w) => +document.getElementById("timeline-view").dataset.start > w, wheeled.start);
    const panned = await visible();
    check(panned.start > wheeled.start && Math.abs((panned.end - panned.start) - (wheeled.end - wheeled.start)) < 1e-6,
      "timeline: dragging left pans later, same span", { wheeled, panned });
    await tpage.hover("#timeline-view rect.turn >> nth=3");
    const det = await tpage.textContent("#detail");
    check(/turn of stage-\w.*message \w+.*duration/.test(det), "timeline: hovering a turn shows actor, message, duration", det);
    check(await count(tpage, "#timeline-view line.flow") > 0, "timeline: zoomed in, messages drawn as lines");
    await tpage.setViewportSize({ width: 1000, height: 400 });
    await tpage.hover("#timeline-view rect.turn >> nth=3");
    await tpage.screenshot({ path: path.join(opts.out, "viewer-timeline.png") });
    await checkNotBlank(tpage, await tpage.locator("#timeline-view").screenshot(), "the timeline view's screenshot");
    await tpage.click("#zoom-reset");
    await tpage.click("#show-sequence");
    check(await count(tpage, "#sequence-view g.arrow") === tl.matched, "timeline: its sequence view has every message",
      await count(tpage, "#sequence-view g.arrow"));
    check(problems.length === 0, "timeline: no console error and no network request", problems);

    // The static pictures: well-formed SVG with the lanes and rows.
    for (const [name, sel, want] of [["pingpong", ".lane-label", ["ping", "pong", "outside"]],
      ["timeline", ".thread-label", tl.threads], ["dropped", ".dropped", [`${dr.dropped} events were dropped`]]]) {
      const { page: spage, problems: sp } = await open(context, path.join(opts.out, `${name}.svg`));
      const rootTag = await spage.evaluate(() => document.documentElement.localName);
      check(rootTag === "svg" && await count(spage, "parsererror") === 0, `${name}.svg parses as SVG`, rootTag);
      const got = (await texts(spage, sel)).join("|");
      for (const w of want) check(got.includes(w), `${name}.svg has ${w}`, got);
      await checkNotBlank(spage, await spage.screenshot(), `${name}.svg`);
      check(sp.length === 0, `${name}.svg: no error`, sp);
    }
    // Odd input draws without an error: no event at all, and names that look like markup.
    const odd = path.join(opts.out, "odd.json");
    fs.writeFileSync(odd, JSON.stringify({ traceEvents: [
      { ph: "X", tid: 1, ts: 1, dur: 2, args: { actor: "</script><!--", id: 1, message: "<i>" } },
      { ph: "s", tid: 1, ts: 2, id: "x", name: "<tag>", args: { from: "</script><!--", from_id: 1, to: "a&b", to_id: 2 } },
      { ph: "f", tid: 2, ts: 5, id: "x" }, { ph: "X", tid: 2, ts: 6, dur: 1, args: {} },
      { ph: "Q", ts: "soon" }, 7, null] }));
    fs.writeFileSync(path.join(opts.out, "empty.json"), '{"traceEvents": []}');
    for (const name of ["odd", "empty"]) {
      const html = path.join(opts.out, `${name}.html`);
      const r = coactTrace([path.join(opts.out, `${name}.json`), "-o", html, "--svg", path.join(opts.out, `${name}.svg`)]);
      check(r.status === 0, `coact-trace ${name}.json exits 0: ${r.stderr}`, r.status);
      const { page: opage, problems: op } = await open(context, html);
      await opage.click("#show-sequence");
      await opage.click("#show-timeline");
      check(op.length === 0, `${name}: draws both views without an error`, op);
      if (name === "odd") {
        check(await count(opage, "#timeline-view rect.turn") === 2, "odd: its two turns are drawn");
        await opage.hover("#timeline-view rect.turn >> nth=1");  // the turn of no known actor
        check((await opage.textContent("#detail")).includes("turn of ?"), "odd: a turn of no actor shows '?'");
        await opage.click("#show-sequence");
        const labels = await texts(opage, "#sequence-view .lane-label");
        check(labels.includes("</script><!--") && labels.includes("a&b"), "odd: names that look like markup stay text", labels);
      }
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (opts.updateDocs) {
    for (const f of ["viewer-sequence.png", "viewer-timeline.png"]) {
      fs.copyFileSync(path.join(opts.out, f), path.join(root, "docs/images", f));
    }
  }
  console.log(`viewer test: ${checks} checks passed; screenshots in ${opts.out}`);
}

main().catch((e) => fail(e.stack || String(e)));

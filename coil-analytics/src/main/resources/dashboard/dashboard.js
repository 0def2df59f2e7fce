// Coilsight live dashboard: polls the interactive-query API and redraws; no framework, no build step.
"use strict";

const POLL_MS = 2000;
// Without a good refresh for this long the page says it is stale and dims its panels: a refresh is several requests in
// a row, each allowed 20 s, so a hung connection would otherwise leave "live" on screen for minutes. Ten polls, so that a
// slow answer on a busy server (a rebalance, a cold cache) does not make the page flicker.
const STALE_MS = 10 * POLL_MS;
// While the token is missing or refused, asking every 2 s only fills the server's log with 401s.
const SIGNED_OUT_POLL_MS = 30000;
// One colour per defect class id: PALETTE[(id - 1) mod length] for any id (1..255), cycling past the end. Its twin is
// COLOURS in coil-analytics/.../http/CoilReportPage.java (the printed report): change both together, in the same order.
const PALETTE = [[255, 214, 10], [0, 200, 255], [255, 64, 129], [118, 255, 3], [255, 145, 0], [179, 136, 255], [41, 121, 255], [188, 170, 164]];

// grades: the last grade read per coil, shown (marked as old) while a newer one cannot be read.
// lastGood: when the last refresh with no failure ended; problems: the failures of the last refresh (null: none);
// signedOut: the last request was answered 401; retryAfter: how long a 503 asked to wait before the next refresh.
const state = { selected: new URLSearchParams(location.search).get("coil"), imagesShown: "", mapShown: "", mapImage: null, grades: new Map(),
  openedAt: Date.now(), lastGood: null, total: 0, problems: null, signedOut: false, retryAfter: 0, nextAt: null };

function colour(classId) {
  const n = PALETTE.length;
  return PALETTE[(((Number(classId) - 1) % n) + n) % n] || PALETTE[0];
}
function css(rgb, alpha) {
  return `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${alpha})`;
}
/** A time of day for today, with its date otherwise: these screens show figures up to a week old. */
function when(t) {
  const d = new Date(t);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}
/** A fraction as a percentage; below 0.1 % with two significant digits, so that a tiny area does not read as none. */
function pct(x) {
  if (typeof x !== "number" || !isFinite(x)) return "–";
  if (x === 0) return "0%";
  const p = 100 * x;
  const digits = Math.abs(p) >= 0.1 ? 1 : Math.min(20, 1 - Math.floor(Math.log10(Math.abs(p))));
  return p.toFixed(digits) + "%";
}
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "style") e.style.cssText = v; else if (k.startsWith("data-")) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function chip(classId, text) {
  return el("span", { className: "chip", style: `background:${css(colour(classId), 1)}` }, text);
}
/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), at most 5 minutes; 0 when there is none. */
function retryAfterMs(value) {
  if (!value) return 0;
  const ms = /^\s*\d+\s*$/.test(value) ? 1000 * Number(value) : Date.parse(value) - Date.now();
  return isFinite(ms) ? Math.min(Math.max(0, ms), 300000) : 0;
}
async function getJson(url) {
  // A request that never ends (a connection dropped silently, a laptop that slept) must not hold the one refresh for ever.
  const response = await fetch(url, { cache: "no-store", signal: AbortSignal.timeout(20000) });
  // Every viewer route needs the token: one 401 means the page is signed out, one answer that is not means it is not.
  state.signedOut = response.status === 401;
  if (response.status === 503) state.retryAfter = Math.max(state.retryAfter, retryAfterMs(response.headers.get("Retry-After")));
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const error = new Error(`${url}: ${response.status} ${body.message || body.error || ""}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}
function setStatus(kind, text) {
  const s = document.getElementById("status");
  s.dataset.state = kind;
  s.textContent = text;
}
function clock(t) {
  return new Date(t).toLocaleTimeString();
}

/**
 * The status line from what the refreshes left in state; run after every refresh and every second, so that data that
 * stopped coming reads as stale even while a refresh hangs.
 */
function showStatus() {
  const stale = Date.now() - (state.lastGood ?? state.openedAt) > STALE_MS;
  const data = state.lastGood ? `data from ${clock(state.lastGood)}` : "no data read yet";
  const next = state.nextAt && state.nextAt - Date.now() > POLL_MS ? ` · next try ${clock(state.nextAt)}` : "";
  const failed = state.problems ? ` · not updated: ${state.problems.join("; ")}` : "";
  document.getElementById("signin").hidden = !state.signedOut;
  document.querySelector("main").classList.toggle("stale", state.signedOut || stale);
  if (state.signedOut) {
    setStatus("signin", `not signed in · ${data}${next}`);
  } else if (stale) {
    setStatus("stale", `stale since ${clock(state.lastGood ?? state.openedAt)}` + (state.lastGood ? "" : " (nothing read yet)") +
      (failed || " · waiting for the server") + next);
  } else if (state.problems) {
    setStatus("error", `${failed.slice(3)}; ${data}${next}`);
  } else if (state.lastGood) {
    setStatus("live", `live · ${state.total} coils · updated ${clock(state.lastGood)}`);
  }
}

/**
 * Kaggle Severstal RLE: "start length" pairs, pixels numbered from 1 top to bottom, then left to right.
 * Calls paint(x, y) for every mask pixel and returns how many there were.
 */
function decodeRle(rle, width, height, paint) {
  const numbers = rle.trim() === "" ? [] : rle.trim().split(/\s+/).map(Number);
  let count = 0;
  for (let i = 0; i + 1 < numbers.length; i += 2) {
    const start = numbers[i] - 1;
    for (let p = start; p < start + numbers[i + 1]; p++) {
      const x = Math.floor(p / height), y = p % height;
      if (x < width) { paint(x, y); count++; }
    }
  }
  return count;
}

/** The table's rows by coil id, kept across refreshes: a click or a text selection on a row is not lost to a redraw. */
const coilRows = new Map();

function selectCoil(coilId) {
  if (state.selected !== coilId) {
    state.selected = coilId; state.imagesShown = ""; state.lastMap = null; state.mapImage = null;
    document.getElementById("map-image").replaceChildren();
  }
  markSelected();
  refreshSoon();
}
function markSelected() {
  for (const [id, row] of coilRows) {
    row.classList.toggle("selected", id === state.selected);
    if (id === state.selected) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
  }
}
function coilRow(coilId) {
  let row = coilRows.get(coilId);
  if (row) return row;
  // A real button in the coil cell: the coil is chosen from the keyboard too (Tab, then Enter or Space).
  const open = el("button", { type: "button", className: "coil-open", title: "show this coil's details" }, coilId);
  row = el("tr", { "data-coil-id": coilId }, el("td", {}, open), el("td"), el("td", { className: "num" }), el("td", { className: "num" }),
    el("td"), el("td", { className: "classes" }), el("td"));
  // A click anywhere on the row chooses the coil (the button's, from a key too, bubbles here); one ending a text
  // selection in the row does not.
  row.addEventListener("click", event => {
    const selection = window.getSelection();
    if (!event.target.closest("button") && selection && selection.toString() && row.contains(selection.anchorNode)) return;
    selectCoil(coilId);
  });
  coilRows.set(coilId, row);
  return row;
}
/** Sets a cell's content only when what it shows changed (key), so that a selection in it survives refreshes that change nothing. */
function fill(cell, key, build) {
  if (cell.shownKey === key) return;
  cell.shownKey = key;
  cell.replaceChildren(...build().map(c => c instanceof Node ? c : document.createTextNode(String(c))));
}

function renderTable(page) {
  const tbody = document.querySelector("#coil-table tbody");
  document.getElementById("no-coils").hidden = page.coils.length > 0;
  const focused = document.activeElement;
  const listed = new Set(page.coils.map(c => c.coilId));
  for (const [id, row] of coilRows) {
    if (!listed.has(id)) { row.remove(); coilRows.delete(id); }
  }
  const classesSeen = new Map();
  page.coils.forEach((c, i) => {
    for (const k of c.classes) classesSeen.set(k.classId, k.className);
    const row = coilRow(c.coilId);
    const [, line, images, defective, rate, classes, last] = row.cells;
    fill(line, c.lineId || "–", () => [c.lineId || "–"]);
    fill(images, String(c.imagesInspected), () => [c.imagesInspected]);
    fill(defective, String(c.defectiveImages), () => [c.defectiveImages]);
    fill(rate, String(c.defectRate), () => [el("div", { className: "rate" },
      el("div", { className: "bar" }, el("div", { style: `width:${Math.min(100, 100 * c.defectRate)}%` })), pct(c.defectRate))]);
    fill(classes, JSON.stringify(c.classes), () => c.classes.map(k => chip(k.classId, `${k.className}: ${k.images} · ${pct(k.areaFraction)}`)));
    fill(last, when(c.lastCapturedAt), () => [when(c.lastCapturedAt)]);
    // Moved only when out of place: the others keep their place (and a pointer over them its target).
    if (tbody.children[i] !== row) tbody.insertBefore(row, tbody.children[i] || null);
  });
  markSelected();
  // A moved row loses the keyboard focus: given back, so that the reader's place is kept.
  if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
  state.classNames = classesSeen;
  // The legend names each colour's class id as text, for whoever cannot tell the colours apart.
  const legend = [...classesSeen.entries()].sort((a, b) => a[0] - b[0]);
  fill(document.getElementById("legend"), JSON.stringify(legend), () => legend.map(([id, name]) => {
    const c = chip(id, `${id} · ${name}`);
    c.dataset.classId = id;
    return c;
  }));
}

function renderTrend(trend) {
  const svg = document.getElementById("trend");
  const W = 800, H = 180, pad = 28;
  const ns = "http://www.w3.org/2000/svg";
  const node = (tag, attrs) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };
  svg.replaceChildren();
  svg.dataset.windows = trend.length;
  if (trend.length === 0) return;
  const maxImages = Math.max(...trend.map(w => w.images));
  const step = (W - 2 * pad) / Math.max(1, trend.length);
  trend.forEach((w, i) => {
    const h = (H - 2 * pad) * w.images / maxImages;
    svg.append(node("rect", { x: pad + i * step + 1, y: H - pad - h, width: Math.max(1, step - 2), height: h, fill: "#2a3542" }));
  });
  const points = trend.map((w, i) => `${pad + (i + 0.5) * step},${H - pad - (H - 2 * pad) * w.defectRate}`).join(" ");
  svg.append(node("polyline", { points, fill: "none", stroke: "#ff5d5d", "stroke-width": 2 }));
  trend.forEach((w, i) => svg.append(node("circle", { cx: pad + (i + 0.5) * step, cy: H - pad - (H - 2 * pad) * w.defectRate, r: 3, fill: "#ff5d5d" })));
  const label = (x, y, text, anchor) => { const t = node("text", { x, y, "text-anchor": anchor || "start" }); t.textContent = text; svg.append(t); };
  label(4, pad, "100%"); label(4, H - pad, "0%");
  label(pad, H - 8, new Date(trend[0].start).toLocaleTimeString());
  label(W - pad, H - 8, new Date(trend[trend.length - 1].end).toLocaleTimeString(), "end");
  label(W - pad, 16, `defect rate (line) · images per window (bars, max ${maxImages})`, "end");
}

/** Draws the image, then each class's mask over it; records what was painted for tests and curious users. */
function drawDefect(defect) {
  const canvas = el("canvas", { width: defect.width, height: defect.height, "data-image-id": defect.imageId, "data-state": "loading" });
  const expected = defect.masks.reduce((n, m) => n + m.pixelCount, 0);
  canvas.setAttribute("data-expected-pixels", expected);
  const caption = el("div", { className: "caption" },
    el("span", {}, `${defect.imageId} · ` + (defect.capturedAt ? new Date(defect.capturedAt).toLocaleTimeString()
      : `${(defect.positionMm / 1000).toFixed(2)} m along the coil, image no longer kept`)),
    el("span", {}, ...defect.masks.map(m => chip(m.classId, `${m.className}: ${m.pixelCount} px`))));
  if (defect.imageUrl && typeof openReview === "function") {
    const open = el("button", { className: "review-open", title: "confirm, reject or repaint this image's defects" }, "Review");
    open.addEventListener("click", () => openReview(defect, state.classNames || new Map()));
    caption.append(open);
  }
  const overlay = () => {
    const g = canvas.getContext("2d");
    const pixels = g.getImageData(0, 0, defect.width, defect.height);
    let painted = 0;
    for (const mask of defect.masks) {
      const [r, gr, b] = colour(mask.classId);
      painted += decodeRle(mask.rle, defect.width, defect.height, (x, y) => {
        const i = 4 * (y * defect.width + x);
        pixels.data[i] = 0.45 * pixels.data[i] + 0.55 * r;
        pixels.data[i + 1] = 0.45 * pixels.data[i + 1] + 0.55 * gr;
        pixels.data[i + 2] = 0.45 * pixels.data[i + 2] + 0.55 * b;
        pixels.data[i + 3] = 255;
      });
    }
    g.putImageData(pixels, 0, 0);
    for (const mask of defect.masks) {
      const box = mask.boundingBox;
      g.strokeStyle = css(colour(mask.classId), 0.9);
      g.lineWidth = 2;
      g.strokeRect(box.x, box.y, box.width, box.height);
    }
    canvas.setAttribute("data-mask-pixels", painted);
    canvas.setAttribute("data-state", "drawn");
  };
  if (defect.imageUrl) {
    const img = new Image();
    img.onload = () => { canvas.getContext("2d").drawImage(img, 0, 0); overlay(); };
    img.onerror = () => { canvas.setAttribute("data-state", "image-error"); overlay(); };
    img.src = defect.imageUrl;
  } else {
    const g = canvas.getContext("2d");
    g.fillStyle = "#202a35";
    g.fillRect(0, 0, defect.width, defect.height);
    overlay();
  }
  return el("div", { className: "card" }, canvas, caption);
}

async function renderDetail() {
  const detail = document.getElementById("detail");
  if (!state.selected) { detail.hidden = true; return; }
  const id = encodeURIComponent(state.selected);
  const [coil, defects] = await Promise.all([getJson(`/v1/coils/${id}?windows=60`), getJson(`/v1/coils/${id}/defects?limit=6`)]);
  detail.hidden = false;
  const s = coil.stats;
  state.lastStats = s;
  document.getElementById("detail-coil").textContent = s.coilId;
  document.getElementById("detail-summary").textContent =
    `${s.imagesInspected} images, ${s.defectiveImages} defective (${pct(s.defectRate)}) · line ${s.lineId || "–"} · ` +
    `${when(s.firstCapturedAt)} – ${when(s.lastCapturedAt)}`;
  renderTrend(coil.trend);
  const shown = defects.defects.map(d => d.imageId + (d.imageUrl ? "+" : "")).join(",");
  if (shown !== state.imagesShown) {
    state.imagesShown = shown;
    const images = document.getElementById("images");
    images.replaceChildren(...defects.defects.map(drawDefect));
    if (defects.defects.length === 0) images.append(el("p", { className: "empty" }, "No segmented defect on this coil yet."));
  }
}

function renderAlerts(alerts) {
  const list = document.getElementById("alerts");
  document.getElementById("no-alerts").hidden = alerts.length > 0;
  list.replaceChildren(...alerts.map(a => el("li", { "data-alert-id": a.alertId, "data-kind": a.kind },
    el("span", { className: "kind" }, a.kind.replace("_", " ")), `${when(a.raisedAt)} · ${a.message}`)));
}

/** stale: why the grade shown is not a fresh one (null when it is). */
function renderGrade(grade, stale) {
  const badge = document.getElementById("detail-grade");
  const reason = document.getElementById("grade-reason");
  badge.hidden = !grade.grade;
  badge.className = "grade-badge" + (grade.grade ? ` grade-${grade.grade}` : "") + (stale ? " stale" : "");
  badge.textContent = grade.grade ? `grade ${grade.grade}` : "";
  const text = grade.grade ? `${grade.reason} · ${grade.product}, rules ${grade.rulesVersion}, version ${grade.version}`
    : grade.state === "ENDED" ? "ended: grading once its last results are in"
    : grade.state === "OPEN" ? "running: graded when the coil ends" : "grade unknown";
  reason.textContent = stale ? `${text} · ${stale}` : text;
  reason.dataset.stale = stale ? "true" : "false";
}

/** Marks the strip as not read now: an old one of this coil stays with a note, another coil's is removed. */
function staleStrip(selected, message) {
  const svg = document.getElementById("strip");
  const note = document.getElementById("strip-note");
  if (state.lastMapCoil !== selected) {
    svg.replaceChildren();
    state.lastMap = null;
    note.textContent = `coil map not read: ${message}`;
  } else {
    note.textContent = `coil map not refreshed since ${when(state.lastMapAt)}: ${message}`;
  }
  note.hidden = false;
  svg.dataset.stale = "true";
}

/** The coil as a strip: every defect a rectangle in its class colour, roll marks as dashed lines; the view zooms along the length. */
function renderStrip(map) {
  const svg = document.getElementById("strip");
  const W = 800, H = 140, pad = 14;
  const ns = "http://www.w3.org/2000/svg";
  const node = (tag, attrs) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };
  const start = map.startMm ?? 0, end = Math.max(map.endMm ?? 1, ...map.defects.map(d => d.alongEndMm));
  const span = Number(document.getElementById("zoom").value) || (end - start);
  const pan = Number(document.getElementById("pan").value) / 1000;
  const from = start + pan * Math.max(0, end - start - span), to = from + span;
  const width = map.stripWidthMm || Math.max(1, ...map.defects.map(d => d.acrossEndMm));
  const sx = (W - 2 * pad) / Math.max(1, to - from), sy = (H - 2 * pad) / width;
  // The mark that has the keyboard focus gets it back after the redraw (the map is read again every half minute).
  const focusedKey = svg.contains(document.activeElement) ? document.activeElement.getAttribute("data-key") : null;
  svg.replaceChildren(node("rect", { x: pad, y: pad, width: W - 2 * pad, height: H - 2 * pad, fill: "#1d2732" }));
  let shown = 0;
  for (const d of map.defects) {
    if (d.alongEndMm < from || d.alongStartMm > to) continue;
    // The class id in words too: the colour alone does not tell every reader the class.
    const text = `class ${d.classId} (${d.className}) at ${(d.alongStartMm / 1000).toFixed(2)} m, ${Math.round(d.acrossStartMm)} mm across, ${d.areaMm2.toFixed(0)} mm²`;
    // A button for the keyboard too: Tab to a mark, Enter or Space shows its image.
    const rect = node("rect", { class: "defect", x: pad + (d.alongStartMm - from) * sx, y: pad + d.acrossStartMm * sy,
      width: Math.max(2, (d.alongEndMm - d.alongStartMm) * sx), height: Math.max(2, (d.acrossEndMm - d.acrossStartMm) * sy),
      fill: css(colour(d.classId), 0.9), "data-image-id": d.imageId, "data-class-id": d.classId,
      "data-key": `${d.imageId}/${d.classId}/${d.alongStartMm}/${d.acrossStartMm}`, tabindex: 0, role: "button", "aria-label": text });
    const title = node("title", {});
    title.textContent = text;
    rect.append(title);
    rect.addEventListener("click", () => showMapImage(d.imageUrl));
    rect.addEventListener("keydown", e => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showMapImage(d.imageUrl); }
    });
    svg.append(rect);
    shown++;
  }
  for (const p of map.periodic) {
    for (const x of p.positionsMm) {
      if (x < from || x > to) continue;
      svg.append(node("line", { class: "roll-mark", x1: pad + (x - from) * sx, x2: pad + (x - from) * sx, y1: 2, y2: H - 2,
        stroke: "#ff5d5d", "stroke-dasharray": "4 3" }));
    }
  }
  const label = (x, text, anchor) => { const t = node("text", { x, y: H - 2, "text-anchor": anchor }); t.textContent = text; svg.append(t); };
  label(pad, `${(from / 1000).toFixed(1)} m`, "start");
  label(W - pad, `${(to / 1000).toFixed(1)} m · ${shown} of ${map.total} defects${map.truncated ? " (largest shown)" : ""}` +
    (map.periodic.length ? ` · ${map.periodic.length} roll mark(s)` : ""), "end");
  svg.dataset.defects = shown;
  svg.dataset.periodic = map.periodic.length;
  if (focusedKey) {
    const again = [...svg.querySelectorAll("rect.defect")].find(r => r.getAttribute("data-key") === focusedKey);
    if (again) again.focus({ preventScroll: true });
  }
}

async function showMapImage(url) {
  state.mapImage = url;
  const shown = document.getElementById("map-image");
  try {
    const image = await getJson(url);
    if (state.mapImage !== url) return; // another defect (or coil) was chosen meanwhile
    image.imageUrl = image.imageUrl || null;
    image.masks = (image.masks || []).map(m => ({ ...m, boundingBox: m.boundingBox || { x: 0, y: 0, width: 0, height: 0 } }));
    shown.replaceChildren(drawDefect(image));
  } catch (e) {
    if (state.mapImage === url) shown.replaceChildren(el("p", { className: "empty" }, `image not shown: ${e.message}`));
  }
}

/** The grade and the coil map; what cannot be read is added to problems, so that the page does not say it is live. */
async function renderQuality(problems) {
  const selected = state.selected;
  if (!selected) return;
  const id = encodeURIComponent(selected);
  let grade, stale = null;
  try {
    grade = await getJson(`/v1/coils/${id}/grade`);
    state.grades.set(selected, grade);
  } catch (e) {
    // Only a 404 means the coil is not graded yet; any other failure says nothing about its state.
    if (e.status === 404) {
      grade = { state: "OPEN" };
    } else {
      problems.push(e.message);
      grade = state.grades.get(selected) || { state: "UNKNOWN" };
      stale = `${state.grades.has(selected) ? "not refreshed" : "not read"}: ${e.message}`;
    }
  }
  if (state.selected !== selected) return; // another coil was chosen meanwhile
  renderGrade(grade, stale);
  document.getElementById("report-link").href = `/v1/coils/${id}/report`;
  // The map is read again only when the coil has new defects or changed state (it can hold thousands of them), and
  // every half minute for the strip's length, which clean images lengthen.
  const stats = state.lastStats;
  const segmented = stats && stats.coilId === selected ? stats.classes.map(c => c.pixels).join(",") : "";
  const version = `${selected}|${segmented}|${grade.state}|${grade.version || 0}|${Math.floor(Date.now() / 30000)}`;
  if (version !== state.mapVersion) {
    let map = null, failure = null;
    try {
      map = await getJson(`/v1/coils/${id}/map?limit=5000`);
    } catch (e) {
      failure = e;
    }
    if (state.selected !== selected) return;
    if (map) {
      state.mapVersion = version; state.lastMap = map; state.lastMapCoil = selected; state.lastMapAt = Date.now();
      document.getElementById("strip-note").hidden = true;
      document.getElementById("strip").dataset.stale = "false";
      renderStrip(map);
    } else if (failure.status === 404) {
      // No map of this coil yet: no other coil's strip either.
      document.getElementById("strip").replaceChildren();
      document.getElementById("strip-note").hidden = true;
      state.lastMap = null; state.lastMapCoil = null;
    } else {
      problems.push(failure.message);
      staleStrip(selected, failure.message);
    }
  }
}

function fixed(x, digits) {
  return typeof x === "number" && isFinite(x) ? x.toFixed(digits ?? 3) : "–";
}

/** The candidate model beside the live one: agreement per class, both against the reviews, the images where they differ most. */
function renderShadow(report) {
  const panel = document.getElementById("shadow");
  const seg = report.segmenter, cls = report.classifier;
  panel.hidden = !seg.shadow && !cls.shadow;
  if (panel.hidden) return;
  panel.dataset.compared = seg.imagesCompared;
  // Redrawn only when the report changed: a list item with the keyboard focus (or under the pointer) stays in place.
  const shown = JSON.stringify(report);
  if (shown === state.shadowShown) return;
  state.shadowShown = shown;
  const focusedImage = document.activeElement && document.activeElement.closest("#shadow-disagreements li")
    ? document.activeElement.dataset.imageId : null;
  document.getElementById("shadow-models").textContent =
    [seg.shadow && `segmenter ${seg.shadow} vs live ${seg.live || "–"}`, cls.shadow && `classifier ${cls.shadow} vs live ${cls.live || "–"}`].filter(Boolean).join(" · ");
  const body = [];
  if (seg.shadow) {
    const reviews = seg.againstReviews || { images: 0 };
    body.push(el("p", { className: "summary" }, `${seg.imagesCompared} images segmented by both: Kaggle mean Dice between them ${fixed(seg.meanDice)}` +
      (reviews.images ? ` · on ${reviews.images} reviewed images, Dice against the reviews: live ${fixed(reviews.liveDice)}, shadow ${fixed(reviews.shadowDice)}, predicting nothing ${fixed(reviews.nothingDice)}` : " · no reviewed image yet")));
    if (seg.perClass && seg.perClass.length) {
      body.push(el("table", { id: "shadow-classes" },
        el("thead", {}, el("tr", {}, el("th", {}, "class"), el("th", { className: "num" }, "live finds it"), el("th", { className: "num" }, "shadow finds it"),
          el("th", { className: "num" }, "presence agreement"), el("th", { className: "num" }, "Dice"))),
        el("tbody", {}, ...seg.perClass.map(c => el("tr", { "data-class-id": c.classId }, el("td", {}, chip(c.classId, c.className)),
          el("td", { className: "num" }, c.liveImages), el("td", { className: "num" }, c.shadowImages),
          el("td", { className: "num" }, pct(c.presenceAgreement)), el("td", { className: "num" }, fixed(c.dice)))))));
    }
    if (seg.disagreements && seg.disagreements.length) {
      body.push(el("h3", {}, "Where they differ most (click to review)"));
      body.push(el("ul", { className: "alert-list", id: "shadow-disagreements" }, ...seg.disagreements.map(d => {
        const item = el("li", { "data-image-id": d.imageId }, `${d.imageId} · coil ${d.coilId} · Dice ${fixed(d.dice)} · live classes [${d.liveClasses}] · shadow [${d.shadowClasses}]` + (d.reviewed ? " · reviewed" : ""));
        item.style.cursor = "pointer";
        // Opens from the keyboard too (Tab to the item, then Enter or Space).
        item.tabIndex = 0;
        item.setAttribute("role", "button");
        const open = async () => {
          try {
            const image = await getJson(`/v1/coils/${encodeURIComponent(d.coilId)}/images/${encodeURIComponent(d.imageId)}`);
            if (image.imageUrl && typeof openReview === "function") openReview({ ...image, coilId: d.coilId, masks: image.masks || [] }, state.classNames || new Map());
          } catch (e) {
            console.warn(e.message);
          }
        };
        item.addEventListener("click", open);
        item.addEventListener("keydown", e => {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); }
        });
        return item;
      })));
    }
  }
  if (cls.shadow) {
    const r = cls.againstReviews || { images: 0 };
    body.push(el("p", { className: "summary" }, `classifier: ${cls.imagesCompared} images decided by both, agreement ${cls.imagesCompared ? pct(cls.agreement) : "–"}` +
      (cls.imagesCompared ? ` (defective for live only ${cls.liveOnlyDefective}, for shadow only ${cls.shadowOnlyDefective})` : "") +
      (r.images ? ` · accuracy on ${r.images} reviewed images: live ${pct(r.liveAccuracy)}, shadow ${pct(r.shadowAccuracy)}` : "")));
  }
  document.getElementById("shadow-body").replaceChildren(...body);
  if (focusedImage) {
    const again = [...document.querySelectorAll("#shadow-disagreements li")].find(li => li.dataset.imageId === focusedImage);
    if (again) again.focus({ preventScroll: true });
  }
}

/** Images passed as clean and sent for audit; each opens in the review editor, where missed defects are painted. */
function renderAudit(images) {
  document.getElementById("audit").hidden = images.length === 0;
  const shown = images.map(i => i.imageId).join(",");
  if (shown === state.auditShown) return;
  state.auditShown = shown;
  document.getElementById("audit-images").replaceChildren(...images.map(image => {
    const open = el("button", { className: "review-open" }, "Review");
    open.addEventListener("click", () => { if (typeof openReview === "function") openReview(image, state.classNames || new Map()); });
    return el("li", { "data-image-id": image.imageId }, open, ` ${image.imageId} · coil ${image.coilId} · ` +
      `defect probability ${fixed(image.defectProbability, 2)} (threshold ${fixed(image.threshold, 2)}) · ${when(image.capturedAt)}`);
  }));
}

async function refresh() {
  const problems = [];
  let page = null;
  state.retryAfter = 0;
  try {
    page = await getJson("/v1/coils?sort=defectRate&size=100");
    if (!state.selected && page.coils.length > 0) state.selected = page.coils[0].coilId;
    renderTable(page);
  } catch (e) {
    problems.push(e.message);
  }
  // Signed out: every other request would be refused too; the sign-in message says it once instead of each panel.
  if (state.signedOut) return settle(page, problems);
  // Panels of their own: one that cannot be read (a coil being rebalanced, say) does not stop the others.
  try {
    await renderDetail();
    await renderQuality(problems);
  } catch (e) {
    problems.push(e.message);
    if (e.status === 404 && page) {
      // The coil chosen (or named in the address) has expired: show the worst coil there is instead.
      problems.push(`coil ${state.selected} is no longer kept`);
      state.selected = page.coils.length > 0 && page.coils[0].coilId !== state.selected ? page.coils[0].coilId : null;
      state.imagesShown = ""; state.lastMap = null; state.mapVersion = null; state.mapImage = null;
      document.getElementById("map-image").replaceChildren();
      markSelected();
    }
  }
  if (state.signedOut) return settle(page, problems);
  await getJson("/v1/alerts?limit=30").then(r => renderAlerts(r.alerts), e => problems.push(e.message));
  await getJson("/v1/shadow?limit=8").then(renderShadow, e => console.warn(e.message));
  await getJson("/v1/audit?limit=12").then(r => renderAudit(r.images), e => console.warn(e.message));
  settle(page, problems);
}

/** Records how a refresh ended: only one with nothing failed (and signed in) makes the page live again. */
function settle(page, problems) {
  if (problems.length === 0 && !state.signedOut && page) {
    state.lastGood = Date.now();
    state.total = page.total;
    state.problems = null;
  } else {
    state.problems = problems.length ? problems : null;
  }
  state.nextAt = Date.now() + nextDelay();
  showStatus();
}

/** Every 2 s; every 30 s while signed out; after what a 503's Retry-After asked for. */
function nextDelay() {
  return state.signedOut ? SIGNED_OUT_POLL_MS : Math.max(POLL_MS, state.retryAfter);
}

/**
 * One refresh at a time, each planned when the one before ended: a slow server gets no second one on top, and a click
 * during one is served right after it.
 */
let refreshing = null;
let refreshAgain = false;
let nextRefresh = null;
function refreshSoon() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  clearTimeout(nextRefresh);
  refreshing = refresh().catch(e => console.warn(e)).finally(() => {
    refreshing = null;
    if (refreshAgain) {
      refreshAgain = false;
      refreshSoon();
    } else {
      nextRefresh = setTimeout(refreshSoon, nextDelay());
    }
  });
}

for (const id of ["zoom", "pan"]) {
  document.getElementById(id).addEventListener("input", () => { if (state.lastMap) renderStrip(state.lastMap); });
}
refreshSoon();
// The status is judged every second, not only when a refresh ends: a refresh that hangs must not leave "live" on screen.
setInterval(showStatus, 1000);

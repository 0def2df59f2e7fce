// Review editor: a person confirms, rejects or repaints what the models found on one image. Masks are edited
// as bitmaps here and sent as Kaggle RLE (the server checks them against the image's size).
"use strict";

// basedOn: the review shown in the editor (null: the model's masks), sent so that one taken meanwhile is not replaced unseen.
// theirs: the review that refused a send (its masks, and the verdict refused), shown beside the reviewer's own masks on request.
// me: the reviewer's name, once a stored review told it. inFlight: the images (coil/image) with a send under way.
const review = { image: null, masks: new Map(), picture: null, pending: null, drawing: false, last: null, basedOn: null,
  theirs: null, showing: "mine", me: null, inFlight: new Set() };

function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
}

/** Kaggle RLE of a row-major bitmap: pixels numbered from 1 top to bottom, then left to right; runs may cross columns. */
function encodeRle(bits, width, height) {
  const out = [];
  let start = 0, length = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      if (bits[y * width + x] === 1) {
        if (length === 0) start = x * height + y + 1;
        length++;
      } else if (length > 0) {
        out.push(start, length);
        length = 0;
      }
    }
  }
  if (length > 0) out.push(start, length);
  return out.join(" ");
}

function reviewEl(id) {
  return document.getElementById(id);
}

/** Opens the editor on an image whose bytes the service still keeps (defect: the API's image or defect view). */
function openReview(defect, classNames) {
  const { width, height } = defect;
  review.image = defect;
  review.pending = null;
  review.basedOn = null;
  review.masks = decodeMasks(defect.masks);
  forgetTheirs();
  const select = reviewEl("review-class");
  const names = new Map(classNames);
  defect.masks.forEach(m => names.set(m.classId, m.className));
  if (names.size === 0) [1, 2, 3, 4].forEach(c => names.set(c, `class ${c}`));
  const options = () => [...names.entries()].sort((a, b) => a[0] - b[0]).map(([id, name]) => el("option", { value: id }, `${id} · ${name}`));
  select.replaceChildren(...options());
  reviewEl("review-relabel-to").replaceChildren(...options());
  review.names = names;
  const canvas = reviewEl("review-canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.dataset.imageId = defect.imageId;
  canvas.dataset.state = "loading";
  delete canvas.dataset.reviewed;
  reviewEl("review-image").textContent = defect.imageId;
  // The image view names the segmenter as segmentationModel; the defect and audit views as model.
  const model = defect.segmentationModel || defect.model;
  reviewEl("review-model").textContent = model ? `model ${model}` : "";
  reviewStatus("", "");
  updateButtons();
  reviewEl("review").hidden = false;
  if (review.picture) {
    review.picture.onload = review.picture.onerror = null; // the image opened before must not act on this one
  }
  const picture = new Image();
  review.picture = picture;
  picture.onload = () => { if (review.picture === picture) { canvas.dataset.state = "ready"; redrawReview(); } };
  picture.onerror = () => {
    if (review.picture === picture) { canvas.dataset.state = "image-error"; reviewStatus("error", "the image could not be loaded"); }
  };
  picture.src = defect.imageUrl;
  reviewEl("review").scrollIntoView({ block: "nearest" });
}

/** Masks (the model's, or a review's) as the editor's bitmaps, by class. */
function decodeMasks(masks) {
  const { width, height } = review.image;
  const out = new Map();
  for (const m of masks) {
    const bits = new Uint8Array(width * height);
    decodeRle(m.rle, width, height, (x, y) => { bits[y * width + x] = 1; });
    out.set(m.classId, { name: m.className, bits });
  }
  return out;
}

function forgetTheirs() {
  review.theirs = null;
  review.showing = "mine";
  reviewEl("review-toggle").hidden = true;
  reviewEl("review-resend").hidden = true;
}

/** Back to the reviewer's own masks before they are edited: edits never go to the other review's. */
function showMine() {
  if (review.showing === "mine") return;
  review.showing = "mine";
  if (review.theirs) reviewEl("review-toggle").textContent = review.theirs.showLabel;
  redrawReview();
}

function redrawReview() {
  const canvas = reviewEl("review-canvas");
  if (canvas.dataset.state !== "ready") return; // drawn once the picture is in
  const { width, height } = review.image;
  const g = canvas.getContext("2d");
  g.drawImage(review.picture, 0, 0);
  const pixels = g.getImageData(0, 0, width, height);
  const shown = review.showing === "theirs" && review.theirs ? review.theirs.masks : review.masks;
  canvas.dataset.showing = shown === review.masks ? "mine" : "theirs";
  for (const [classId, mask] of shown) {
    const [r, gr, b] = colour(classId);
    for (let i = 0; i < mask.bits.length; i++) {
      if (mask.bits[i] !== 1) continue;
      pixels.data[4 * i] = 0.45 * pixels.data[4 * i] + 0.55 * r;
      pixels.data[4 * i + 1] = 0.45 * pixels.data[4 * i + 1] + 0.55 * gr;
      pixels.data[4 * i + 2] = 0.45 * pixels.data[4 * i + 2] + 0.55 * b;
    }
  }
  g.putImageData(pixels, 0, 0);
  // What a correction would send now (the reviewer's own masks, whichever are shown), for the curious and for tests.
  canvas.dataset.masks = JSON.stringify(correctedMasks());
}

function correctedMasks() {
  const { width, height } = review.image;
  return [...review.masks.entries()].sort((a, b) => a[0] - b[0])
    .map(([classId, m]) => ({ classId, className: m.name, rle: encodeRle(m.bits, width, height) }))
    .filter(m => m.rle !== "");
}

/** Image pixel under a mouse event: the canvas is drawn scaled to the page's width. */
function imagePoint(event) {
  const canvas = reviewEl("review-canvas");
  const box = canvas.getBoundingClientRect();
  return [Math.floor((event.clientX - box.left) * canvas.width / box.width), Math.floor((event.clientY - box.top) * canvas.height / box.height)];
}

/** Paints (or erases) a square brush along the segment from the last point, so that a fast stroke leaves no gaps. */
function stroke(to) {
  const classId = Number(reviewEl("review-class").value);
  if (!review.masks.has(classId)) {
    review.masks.set(classId, { name: review.names.get(classId) || `class ${classId}`, bits: new Uint8Array(review.image.width * review.image.height) });
  }
  const bits = review.masks.get(classId).bits;
  const value = document.querySelector("input[name=review-mode]:checked").value === "erase" ? 0 : 1;
  const radius = Number(reviewEl("review-brush").value);
  const { width, height } = review.image;
  const from = review.last || to;
  const steps = Math.max(1, Math.abs(to[0] - from[0]), Math.abs(to[1] - from[1]));
  for (let s = 0; s <= steps; s++) {
    const cx = Math.round(from[0] + (to[0] - from[0]) * s / steps), cy = Math.round(from[1] + (to[1] - from[1]) * s / steps);
    for (let y = Math.max(0, cy - radius); y <= Math.min(height - 1, cy + radius); y++) {
      for (let x = Math.max(0, cx - radius); x <= Math.min(width - 1, cx + radius); x++) bits[y * width + x] = value;
    }
  }
  review.last = to;
}

function reviewStatus(kind, text) {
  const status = reviewEl("review-status");
  status.dataset.state = kind;
  status.textContent = text;
}

function imageKey(image) {
  return `${image.coilId}/${image.imageId}`;
}

/** Verdict buttons are off while the image shown has a send under way, so that two sends cannot race. */
function updateButtons() {
  const busy = !review.image || review.inFlight.has(imageKey(review.image));
  for (const id of ["review-confirm", "review-reject", "review-save", "review-resend"]) reviewEl(id).disabled = busy;
  for (const item of reviewEl("review-notices").children) {
    item.querySelector("button.retry").disabled = review.inFlight.has(item.dataset.key);
  }
}

/** Sends a verdict on the image in the editor; a failed send keeps its review id, so that sending again cannot store it twice. */
function sendReview(verdict) {
  if (!review.image) return;
  const body = { verdict, masks: verdict === "CORRECTED" ? correctedMasks().map(({ classId, className, rle }) => ({ classId, className, rle })) : [],
    basedOn: review.basedOn };
  const same = review.pending && review.pending.imageId === review.image.imageId && JSON.stringify(review.pending.body) === JSON.stringify(body);
  if (!same) review.pending = { imageId: review.image.imageId, body, reviewId: randomId() };
  return post({ image: review.image, verdict, body, reviewId: review.pending.reviewId });
}

function who(name) {
  return name === review.me ? "you" : name;
}

/**
 * Posts one review (send: image, verdict, body, reviewId). Its answer goes to the editor only while the editor shows
 * that image; a failure always goes to the notices too, which stay after the editor moved on or closed.
 */
async function post(send) {
  const { image, verdict } = send;
  const key = imageKey(image);
  if (review.inFlight.has(key)) return;
  const showing = () => review.image && imageKey(review.image) === key;
  review.inFlight.add(key);
  updateButtons();
  if (showing()) reviewStatus("sending", `sending ${verdict.toLowerCase()}…`);
  let response = null, answer;
  try {
    response = await fetch(`/v1/coils/${encodeURIComponent(image.coilId)}/images/${encodeURIComponent(image.imageId)}/reviews`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ reviewId: send.reviewId, ...send.body }) });
    answer = await response.json().catch(() => ({}));
  } catch (e) {
    answer = { message: e.message };
  } finally {
    review.inFlight.delete(key);
    updateButtons();
  }
  const canvas = reviewEl("review-canvas");
  if (response && response.status === 409 && answer.latestReview) {
    // Someone reviewed it meanwhile: the reviewer's own masks stay; sending again replaces that review knowingly.
    const latest = answer.latestReview;
    const by = who(latest.reviewer);
    const what = `${by} reviewed this image meanwhile (${latest.verdict.toLowerCase()}, ${when(latest.reviewedAt)})`;
    notice(send, what, { ...send, body: { ...send.body, basedOn: latest.reviewId }, reviewId: randomId() });
    if (!showing()) return;
    review.pending = null;
    review.basedOn = latest.reviewId;
    const theirs = by === "you" ? "your earlier review" : `${by}'s review`;
    review.theirs = { masks: decodeMasks(latest.reviewedMasks), verdict, showLabel: `show ${theirs}` };
    review.showing = "mine";
    const toggle = reviewEl("review-toggle");
    toggle.textContent = review.theirs.showLabel;
    toggle.hidden = false;
    const resend = reviewEl("review-resend");
    resend.textContent = `send again: replace ${theirs} with yours`;
    resend.hidden = false;
    canvas.dataset.reviewed = latest.verdict;
    canvas.dataset.reviewId = latest.reviewId;
    redrawReview();
    reviewStatus("error", `not stored: ${what}; your masks are kept here: "${review.theirs.showLabel}" to compare, `
      + `"send again" to replace ${theirs} with your ${verdict.toLowerCase()}`);
    return;
  }
  if (!response || !response.ok) {
    const reason = response ? `${response.status} ${answer.message || answer.error || ""}`.trim() : answer.message;
    notice(send, reason, send); // the same review id: a send that did arrive is not stored twice
    if (showing()) reviewStatus("error", `not stored: ${reason}; send again`);
    return;
  }
  review.me = answer.reviewer;
  forgetNotice(key);
  if (!showing()) return;
  review.pending = null;
  review.basedOn = answer.reviewId;
  forgetTheirs();
  canvas.dataset.reviewed = answer.verdict;
  canvas.dataset.reviewId = answer.reviewId;
  redrawReview();
  reviewStatus("stored", `${answer.verdict.toLowerCase()} by ${answer.reviewer}: ${answer.reviewedMasks.length} mask(s) stored`);
}

/** A send that was not stored, named by its image, with a button that sends retry (the same review, or one based on the newer). */
function notice(send, reason, retry) {
  const list = reviewEl("review-notices");
  const key = imageKey(send.image);
  const again = el("button", { className: "retry", title: "send this review again" }, "send again");
  again.addEventListener("click", () => post(retry));
  const dismiss = el("button", { className: "dismiss", title: "give this review up" }, "dismiss");
  dismiss.addEventListener("click", () => forgetNotice(key));
  const item = el("li", { "data-image-id": send.image.imageId, "data-key": key },
    `not stored: ${send.image.imageId} — ${reason} (${send.verdict.toLowerCase()}, coil ${send.image.coilId})`, again, dismiss);
  const old = [...list.children].find(li => li.dataset.key === key);
  if (old) old.replaceWith(item); else list.append(item);
  list.hidden = false;
  updateButtons();
}

function forgetNotice(key) {
  const list = reviewEl("review-notices");
  [...list.children].filter(li => li.dataset.key === key).forEach(li => li.remove());
  list.hidden = list.children.length === 0;
}

function setUpReview() {
  const canvas = reviewEl("review-canvas");
  canvas.addEventListener("pointerdown", e => {
    if (!review.image || canvas.dataset.state !== "ready") return;
    showMine();
    review.drawing = true;
    review.last = null;
    canvas.setPointerCapture(e.pointerId);
    stroke(imagePoint(e));
    redrawReview();
  });
  canvas.addEventListener("pointermove", e => {
    if (!review.drawing) return;
    stroke(imagePoint(e));
    redrawReview();
  });
  const end = () => { review.drawing = false; review.last = null; };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  reviewEl("review-confirm").addEventListener("click", () => sendReview("CONFIRMED"));
  reviewEl("review-reject").addEventListener("click", () => sendReview("REJECTED"));
  reviewEl("review-save").addEventListener("click", () => sendReview("CORRECTED"));
  reviewEl("review-resend").addEventListener("click", () => { if (review.theirs) sendReview(review.theirs.verdict); });
  reviewEl("review-toggle").addEventListener("click", () => {
    if (!review.theirs) return;
    review.showing = review.showing === "mine" ? "theirs" : "mine";
    reviewEl("review-toggle").textContent = review.showing === "mine" ? review.theirs.showLabel : "show mine";
    redrawReview();
  });
  reviewEl("review-clear").addEventListener("click", () => {
    showMine();
    const classId = Number(reviewEl("review-class").value);
    review.masks.delete(classId);
    redrawReview();
  });
  reviewEl("review-relabel").addEventListener("click", () => {
    showMine();
    const from = Number(reviewEl("review-class").value), to = Number(reviewEl("review-relabel-to").value);
    const moved = review.masks.get(from);
    if (!moved || from === to) return;
    const target = review.masks.get(to);
    if (target) moved.bits.forEach((bit, i) => { if (bit === 1) target.bits[i] = 1; });
    else review.masks.set(to, { name: review.names.get(to) || `class ${to}`, bits: moved.bits });
    review.masks.delete(from);
    reviewEl("review-class").value = String(to);
    redrawReview();
  });
  reviewEl("review-close").addEventListener("click", () => { reviewEl("review").hidden = true; review.image = null; updateButtons(); });
}

setUpReview();

// Review editor: a person confirms, rejects or repaints what the models found on one image. Masks are edited
// as bitmaps here and sent as Kaggle RLE (the server checks them against the image's size).
"use strict";

// basedOn: the review shown in the editor (null: the model's masks), sent so that one taken meanwhile is not replaced unseen.
const review = { image: null, masks: new Map(), picture: null, pending: null, drawing: false, last: null, basedOn: null };

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
  loadMasks(defect.masks);
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
  reviewEl("review-model").textContent = defect.model ? `model ${defect.model}` : "";
  reviewStatus("", "");
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

/** Puts masks (the model's, or a review's) into the editor. */
function loadMasks(masks) {
  const { width, height } = review.image;
  review.masks = new Map();
  for (const m of masks) {
    const bits = new Uint8Array(width * height);
    decodeRle(m.rle, width, height, (x, y) => { bits[y * width + x] = 1; });
    review.masks.set(m.classId, { name: m.className, bits });
  }
}

function redrawReview() {
  const canvas = reviewEl("review-canvas");
  const { width, height } = review.image;
  const g = canvas.getContext("2d");
  g.drawImage(review.picture, 0, 0);
  const pixels = g.getImageData(0, 0, width, height);
  for (const [classId, mask] of review.masks) {
    const [r, gr, b] = colour(classId);
    for (let i = 0; i < mask.bits.length; i++) {
      if (mask.bits[i] !== 1) continue;
      pixels.data[4 * i] = 0.45 * pixels.data[4 * i] + 0.55 * r;
      pixels.data[4 * i + 1] = 0.45 * pixels.data[4 * i + 1] + 0.55 * gr;
      pixels.data[4 * i + 2] = 0.45 * pixels.data[4 * i + 2] + 0.55 * b;
    }
  }
  g.putImageData(pixels, 0, 0);
  // What a correction would send now, for the curious and for tests.
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

/** Sends a verdict; a failed send keeps its review id, so that sending again cannot store it twice. */
async function sendReview(verdict) {
  const body = { verdict, masks: verdict === "CORRECTED" ? correctedMasks().map(({ classId, className, rle }) => ({ classId, className, rle })) : [],
    basedOn: review.basedOn };
  const same = review.pending && review.pending.imageId === review.image.imageId && JSON.stringify(review.pending.body) === JSON.stringify(body);
  if (!same) review.pending = { imageId: review.image.imageId, body, reviewId: randomId() };
  const sent = review.image;
  const { coilId, imageId } = sent;
  reviewStatus("sending", `sending ${verdict.toLowerCase()}…`);
  try {
    const response = await fetch(`/v1/coils/${encodeURIComponent(coilId)}/images/${encodeURIComponent(imageId)}/reviews`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ reviewId: review.pending.reviewId, ...body }) });
    const answer = await response.json().catch(() => ({}));
    if (review.image !== sent) return; // another image was opened meanwhile: this answer is not about it
    if (response.status === 409 && answer.latestReview) {
      // Someone reviewed it meanwhile: show that review; sending again replaces it knowingly.
      review.pending = null;
      review.basedOn = answer.latestReview.reviewId;
      loadMasks(answer.latestReview.reviewedMasks);
      redrawReview();
      const canvas = reviewEl("review-canvas");
      canvas.dataset.reviewed = answer.latestReview.verdict;
      canvas.dataset.reviewId = answer.latestReview.reviewId;
      reviewStatus("error", `not stored: ${answer.latestReview.reviewer} reviewed this image meanwhile `
        + `(${answer.latestReview.verdict.toLowerCase()}); their masks are shown now: send again to replace their review`);
      return;
    }
    if (!response.ok) {
      reviewStatus("error", `not stored: ${response.status} ${answer.message || answer.error || ""}`);
      return;
    }
    review.pending = null;
    review.basedOn = answer.reviewId;
    const canvas = reviewEl("review-canvas");
    canvas.dataset.reviewed = answer.verdict;
    canvas.dataset.reviewId = answer.reviewId;
    reviewStatus("stored", `${answer.verdict.toLowerCase()} by ${answer.reviewer}: ${answer.reviewedMasks.length} mask(s) stored`);
  } catch (e) {
    if (review.image === sent) reviewStatus("error", `not stored: ${e.message}; send again`);
  }
}

function setUpReview() {
  const canvas = reviewEl("review-canvas");
  canvas.addEventListener("pointerdown", e => {
    if (!review.image || canvas.dataset.state !== "ready") return;
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
  reviewEl("review-clear").addEventListener("click", () => {
    const classId = Number(reviewEl("review-class").value);
    review.masks.delete(classId);
    redrawReview();
  });
  reviewEl("review-relabel").addEventListener("click", () => {
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
  reviewEl("review-close").addEventListener("click", () => { reviewEl("review").hidden = true; review.image = null; });
}

setUpReview();

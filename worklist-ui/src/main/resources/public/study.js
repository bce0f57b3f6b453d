// The open study: who it is, who reads it, the viewer, the findings with the user's own feedback
// and heatmaps, the timeline. Opening only looks (audited once, as study.view); "Start reading"
// claims. Background refreshes update this panel from the list's rows, never by viewing again.
import { state, may, $ } from "./state.js";
import { api, post } from "./api.js";
import { escape, fullTime, shortTime, birthDate, percent } from "./format.js";
import { Viewer } from "./viewer.js";
import { refreshList, displayedRows, select, aiStatusHtml } from "./worklist.js";
import { acknowledge } from "./alerts.js";
import { loadAuditTrail } from "./audit.js";

export const viewer = new Viewer($("viewer"));
// Why a radiologist disagrees: the server's FeedbackReason codes, which population monitoring counts.
const REASONS = [["", "No reason given"], ["missed-finding", "Missed finding"], ["false-positive", "False positive"],
  ["poor-image", "Poor image"], ["other", "Other"]];
let undo = null;
let heatmapOn = null;

export function wireStudy() {
  $("claim").addEventListener("click", () => claim(false));
  $("take-over").addEventListener("click", () => claim(true));
  $("release").addEventListener("click", release);
  $("reviewed").addEventListener("click", review);
  $("undo").addEventListener("click", undoReview);
  $("close-study").addEventListener("click", closeStudy);
}

/** Opens a study on the user's request: one study.view record; opening the open study again does nothing. */
export async function openStudy(uid) {
  acknowledge(uid);
  state.arrived.delete(uid);
  if (state.open === uid && state.detail) return;
  state.open = uid;
  state.detail = null;
  heatmapOn = null;
  $("layout").classList.add("study-open");
  $("study").hidden = false;
  $("splitter").hidden = false;
  if (may("WORKLIST_WRITE")) {
    await post(`/studies/${encodeURIComponent(uid)}/open`);
  }
  const response = await api(`/studies/${encodeURIComponent(uid)}`);
  if (!response.ok || state.open !== uid) return;
  state.detail = await response.json();
  renderFindings(state.detail.row);
  renderStudy(state.detail.row);
  await viewer.show(uid, state.detail.images);
  $("compliance").hidden = !may("AUDIT_READ");
  if (may("AUDIT_READ")) await loadAuditTrail(uid);
}

/** Closes the study view and removes its patient data from the page. */
export function closeStudy() {
  state.open = null;
  state.detail = null;
  heatmapOn = null;
  viewer.clear();
  $("study").hidden = true;
  $("splitter").hidden = true;
  $("layout").classList.remove("study-open");
  for (const id of ["study-title", "study-meta", "reading-state", "model", "timeline", "audit-chain"]) $(id).textContent = "";
  $("findings").tBodies[0].replaceChildren();
  $("audit-trail").tBodies[0].replaceChildren();
}

/** After a list refresh: the open study's state from its row (no new view record). */
export function updateOpenStudy() {
  if (!state.open || !state.detail) return;
  const row = state.byUid.get(state.open);
  if (!row) return;
  state.detail.row = { ...state.detail.row, ...row };
  renderStudy(state.detail.row);
  applyFeedback(state.detail.row);
}

function renderStudy(row) {
  const detail = state.detail;
  $("study-title").textContent = `${row.patientName || "Unknown patient"} · ${[row.age, row.sex].filter(Boolean).join(" ")}`;
  $("study-meta").textContent = [row.birthDate ? `born ${birthDate(row.birthDate)}` : "", row.patientId ? `ID ${row.patientId}` : "",
    row.accession ? `Acc ${row.accession}` : "", detail.modality, detail.description,
    `study ${shortTime(row.studyTime || row.receivedAt)}`, row.priority.toUpperCase()].filter(Boolean).join(" · ");
  const me = state.me.user;
  const reading = $("reading-state");
  reading.className = "reading-state";
  $("claim").hidden = true;
  $("take-over").hidden = true;
  $("release").hidden = true;
  if (row.status === "in-progress" && row.reader === me) {
    reading.textContent = `You are reading this study (since ${shortTime(row.claimedAt)}).`;
    reading.classList.add("mine");
    $("release").hidden = false;
  } else if (row.status === "in-progress") {
    // A refused "Start reading" stays explained until somebody else holds the study.
    const refused = detail.refusedClaim && detail.refusedClaim.reader === row.reader ? detail.refusedClaim.text : "";
    reading.textContent = refused || `Reading: ${row.reader} since ${shortTime(row.claimedAt)}. You are only viewing.`;
    reading.classList.add("other");
    $("take-over").hidden = false;
    $("take-over").textContent = `Take over from ${row.reader}`;
  } else if (row.status === "completed") {
    reading.textContent = `Reviewed by ${row.reviewedBy} at ${shortTime(row.reviewedAt)}.`;
  } else {
    reading.textContent = "Viewing only: nobody is reading this study.";
    $("claim").hidden = false;
  }
  $("reviewed").disabled = row.status === "completed";
  $("reviewed").textContent = row.status === "completed" ? "Reviewed" : "Mark reviewed";
  const pacs = row.viewerUrl || detail.viewerUrl;
  $("pacs-link").hidden = !pacs;
  if (pacs) $("pacs-link").href = pacs;
  const model = `Model ${detail.modelId} ${detail.modelVersion} on ${detail.device}`
    + (detail.siteCalibrated ? "." : " (not calibrated at this site).");
  $("model").textContent = row.businessStatus === "scored"
    ? `${model} Synthetic reference model: not for clinical use unless your site replaced it.`
    : row.businessStatus === "unreliable" ? `${model} AI unreliable for this image (${(row.reason || "").replace(/^unreliable: /, "")}):`
        + " the findings are indeterminate and did not set the priority."
    : row.businessStatus === "suspended" ? `${model} ${row.reason}: the findings did not set the priority.`
    : `Not scored: ${(row.reason || "").replace(/^not scored: /, "")}. Read without AI help.`;
  const t = detail.timeline;
  const times = [["Received", t.received], ["Scored", t.scored], ["Opened", row.firstOpenedAt || t.opened],
    ["Claimed", row.claimedAt || t.claimed], ["Reviewed", row.reviewedAt || t.reviewed]];
  $("timeline").innerHTML = times.map(([label, time]) => `<li>${label}: <span>${time ? escape(fullTime(time)) : "—"}</span></li>`).join("");
}

function renderFindings(row) {
  const body = $("findings").tBodies[0];
  const scoresShown = ["scored", "unreliable", "suspended"].includes(row.businessStatus);
  if (!scoresShown) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td colspan="3">${aiStatusHtml(row)}</td>`;
    body.replaceChildren(tr);
    return;
  }
  const unreliable = row.businessStatus === "unreliable";
  const ordered = [...row.chips].sort((a, b) => Number(b.positive) - Number(a.positive) || b.probability - a.probability);
  body.replaceChildren(...ordered.map((chip) => {
    const tr = document.createElement("tr");
    tr.dataset.finding = chip.id;
    const result = unreliable ? "indeterminate" : chip.positive ? (chip.critical ? "positive, critical" : "positive") : "negative";
    const resultClass = !unreliable && chip.positive ? (chip.critical ? "crit" : "pos") : "";
    tr.innerHTML = `<td><span class="finding-name">${escape(chip.display)}</span><br>
        <span class="${resultClass}">${percent(chip.probability)} ${escape(result)}</span>
        <span class="muted small">(OP ${chip.threshold == null ? "none" : percent(chip.threshold)})</span></td>
      <td class="feedback-cell"><div class="view-buttons">
          <button type="button" data-agree="true" aria-pressed="false">Agree</button>
          <button type="button" data-agree="false" aria-pressed="false">Disagree</button>
          <select class="disagree-reason" data-reason></select></div><span class="saved"></span></td>
      <td class="heatmap-cell"><button type="button" data-heatmap aria-pressed="false">Show</button></td>`;
    const [agree, disagree] = tr.querySelectorAll("button[data-agree]");
    agree.setAttribute("aria-label", `Agree: ${chip.display}`);
    disagree.setAttribute("aria-label", `Disagree: ${chip.display}`);
    const reason = tr.querySelector("select[data-reason]");
    reason.setAttribute("aria-label", `Why you disagree: ${chip.display}`);
    reason.replaceChildren(...REASONS.map(([value, label]) => new Option(label, value)));
    agree.addEventListener("click", () => sendFeedback(chip, true, null));
    disagree.addEventListener("click", () => sendFeedback(chip, false, reason.value || null));
    // A reason chosen while the disagreement stands replaces it; chosen first, it goes with the next Disagree.
    reason.addEventListener("change", () => {
      if (disagree.getAttribute("aria-pressed") === "true") sendFeedback(chip, false, reason.value || null);
    });
    const heat = tr.querySelector("button[data-heatmap]");
    heat.setAttribute("aria-label", `Heatmap: ${chip.display}`);
    heat.addEventListener("click", () => toggleHeatmap(chip));
    return tr;
  }));
  applyFeedback(row);
}

/** Shows the user's saved view of each finding (also after refreshes and from other workstations). */
function applyFeedback(row) {
  for (const chip of row.chips) {
    const tr = $("findings").querySelector(`tr[data-finding="${chip.id}"]`);
    if (!tr) continue;
    const [agree, disagree] = tr.querySelectorAll("button[data-agree]");
    agree.setAttribute("aria-pressed", String(chip.agree === true));
    disagree.setAttribute("aria-pressed", String(chip.agree === false));
    const reason = tr.querySelector("select[data-reason]");
    // A reason picked before pressing Disagree stays until it is sent; a saved view is shown as saved.
    if (document.activeElement !== reason && chip.agree != null) reason.value = chip.agree === false ? chip.reason || "" : "";
    tr.querySelector(".saved").textContent = chip.agree == null ? "" : chip.agree ? "Saved: you agree."
      : `Saved: you disagree${chip.reason ? ` (${REASONS.find(([v]) => v === chip.reason)?.[1].toLowerCase()})` : ""}.`;
  }
}

async function sendFeedback(chip, agree, reason) {
  const response = await post(`/findings/${chip.id}/feedback`, { agree, reason });
  if (!response.ok) return;
  chip.agree = agree;
  chip.reason = reason;
  const row = state.detail?.row;
  const mine = row?.chips.find((c) => c.id === chip.id);
  if (mine) Object.assign(mine, { agree, reason });
  if (row) applyFeedback(row);
}

async function toggleHeatmap(chip) {
  const buttons = $("findings").querySelectorAll("button[data-heatmap]");
  if (heatmapOn === chip.id) {
    heatmapOn = null;
    viewer.setHeatmap(null);
    for (const b of buttons) b.setAttribute("aria-pressed", "false");
    return;
  }
  heatmapOn = chip.id;
  for (const b of buttons) {
    b.setAttribute("aria-pressed", String(b.closest("tr").dataset.finding === String(chip.id)));
  }
  if (viewer.current !== 0) await viewer.select(0);
  viewer.status.textContent = `Computing the heatmap of ${chip.display}…`;
  const response = await api(`/findings/${chip.id}/heatmap.png`);
  if (heatmapOn !== chip.id) return;
  if (!response.ok) {
    const { error } = await response.json().catch(() => ({ error: "no heatmap" }));
    viewer.status.textContent = `No heatmap: ${error}`;
    heatmapOn = null;
    for (const b of buttons) b.setAttribute("aria-pressed", "false");
    return;
  }
  const [x, y, width, height] = response.headers.get("X-Heatmap-Box").split(",").map(Number);
  const bitmap = await createImageBitmap(await response.blob());
  const computeMs = response.headers.get("X-Heatmap-Compute-Ms");
  viewer.setHeatmap({ bitmap, box: { x, y, width, height }, title: chip.display,
    maxDrop: Number(response.headers.get("X-Heatmap-Max-Drop")) });
  viewer.root.dataset.heatmapMs = computeMs;
  viewer.status.textContent = `Heatmap of ${chip.display}: computed in ${computeMs} ms`
    + `${response.headers.get("X-Heatmap-Cached") === "true" ? " (cached)" : ""}.`;
}

/** The heatmap of the first positive finding (or the first finding), on or off: the "h" key. */
export function toggleFirstHeatmap() {
  const row = state.detail?.row;
  if (!row || !row.chips.length) return;
  const chip = heatmapOn ? row.chips.find((c) => c.id === heatmapOn) : (row.chips.find((c) => c.positive) || row.chips[0]);
  toggleHeatmap(chip);
}

/** "Start reading"; a study somebody else reads is taken over only on request. */
export async function claim(takeOver) {
  const uid = state.open;
  if (!uid || !may("WORKLIST_WRITE")) return;
  const response = await post(`/studies/${encodeURIComponent(uid)}/claim${takeOver ? "?takeOver=true" : ""}`);
  const body = await response.json().catch(() => ({}));
  await refreshList();
  if (response.status === 409 && state.open === uid && state.detail) {
    const text = body.outcome === "reviewed" ? `Already reviewed by ${body.reader}.`
      : `${body.reader} started reading this at ${shortTime(body.since)}. Take over only if you agreed with them.`;
    state.detail.refusedClaim = { reader: body.reader, text };
    $("reading-state").textContent = text;
    $("reading-state").className = "reading-state other";
    $("take-over").hidden = body.outcome === "reviewed";
    $("claim").hidden = true;
  }
}

async function release() {
  if (!state.open) return;
  await post(`/studies/${encodeURIComponent(state.open)}/release`);
  await refreshList();
}

/** Marks the open study reviewed, offers undo for a few seconds, and opens the next study to read. */
export async function review() {
  const uid = state.open;
  if (!uid || !may("WORKLIST_WRITE") || $("reviewed").disabled) return;
  const response = await post(`/studies/${encodeURIComponent(uid)}/review`);
  if (!response.ok) return;
  const { undoSeconds } = await response.json();
  const name = state.byUid.get(uid)?.patientName || "the study";
  await refreshList();
  showUndo(uid, name, Math.min(8, undoSeconds));
  const next = displayedRows().find((row) => row.status === "ready" && row.studyUid !== uid);
  if (next) {
    select(next.studyUid, { focus: true });
    await openStudy(next.studyUid);
  }
}

function showUndo(uid, name, seconds) {
  if (undo) clearInterval(undo.timer);
  if (seconds <= 0) return;
  undo = { uid, left: seconds };
  const tick = () => {
    $("undo-text").textContent = `Marked reviewed: ${name}.`;
    $("undo").textContent = `Undo (z) ${undo.left} s`;
    if (undo.left-- <= 0) hideUndo();
  };
  $("undo-bar").hidden = false;
  tick();
  undo.timer = setInterval(tick, 1000);
}

function hideUndo() {
  if (undo) clearInterval(undo.timer);
  undo = null;
  $("undo-bar").hidden = true;
}

export async function undoReview() {
  if (!undo) return;
  const { uid } = undo;
  hideUndo();
  const response = await post(`/studies/${encodeURIComponent(uid)}/undo-review`);
  await refreshList();
  if (response.ok) {
    select(uid, { focus: true });
    await openStudy(uid);
  }
}

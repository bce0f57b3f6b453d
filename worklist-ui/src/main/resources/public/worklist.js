// The list: a dense keyboard grid, most urgent first. New studies never move rows under the
// pointer or the keyboard: while either is in the list, changes are held back behind "N new — show".
import { state, $ } from "./state.js";
import { json } from "./api.js";
import { escape, shortTime, waiting, birthDate, matches, shortLabel, percent, normalise } from "./format.js";
import { announceArrivals } from "./alerts.js";

const SORT_KEYS = {
  priority: null,
  patient: (r) => normalise(r.patientName),
  accession: (r) => r.accession || "",
  time: (r) => r.studyTime || r.receivedAt || "",
  waiting: (r) => r.waitingMinutes,
  status: (r) => r.status,
};

let openStudy = () => {};
let rowsChanged = () => {};

/** @param handlers open(uid): open a study; changed(): the rows were refreshed */
export function wireList(handlers) {
  openStudy = handlers.open;
  rowsChanged = handlers.changed;
  const wrap = $("table-wrap");
  wrap.addEventListener("pointerenter", () => { state.pointerInList = true; });
  wrap.addEventListener("pointerleave", () => {
    state.pointerInList = false;
    if (!gridHasFocus() && held()) render();
  });
  $("rows").tBodies[0].addEventListener("focusout", () => setTimeout(() => {
    if (!gridHasFocus() && !state.pointerInList && held()) render();
  }));
  $("new-studies").addEventListener("click", () => showHeld());
  for (const th of document.querySelectorAll("#rows thead th[data-sort]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.replaceChildren(button);
    button.addEventListener("click", () => {
      const column = th.dataset.sort;
      state.descending = state.sort === column ? !state.descending : false;
      state.sort = column === "priority" ? null : column;
      for (const other of document.querySelectorAll("#rows thead th[data-sort]")) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", state.sort ? (state.descending ? "descending" : "ascending") : "descending");
      render();
    });
  }
  for (const id of ["search", "status-filter", "finding-filter", "critical-only", "date-from", "date-to"]) {
    $(id).addEventListener("input", () => render());
    $(id).addEventListener("change", () => render());
  }
}

/** Fetches the list (audited on the server), announces critical arrivals, and shows it unless held. */
export async function refreshList() {
  const data = await json("/worklist");
  if (state.locked) return;
  state.version = data.version;
  const arrivals = state.known ? data.rows.filter((row) => !state.known.has(row.studyUid)) : [];
  for (const row of data.rows) (state.known ||= new Set()).add(row.studyUid);
  state.rows = data.rows;
  state.byUid = new Map(data.rows.map((row) => [row.studyUid, row]));
  for (const row of arrivals) state.arrived.add(row.studyUid);
  findingOptions(data.rows);
  if (frozen()) {
    renderHeld();
  } else {
    render();
  }
  if (!state.byUid.has(state.selected)) {
    const first = displayedRows()[0];
    if (first) select(first.studyUid);
  }
  announceArrivals(arrivals);
  rowsChanged();
}

export function clearList() {
  state.rows = [];
  state.byUid = new Map();
  state.displayed = [];
  state.selected = null;
  $("rows").tBodies[0].replaceChildren();
  $("new-studies").hidden = true;
  $("summary").textContent = "";
  $("selection-status").textContent = "";
}

/** The rows the filters and the sort select, in order. */
export function visibleRows() {
  const rows = filteredRows();
  const key = state.sort && SORT_KEYS[state.sort];
  if (!key) return rows;
  const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return state.descending ? sorted.reverse() : sorted;
}

/** The rows as shown right now (held or not). */
export function displayedRows() {
  return state.displayed.map((uid) => state.byUid.get(uid)).filter(Boolean);
}

function filteredRows() {
  const query = $("search").value.trim();
  const status = $("status-filter").value;
  const finding = $("finding-filter").value;
  const criticalOnly = $("critical-only").checked;
  const from = $("date-from").value;
  const to = $("date-to").value;
  return state.rows.filter((row) => {
    if (status === "open" && row.status === "completed") return false;
    if (status !== "open" && status !== "all" && row.status !== status) return false;
    if (criticalOnly && !row.critical) return false;
    if (finding && !row.chips.some((c) => c.key === finding && c.positive)) return false;
    if (from || to) {
      const day = localDay(row.studyTime || row.receivedAt);
      if ((from && day < from) || (to && day > to)) return false;
    }
    return !query || matches(query, `${row.patientName} ${row.patientId} ${row.accession}`);
  });
}

function localDay(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Keyboard focus on a row (not on a column heading). */
function gridHasFocus() {
  return $("rows").tBodies[0].contains(document.activeElement);
}

function frozen() {
  return state.displayed.length > 0 && (state.pointerInList || gridHasFocus());
}

/** True when what would be shown differs from what is shown. */
function held() {
  return visibleRows().map((r) => r.studyUid).join() !== state.displayed.join();
}

export function showHeld() {
  render();
  const first = displayedRows().find((row) => state.arrived.has(row.studyUid));
  if (first) select(first.studyUid, { focus: gridHasFocus() });
}

/** Shows the rows in the current order and content; restores scroll, selection and focus. */
export function render() {
  const rows = visibleRows();
  state.displayed = rows.map((row) => row.studyUid);
  draw(rows);
  $("new-studies").hidden = true;
}

/** Updates the rows in place without adding, removing or moving any, and says what is held back. */
function renderHeld() {
  draw(displayedRows());
  const shown = new Set(state.displayed);
  const fresh = visibleRows().filter((row) => !shown.has(row.studyUid)).length;
  const button = $("new-studies");
  button.hidden = !held();
  button.textContent = fresh ? `${fresh} new — show (n)` : "List changed — show (n)";
}

function draw(rows) {
  const wrap = $("table-wrap");
  const scroll = wrap.scrollTop;
  const hadFocus = gridHasFocus();
  $("rows").tBodies[0].replaceChildren(...rows.map(rowElement));
  $("empty").hidden = rows.length > 0;
  wrap.scrollTop = scroll;
  markSelected(hadFocus);
}

const STATUS = { ready: "New", completed: "Reviewed" };

/** Full text in the wide list; in the narrow one beside a study only the reader (or New / Done). */
function statusHtml(row) {
  if (row.status === "in-progress") {
    const mine = row.reader === state.me?.user;
    const who = mine ? "you" : escape(row.reader);
    return `<span class="reading ${mine ? "mine" : ""}" title="Reading: ${who}"><span class="status-full">Reading: ${who}</span>`
      + `<span class="status-short">${who}</span></span>`;
  }
  const text = escape(STATUS[row.status] || row.status);
  return `<span class="status-full">${text}</span><span class="status-short">${row.status === "completed" ? "Done" : text}</span>`;
}

function rowElement(row) {
  const tr = document.createElement("tr");
  tr.dataset.uid = row.studyUid;
  tr.tabIndex = -1;
  tr.setAttribute("aria-selected", "false");
  if (row.status === "completed") tr.classList.add("completed");
  if (state.arrived.has(row.studyUid)) tr.classList.add("arrived");
  const age = `${row.age || ""} ${row.sex || ""}`.trim();
  tr.innerHTML = `
    <td><span class="priority ${escape(row.priority)}">${escape(row.priority)}</span></td>
    <td class="name" title="${escape(row.patientName)}">${escape(row.patientName || "Unknown patient")}</td>
    <td>${escape(age)}</td>
    <td class="opt">${escape(birthDate(row.birthDate))}</td>
    <td class="opt" title="${escape(row.patientId)}">${escape(row.patientId)}</td>
    <td class="opt" title="${escape(row.accession)}">${escape(row.accession)}</td>
    <td class="opt">${escape(shortTime(row.studyTime || row.receivedAt))}</td>
    <td class="opt">${escape(waiting(row.waitingMinutes))}</td>
    <td>${findingsHtml(row)}</td>
    <td>${statusHtml(row)}</td>`;
  tr.addEventListener("click", () => {
    select(row.studyUid);
    openStudy(row.studyUid);
  });
  return tr;
}

function findingsHtml(row) {
  const status = aiStatusHtml(row);
  if (status) return status;
  // Positive findings first, then others only when they are not negligible (20 % or more).
  const shown = row.chips.filter((c) => c.positive).concat(row.chips.filter((c) => !c.positive && c.probability >= 0.2));
  return shown.length ? shown.map(chipHtml).join("") : `<span class="muted">none above 20 %</span>`;
}

/** What to show instead of finding chips when the AI's findings did not set the priority; "" when they did. */
export function aiStatusHtml(row) {
  switch (row.businessStatus) {
    case "scored": return "";
    case "unreliable":
      return `<span class="notscored unreliable">AI unreliable: ${escape((row.reason || "").replace(/^unreliable: /, ""))}</span>`;
    case "suspended":
      return `<span class="notscored suspended">${escape(row.reason || "AI triage suspended")}</span>`;
    default:
      return `<span class="notscored">not scored: ${escape((row.reason || "").replace(/^not scored: /, ""))}</span>`;
  }
}

export function chipText(chip) {
  return `${chip.display} ${percent(chip.probability)}${chip.positive ? ", positive at the operating point" : ""}`
    + `${chip.positive && chip.critical ? ", critical finding" : ""}`;
}

function chipHtml(chip) {
  const kind = chip.positive ? (chip.critical ? "positive critical" : "positive") : "";
  return `<span class="chip ${kind}" title="${escape(chipText(chip))}"><span aria-hidden="true">`
    + `${escape(shortLabel(chip))} ${percent(chip.probability)}</span><span class="sr-only">${escape(chipText(chip))}</span></span>`;
}

function findingOptions(rows) {
  for (const row of rows) {
    for (const chip of row.chips) {
      if (!state.findings.has(chip.key)) {
        state.findings.add(chip.key);
        const option = document.createElement("option");
        option.value = chip.key;
        option.textContent = chip.display;
        $("finding-filter").appendChild(option);
      }
    }
  }
}

/** Selects a row; with focus, moves keyboard focus to it (so keys never act on a button left focused). */
export function select(uid, { focus = false } = {}) {
  state.selected = uid;
  markSelected(focus);
  const row = state.byUid.get(uid);
  if (row) {
    const index = state.displayed.indexOf(uid) + 1;
    const findings = row.chips.filter((c) => c.positive).map((c) => c.display).join(", ") || "no positive finding";
    $("selection-status").textContent = `${index} of ${state.displayed.length}: ${row.patientName}, ${row.priority},`
      + ` ${findings}, ${row.status === "in-progress" ? `reading: ${row.reader}` : STATUS[row.status]}`;
  }
}

export function move(step) {
  const rows = displayedRows();
  if (!rows.length) return;
  const index = rows.findIndex((row) => row.studyUid === state.selected);
  const next = index < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, index + step));
  select(rows[next].studyUid, { focus: true });
}

function markSelected(focus) {
  for (const tr of $("rows").tBodies[0].rows) {
    const selected = tr.dataset.uid === state.selected;
    tr.setAttribute("aria-selected", selected ? "true" : "false");
    tr.tabIndex = selected ? 0 : -1;
    if (selected) {
      if (focus) tr.focus({ preventScroll: true });
      tr.scrollIntoView({ block: "nearest" });
    }
  }
  if (![...$("rows").tBodies[0].rows].some((tr) => tr.tabIndex === 0)) {
    const first = $("rows").tBodies[0].rows[0];
    if (first) first.tabIndex = 0;
  }
}

export async function loadSummary() {
  const s = await json("/summary");
  const part = (x) => (x.n ? `${x.medianMinutes} (${x.p90Minutes}) min, n=${x.n}` : "none yet");
  const group = (key) => `to first look ${part(s.toFirstOpen[key])}; to claim ${part(s.toClaim[key])}; `
    + `to review ${part(s.toReview[key])}; reading (claim to review) ${part(s.reading[key])}`;
  $("summary").textContent = `Last ${s.hours} h, median (90th percentile) from arrival — flagged: ${group("flagged")}.`
    + ` Not flagged: ${group("notFlagged")}.`;
}

// For compliance officers: a study's compliance timeline, in the study view and full width with
// filters (action, user, dates) and a CSV export of exactly the records shown.
import { $, state } from "./state.js";
import { api } from "./api.js";
import { escape, fullTime } from "./format.js";

let auditStudy = null;
// Each filter change fetches again; only the latest answer is shown, whatever order they arrive in.
let latest = 0;

export function wireAudit() {
  $("audit-full-open").addEventListener("click", () => openAuditView(state.open));
  $("audit-back").addEventListener("click", closeAuditView);
  for (const id of ["audit-action", "audit-actor", "audit-from", "audit-to"]) {
    $(id).addEventListener("change", () => loadFull());
  }
  $("audit-csv").addEventListener("click", exportCsv);
}

/** The timeline in the study view (every record about the study, oldest first). */
export async function loadAuditTrail(uid) {
  const response = await api(`/studies/${encodeURIComponent(uid)}/audit`);
  if (!response.ok) return;
  const { records, chainIntact } = await response.json();
  chain($("audit-chain"), chainIntact);
  $("audit-trail").tBodies[0].replaceChildren(...records.map((r) => {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${r.sequence}</td><td>${escape(fullTime(r.time))}</td><td>${escape(r.actor)}</td>
      <td>${escape(r.action)}</td><td class="${r.outcome === "SUCCESS" ? "" : "pos-text"}">${escape(r.outcome.toLowerCase())}</td>
      <td>${escape(r.details || "")}</td>`;
    return tr;
  }));
}

export function openAuditView(uid) {
  if (!uid) return;
  auditStudy = uid;
  $("audit-filters").reset();
  for (const id of ["audit-action", "audit-actor"]) $(id).replaceChildren($(id).options[0]);
  $("worklist").hidden = true;
  $("audit-view").hidden = false;
  const row = state.byUid.get(uid);
  $("audit-view-title").textContent = `Compliance timeline: ${row ? `${row.patientName} · ${row.accession}` : uid}`;
  loadFull();
  $("audit-action").focus();
}

export function closeAuditView() {
  $("audit-view").hidden = true;
  $("worklist").hidden = false;
  auditStudy = null;
  $("audit-full").tBodies[0].replaceChildren();
}

/** The filters as query parameters; dates are whole local days, "to" inclusive. */
function query() {
  const params = new URLSearchParams();
  if ($("audit-action").value) params.set("action", $("audit-action").value);
  if ($("audit-actor").value) params.set("actor", $("audit-actor").value);
  if ($("audit-from").value) params.set("from", new Date(`${$("audit-from").value}T00:00:00`).toISOString());
  if ($("audit-to").value) {
    const end = new Date(`${$("audit-to").value}T00:00:00`);
    end.setDate(end.getDate() + 1);
    params.set("to", end.toISOString());
  }
  return params.toString();
}

async function loadFull() {
  if (!auditStudy) return;
  const asked = ++latest;
  const response = await api(`/studies/${encodeURIComponent(auditStudy)}/audit?${query()}`);
  if (!response.ok || asked !== latest) return;
  const body = await response.json();
  if (asked !== latest) return;
  options($("audit-action"), body.actions);
  options($("audit-actor"), body.actors);
  chain($("audit-full-chain"), body.chainIntact);
  $("audit-full-caption").textContent = `${body.records.length} of ${body.total} record(s) about this study, oldest first;`
    + " times with seconds and time zone.";
  $("audit-full").tBodies[0].replaceChildren(...body.records.map((r) => {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${r.sequence}</td><td>${escape(fullTime(r.time))}</td><td>${escape(r.actor)}</td>
      <td>${escape(r.action)}</td><td class="${r.outcome === "SUCCESS" ? "" : "pos-text"}">${escape(r.outcome.toLowerCase())}</td>
      <td>${escape(r.source || "")}</td><td>${escape(r.resources.join(", "))}</td><td>${escape(r.details || "")}</td>`;
    return tr;
  }));
}

function options(select, values) {
  const chosen = select.value;
  const known = new Set([...select.options].map((o) => o.value));
  for (const value of values) {
    if (!known.has(value)) select.add(new Option(value, value));
  }
  select.value = chosen;
}

function chain(element, intact) {
  element.textContent = intact ? "The audit chain verifies intact up to its latest record."
    : "WARNING: the audit chain does not verify. Run ./cxr-triage audit verify.";
  element.classList.toggle("pos", !intact);
}

async function exportCsv() {
  const response = await api(`/studies/${encodeURIComponent(auditStudy)}/audit.csv?${query()}`);
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `audit-${auditStudy}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

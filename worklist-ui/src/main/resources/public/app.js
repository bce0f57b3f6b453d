// cxr-triage web worklist: plain JavaScript, no external assets. Talks to /api (same origin).
"use strict";

const state = { rows: [], version: null, selected: null, open: null, findings: new Set(), sort: null, descending: false,
  permissions: new Set() };
const may = (permission) => state.permissions.has(permission);

// Column sort keys; without a chosen column the server's order (most urgent first) is kept.
const SORT_KEYS = {
  priority: null,
  patient: (r) => (r.patientName || "").toLowerCase(),
  accession: (r) => r.accession || "",
  time: (r) => r.studyTime || "",
  waiting: (r) => r.waitingMinutes,
  status: (r) => r.status,
};
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch("/api" + path, {
    credentials: "same-origin",
    // X-Requested-With: the server answers 401 without a Basic challenge, so the browser shows no dialog.
    headers: { "X-Requested-With": "cxr-triage", ...(options.body ? { "Content-Type": "application/json" } : {}) },
    ...options,
  });
  if (response.status === 401) {
    showLogin();
    throw new Error("signed out");
  }
  if (response.status === 403) {
    const { error } = await response.json();
    $("notice").textContent = error;
    $("notice").hidden = false;
  }
  return response;
}

function showLogin() {
  $("login").hidden = false;
  $("worklist").hidden = true;
  $("account").hidden = true;
  $("login-user").focus();
}

async function start() {
  try {
    const me = await (await api("/me")).json();
    state.permissions = new Set(me.permissions);
    $("user-name").textContent = `${me.user} (${me.role.toLowerCase()})`;
    $("login").hidden = true;
    $("account").hidden = false;
    if (me.mustChangePassword && (me.role === "RADIOLOGIST" || me.role === "COMPLIANCE" || me.role === "INTEGRATION")) {
      $("own-password").hidden = false;
      $("own-current").focus();
      return;
    }
    $("own-password").hidden = true;
    pollSuspension();
    $("monitoring-nav").hidden = !may("MONITORING_READ");
    if (!may("WORKLIST_READ")) {
      $("notice").textContent = `The ${me.role} role manages users and models and does not see patient data.`;
      $("notice").hidden = false;
      if (may("USER_ADMIN")) {
        $("admin").hidden = false;
        await loadUsers();
        if (may("DELIVERY_ADMIN")) {
          await loadDeliveries();
        }
      }
      return;
    }
    $("worklist").hidden = false;
    document.body.classList.toggle("read-only", !may("WORKLIST_WRITE"));
    document.activeElement?.blur();
    await refresh(true);
    setInterval(poll, 3000);
  } catch (e) {
    // showLogin() has run
  }
}

// Monitoring's stop rule: every signed-in user sees a banner while AI triage is suspended.
async function pollSuspension() {
  const response = await fetch("/api/monitoring/banner", { credentials: "same-origin",
    headers: { "X-Requested-With": "cxr-triage" } }).catch(() => null);
  if (response && response.ok) {
    const { suspended, reason } = await response.json();
    $("ai-suspended").hidden = !suspended;
    $("ai-suspended").textContent = suspended ? `AI triage suspended: ${reason}. Findings are shown but do not raise priority.` : "";
  }
}
setInterval(pollSuspension, 15000);

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch("/api/login", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "cxr-triage" },
    body: JSON.stringify({ user: $("login-user").value, password: $("login-password").value }),
  });
  if (response.ok) {
    $("login-error").textContent = "";
    start();
  } else if (response.status === 429) {
    $("login-error").textContent = "Too many failed attempts. Wait a few minutes, then try again.";
  } else {
    $("login-error").textContent = "Wrong user name or password.";
  }
});

$("sign-out").addEventListener("click", async () => {
  await fetch("/api/logout", { method: "POST", credentials: "same-origin", headers: { "X-Requested-With": "cxr-triage" } });
  location.reload();
});

$("own-password-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch("/api/me/password", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "cxr-triage" },
    body: JSON.stringify({ current: $("own-current").value, password: $("own-new").value }),
  });
  $("own-current").value = "";
  $("own-new").value = "";
  if (response.ok) {
    $("own-password-error").textContent = "";
    start();
  } else {
    $("own-password-error").textContent = (await response.json()).error || "The password could not be changed.";
  }
});

$("filters").addEventListener("submit", (event) => event.preventDefault());

async function poll() {
  try {
    const { version } = await (await api("/worklist/version")).json();
    if (version !== state.version) {
      await refresh(false);
    }
  } catch (e) {
    // keep the current list; the next poll tries again
  }
}

async function refresh(first) {
  const data = await (await api("/worklist")).json();
  state.version = data.version;
  state.rows = data.rows;
  for (const row of data.rows) {
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
  render();
  loadSummary();
  if (visibleRows().length && !state.rows.some((r) => r.studyUid === state.selected)) {
    select(visibleRows()[0].studyUid);
  }
  if (state.open) {
    loadStudy(state.open, false);
  }
}

function visibleRows() {
  const rows = filteredRows();
  const key = state.sort && SORT_KEYS[state.sort];
  if (!key) return rows;
  const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return state.descending ? sorted.reverse() : sorted;
}

function filteredRows() {
  const query = $("search").value.trim().toLowerCase();
  const status = $("status-filter").value;
  const finding = $("finding-filter").value;
  const flagged = $("flagged-only").checked;
  return state.rows.filter((row) => {
    if (status === "open" && row.status === "completed") return false;
    if (status !== "open" && status !== "all" && row.status !== status) return false;
    if (flagged && !row.critical) return false;
    if (finding && !row.chips.some((c) => c.key === finding && c.positive)) return false;
    if (query && ![row.patientName, row.accession, row.patientId].some((v) => (v || "").toLowerCase().includes(query))) {
      return false;
    }
    return true;
  });
}

const STATUS_TEXT = { "ready": "New", "in-progress": "In progress", "completed": "Reviewed" };

function render() {
  const wrap = $("table-wrap");
  const scroll = wrap.scrollTop;
  const body = $("rows").tBodies[0];
  const rows = visibleRows();
  body.replaceChildren(...rows.map(rowElement));
  $("empty").hidden = rows.length > 0;
  wrap.scrollTop = scroll;
  markSelected();
}

function rowElement(row) {
  const tr = document.createElement("tr");
  tr.dataset.uid = row.studyUid;
  tr.tabIndex = -1;
  if (row.status === "completed") tr.classList.add("completed");
  // Positive findings first, then others only when they are not negligible (20 % or more).
  const shown = row.chips.filter((c) => c.positive).concat(row.chips.filter((c) => !c.positive && c.probability >= 0.2));
  const findings = aiStatusHtml(row)
    || (shown.length ? shown.map(chipHtml).join("") : `<span class="muted">no finding above 20 %</span>`);
  tr.innerHTML = `
    <td><span class="priority ${row.priority}">${row.priority}</span></td>
    <td>${findings}</td>
    <td>${escape(row.patientName)}</td>
    <td>${escape(row.patientId)}</td>
    <td>${escape(row.age)} ${escape(row.sex)}</td>
    <td>${escape(row.accession)}</td>
    <td>${formatTime(row.studyTime)}</td>
    <td>${waiting(row.waitingMinutes)}</td>
    <td>${STATUS_TEXT[row.status] || row.status}</td>`;
  tr.addEventListener("click", () => { select(row.studyUid); openStudy(row.studyUid); });
  return tr;
}

/** What to show instead of finding chips when the AI's findings did not set the priority; "" when they did. */
function aiStatusHtml(row) {
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

function chipHtml(chip) {
  const percent = Math.round(chip.probability * 100);
  const label = `${chip.display} ${percent}%${chip.positive ? ", positive at operating point" : ""}`;
  return `<span class="chip ${chip.positive ? "positive" : ""}" title="${escape(label)}" aria-label="${escape(label)}">`
    + `${escape(chip.display)} ${percent}%</span>`;
}

function select(uid) {
  state.selected = uid;
  markSelected();
}

function markSelected() {
  for (const tr of $("rows").tBodies[0].rows) {
    const selected = tr.dataset.uid === state.selected;
    tr.classList.toggle("selected", selected);
    tr.setAttribute("aria-selected", selected ? "true" : "false");
    if (selected && document.activeElement?.tagName !== "INPUT" && document.activeElement?.tagName !== "SELECT") {
      tr.scrollIntoView({ block: "nearest" });
    }
  }
}

async function openStudy(uid) {
  state.open = uid;
  const row = state.rows.find((r) => r.studyUid === uid);
  if (row && row.status === "ready" && may("WORKLIST_WRITE")) {
    await api(`/studies/${encodeURIComponent(uid)}/open`, { method: "POST" });
  }
  await loadStudy(uid, true);
  refresh(false);
}

// The reasons a radiologist may give with Disagree (the server's FeedbackReason codes); monitoring counts them.
const DISAGREE_REASONS = `<option value="">reason (optional)</option><option value="missed-finding">missed finding</option>
  <option value="false-positive">false positive</option><option value="poor-image">poor image</option>
  <option value="other">other</option>`;

async function loadStudy(uid, withImage) {
  const response = await api(`/studies/${encodeURIComponent(uid)}`);
  if (!response.ok) return;
  const detail = await response.json();
  const row = detail.row;
  $("study").hidden = false;
  $("study-title").textContent = `${row.patientName || "Unknown patient"} · ${row.accession || "no accession"}`;
  $("study-meta").textContent = [detail.modality, detail.description, `${row.age || ""} ${row.sex || ""}`.trim(),
    row.patientId ? `ID ${row.patientId}` : ""].filter((part) => part && part.trim()).join(" · ");
  if (withImage) {
    $("preview").src = `/api/studies/${encodeURIComponent(uid)}/preview.png`;
  }
  const body = $("findings").tBodies[0];
  const scoresShown = ["scored", "unreliable", "suspended"].includes(row.businessStatus);
  const unreliable = row.businessStatus === "unreliable";
  body.replaceChildren(...(scoresShown ? row.chips : []).map((chip) => {
    const tr = document.createElement("tr");
    tr.dataset.finding = chip.id;
    const result = unreliable ? "Indeterminate" : chip.positive ? "Positive" : "Negative";
    tr.innerHTML = `<td>${escape(chip.display)}</td><td>${(chip.probability * 100).toFixed(1)}%</td>
      <td>${chip.threshold == null ? "none" : (chip.threshold * 100).toFixed(1) + "%"}</td>
      <td class="${chip.positive && !unreliable ? "pos" : ""}">${result}</td>
      <td><button type="button" data-agree="true" aria-pressed="false">Agree</button>
          <button type="button" data-agree="false" aria-pressed="false">Disagree</button>
          <select class="disagree-reason" aria-label="Why you disagree with ${escape(chip.display)}">${DISAGREE_REASONS}</select></td>`;
    const reason = tr.querySelector("select");
    const send = async (agree) => {
      const feedback = agree ? { agree } : { agree, ...(reason.value ? { reason: reason.value } : {}) };
      const response = await api(`/findings/${chip.id}/feedback`, { method: "POST", body: JSON.stringify(feedback) });
      if (!response.ok) return;
      for (const button of tr.querySelectorAll("button")) {
        button.setAttribute("aria-pressed", (button.dataset.agree === "true") === agree ? "true" : "false");
      }
      if (agree) reason.value = "";
    };
    for (const button of tr.querySelectorAll("button")) {
      button.addEventListener("click", () => send(button.dataset.agree === "true"));
    }
    // A reason chosen after Disagree was pressed replaces that disagreement; choosing one first, then Disagree, sends both.
    reason.addEventListener("change", () => {
      if (tr.querySelector("button[data-agree='false']").getAttribute("aria-pressed") === "true") send(false);
    });
    return tr;
  }));
  const model = `Model ${detail.modelId} ${detail.modelVersion} on ${detail.device}.`;
  $("model").textContent = row.businessStatus === "scored"
    ? `${model} Synthetic reference model: not for clinical use unless your site replaced it.`
    : unreliable ? `${model} AI unreliable for this image (${(row.reason || "").replace(/^unreliable: /, "")}):`
        + " the findings are indeterminate and did not set the priority."
    : row.businessStatus === "suspended" ? `${model} ${row.reason}: the findings did not set the priority.`
    : `Not scored: ${(row.reason || "").replace(/^not scored: /, "")}`;
  const t = detail.timeline;
  $("timeline").innerHTML = [["Received", t.received], ["Scored", t.scored], ["Opened", t.opened], ["Reviewed", t.reviewed]]
    .map(([label, time]) => `<li>${label}: <span>${time ? formatTime(time) : "—"}</span></li>`).join("");
  $("reviewed").disabled = row.status === "completed";
  $("reviewed").textContent = row.status === "completed" ? "Reviewed" : "Mark reviewed";
  $("reviewed").hidden = !may("WORKLIST_WRITE");
  $("compliance").hidden = !may("AUDIT_READ");
  if (may("AUDIT_READ")) {
    await loadAuditTrail(uid);
  }
}

// For administrators: users and models.
async function loadUsers() {
  const users = await (await api("/admin/users")).json();
  $("users").tBodies[0].replaceChildren(...users.map((u) => {
    const tr = document.createElement("tr");
    tr.dataset.user = u.name;
    tr.innerHTML = `<td>${escape(u.name)}</td><td>${escape(u.role.toLowerCase())}</td>
      <td>${u.disabled ? "disabled" : "active"}</td><td>${formatTime(u.changedAt)}</td>
      <td><button type="button">${u.disabled ? "Enable" : "Disable"}</button></td>`;
    tr.querySelector("button").addEventListener("click", async () => {
      const response = await api(`/admin/users/${encodeURIComponent(u.name)}/${u.disabled ? "enable" : "disable"}`,
        { method: "POST" });
      $("admin-message").textContent = response.ok ? `${u.name} ${u.disabled ? "enabled" : "disabled"}.`
        : (await response.json()).error;
      await loadUsers();
    });
    return tr;
  }));
}

$("add-user").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await api("/admin/users", { method: "POST", body: JSON.stringify({
    name: $("new-user").value, role: $("new-role").value, password: $("new-password").value }) });
  $("admin-message").textContent = response.ok ? `Added ${$("new-user").value}.` : (await response.json()).error;
  if (response.ok) {
    $("add-user").reset();
    await loadUsers();
  }
});

// For administrators: the result outbox per destination, its latest failures, and re-queuing them.
async function loadDeliveries() {
  const overview = await (await api("/admin/deliveries")).json();
  $("deliveries").tBodies[0].replaceChildren(...overview.destinations.map((d) => {
    const tr = document.createElement("tr");
    tr.dataset.destination = d.destination;
    tr.innerHTML = `<td>${escape(d.kind)}</td><td>${escape(d.destination)}</td><td>${d.pending}</td>
      <td>${d.oldestPending ? formatTime(d.oldestPending) : ""}</td><td>${d.failed}</td>
      <td>${d.failed > 0 ? "<button type=\"button\">Retry failed</button>" : ""}</td>`;
    tr.querySelector("button")?.addEventListener("click", async () => {
      const response = await api("/admin/deliveries/retry", { method: "POST",
        body: JSON.stringify({ destination: d.destination }) });
      $("deliveries-message").textContent = response.ok
        ? `Re-queued ${(await response.json()).requeued} failed deliveries to ${d.destination}.`
        : `Not re-queued: HTTP ${response.status}.`;
      await loadDeliveries();
    });
    return tr;
  }));
  $("delivery-failures").replaceChildren(...overview.failures.map((f) => {
    const li = document.createElement("li");
    li.textContent = `${f.kind} ${f.destination}, revision ${f.revision}, ${f.attempts} attempt(s)`
      + `${f.lastAttempt ? `, last ${formatTime(f.lastAttempt)}` : ""}: ${f.error}`;
    return li;
  }));
  if (overview.workers > overview.workersAlive) {
    $("deliveries-message").textContent = `Only ${overview.workersAlive} of ${overview.workers} sender threads are running.`;
  }
}

$("reload-models").addEventListener("click", async () => {
  const response = await fetch("/admin/models/reload", { method: "POST", credentials: "same-origin",
    headers: { "X-Requested-With": "cxr-triage" } });
  const body = await response.json();
  $("models-message").textContent = response.ok
    ? `Active model: ${body.active}${body.shadows.length ? `; shadows: ${body.shadows.join(", ")}` : ""}`
      + `${body.problems.length ? `; refused: ${body.problems.join("; ")}` : ""}.`
    : `Not reloaded: ${body.error}. The previous models are still running.`;
});

// For compliance officers: every recorded access to and action on this study, oldest first.
async function loadAuditTrail(uid) {
  const response = await api(`/studies/${encodeURIComponent(uid)}/audit`);
  if (!response.ok) return;
  const { records, chainIntact } = await response.json();
  $("audit-chain").textContent = chainIntact
    ? "The audit chain verifies intact up to its latest record."
    : "WARNING: the audit chain does not verify. Run ./cxr-triage audit verify.";
  $("audit-chain").classList.toggle("pos", !chainIntact);
  $("audit-trail").tBodies[0].replaceChildren(...records.map((r) => {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${r.sequence}</td><td>${formatTime(r.time)}</td><td>${escape(r.actor)}</td>
      <td>${escape(r.action)}</td><td class="${r.outcome === "SUCCESS" ? "" : "pos"}">${escape(r.outcome.toLowerCase())}</td>
      <td>${escape(r.source || "")}</td><td>${escape(r.details || "")}</td>`;
    return tr;
  }));
}

$("reviewed").addEventListener("click", async () => {
  if (!state.open) return;
  await api(`/studies/${encodeURIComponent(state.open)}/review`, { method: "POST" });
  await loadStudy(state.open, false);
  refresh(false);
});

$("close-study").addEventListener("click", closeStudy);

function closeStudy() {
  state.open = null;
  $("study").hidden = true;
}

async function loadSummary() {
  const s = await (await api("/summary")).json();
  const part = (label, x) => x.n ? `${label} median ${x.medianMinutes} min, 90th percentile ${x.p90Minutes} min (n=${x.n})` : `${label} none yet`;
  $("summary").textContent = `Last ${s.hours} h — time to first open: ${part("flagged", s.toFirstOpen.flagged)}; `
    + `${part("not flagged", s.toFirstOpen.notFlagged)}. Time to review: ${part("flagged", s.toReview.flagged)}; `
    + `${part("not flagged", s.toReview.notFlagged)}.`;
}

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

for (const id of ["search", "status-filter", "finding-filter", "flagged-only"]) {
  $(id).addEventListener("input", render);
  $(id).addEventListener("change", render);
}

document.addEventListener("keydown", (event) => {
  if ($("worklist").hidden || ["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName)) return;
  const rows = visibleRows();
  const index = rows.findIndex((r) => r.studyUid === state.selected);
  if (event.key === "j" && rows.length) {
    select(rows[Math.min(rows.length - 1, index + 1)].studyUid);
  } else if (event.key === "k" && rows.length) {
    select(rows[Math.max(0, index - 1)].studyUid);
  } else if (event.key === "Enter" && state.selected) {
    openStudy(state.selected);
  } else if (event.key === "Escape") {
    closeStudy();
  }
});

function waiting(minutes) {
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function formatTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

function escape(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

start();

// Model rollout for administrators: the installed versions, changing a version's state, rolling a
// model back, and the banner that names automatic rollbacks of the last 7 days. Only users with
// MODEL_ADMIN call /api/admin/models; nobody else sees these controls or the banner.
import { $, may } from "./state.js";
import { post, json } from "./api.js";
import { shortTime, fullTime } from "./format.js";

const DISMISSED = "cxr-triage.rollbacks-dismissed";

export function wireRollout() {
  const stageInputs = ["stage-version", "stage-state", "stage-reason", "stage-force"];
  for (const id of stageInputs) {
    $(id).addEventListener("input", stageControls);
    $(id).addEventListener("change", stageControls);
  }
  $("rollback-reason").addEventListener("input", rollbackControls);
  $("model-stage").addEventListener("submit", async (event) => {
    event.preventDefault();
    await stage();
  });
  $("model-rollback").addEventListener("submit", async (event) => {
    event.preventDefault();
    await rollback();
  });
  $("model-rollbacks-dismiss").addEventListener("click", () => {
    sessionStorage.setItem(DISMISSED, "yes");
    $("model-rollbacks").hidden = true;
  });
}

/** The versions table, the forms' choices and the rollback banner, from one GET /api/admin/models. */
export async function loadRollout() {
  if (!may("MODEL_ADMIN")) return;
  const models = await json("/admin/models");
  renderBanner(models.autoRollbacks || []);
  if ($("admin").hidden) return;
  $("model-rollout").hidden = false;
  $("model-versions").tBodies[0].replaceChildren(...models.versions.map(row));
  const running = models.runningOnThisNode || [];
  const problems = models.problems || [];
  $("model-running").textContent = `This node runs: ${running.length ? running.join(", ") : "nothing yet"}.`
    + (problems.length ? ` Not loaded: ${problems.join("; ")}.` : "");
  // Model ids and versions are directory names, so neither holds a "/".
  fill($("stage-version"), models.versions.map((v) => [`${v.modelId}/${v.version}`, `${v.modelId} ${v.version} (${v.state})`]));
  fill($("rollback-model"), [...new Set(models.versions.map((v) => v.modelId))].map((id) => [id, id]));
  stageControls();
  rollbackControls();
}

/** Shows the banner unless dismissed since this sign-in; {@link forgetRollout} brings it back at the next one. */
function renderBanner(rollbacks) {
  $("model-rollback-list").replaceChildren(...rollbacks.map((text) => {
    const li = document.createElement("li");
    li.textContent = `Automatic rollback: ${text}`;
    return li;
  }));
  $("model-rollbacks").hidden = rollbacks.length === 0 || sessionStorage.getItem(DISMISSED) === "yes";
}

/** Signing out (or the session ending) forgets the dismissal and empties the section. */
export function forgetRollout() {
  sessionStorage.removeItem(DISMISSED);
  $("model-rollbacks").hidden = true;
  $("model-rollback-list").replaceChildren();
  $("model-rollout").hidden = true;
  $("model-versions").tBodies[0].replaceChildren();
  for (const id of ["stage-message", "rollback-message"]) $(id).textContent = "";
  $("model-stage").reset();
  $("model-rollback").reset();
}

function row(v) {
  const tr = document.createElement("tr");
  tr.dataset.model = v.modelId;
  tr.dataset.version = v.version;
  tr.dataset.state = v.state;
  const share = v.state === "canary"
    ? `${v.canaryPercent ?? 100} %${v.canaryCallers.length ? ` of ${v.canaryCallers.join(", ")}` : " of every caller"}`
    : v.share;
  const since = cell(shortTime(v.since));
  since.title = fullTime(v.since);
  const calibration = cell(v.calibrationVersions);
  const flag = document.createElement("div");
  flag.className = v.siteCalibrated ? "muted small" : "flag";
  flag.textContent = v.siteCalibration;
  calibration.append(flag);
  const sha = cell(v.sha256.slice(0, 12));
  sha.title = v.sha256;
  sha.className = "mono";
  const compare = cell("");
  if (v.state === "shadow" || v.state === "canary") {
    const a = document.createElement("a");
    a.href = `comparison.html?model=${encodeURIComponent(v.modelId)}&version=${encodeURIComponent(v.version)}`;
    a.textContent = "Compare with active";
    a.setAttribute("aria-label", `Compare ${v.modelId} ${v.version} with the active version`);
    compare.append(a);
  }
  const state = cell(v.state);
  state.className = `rollout-state state-${v.state}`;
  tr.append(cell(v.modelId), cell(v.version), state, cell(share), since, calibration, sha, compare);
  return tr;
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  return td;
}

function fill(select, options) {
  const previous = select.value;
  select.replaceChildren(...options.map(([value, label]) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    return option;
  }));
  if (options.some(([value]) => value === previous)) select.value = previous;
}

/** A change needs a reason; force needs the reason too, is only offered for activation, and warns when ticked. */
function stageControls() {
  const canary = $("stage-state").value === "canary";
  $("stage-percent").disabled = !canary;
  $("stage-callers").disabled = !canary;
  const reason = $("stage-reason").value.trim() !== "";
  const forceable = reason && $("stage-state").value === "active";
  if (!forceable) $("stage-force").checked = false;
  $("stage-force").disabled = !forceable;
  $("stage-force-warning").hidden = !$("stage-force").checked;
  $("stage-submit").disabled = !reason || !$("stage-version").value;
  $("stage-submit").textContent = $("stage-force").checked ? "Force the change" : "Change state";
}

function rollbackControls() {
  $("rollback-submit").disabled = $("rollback-reason").value.trim() === "" || !$("rollback-model").value;
}

async function stage() {
  const value = $("stage-version").value;
  const modelId = value.slice(0, value.indexOf("/"));
  const version = value.slice(value.indexOf("/") + 1);
  const canary = $("stage-state").value === "canary";
  const percent = $("stage-percent").value;
  const body = {
    state: $("stage-state").value,
    reason: $("stage-reason").value.trim(),
    force: $("stage-force").checked,
    ...(canary && percent !== "" ? { percent: Number(percent) } : {}),
    ...(canary && $("stage-callers").value.trim() ? { callers: $("stage-callers").value.trim() } : {}),
  };
  const response = await post(`/admin/models/${encodeURIComponent(modelId)}/${encodeURIComponent(version)}/stage`, body);
  await answer(response, $("stage-message"));
  if (response.ok) {
    $("stage-reason").value = "";
    $("stage-force").checked = false;
  }
  await loadRollout();
}

async function rollback() {
  const modelId = $("rollback-model").value;
  const response = await post(`/admin/models/${encodeURIComponent(modelId)}/rollback`, { reason: $("rollback-reason").value.trim() });
  await answer(response, $("rollback-message"));
  if (response.ok) $("rollback-reason").value = "";
  await loadRollout();
}

/** The change made, or the server's refusal word for word. */
async function answer(response, message) {
  const body = await response.json().catch(() => ({}));
  message.classList.toggle("refused", !response.ok);
  message.textContent = response.ok ? `Done: ${body.change}` : (body.error || `Not changed: HTTP ${response.status}.`);
}

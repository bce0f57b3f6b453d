// For administrators: users (add, disable with confirmation, enable, reset a password) and models.
// No patient data here.
import { $, state } from "./state.js";
import { api, post, json } from "./api.js";
import { escape, shortTime } from "./format.js";

export function wireAdmin() {
  $("add-user").addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await post("/admin/users", { name: $("new-user").value, role: $("new-role").value,
      password: $("new-password").value });
    $("admin-message").textContent = response.ok ? `Added ${$("new-user").value}.` : (await response.json()).error;
    if (response.ok) {
      $("add-user").reset();
      await loadUsers();
    }
  });
  $("reload-models").addEventListener("click", async () => {
    const response = await fetch("/admin/models/reload", { method: "POST", credentials: "same-origin",
      headers: { "X-Requested-With": "cxr-triage" } });
    const body = await response.json();
    $("models-message").textContent = response.ok
      ? `Active model: ${body.active}${body.shadows.length ? `; shadows: ${body.shadows.join(", ")}` : ""}`
        + `${body.problems.length ? `; refused: ${body.problems.join("; ")}` : ""}.`
      : `Not reloaded: ${body.error}. The previous models are still running.`;
  });
}

export async function loadUsers() {
  const users = await json("/admin/users");
  $("users").tBodies[0].replaceChildren(...users.map((u) => {
    const self = u.name === state.me.user;
    const tr = document.createElement("tr");
    tr.dataset.user = u.name;
    tr.innerHTML = `<td>${escape(u.name)}${self ? " (you)" : ""}</td><td>${escape(u.role.toLowerCase())}</td>
      <td>${u.disabled ? "disabled" : "active"}${u.mustChangePassword ? ", must set own password" : ""}</td>
      <td>${escape(shortTime(u.changedAt))}</td><td></td>`;
    const actions = tr.lastElementChild;
    if (!self || u.disabled) {
      const toggle = button(u.disabled ? "Enable" : "Disable", `${u.disabled ? "Enable" : "Disable"} ${u.name}`);
      toggle.addEventListener("click", () => (u.disabled ? enable(u.name) : disable(u.name)));
      actions.append(toggle);
    }
    const reset = button("Reset password", `Reset the password of ${u.name}`);
    reset.addEventListener("click", () => resetPassword(u.name));
    actions.append(reset);
    return tr;
  }));
}

function button(text, label) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  return b;
}

async function disable(name) {
  if (!(await confirmDialog(`Disable ${name}?`, `${name} is signed out everywhere at once and cannot sign in until enabled again.`,
    "Disable"))) return;
  await change(name, "disable", `${name} disabled.`);
}

async function enable(name) {
  await change(name, "enable", `${name} enabled.`);
}

async function resetPassword(name) {
  const label = document.createElement("label");
  label.innerHTML = `New password for ${escape(name)} (at least 12 characters)
    <input id="reset-password" type="password" autocomplete="new-password" minlength="12">`;
  if (!(await confirmDialog(`Reset the password of ${name}?`, `${name}'s sessions end; they must choose their own password`
    + " at the next sign-in before they see patient data.", "Reset password", label))) return;
  const password = label.querySelector("input").value;
  const response = await post(`/admin/users/${encodeURIComponent(name)}/password`, { password });
  $("admin-message").textContent = response.ok ? `Password of ${name} reset.` : (await response.json()).error;
  await loadUsers();
}

async function change(name, what, done) {
  const response = await api(`/admin/users/${encodeURIComponent(name)}/${what}`, { method: "POST" });
  $("admin-message").textContent = response.ok ? done : (await response.json()).error;
  await loadUsers();
}

/** A modal question; resolves true when confirmed. {@code extra}: an element shown in the dialog (a field). */
export function confirmDialog(title, text, okLabel, extra) {
  const dialog = $("confirm");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = okLabel;
  $("confirm-extra").replaceChildren(...(extra ? [extra] : []));
  dialog.returnValue = "";
  dialog.showModal();
  (extra?.querySelector("input") || $("confirm-cancel")).focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}

/**
 * What an administrator should change in this installation's configuration (an empty DICOM
 * allow-list, say), each naming the setting that fixes it and, for the allow-list, the callers seen.
 */
export async function loadWarnings() {
  const warnings = await json("/admin/warnings");
  $("admin-warning-list").replaceChildren(...warnings.map((w) => {
    const li = document.createElement("li");
    li.dataset.code = w.code;
    const callers = (w.callersSeen || []).map((c) => `${c.aeTitle} (${c.instances} instance(s), last ${shortTime(c.lastStored)})`);
    li.textContent = `${w.message} Setting: ${w.setting}.` + (callers.length ? ` Callers seen: ${callers.join(", ")}.` : "");
    return li;
  }));
  $("admin-warnings").hidden = warnings.length === 0;
}

/** The result outbox per destination, its latest failures, and re-queuing the failed ones of a destination. */
export async function loadDeliveries() {
  const overview = await json("/admin/deliveries");
  $("deliveries").tBodies[0].replaceChildren(...overview.destinations.map((d) => {
    const tr = document.createElement("tr");
    tr.dataset.destination = d.destination;
    tr.innerHTML = `<td>${escape(d.kind)}</td><td>${escape(d.destination)}</td><td>${d.pending}</td>
      <td>${escape(shortTime(d.oldestPending))}</td><td>${d.failed}</td><td></td>`;
    if (d.failed > 0) {
      const retry = button("Retry failed", `Retry the failed deliveries to ${d.destination}`);
      retry.addEventListener("click", async () => {
        const response = await post("/admin/deliveries/retry", { destination: d.destination });
        $("deliveries-message").textContent = response.ok
          ? `Re-queued ${(await response.json()).requeued} failed deliveries to ${d.destination}.`
          : `Not re-queued: HTTP ${response.status}.`;
        await loadDeliveries();
      });
      tr.lastElementChild.append(retry);
    }
    return tr;
  }));
  $("delivery-failures").replaceChildren(...overview.failures.map((f) => {
    const li = document.createElement("li");
    li.textContent = `${f.kind} ${f.destination}, revision ${f.revision}, ${f.attempts} attempt(s)`
      + `${f.lastAttempt ? `, last ${shortTime(f.lastAttempt)}` : ""}: ${f.error}`;
    return li;
  }));
  if (overview.workers > overview.workersAlive) {
    $("deliveries-message").textContent = `Only ${overview.workersAlive} of ${overview.workers} sender threads are running.`;
  }
}

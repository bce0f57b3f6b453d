// cxr-triage web worklist: plain JavaScript modules, no external assets. Talks to /api (same origin).
// This file signs in and out, starts the one poller, and routes keys; the parts live beside it.
import { state, may, $, BASE_TITLE } from "./state.js";
import { api, post, json, onAuthProblems, SignedOut } from "./api.js";
import { wireList, refreshList, clearList, render, move, loadSummary, showHeld } from "./worklist.js";
import { wireStudy, openStudy, closeStudy, updateOpenStudy, viewer, claim, review, undoReview, toggleFirstHeatmap } from "./study.js";
import { onOpenAlert, newestAlert, clearAlerts, wirePreferences, showPreferences } from "./alerts.js";
import { wireAudit, closeAuditView } from "./audit.js";
import { wireAdmin, loadUsers, loadDeliveries, loadWarnings } from "./admin.js";
import { wireLock, armLock, resetLock } from "./lock.js";
import { wireRollout, loadRollout, forgetRollout } from "./rollout.js";

const POLL_MS = 2000;
let poller = null;
let reopenAfterUnlock = null;

function showNotice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

onAuthProblems({ signedOut: () => showLogin(), forbidden: (error) => showNotice(error) });

/** Everything of the previous user goes: data, timers, forms. The sign-in form starts empty. */
function showLogin() {
  stopPolling();
  resetLock();
  forgetPatientData();
  state.me = null;
  state.permissions = new Set();
  state.known = null;
  state.arrived.clear();
  for (const id of ["worklist", "admin", "own-password", "account", "audit-view", "notice", "ai-suspended"]) $(id).hidden = true;
  $("users").tBodies[0].replaceChildren();
  forgetRollout();
  $("login-form").reset();
  $("login-error").textContent = "";
  $("login").hidden = false;
  $("login-user").focus();
}

function forgetPatientData() {
  closeStudy();
  closeAuditView();
  clearList();
  clearAlerts();
  document.title = BASE_TITLE;
}

async function start() {
  try {
    const me = await json("/me");
    state.me = me;
    state.permissions = new Set(me.permissions);
    state.preferences = me.preferences || {};
    $("user-name").textContent = `${me.user} (${me.role.toLowerCase()})`;
    $("login").hidden = true;
    $("account").hidden = false;
    showPreferences();
    $("own-password-why").textContent = me.role === "ADMIN"
      ? "Your password was generated or set by someone else. Choose one only you know to compare model versions"
        + " (the comparison lists studies); everything else works without it."
      : "Your password was set by an administrator. Choose one only you know before you can see patient data.";
    if (me.mustChangePassword && (me.role === "RADIOLOGIST" || me.role === "COMPLIANCE" || me.role === "INTEGRATION")) {
      $("own-password").hidden = false;
      $("own-current").focus();
      return;
    }
    // An administrator on a generated or reset password may run the system, and is offered (not forced)
    // a password of their own, which the one view listing studies (the model comparison) needs.
    $("own-password").hidden = !(me.mustChangePassword && me.role === "ADMIN");
    $("alerts-menu").hidden = !may("WORKLIST_READ");
    $("monitoring-nav").hidden = !may("MONITORING_READ");
    if (!may("WORKLIST_READ")) {
      pollSuspension();
      showNotice(`The ${me.role} role manages users and models and does not see patient data.`);
      if (may("USER_ADMIN")) {
        $("admin").hidden = false;
        await loadUsers();
        if (may("SERVER_ADMIN")) {
          await loadWarnings();
        }
        if (may("DELIVERY_ADMIN")) {
          await loadDeliveries();
        }
      }
      await loadRollout();
      return;
    }
    $("worklist").hidden = false;
    document.body.classList.toggle("read-only", !may("WORKLIST_WRITE"));
    if (state.preferences.listWidth) {
      $("layout").style.setProperty("--list-width", `${state.preferences.listWidth}px`);
      $("splitter").setAttribute("aria-valuenow", String(state.preferences.listWidth));
    }
    document.activeElement?.blur();
    await refreshList();
    // The suspension banner comes with the list whose order it qualifies.
    pollSuspension();
    loadRollout().catch(() => {});
    loadSummary();
    startPolling();
    armLock(me.idleLockSeconds);
    await openLinkedStudy();
  } catch (e) {
    if (!(e instanceof SignedOut)) throw e;
  }
}

/**
 * A link to one study (a critical-finding notification's "Worklist:" link, the model comparison)
 * is this page with {@code ?study=<Study Instance UID>}: open it once signed in, whatever the
 * filters show, and take the parameter off the address so a reload does not open it again.
 */
async function openLinkedStudy() {
  const params = new URLSearchParams(location.search);
  const uid = params.get("study");
  if (uid === null) return;
  params.delete("study");
  history.replaceState(null, "", location.pathname + (params.toString() ? `?${params}` : "") + location.hash);
  if (!/^[0-9]+(\.[0-9]+)*$/.test(uid) || uid.length > 64) {
    showNotice("The link names no study (a Study Instance UID is digits and dots).");
    return;
  }
  await openStudy(uid);
  if (state.open === uid && !state.detail) {
    closeStudy();
    showNotice(`The linked study ${uid} is not on this worklist.`);
  }
}

function startPolling() {
  stopPolling();
  poller = setInterval(poll, POLL_MS);
}

function stopPolling() {
  if (poller) clearInterval(poller);
  poller = null;
}

async function poll() {
  if (state.locked) return;
  try {
    const { version } = await json("/worklist/version");
    if (version !== state.version && !state.locked) {
      await refreshList();
      loadSummary();
    }
  } catch (e) {
    // keep the current list; the next poll tries again
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
// Administrators: automatic rollbacks appear in the banner while the page stays open.
setInterval(() => {
  if (state.me && may("MODEL_ADMIN") && !state.locked) loadRollout().catch(() => {});
}, 30000);

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const user = $("login-user").value;
  const password = $("login-password").value;
  $("login-password").value = "";
  const response = await fetch("/api/login", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "cxr-triage" },
    body: JSON.stringify({ user, password }),
  });
  if (response.ok) {
    $("login-form").reset();
    $("login-error").textContent = "";
    start();
  } else if (response.status === 429) {
    $("login-error").textContent = "Too many failed attempts. Wait a few minutes, then try again.";
  } else {
    $("login-error").textContent = "Wrong user name or password.";
  }
});

async function signOut() {
  await fetch("/api/logout", { method: "POST", credentials: "same-origin", headers: { "X-Requested-With": "cxr-triage" } });
  showLogin();
}

$("sign-out").addEventListener("click", signOut);

$("own-password-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch("/api/me/password", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "cxr-triage" },
    body: JSON.stringify({ current: $("own-current").value, password: $("own-new").value }),
  });
  $("own-password-form").reset();
  if (response.ok) {
    $("own-password-error").textContent = "";
    start();
  } else {
    $("own-password-error").textContent = (await response.json()).error || "The password could not be changed.";
  }
});

$("filters").addEventListener("submit", (event) => event.preventDefault());
$("help-open").addEventListener("click", () => $("help").showModal());

wireList({ open: openStudy, changed: updateOpenStudy });
wireStudy();
wireAudit();
wireAdmin();
wireRollout();
wirePreferences();
onOpenAlert((uid) => {
  closeAuditView();
  openStudy(uid);
});
wireLock({
  lock: () => {
    reopenAfterUnlock = state.open;
    stopPolling();
    forgetPatientData();
  },
  unlock: async () => {
    await refreshList();
    loadSummary();
    startPolling();
    if (reopenAfterUnlock && state.byUid.has(reopenAfterUnlock)) openStudy(reopenAfterUnlock);
    reopenAfterUnlock = null;
  },
  signOut,
});
wireSplitter();

/** The list beside an open study is as wide as the user drags it; remembered for their account. */
function wireSplitter() {
  const splitter = $("splitter");
  const layout = $("layout");
  const set = (width) => {
    const clamped = Math.round(Math.max(300, Math.min(window.innerWidth * 0.6, width)));
    layout.style.setProperty("--list-width", `${clamped}px`);
    splitter.setAttribute("aria-valuenow", String(clamped));
    return clamped;
  };
  const save = (width) => post("/me/preferences", { listWidth: width }).catch(() => {});
  let dragging = false;
  splitter.addEventListener("pointerdown", (event) => {
    dragging = true;
    splitter.setPointerCapture(event.pointerId);
  });
  splitter.addEventListener("pointermove", (event) => {
    if (dragging) set(event.clientX - layout.getBoundingClientRect().left);
  });
  splitter.addEventListener("pointerup", (event) => {
    dragging = false;
    save(set(event.clientX - layout.getBoundingClientRect().left));
  });
  splitter.addEventListener("keydown", (event) => {
    const now = $("list-pane").getBoundingClientRect().width;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      save(set(now + (event.key === "ArrowLeft" ? -40 : 40)));
    }
  });
}

/** Keys never act while typing, and Enter and Space are left to the focused button or link. */
document.addEventListener("keydown", (event) => {
  if (state.locked || $("worklist").hidden || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest("input, select, textarea, [contenteditable], dialog")) return;
  const onControl = target.closest("button, a[href], summary, [role=separator]");
  if (onControl && (event.key === "Enter" || event.key === " " || event.key.startsWith("Arrow"))) return;
  const inGrid = $("rows").contains(target);
  const handled = event.shiftKey && event.key.startsWith("Arrow") ? windowKey(event.key) : key(event.key, inGrid);
  if (handled) event.preventDefault();
});

function key(name, inGrid) {
  switch (name) {
    case "j": move(1); return true;
    case "k": move(-1); return true;
    case "ArrowDown": if (!inGrid) return viewerKey(name); move(1); return true;
    case "ArrowUp": if (!inGrid) return viewerKey(name); move(-1); return true;
    case "Enter": if (!state.selected) return false; openStudy(state.selected); return true;
    case "Escape":
      if (document.fullscreenElement) return false;
      closeStudy();
      return true;
    case "s": claim(false); return true;
    case "r": review(); return true;
    case "z": undoReview(); return true;
    case "n": showHeld(); return true;
    case "o": { const uid = newestAlert(); if (uid) openStudy(uid); return !!uid; }
    case "?": $("help").showModal(); return true;
    case "/": $("search").focus(); return true;
    default: return viewerKey(name);
  }
}

function viewerKey(name) {
  if (!state.open) return false;
  switch (name) {
    case "+": case "=": viewer.zoomBy(1.25); return true;
    case "-": viewer.zoomBy(0.8); return true;
    case "0": viewer.fit(); return true;
    case "1": viewer.actual(); return true;
    case "i": viewer.toggleInvert(); return true;
    case "w": viewer.nextPreset(); return true;
    case "v": viewer.setPreset("voi"); return true;
    case "f": viewer.fullscreen(); return true;
    case "[": viewer.next(-1); return true;
    case "]": viewer.next(1); return true;
    case "h": toggleFirstHeatmap(); return true;
    // Arrows move the image the way a drag in that direction would.
    case "ArrowLeft": viewer.panStep(-1, 0); return true;
    case "ArrowRight": viewer.panStep(1, 0); return true;
    case "ArrowUp": viewer.panStep(0, -1); return true;
    case "ArrowDown": viewer.panStep(0, 1); return true;
    default: return false;
  }
}

/** Shift+arrows set the window as a right-drag does: left/right narrower/wider, up/down lower/higher level. */
function windowKey(name) {
  if (!state.open) return false;
  const step = { ArrowLeft: [-25, 0], ArrowRight: [25, 0], ArrowUp: [0, -25], ArrowDown: [0, 25] }[name];
  viewer.windowBy(step[0], step[1]);
  return true;
}

render();
start();

// The idle lock of a shared reading-room workstation: after the configured time without a key or
// pointer event, patient data is removed from the page until the user gives their password again.
// The server checks it without opening a new session (and throttles and audits it like a sign-in).
import { state, $, may } from "./state.js";
import { api, post } from "./api.js";

let lastActivity = Date.now();
let checker = null;
let handlers = { lock: () => {}, unlock: () => {}, signOut: () => {} };

/** @param h lock(): remove patient data and stop polling; unlock(): bring it back; signOut() */
export function wireLock(h) {
  handlers = h;
  for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"]) {
    document.addEventListener(type, () => { lastActivity = Date.now(); }, { passive: true, capture: true });
  }
  $("lock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = $("lock-password").value;
    $("lock-password").value = "";
    const response = await api("/me/unlock", { method: "POST", body: JSON.stringify({ password }) });
    if (response.ok) {
      $("lock-error").textContent = "";
      unlockPage();
    } else if (response.status === 429) {
      $("lock-error").textContent = "Too many wrong passwords. Wait a few minutes, or sign out.";
    } else {
      $("lock-error").textContent = "Wrong password.";
    }
  });
  $("lock-sign-out").addEventListener("click", () => handlers.signOut());
}

/** Starts watching for idleness with the server's setting (0 = never lock). */
export function armLock(seconds) {
  disarmLock();
  if (!seconds || !may("WORKLIST_READ")) return;
  lastActivity = Date.now();
  checker = setInterval(() => {
    if (!state.locked && Date.now() - lastActivity >= seconds * 1000) lockPage();
  }, 1000);
}

export function disarmLock() {
  if (checker) clearInterval(checker);
  checker = null;
}

export function lockPage() {
  if (state.locked) return;
  state.locked = true;
  if (document.fullscreenElement) document.exitFullscreen();
  handlers.lock();
  document.body.classList.add("locked");
  $("lock").hidden = false;
  $("lock-text").textContent = `${state.me.user}: locked after ${Math.round(state.me.idleLockSeconds / 60) || 1} min without`
    + " activity. Patient data is hidden; enter your password to continue.";
  $("lock-error").textContent = "";
  $("lock-password").value = "";
  $("lock-password").focus();
  post("/me/lock").catch(() => {});
}

function unlockPage() {
  state.locked = false;
  lastActivity = Date.now();
  document.body.classList.remove("locked");
  $("lock").hidden = true;
  handlers.unlock();
}

/** Forgets the lock (signing out). */
export function resetLock() {
  disarmLock();
  state.locked = false;
  document.body.classList.remove("locked");
  $("lock").hidden = true;
  $("lock-password").value = "";
}

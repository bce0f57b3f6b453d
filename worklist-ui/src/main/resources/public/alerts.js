// Critical arrivals cannot be missed: a toast with the finding and an Open button, a count in the
// tab title, an announcement for screen readers, and (each only if the user turned it on) a sound
// and a desktop notification. Notifications carry no patient name: they can show outside the page.
import { state, $, BASE_TITLE } from "./state.js";
import { escape, percent } from "./format.js";
import { post } from "./api.js";

let openStudy = () => {};
let audio = null;
const unseen = new Map();

export function onOpenAlert(handler) {
  openStudy = handler;
}

/** A study that must be announced: the AI raised it (a critical finding) or its order is STAT. */
export function isCriticalArrival(row) {
  return row.critical || row.priority === "stat";
}

export function announceArrivals(rows) {
  const critical = rows.filter(isCriticalArrival);
  for (const row of critical) {
    unseen.set(row.studyUid, row);
    toast(row);
    notifyDesktop(row);
  }
  if (critical.length) {
    const what = critical.map((row) => `${headline(row)}, ${row.priority}`).join("; ");
    $("announcer").textContent = `Critical study arrived: ${what}. Press o to open it.`;
    beep();
  }
  updateTitle();
}

/** The newest unseen critical arrival, for the "o" key. */
export function newestAlert() {
  return [...unseen.keys()].pop();
}

export function acknowledge(uid) {
  if (unseen.delete(uid)) {
    document.querySelector(`.toast[data-uid="${CSS.escape(uid)}"]`)?.remove();
    updateTitle();
  }
}

export function clearAlerts() {
  unseen.clear();
  $("toasts").replaceChildren();
  $("announcer").textContent = "";
  updateTitle();
}

function headline(row) {
  const positive = row.chips.filter((chip) => chip.positive && chip.critical);
  if (positive.length) return positive.map((chip) => `${chip.display} ${percent(chip.probability)}`).join(", ");
  return row.priority === "stat" ? "STAT order" : "critical finding";
}

function toast(row) {
  const box = document.createElement("div");
  box.className = "toast";
  box.dataset.uid = row.studyUid;
  box.innerHTML = `<strong>Critical: ${escape(headline(row))}</strong>
    <span>${escape(row.patientName || "Unknown patient")} · ${escape(row.priority.toUpperCase())} · ${escape(row.accession)}</span>
    <span class="toast-buttons"><button type="button" class="primary" data-act="open">Open</button>
    <button type="button" data-act="dismiss">Dismiss</button></span>`;
  box.querySelector("[data-act=open]").setAttribute("aria-label", `Open critical study: ${headline(row)}, ${row.patientName}`);
  box.querySelector("[data-act=open]").addEventListener("click", () => {
    acknowledge(row.studyUid);
    openStudy(row.studyUid);
  });
  box.querySelector("[data-act=dismiss]").addEventListener("click", () => acknowledge(row.studyUid));
  $("toasts").prepend(box);
}

function updateTitle() {
  document.title = unseen.size ? `(${unseen.size}) critical · ${BASE_TITLE}` : BASE_TITLE;
}

function beep() {
  if (!state.preferences.sound) return;
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.18, 660]]) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, now + offset + 0.16);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(now + offset);
      oscillator.stop(now + offset + 0.17);
    }
  } catch (e) {
    // No audio device: the toast and the title still announce it.
  }
}

function notifyDesktop(row) {
  if (!state.preferences.desktopNotifications || !("Notification" in window) || Notification.permission !== "granted") return;
  const note = new Notification("Critical study arrived", { body: `${headline(row)} · ${row.priority.toUpperCase()}`, tag: row.studyUid });
  note.onclick = () => {
    window.focus();
    acknowledge(row.studyUid);
    openStudy(row.studyUid);
  };
}

/** The two opt-in switches in the header, remembered per user on the server. */
export function wirePreferences() {
  const sound = $("pref-sound");
  const desktop = $("pref-desktop");
  sound.addEventListener("change", async () => {
    if (sound.checked) {
      audio = audio || new AudioContext(); // created on a user gesture, so it may play later
      audio.resume?.();
    }
    await save({ sound: sound.checked });
  });
  desktop.addEventListener("change", async () => {
    if (desktop.checked && "Notification" in window && Notification.permission !== "granted") {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        desktop.checked = false;
        $("pref-note").textContent = "The browser blocks notifications for this page; allow them in its site settings.";
      }
    }
    await save({ desktopNotifications: desktop.checked });
  });
}

export function showPreferences() {
  $("pref-sound").checked = !!state.preferences.sound;
  $("pref-desktop").checked = !!state.preferences.desktopNotifications;
}

async function save(change) {
  const response = await post("/me/preferences", change);
  if (response.ok) {
    state.preferences = await response.json();
    $("pref-note").textContent = "Saved for your account on every workstation.";
  }
}

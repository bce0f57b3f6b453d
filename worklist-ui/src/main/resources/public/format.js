// Display helpers: escaping, times that never wrap, search normalisation, short finding labels.

export function escape(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

const sameDay = (a, b) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
const hm = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
const dayHm = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });
const dayYear = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
  minute: "2-digit", second: "2-digit", hour12: false, timeZoneName: "short" });

/** Short, for the list: "14:05" today, "23 Nov, 14:05" this year, "23 Nov 2025" before. */
export function shortTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const now = new Date();
  if (sameDay(d, now)) return hm.format(d);
  if (d.getFullYear() === now.getFullYear()) return dayHm.format(d);
  return dayYear.format(d);
}

/** Complete, for records: date, time to the second and the time zone. */
export function fullTime(iso) {
  return iso ? full.format(new Date(iso)) : "";
}

export function birthDate(iso) {
  return iso ? dayYear.format(new Date(iso + "T00:00:00")) : "";
}

export function waiting(minutes) {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${Math.floor(minutes / 1440)} d`;
}

/** Lower case, accents and other marks removed, ß as ss: "MÜLLER" and "muller" compare equal. */
export function normalise(text) {
  return String(text ?? "").normalize("NFD").replace(/\p{M}/gu, "").replace(/ß/g, "ss").toLowerCase();
}

/** Every word of the query is somewhere in the haystack, in any order: "ahmed fatima" finds "AHMED, Fatima". */
export function matches(query, haystack) {
  const words = normalise(query).split(/[\s,^]+/).filter(Boolean);
  const text = normalise(haystack);
  return words.every((word) => text.includes(word));
}

const SHORT = {
  pneumothorax: "PTX", pleural_effusion: "Effusion", consolidation: "Consol.", cardiomegaly: "Cardiomeg.",
  nodule_mass: "Nodule", pneumoperitoneum: "Free air",
};

/** A finding's label for chips; the full name goes in the title and the accessible text. */
export function shortLabel(chip) {
  return SHORT[chip.key] || (chip.display.length > 10 ? chip.display.split(/[\s(]/)[0].slice(0, 10) : chip.display);
}

export function percent(probability) {
  return `${Math.round(probability * 100)}%`;
}

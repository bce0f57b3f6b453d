// What the page knows, in one place. Patient data lives only here and in the DOM, and both are
// emptied by the idle lock and by signing out.

export const state = {
  me: null,
  permissions: new Set(),
  preferences: {},
  rows: [],
  byUid: new Map(),
  version: null,
  /** Study UIDs of every row seen since sign-in: a row not among them is an arrival. */
  known: null,
  /** Arrivals since sign-in not yet opened: marked in the list. */
  arrived: new Set(),
  /** The UIDs in the order the list shows them; kept while the list is held still. */
  displayed: [],
  selected: null,
  open: null,
  detail: null,
  sort: null,
  descending: false,
  pointerInList: false,
  locked: false,
  findings: new Set(),
};

export const may = (permission) => state.permissions.has(permission);
export const $ = (id) => document.getElementById(id);
export const BASE_TITLE = "cxr-triage worklist";

// The one way the page talks to /api: same origin, the cookie session, and the header that proves
// the request comes from this page (the server refuses cookie-session POSTs without it).

export class SignedOut extends Error {}

let signedOut = () => {};
let forbidden = () => {};

/** What to do when the session has ended (401) or a role may not do something (403). */
export function onAuthProblems(handlers) {
  signedOut = handlers.signedOut;
  forbidden = handlers.forbidden;
}

export async function api(path, options = {}) {
  const response = await fetch("/api" + path, {
    credentials: "same-origin",
    // X-Requested-With: the CSRF proof, and the server answers 401 without a Basic challenge (no browser dialog).
    headers: { "X-Requested-With": "cxr-triage", ...(options.body ? { "Content-Type": "application/json" } : {}) },
    ...options,
  });
  if (response.status === 401) {
    signedOut();
    throw new SignedOut("signed out");
  }
  if (response.status === 403) {
    const body = await response.clone().json().catch(() => ({}));
    forbidden(body.error || "not allowed");
  }
  return response;
}

export function post(path, body) {
  return api(path, { method: "POST", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

export async function json(path) {
  return (await api(path)).json();
}

// Signing in with Cognito's hosted UI: authorization code with PKCE (S256) and a checked state.
// Tokens live in memory and sessionStorage only; the ID token is refreshed before it expires.
import { config } from "./config.js";

const SESSION = "hdoc.session";
const PENDING = "hdoc.signin";
const EARLY_MS = 60_000; // refresh a minute before the ID token expires

let session = readSession();
let refreshing = null;
let timer = null;
const listeners = new Set();

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION));
  } catch {
    return null;
  }
}

function save(next) {
  session = next;
  if (next) sessionStorage.setItem(SESSION, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION);
  schedule();
  for (const listener of listeners) listener(user());
}

function schedule() {
  clearTimeout(timer);
  if (session) timer = setTimeout(refresh, Math.max(0, session.expiresAt - EARLY_MS - Date.now()));
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const random = (size) => base64url(crypto.getRandomValues(new Uint8Array(size)));

function claims(token) {
  const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const text = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
  return JSON.parse(text);
}

/** The signed-in user ({email, sub, isAdmin}), or null. */
export function user() {
  if (!session) return null;
  const found = claims(session.idToken);
  const groups = [found["cognito:groups"] || []].flat();
  return { email: found.email, sub: found.sub, isAdmin: groups.includes("admins") };
}

/** Call `listener(user)` whenever someone signs in or out. */
export function onChange(listener) {
  listeners.add(listener);
}

const callbackUrl = () => `${location.origin}/auth/callback`;

async function tokens(form) {
  const { domain, clientId } = config().auth;
  const response = await fetch(`${domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: clientId, ...form }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error_description || body.error || `sign-in answered ${response.status}`);
  return body;
}

const expiresAt = (answer) => Date.now() + Number(answer.expires_in) * 1000;

/** Go to the hosted sign-in; come back to `returnTo` afterwards. */
export async function signIn(returnTo = location.pathname + location.search) {
  const verifier = random(32);
  const state = random(16);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const { domain, clientId } = config().auth;
  const search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: callbackUrl(),
    scope: "openid email profile",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  location.assign(`${domain}/oauth2/authorize?${search}`);
}

/** The callback page's part: check the state, exchange the code; resolves to where to go next. */
export async function completeSignIn(search) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  if (search.get("error")) throw new Error(search.get("error_description") || search.get("error"));
  if (!pending || !search.get("state") || search.get("state") !== pending.state) {
    throw new Error("This sign-in did not start on this page (its state does not match). Sign in again.");
  }
  const answer = await tokens({
    grant_type: "authorization_code",
    code: search.get("code") || "",
    redirect_uri: callbackUrl(),
    code_verifier: pending.verifier,
  });
  save({
    idToken: answer.id_token,
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt: expiresAt(answer),
  });
  return sameOriginPath(pending.returnTo);
}

/** `value` if it is a path of this site ("/u/jane?x=1"), else "/": never another origin, whatever
 * the browser would make of it ("//host/x", "/\\host", "https://host", "javascript:"). */
export function sameOriginPath(value) {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\u0000-\u001f]/.test(value)) return "/";
  let url;
  try {
    url = new URL(value, location.origin);
  } catch {
    return "/";
  }
  return url.origin === location.origin ? url.pathname + url.search + url.hash : "/";
}

async function refresh() {
  if (!session) return;
  refreshing ||= tokens({ grant_type: "refresh_token", refresh_token: session.refreshToken })
    .then((answer) => save({ ...session, idToken: answer.id_token, accessToken: answer.access_token, expiresAt: expiresAt(answer) }))
    .catch(() => save(null)) // the session cannot be renewed: the page asks to sign in again
    .finally(() => {
      refreshing = null;
    });
  await refreshing;
}

/** A current ID token (refreshed first if it is about to expire), or null when signed out. */
export async function idToken({ renew = false } = {}) {
  if (session && (renew || session.expiresAt - EARLY_MS <= Date.now())) await refresh();
  return session ? session.idToken : null;
}

/** Revoke the refresh token, forget the session, and end the hosted UI's session too. */
export async function signOut() {
  const ended = session;
  save(null);
  const { domain, clientId } = config().auth;
  if (ended) {
    await fetch(`${domain}/oauth2/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: ended.refreshToken, client_id: clientId }),
    }).catch(() => null);
  }
  location.assign(`${domain}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: `${location.origin}/` })}`);
}

/** Forget the session without signing out at the hosted UI (the account is gone). */
export const forget = () => save(null);

export function start() {
  schedule();
}

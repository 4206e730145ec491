// The one way the site calls the API: JSON in and out, problem documents (RFC 9457) as errors.
import { config } from "./config.js";
import { idToken } from "./auth.js";

/** An answer the API gave that is not a success, with the problem document's words. */
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem.detail || problem.title || `The API answered ${status}.`);
    this.status = status;
    this.title = problem.title || `Error ${status}`;
    this.type = problem.type;
    this.invalidParams = problem.invalidParams || [];
    this.retryAfter = Number(headers?.get("Retry-After")) || null;
    this.etag = headers?.get("ETag") || null;
  }
}

/** Call the API: `path` under the configured base. `signedIn` sends the ID token. Resolves to
 * {body, etag, status}; rejects with ApiError (or a network TypeError turned into one). */
export async function request(path, options = {}) {
  const { method = "GET", body, signedIn = false, headers = {}, signal, renewed = false } = options;
  const sent = { Accept: "application/json", ...headers };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  if (signedIn) {
    const token = await idToken({ renew: renewed });
    if (!token) throw new ApiError(401, { title: "Signed out", detail: "Your session has ended. Sign in again to go on." });
    sent.Authorization = `Bearer ${token}`;
  } else if (method === "GET") {
    // A signed-in reader reads past the edge cache (the API answers a request with Authorization
    // "private, no-store", and CloudFront keys on it), so they see their own changes at once;
    // readers who are not signed in share CloudFront's cached answers.
    const token = await idToken().catch(() => null);
    if (token) sent.Authorization = `Bearer ${token}`;
  }
  let response;
  try {
    response = await fetch(`${config().apiBaseUrl}${path}`, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { title: "No answer", detail: "The site could not reach the API. Check your connection and try again." });
  }
  if (signedIn && response.status === 401 && !renewed) return request(path, { ...options, renewed: true });
  const type = response.headers.get("Content-Type") || "";
  const parsed = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    throw new ApiError(response.status, parsed || { detail: `The API answered ${response.status} ${response.statusText}.` }, response.headers);
  }
  return { body: parsed, etag: response.headers.get("ETag"), status: response.status };
}

export const get = async (path, options) => (await request(path, options)).body;

/** A query string from the given parameters, leaving out empty ones. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null && value !== undefined && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const enc = encodeURIComponent;

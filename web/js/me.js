// The signed-in person's account and participant (GET /me), asked once and shared by every page.
import { request, ApiError } from "./api.js";
import { onChange, user } from "./auth.js";

let mine = null;
onChange(() => {
  mine = null;
});

/** {account, participant, etag} for the signed-in user; participant is null before signup.
 * Resolves to null when nobody is signed in. */
export function me({ fresh = false } = {}) {
  if (!user()) return Promise.resolve(null);
  if (fresh || !mine) {
    mine = request("/me", { signedIn: true })
      .then(({ body, etag }) => ({ ...body, etag }))
      .catch((error) => {
        mine = null;
        if (error instanceof ApiError && error.status === 404) return { account: null, participant: null, etag: null };
        throw error;
      });
  }
  return mine;
}

/** The signed-in participant's username, or null (signed out, no participant, or /me failed). */
export async function myUsername() {
  try {
    return (await me())?.participant?.id ?? null;
  } catch {
    return null;
  }
}

export function forgetMe() {
  mine = null;
}

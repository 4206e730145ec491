// Linking a GitHub account: GitHub's OAuth web flow, driven by the API (which keeps the state and
// the PKCE verifier); GitHub sends the person back to /auth/github.
import { h } from "./dom.js";
import { request, ApiError } from "./api.js";
import { problemBox } from "./components.js";

/** The linked GitHub account ({id, login, linkedAt}), or null. */
export async function linkedGitHub() {
  try {
    return (await request("/me/github", { signedIn: true })).body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** A button that sends the person to GitHub to prove which account is theirs. */
export function linkButton(label = "Link your GitHub account") {
  const button = h("button", { type: "button" }, label);
  const result = h("div", { class: "result" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { body } = await request("/me/github/link", {
        method: "POST",
        signedIn: true,
        body: { redirectUri: `${location.origin}/auth/github` },
      });
      location.assign(body.authorizeUrl);
    } catch (error) {
      result.replaceChildren(problemBox(error, "GitHub could not be reached"));
      button.disabled = false;
    }
  });
  return [button, result];
}

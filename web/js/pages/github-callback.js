// "/auth/github": where GitHub sends a person back after they proved which account is theirs.
import { h, append } from "../dom.js";
import { request } from "../api.js";
import { problemBox } from "../components.js";
import { user, signIn } from "../auth.js";
import { forgetMe } from "../me.js";
import { linkButton } from "../github.js";

export default async function githubCallback(view, { title, search, navigate, announce }) {
  title("Linking your GitHub account");
  if (!user()) {
    append(view, h("h1", {}, "Sign in first"), h("p", {}, "Sign in, then link your GitHub account from your profile."), h("button", { type: "button", on: { click: () => signIn("/settings") } }, "Sign in"));
    return;
  }
  if (search.get("error")) {
    append(view, h("h1", {}, "GitHub did not link your account"), h("div", { class: "problem", role: "alert" }, h("p", {}, search.get("error_description") || search.get("error"))), linkButton("Try again"));
    return;
  }
  try {
    const { body } = await request("/me/github/callback", {
      method: "POST",
      signedIn: true,
      body: { code: search.get("code") || "", state: search.get("state") || "" },
    });
    forgetMe();
    setTimeout(() => {
      navigate("/settings", { replace: true }).then(() => announce(`Your GitHub account ${body.login} is linked.`));
    }, 0);
    append(view, h("h1", {}, "GitHub account linked"), h("p", {}, `You are ${body.login} on GitHub. Taking you back to your profile…`));
  } catch (error) {
    append(view, h("h1", {}, "GitHub did not link your account"), problemBox(error, "The link was not made"), linkButton("Link again"));
  }
}

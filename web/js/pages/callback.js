// "/auth/callback": where the hosted sign-in sends people back with a code.
import { h, append } from "../dom.js";
import { completeSignIn, signIn } from "../auth.js";

export default async function callback(view, { title, search, navigate }) {
  try {
    const next = await completeSignIn(search);
    title("Signed in");
    append(view, h("h1", {}, "Signed in"), h("p", {}, "Taking you back…"));
    setTimeout(() => navigate(next, { replace: true }), 0);
  } catch (error) {
    title("Sign-in failed");
    append(view, 
      h("h1", {}, "Sign-in failed"),
      h("div", { class: "problem", role: "alert" }, h("p", {}, error.message)),
      h("button", { type: "button", on: { click: () => signIn("/") } }, "Sign in again"),
    );
  }
}

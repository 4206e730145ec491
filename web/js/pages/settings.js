// "/settings": claim a GitHub username, edit the profile, read the journey now, export, delete.
import { h, append, formatTime, time } from "../dom.js";
import { request } from "../api.js";
import { profilePath, problemBox, confirmedAction, notice, replaceNotice } from "../components.js";
import { user, forget } from "../auth.js";
import { me, forgetMe } from "../me.js";
import { field, showProblems, clearProblems, values } from "../forms.js";
import { signInFirst } from "./write.js";
import { linkedGitHub, linkButton } from "../github.js";

const OPTIONAL = ["twitterProfile", "linkedinProfile", "journeyRepo", "avatarImage", "timezone"];

function profileFields(participant = {}) {
  return [
    field({ name: "name", label: "Your name", value: participant.name, attributes: { required: true, maxlength: 100, autocomplete: "name" } }),
    field({ name: "twitterProfile", label: "Twitter/X handle (optional)", hint: "Without the @, e.g. jane_doe.", value: participant.twitterProfile, attributes: { autocomplete: "off", spellcheck: "false" } }),
    field({ name: "linkedinProfile", label: "LinkedIn profile (optional)", hint: "The part after linkedin.com/in/, e.g. jane-doe.", value: participant.linkedinProfile, attributes: { autocomplete: "off", spellcheck: "false" } }),
    field({ name: "journeyRepo", label: "Journey repository (optional)", hint: "A repository of your own GitHub account (YOURNAME/NAME); empty means YOURNAME/100DaysOfCloud.", value: participant.journeyRepo, attributes: { autocomplete: "off", spellcheck: "false" } }),
    field({ name: "timezone", label: "Time zone (optional)", hint: "Where you write, e.g. Europe/Paris: it decides which day an entry counts on.", value: participant.timezone, attributes: { autocomplete: "off", spellcheck: "false" } }),
    field({ name: "avatarImage", label: "Avatar image URL (optional)", hint: "An https:// address; empty means your GitHub avatar.", type: "url", value: participant.avatarImage, attributes: { inputmode: "url" } }),
  ];
}

function githubSection(github) {
  return h(
    "section",
    { "aria-labelledby": "github" },
    h("h2", { id: "github" }, "Your GitHub account"),
    github
      ? h("p", { class: "linked" }, "Linked to ", h("a", { href: `https://github.com/${github.login}`, rel: "noopener", target: "_blank" }, github.login), " on GitHub (verified). Renamed it on GitHub, or want another account? Link again.")
      : h("p", {}, "Prove which GitHub account is yours: GitHub asks you to sign in there and sends you back. hdoc reads only your public identity (your numeric id and login)."),
    linkButton(github ? "Link again" : "Link your GitHub account"),
  );
}

function claimForm(view, navigate, github) {
  const steps = h(
    "ol",
    { class: "steps" },
    h("li", { class: github ? "done" : null }, github ? `Your GitHub account is linked: ${github.login}.` : "Link your GitHub account, so that nobody else can claim your name."),
    h("li", {}, "Claim it: your journey is then read from it, and your days show on your profile and the leaderboard."),
  );
  if (!github) {
    append(view, h("h1", {}, "Link your GitHub account"), h("p", {}, `Signed in as ${user().email}.`), steps, githubSection(null));
    return;
  }
  const form = h(
    "form",
    { class: "stacked", novalidate: true },
    field({ name: "githubUsername", label: "Your GitHub username", hint: "The account you linked: each username can be claimed once, by its owner.", value: github.login, attributes: { required: true, readonly: true, autocomplete: "username", spellcheck: "false" } }),
    profileFields(),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Claim this username")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(form);
    const claim = values(form, OPTIONAL);
    for (const name of OPTIONAL) if (claim[name] === null) delete claim[name];
    try {
      await request("/signup", { method: "POST", body: claim, signedIn: true });
      forgetMe();
      navigate("/settings", { replace: true });
    } catch (error) {
      if (error.status === 409) {
        showProblems(form, {
          title: "That username is taken",
          message: `${error.message} A GitHub username can belong to one participant only: if it is yours and someone else claimed it, ask the community's maintainers; if you already have a participant, sign in with the email address you used for it.`,
        });
      } else if (error.status === 400) showProblems(form, error);
      else replaceNotice(form, problemBox(error, "The username was not claimed"));
    }
  });
  append(
    view,
    h("h1", {}, "Claim your GitHub username"),
    h("p", {}, `Signed in as ${user().email}. Tell us a little about you and your journey will be read from your GitHub account: every day you write appears on your profile and on the leaderboard.`),
    steps,
    form,
    githubSection(github),
  );
}

function editForm(state) {
  const form = h("form", { class: "stacked", novalidate: true }, profileFields(state.participant), h("div", { class: "actions" }, h("button", { type: "submit" }, "Save profile")));
  const refill = (participant) => {
    for (const [name, value] of Object.entries(participant)) {
      const control = form.elements.namedItem(name);
      if (control) control.value = value ?? "";
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(form);
    const changes = values(form, OPTIONAL);
    try {
      const answer = await request("/me", { method: "PATCH", body: changes, signedIn: true, headers: { "If-Match": state.etag } });
      state.etag = answer.etag;
      state.participant = answer.body.participant ?? answer.body;
      forgetMe();
      replaceNotice(form, notice("Your profile is saved."));
    } catch (error) {
      if (error.status === 412) {
        const fresh = await me({ fresh: true });
        state.etag = fresh.etag;
        state.participant = fresh.participant;
        refill(fresh.participant);
        replaceNotice(form, notice("Your profile was changed elsewhere (another tab or device) since this page loaded. The form now shows the latest version: make your change again and save.", "error"));
      } else if (error.status === 400) showProblems(form, error);
      else replaceNotice(form, problemBox(error, "Your profile was not saved"));
    }
  });
  return form;
}

function refreshSection() {
  const button = h("button", { type: "button" }, "Read my journey now");
  const result = h("div", { class: "result" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { body } = await request("/me/refresh", { method: "POST", signedIn: true });
      result.replaceChildren(notice("Your journey is being read. Your profile shows what was found in a minute or two."));
      if (body?.nextAllowedAt) result.append(h("p", { class: "meta" }, "You can ask again after ", time(body.nextAllowedAt, formatTime(body.nextAllowedAt)), "."));
    } catch (error) {
      if (error.status === 429) {
        const at = new Date(Date.now() + (error.retryAfter || 300) * 1000);
        result.replaceChildren(notice(`${error.message} You can ask again at ${formatTime(at.toISOString())}.`, "error"));
      } else result.replaceChildren(problemBox(error, "Your journey could not be read now"));
    } finally {
      button.disabled = false;
    }
  });
  return h("section", { "aria-labelledby": "refresh" }, h("h2", { id: "refresh" }, "Your journey"), h("p", {}, "hdoc reads every journey every hour. Just pushed a new day? Ask for it now (once every 5 minutes)."), button, result);
}

function exportSection(username) {
  const button = h("button", { type: "button", class: "secondary" }, "Download my data");
  const result = h("div", { class: "result" });
  button.addEventListener("click", async () => {
    try {
      const { body } = await request("/me/export", { signedIn: true });
      const url = URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: "application/json" }));
      const link = h("a", { href: url, download: `hdoc-${username}.json` }, "Save the file again");
      result.replaceChildren(notice("Your data is downloaded as a JSON file."), h("p", {}, link));
      link.click();
    } catch (error) {
      result.replaceChildren(problemBox(error, "Your data could not be exported"));
    }
  });
  return h("section", { "aria-labelledby": "export" }, h("h2", { id: "export" }, "Your data"), h("p", {}, "Everything hdoc holds about you, as one JSON file."), button, result);
}

function deleteSection(navigate, announce) {
  return h(
    "section",
    { "aria-labelledby": "delete", class: "danger-zone" },
    h("h2", { id: "delete" }, "Delete your account"),
    confirmedAction({
      id: "confirm-account",
      label: "Delete my account",
      question: "Delete your account, your participant, your articles and your statistics? You will be signed out. This cannot be undone.",
      confirmLabel: "Yes, delete my account",
      failure: "Your account was not deleted",
      act: async () => {
        await request("/me", { method: "DELETE", signedIn: true });
        forget();
        await navigate("/");
        announce("Your account is deleted.");
      },
    }),
  );
}

export default async function settings(view, { title, navigate, announce }) {
  title("Your profile");
  if (!user()) return signInFirst(view, "claim your GitHub username and manage your profile");
  const [mine, github] = await Promise.all([me({ fresh: true }), linkedGitHub()]);
  if (!mine.participant) return claimForm(view, navigate, github);
  const state = { etag: mine.etag, participant: mine.participant };
  append(view, 
    h("h1", {}, "Your profile"),
    h("p", {}, `Signed in as ${mine.account?.email ?? user().email}. `, h("a", { href: profilePath(mine.participant.id) }, "See your public profile"), "."),
    h("section", { "aria-labelledby": "edit" }, h("h2", { id: "edit" }, "Profile"), editForm(state)),
    githubSection(github),
    refreshSection(),
    exportSection(mine.participant.id),
    deleteSection(navigate, announce),
  );
}

// config.json: where the API is and how to sign in (written by `hdoc site deploy`, served by `hdoc serve`).
let loaded = null;

export async function loadConfig() {
  const response = await fetch("/config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json could not be read (${response.status}).`);
  loaded = await response.json();
  return loaded;
}

export function config() {
  if (!loaded) throw new Error("config.json is not loaded yet");
  return loaded;
}

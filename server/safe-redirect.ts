/**
 * Where to send someone after sign-in (or any `callbackUrl` / `next`): the target resolved against the app's
 * origin, kept only when it is that origin. What the browser's URL parser would read as another host — `//host`,
 * `/\host`, a tab or newline inside, `https:host`, `javascript:` — resolves elsewhere and gives `fallback`.
 * Pure: the sign-in form runs it in the browser and next-auth's redirect callback on the server.
 */
export function safeRedirectTarget(target: string | null | undefined, origin: string, fallback: string, form: "path" | "absolute" = "path"): string {
  const base = new URL(origin);
  const fallbackUrl = new URL(fallback, base);
  const pick = (url: URL) => (form === "absolute" ? url.href : `${url.pathname}${url.search}${url.hash}`);
  if (!target) return pick(fallbackUrl);
  let url: URL;
  try {
    // WHATWG parsing, as the browser will: it strips tabs and newlines and reads `\` as `/` in special schemes.
    url = new URL(target, base);
  } catch {
    return pick(fallbackUrl);
  }
  if (url.origin !== base.origin || (url.protocol !== "http:" && url.protocol !== "https:")) return pick(fallbackUrl);
  return pick(url);
}

import { env } from "../env.js";

/**
 * Cross-site request forgery check for state-changing routes outside tRPC (which refuses cross-site content types
 * by itself): a browser names the page that sent a POST in `Origin` (and `Sec-Fetch-Site`), so a request another
 * site made with the person's cookie is refused. A request with neither header comes from no browser, and so
 * carries no one's cookie by accident.
 */
export function isSameOriginRequest(headers: Headers, appUrl = env().APP_URL): boolean {
  const origin = headers.get("origin");
  if (origin !== null) {
    try {
      return new URL(origin).origin === new URL(appUrl).origin;
    } catch {
      return false;
    }
  }
  const site = headers.get("sec-fetch-site");
  return site === null || site === "same-origin" || site === "none";
}

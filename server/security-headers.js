// @ts-check
/**
 * The security headers every answer carries (OWASP ASVS 14.4). Plain JavaScript, like env.js, so next.config.mjs
 * can import it: the proxy (pages, with a fresh nonce per request), next.config (API routes and static files) and
 * the webhook intake (npm start's node:http front) share one definition.
 */

/**
 * A strict policy for pages: scripts only with this request's nonce ('strict-dynamic' lets Next.js's own loader
 * add its chunks), nothing inline, no eval in production; no plugins, no <base>, forms post only to the app, and
 * no other site may frame it (clickjacking). Styles may be inline: React's `style` attributes and chart
 * libraries write them, and CSS cannot run script.
 * @param {{ nonce: string; connectSources: string[]; development: boolean }} options connectSources: where the page
 *   may open sockets (the realtime server); development: React's dev build evaluates code for its stack traces.
 * @returns {string}
 */
export function contentSecurityPolicy({ nonce, connectSources, development }) {
  /** @type {Record<string, string[]>} */
  const directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...connectSources],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

/** For answers that are not pages (JSON, files): nothing may run or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers for every answer, whatever the configuration (next.config bakes them in at build time).
 * @type {Record<string, string>}
 */
export const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/**
 * HSTS, only when the app is served over https (a browser ignores it over http anyway). Decided when the server
 * starts, from APP_URL, so one build runs behind http in a test and https in production.
 * @param {string} appUrl
 * @returns {Record<string, string>}
 */
export function transportSecurityHeaders(appUrl) {
  return appUrl.startsWith("https:") ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {};
}

import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { env } from "./server/env.js";
import { API_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from "./server/security-headers.js";

/** @type {import("next").NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and wasm packages run from node_modules rather than being bundled.
  serverExternalPackages: ["@node-rs/argon2", "rate-limiter-flexible", "@electric-sql/pglite", "@electric-sql/pglite-socket", "postgres", "pusher", "ws", "prom-client"],
  // `npm test` runs tsc and ESLint on the whole repository; the build does not repeat them.
  typescript: { ignoreBuildErrors: true },
  // Every answer: nosniff, referrer and permissions policies, no framing (HSTS is added at run time by
  // npm start's server, from APP_URL). Pages get their Content-Security-Policy with a nonce from proxy.ts; API
  // answers and files a policy that allows nothing.
  async headers() {
    const base = Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value }));
    return [
      { source: "/:path*", headers: base },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
      // Files served as they are (public/, build assets): an SVG opened on its own may run nothing either.
      { source: "/icon.svg", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
      { source: "/_next/static/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

/** Validates configuration when the server starts (dev or production), so a bad secret fails early. */
export default function nextConfig(/** @type {string} */ phase) {
  if (phase !== PHASE_PRODUCTION_BUILD) env();
  return config;
}

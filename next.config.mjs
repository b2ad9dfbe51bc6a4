import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { env } from "./server/env.js";

/** @type {import("next").NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and wasm packages run from node_modules rather than being bundled.
  serverExternalPackages: ["@node-rs/argon2", "@electric-sql/pglite", "@electric-sql/pglite-socket", "postgres", "pusher", "ws"],
  // `npm test` runs tsc and ESLint on the whole repository; the build does not repeat them.
  typescript: { ignoreBuildErrors: true },
};

/** Validates configuration when the server starts (dev or production), so a bad secret fails early. */
export default function nextConfig(/** @type {string} */ phase) {
  if (phase !== PHASE_PRODUCTION_BUILD) env();
  return config;
}

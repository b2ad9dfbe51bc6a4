import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../env.js";
import { refreshDatabaseGauges } from "./database-gauges";
import { metrics } from "./registry";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * GET /api/metrics (Prometheus text format). Access:
 * - METRICS_TOKEN set: `Authorization: Bearer <token>` required (401 otherwise), in every mode;
 * - no METRICS_TOKEN in production: 404 — the endpoint does not exist until you give it a token;
 * - no METRICS_TOKEN in development and tests: open, for `npm run dev` on your own machine.
 */
export async function metricsResponse(request: Request, e: { NODE_ENV: string; METRICS_TOKEN?: string } = env()): Promise<Response> {
  const token = e.METRICS_TOKEN;
  if (!token) {
    if (e.NODE_ENV === "production") return new Response("Not found\n", { status: 404, headers: { "cache-control": "no-store" } });
  } else {
    const presented = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim() ?? "";
    // Compared as digests: constant time whatever the lengths.
    if (!timingSafeEqual(digest(presented), digest(token))) {
      return new Response("Unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"', "cache-control": "no-store" } });
    }
  }
  await refreshDatabaseGauges();
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}

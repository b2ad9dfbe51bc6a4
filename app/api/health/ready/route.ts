// Readiness: may this instance take traffic? Not while the database is unreachable or has migrations pending.
// Files it cannot serve (object storage not configured) are reported in the body, still with 200.
import { readiness } from "~/server/metrics/readiness";

export const dynamic = "force-dynamic";

export async function GET() {
  const r = await readiness();
  return Response.json(r, { status: r.ok ? 200 : 503, headers: { "cache-control": "no-store", ...(r.ok ? {} : { "retry-after": "1" }) } });
}

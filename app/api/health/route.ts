// Health: is the database reachable? Answers within a second either way, for load balancers and monitors.
import { sql } from "drizzle-orm";
import { db } from "~/db";
import { withDeadline } from "~/db/deadline";
import { isDatabaseUnavailable } from "~/db/errors";

export const dynamic = "force-dynamic";

const HEALTH_DEADLINE_MS = 1_000;

export async function GET() {
  const started = Date.now();
  try {
    await withDeadline(db.execute(sql`select 1`), HEALTH_DEADLINE_MS, "health check");
    return Response.json({ ok: true, database: { reachable: true, latencyMs: Date.now() - started } });
  } catch (error) {
    const reason = isDatabaseUnavailable(error) ? "unreachable" : "failing";
    return Response.json({ ok: false, database: { reachable: false, reason } }, { status: 503, headers: { "retry-after": "1" } });
  }
}

// Health: is the database reachable?
import { sql } from "drizzle-orm";
import { db } from "~/db";

export const dynamic = "force-dynamic";

export async function GET() {
  const started = Date.now();
  try {
    await db.execute(sql`select 1`);
    return Response.json({ ok: true, database: { reachable: true, latencyMs: Date.now() - started } });
  } catch {
    return Response.json({ ok: false, database: { reachable: false } }, { status: 503 });
  }
}

import PgBoss from "pg-boss";
import type postgres from "postgres";

/**
 * pg-boss (durable, scheduled, retried jobs on PostgreSQL) running on the app's own postgres.js pool through
 * its `db` option, so the embedded one-connection PGlite keeps working and no second driver or pool is opened.
 * pg-boss sends a few multi-statement transactions as one text ("BEGIN; …; COMMIT"): postgres.js runs those on
 * a reserved connection when the pool has more than one, so the statements share a session.
 */
export function createBoss(client: postgres.Sql, opts: { schema?: string; singleConnection: boolean }): PgBoss {
  const executeSql = async (text: string, values?: unknown[]) => {
    // Parameters as pg (pg-boss's own driver) sends them: undefined as null, plain objects as JSON text.
    const params = (values ?? []).map((v) =>
      v === undefined ? null : v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v) ? JSON.stringify(v) : v,
    ) as postgres.ParameterOrJSON<never>[];
    if (!opts.singleConnection && /^\s*begin\b/i.test(text)) {
      const reserved = await client.reserve();
      try {
        return { rows: (await reserved.unsafe(text, params)) as unknown as unknown[] };
      } finally {
        reserved.release();
      }
    }
    return { rows: (await client.unsafe(text, params)) as unknown as unknown[] };
  };
  return new PgBoss({
    db: { executeSql },
    schema: opts.schema ?? "pgboss",
    // Maintenance (expiring, archiving) every few minutes; cron schedules are not used: probes reschedule themselves.
    supervise: true,
    schedule: false,
    migrate: true,
  });
}

import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export type EmbeddedDatabase = { url: string; port: number; stop(): Promise<void> };

/**
 * PGlite served over the Postgres wire protocol, so the app keeps one driver path (postgres.js) whether
 * or not DATABASE_URL is set. PGlite is a single session: the server takes one connection and clients
 * must use a pool of one, which also means two transactions can never interleave.
 */
export async function startEmbeddedDatabase(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedDatabase> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const pg = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const server = new PGLiteSocketServer({ db: pg, host: "127.0.0.1", port: opts.port ?? 0, maxConnections: 1 });
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.split(":").pop());
  return {
    port,
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await pg.close();
    },
  };
}

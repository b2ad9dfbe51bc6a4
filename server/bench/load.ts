/**
 * A small bounded loopback load generator: `connections` keep-alive connections, each posting one request after
 * the other for `durationMs` (or until `maxRequests`), recording each answer's latency. Loopback addresses only.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

export type LoadResult = { requests: number; ok: number; errors: number; seconds: number; p50: number; p99: number; startedAt: number };

export async function runLoad(opts: { url: string; connections: number; durationMs: number; maxRequests: number; next: (i: number) => { path: string; headers: Record<string, string>; body: string; method?: "GET" | "POST" } }): Promise<LoadResult> {
  const target = new URL(opts.url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) throw new Error("the load generator only talks to loopback addresses");
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const latencies: number[] = [];
  let issued = 0;
  let ok = 0;
  let errors = 0;
  const startedAt = Date.now();
  const started = performance.now();
  const deadline = started + opts.durationMs;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const r = opts.next(i);
      const t0 = performance.now();
      const req = request({ host: target.hostname, port: target.port, path: r.path, method: r.method ?? "POST", agent, headers: r.method === "GET" ? r.headers : { ...r.headers, "content-length": Buffer.byteLength(r.body) } }, (res) => {
        res.resume();
        res.on("end", () => {
          latencies.push(performance.now() - t0);
          if (res.statusCode === 200) ok++;
          else errors++;
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  const lane = async () => {
    while (performance.now() < deadline && issued < opts.maxRequests) await one(issued++);
  };
  await Promise.all(Array.from({ length: opts.connections }, lane));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { requests: latencies.length, ok, errors, seconds, p50: pct(50), p99: pct(99), startedAt };
}

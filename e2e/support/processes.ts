import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { processEnvironment } from "../../server/env.js";

/** The repository's root: where `npm start` finds package.json and the production build (.next). */
export const ROOT = new URL("../..", import.meta.url).pathname;

const OUTPUT_KEPT = 64 * 1024;

export type Service = {
  name: string;
  proc: ChildProcess;
  /** The service's recent stdout and stderr, for failure messages. */
  output(): string;
};

/**
 * Runs an npm script (`npm start`, `npm run realtime`) exactly as an operator would, in a process group of its own:
 * npm, the launcher and everything the launcher starts (the web server, the ingest worker) can then be stopped
 * together, and none outlives the test (stopServices).
 */
export function startNpmScript(name: string, script: string[], env: Record<string, string | undefined>): Service {
  let output = "";
  const proc = spawn("npm", script, { cwd: ROOT, env: { ...processEnvironment(), ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-OUTPUT_KEPT);
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  running.add(proc);
  return { name, proc, output: () => output };
}

/** Waits until `ready` holds, failing at once if the service exits and after `timeoutMs` with its output. */
export async function waitFor(service: Service, what: string, ready: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (service.proc.exitCode !== null || service.proc.signalCode !== null) {
      throw new Error(`${service.name} exited (${service.proc.exitCode ?? service.proc.signalCode}) before ${what}:\n${service.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`${service.name}: no ${what} within ${timeoutMs / 1000} s:\n${service.output()}`);
    await sleep(100);
  }
}

/** Readiness as a load balancer sees it: GET /api/health/ready answers 200 (database reachable, migrations applied). */
export function readyAt(url: string): () => Promise<boolean> {
  return async () => {
    try {
      const res = await fetch(`${url}/api/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  };
}

const running = new Set<ChildProcess>();

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * SIGTERM to each service's whole process group (as a service manager stops it), then SIGKILL to whatever is left
 * after `graceMs`; returns once no process of theirs remains.
 */
export async function stopServices(services: Service[], graceMs = 20_000): Promise<void> {
  const pids = services.map((s) => s.proc.pid).filter((pid): pid is number => pid !== undefined);
  for (const pid of pids) signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (pids.some(groupAlive) && Date.now() < deadline) await sleep(100);
  for (const pid of pids) if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
  while (pids.some(groupAlive)) await sleep(50);
  for (const s of services) running.delete(s.proc);
}

// The last resort if the test process itself is going away without its afterAll: no service outlives it.
process.once("exit", () => {
  for (const proc of running) if (proc.pid !== undefined) signalGroup(proc.pid, "SIGKILL");
});

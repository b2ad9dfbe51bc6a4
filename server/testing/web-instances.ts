/**
 * For multi-instance tests: web instances (server/testing/web-instance-process.ts) and the ingest worker process
 * (server/jobs/worker-process.ts) started as processes of their own on a database, and requests on connections of
 * their own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { processEnvironment } from "../env.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type Instance = { proc: ChildProcess; port: number; output: () => string; exited: Promise<number | null> };

function spawnChild(script: string, env: Record<string, string>) {
  let output = "";
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, script)], {
    cwd: ROOT,
    // Probes would ask the fakes about webhooks they never set: not within a test.
    env: { ...processEnvironment(), LOG_LEVEL: "warn", RESEND_API_KEY: "", CHANNEL_PROBE_INTERVAL_SECONDS: "3600", ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return { proc, output: () => output, exited };
}

/** A web instance on `DATABASE_URL` (in `env`), once it listens. */
export async function startWebInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawnChild("server/testing/web-instance-process.ts", env);
  const deadline = Date.now() + 30_000;
  while (!/listening (\d+)/.test(child.output())) {
    if (Date.now() > deadline || child.proc.exitCode !== null) throw new Error(`the instance did not start: ${child.output()}`);
    await sleep(50);
  }
  return { ...child, port: Number(/listening (\d+)/.exec(child.output())![1]) };
}

/** The ingest worker process, once it is ready. */
export async function startWorkerProcess(env: Record<string, string>): Promise<Omit<Instance, "port">> {
  const child = spawnChild("server/jobs/worker-process.ts", env);
  await new Promise<void>((resolve, reject) => {
    child.proc.once("message", () => resolve());
    child.proc.once("exit", () => reject(new Error(`the worker did not start: ${child.output()}`)));
  });
  return child;
}

/** One POST on a connection of its own (no keep-alive): "refused" means nothing reached the instance. */
export function post(
  port: number,
  pathname: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string } | "refused" | "cut"> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: pathname, method: "POST", agent: false, headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", () => resolve("cut"));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED" ? "refused" : "cut"));
    req.setTimeout(30_000, () => req.destroy());
    req.end(body);
  });
}

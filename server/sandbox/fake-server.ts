/**
 * What the loopback provider fakes (Telegram, VK, Meta Graph) share: a node:http server on 127.0.0.1, the control
 * endpoints tests in other processes (e.g. a Playwright worker) use — GET /__fake/calls, POST /__fake/reset,
 * POST /__fake/enqueue — the request body readers, and a close() that does not wait for keep-alive connections.
 * Each fake keeps only what its provider does: routes, success shapes and error envelopes.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";

export type FakeReply = {
  /** A JSON body with the fake's content type, plus any extra headers (e.g. Retry-After). */
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Raw bytes, e.g. a file download. */
  bytes(status: number, bytes: Buffer, contentType: string): void;
  /**
   * Raw bytes without a Content-Length, written in 64 KiB chunks as fast as the client reads them; `done` learns how
   * many were written and whether the client went away before the last one.
   */
  chunked(status: number, bytes: Buffer, contentType: string, done: (outcome: { sentBytes: number; aborted: boolean }) => void): void;
};

const CHUNK_BYTES = 64 * 1024;

export type FakeControl = {
  /** What GET /__fake/calls answers with: the fake's own list, which `reset` empties in place. */
  calls: readonly unknown[];
  /** POST /__fake/reset. */
  reset(): void;
  /** POST /__fake/enqueue, with the body as `readBody` read it; the fake checks its shape (a throw answers via `onError`). */
  enqueue(body: unknown): void;
  /** How the /__fake/enqueue body is read; `readRequestBody` unless the fake says otherwise. */
  readBody?(req: IncomingMessage): Promise<unknown>;
};

export type FakeServerOptions = {
  /** 0 or absent: any free port. */
  port?: number;
  /** The content type of JSON replies; "application/json" unless the provider sends another (VK adds a charset). */
  contentType?: string;
  control: FakeControl;
  /** Answers every request that is not a control endpoint; what it throws is answered by `onError`. */
  handle(req: IncomingMessage, url: URL, reply: FakeReply): void | Promise<void>;
  /** Answers a request whose handling threw (a malformed body, say), in the provider's error shape. */
  onError(error: unknown, reply: FakeReply): void;
};

export type FakeServer = { url: string; port: number; close(): Promise<void> };

export async function startFakeServer(opts: FakeServerOptions): Promise<FakeServer> {
  const { control, handle, onError } = opts;
  const contentType = opts.contentType ?? "application/json";
  const readControlBody = control.readBody ?? ((req: IncomingMessage) => readRequestBody(req));

  const server = createServer(async (req, res) => {
    const reply: FakeReply = {
      json(status, body, headers = {}) {
        res.writeHead(status, { "content-type": contentType, ...headers });
        res.end(JSON.stringify(body));
      },
      bytes(status, bytes, type) {
        res.writeHead(status, { "content-type": type, "content-length": bytes.byteLength });
        res.end(bytes);
      },
      chunked(status, bytes, type, done) {
        res.writeHead(status, { "content-type": type });
        let sentBytes = 0;
        res.once("close", () => done({ sentBytes, aborted: !res.writableFinished }));
        const pump = () => {
          while (sentBytes < bytes.byteLength) {
            if (res.destroyed) return;
            const chunk = bytes.subarray(sentBytes, sentBytes + CHUNK_BYTES);
            sentBytes += chunk.byteLength;
            if (!res.write(chunk)) {
              res.once("drain", pump);
              return;
            }
          }
          res.end();
        };
        pump();
      },
    };
    try {
      const url = new URL(req.url ?? "/", "http://fake");
      // Matched by path alone, whatever the HTTP method.
      if (url.pathname === "/__fake/calls") return reply.json(200, control.calls);
      if (url.pathname === "/__fake/reset") {
        control.reset();
        return reply.json(200, { ok: true });
      }
      if (url.pathname === "/__fake/enqueue") {
        control.enqueue(await readControlBody(req));
        return reply.json(200, { ok: true });
      }
      await handle(req, url, reply);
    } catch (error) {
      onError(error, reply);
    }
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        // Keep-alive connections (the app's fetch pool) would otherwise hold close() open until they time out.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A multipart upload as a fake records it: the file's name, type and size, and its bytes' sha256 for assertions. */
export type RecordedFile = { name: string; type: string; size: number; sha256: string };

export async function readRawBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A request body as an object: form-urlencoded when declared so, JSON otherwise (an empty body is `{}`); with
 * `multipart`, also multipart/form-data, its files recorded as `RecordedFile`. Malformed bodies throw.
 */
export async function readRequestBody(req: IncomingMessage, opts: { multipart?: boolean } = {}): Promise<Record<string, unknown>> {
  const type = req.headers["content-type"] ?? "";
  if (opts.multipart && type.startsWith("multipart/form-data")) return readMultipart(req, type);
  const raw = await readRawBody(req);
  if (!raw) return {};
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return JSON.parse(raw) as Record<string, unknown>;
}

/** A request body as string parameters: JSON (values stringified) when declared so, form-urlencoded otherwise. */
export async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  const raw = await readRawBody(req);
  if (!raw) return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) {
    return Object.fromEntries(Object.entries(JSON.parse(raw) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

async function readMultipart(req: IncomingMessage, contentType: string): Promise<Record<string, unknown>> {
  // The fetch API's own multipart parser; the request streams straight into it.
  const request = new Request("http://fake/", {
    method: "POST",
    headers: { "content-type": contentType },
    body: Readable.toWeb(req) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const params: Record<string, unknown> = {};
  for (const [key, value] of await request.formData()) {
    if (typeof value === "string") params[key] = value;
    else {
      const bytes = Buffer.from(await value.arrayBuffer());
      params[key] = { name: value.name, type: value.type, size: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") } satisfies RecordedFile;
    }
  }
  return params;
}

/** Scripted answers, first in first out, per key (a method name); `shift` is undefined once a key's run out. */
export class ScriptQueue<T> {
  private readonly byKey = new Map<string, T[]>();

  push(key: string, item: T): void {
    const list = this.byKey.get(key) ?? [];
    list.push(item);
    this.byKey.set(key, list);
  }

  shift(key: string): T | undefined {
    return this.byKey.get(key)?.shift();
  }

  clear(): void {
    this.byKey.clear();
  }
}

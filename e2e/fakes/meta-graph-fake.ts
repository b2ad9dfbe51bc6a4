/**
 * A loopback Graph API Send API for tests and the local sandbox: POST /{version}/{page-id|me}/messages
 * answers like Meta does (`{recipient_id, message_id}`; errors as `{error:{message,type,code,error_subcode,
 * fbtrace_id}}`, protocols/meta.md §2). Tests script failures with `enqueue` (in-process) or
 * POST /__fake/enqueue (from another process, e.g. a Playwright worker).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";

export type RecordedGraphCall = {
  version: string;
  /** The path node: a Page id, or "me". */
  node: string;
  edge: string;
  token: string | null;
  body: Record<string, unknown>;
  at: number;
};
type Scripted = { status: number; body: unknown; headers: Record<string, string> };

export type MetaGraphFake = {
  url: string;
  port: number;
  calls: RecordedGraphCall[];
  /** The next Send API call answers with this instead of success. */
  enqueue(status: number, body: unknown, headers?: Record<string, string>): void;
  reset(): void;
  close(): Promise<void>;
};

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return {};
  if ((req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return JSON.parse(raw) as Record<string, unknown>;
}

const graphError = (message: string, code: number, subcode?: number) => ({
  error: { message, type: "OAuthException", code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: "AFAKEtracefake" },
});

export async function startMetaGraphFake(opts: { port?: number } = {}): Promise<MetaGraphFake> {
  const calls: RecordedGraphCall[] = [];
  const scripted: Scripted[] = [];
  let nextMessageId = 1;

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? "/", "http://fake");
      if (url.pathname === "/__fake/calls") return send(200, calls);
      if (url.pathname === "/__fake/reset") {
        fake.reset();
        return send(200, { ok: true });
      }
      if (url.pathname === "/__fake/enqueue") {
        const body = (await readBody(req)) as { status: number; body: unknown; headers?: Record<string, string> };
        fake.enqueue(body.status, body.body, body.headers);
        return send(200, { ok: true });
      }
      const match = /^\/(v\d+\.\d+)\/([^/]+)\/([a-z_]+)$/.exec(url.pathname);
      if (!match || req.method !== "POST") return send(400, graphError("Unknown path components", 2500));
      const [, version, node, edge] = match as unknown as [string, string, string, string];
      const body = await readBody(req);
      const bearer = /^(?:Bearer|OAuth) (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const token = bearer ?? url.searchParams.get("access_token") ?? (typeof body.access_token === "string" ? body.access_token : null);
      calls.push({ version, node: decodeURIComponent(node), edge, token, body, at: Date.now() });
      if (!token) return send(400, graphError("An access token is required to request this resource.", 104));
      if (edge !== "messages") return send(400, graphError(`Unsupported post request (fake supports only /messages, not /${edge})`, 100, 33));
      const queued = scripted.shift();
      if (queued) return send(queued.status, queued.body, queued.headers);
      const recipient = (body.recipient ?? {}) as { id?: string; user_ref?: string };
      if (!recipient.id && !recipient.user_ref) return send(400, graphError("(#100) The parameter recipient is required", 100));
      const messageId = `m_FAKE-SENT-${String(nextMessageId++).padStart(4, "0")}`;
      return send(200, { recipient_id: recipient.id ?? recipient.user_ref, message_id: messageId });
    } catch (error) {
      return send(400, graphError(`(#100) ${error instanceof Error ? error.message : "Invalid parameter"}`, 100));
    }
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const fake: MetaGraphFake = {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    enqueue(status, body, headers = {}) {
      scripted.push({ status, body, headers });
    },
    reset() {
      calls.length = 0;
      scripted.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

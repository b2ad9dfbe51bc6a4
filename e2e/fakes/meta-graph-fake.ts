/**
 * A loopback Graph API Send API for tests and the local sandbox: POST /{version}/{page-id|me}/messages
 * answers like Meta does (`{recipient_id, message_id}`; errors as `{error:{message,type,code,error_subcode,
 * fbtrace_id}}`, protocols/meta.md §2). Tests script failures with `enqueue` (in-process) or
 * POST /__fake/enqueue (from another process, e.g. a Playwright worker).
 */
import { readRequestBody, startFakeServer } from "./fake-server";

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

const graphError = (message: string, code: number, subcode?: number) => ({
  error: { message, type: "OAuthException", code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: "AFAKEtracefake" },
});

export async function startMetaGraphFake(opts: { port?: number } = {}): Promise<MetaGraphFake> {
  const calls: RecordedGraphCall[] = [];
  const scripted: Scripted[] = [];
  let nextMessageId = 1;

  const enqueue = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    scripted.push({ status, body, headers });
  };
  const reset = () => {
    calls.length = 0;
    scripted.length = 0;
  };

  const server = await startFakeServer({
    port: opts.port,
    control: {
      calls,
      reset,
      enqueue: (body) => {
        const { status, body: answer, headers } = body as { status: number; body: unknown; headers?: Record<string, string> };
        enqueue(status, answer, headers);
      },
    },
    handle: async (req, url, reply) => {
      const match = /^\/(v\d+\.\d+)\/([^/]+)\/([a-z_]+)$/.exec(url.pathname);
      if (!match || req.method !== "POST") return reply.json(400, graphError("Unknown path components", 2500));
      const [, version, node, edge] = match as unknown as [string, string, string, string];
      const body = await readRequestBody(req);
      const bearer = /^(?:Bearer|OAuth) (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const token = bearer ?? url.searchParams.get("access_token") ?? (typeof body.access_token === "string" ? body.access_token : null);
      calls.push({ version, node: decodeURIComponent(node), edge, token, body, at: Date.now() });
      if (!token) return reply.json(400, graphError("An access token is required to request this resource.", 104));
      if (edge !== "messages") return reply.json(400, graphError(`Unsupported post request (fake supports only /messages, not /${edge})`, 100, 33));
      const queued = scripted.shift();
      if (queued) return reply.json(queued.status, queued.body, queued.headers);
      const recipient = (body.recipient ?? {}) as { id?: string; user_ref?: string };
      if (!recipient.id && !recipient.user_ref) return reply.json(400, graphError("(#100) The parameter recipient is required", 100));
      const messageId = `m_FAKE-SENT-${String(nextMessageId++).padStart(4, "0")}`;
      return reply.json(200, { recipient_id: recipient.id ?? recipient.user_ref, message_id: messageId });
    },
    onError: (error, reply) => reply.json(400, graphError(`(#100) ${error instanceof Error ? error.message : "Invalid parameter"}`, 100)),
  });

  return { ...server, calls, enqueue, reset };
}

/**
 * A loopback Bot API server for tests and the local sandbox: it answers the documented methods with the
 * documented shapes (https://core.telegram.org/bots/api#making-requests). Tests program failures with
 * `enqueue` (in-process) or POST /__fake/enqueue (from another process, e.g. a Playwright worker).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";

export type RecordedCall = { token: string; method: string; params: Record<string, unknown>; at: number };
type Scripted = { status: number; body: unknown };

export type TelegramFake = {
  url: string;
  port: number;
  calls: RecordedCall[];
  /** The next call of `method` answers with this instead of success. */
  enqueue(method: string, status: number, body: unknown): void;
  reset(): void;
  close(): Promise<void>;
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return {};
  if ((req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return JSON.parse(raw) as Record<string, unknown>;
}

export async function startTelegramFake(opts: { port?: number; botUsername?: string } = {}): Promise<TelegramFake> {
  const calls: RecordedCall[] = [];
  const scripted = new Map<string, Scripted[]>();
  let nextMessageId = 5000;

  const success = (token: string, method: string, params: Record<string, unknown>): unknown => {
    const botId = Number(token.split(":")[0]) || 7000000001;
    switch (method) {
      case "getMe":
        return { id: botId, is_bot: true, first_name: "Acme Support", username: opts.botUsername ?? "AcmeSupportBot", can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case "setWebhook":
      case "deleteWebhook":
      case "answerCallbackQuery":
        return true;
      case "getWebhookInfo":
        return { url: "", has_custom_certificate: false, pending_update_count: 0 };
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument":
        return {
          message_id: nextMessageId++,
          from: { id: botId, is_bot: true, first_name: "Acme Support", username: opts.botUsername ?? "AcmeSupportBot" },
          chat: { id: Number(params.chat_id), type: Number(params.chat_id) < 0 ? "group" : "private" },
          date: Math.floor(Date.now() / 1000),
          ...(typeof params.text === "string" ? { text: params.text } : {}),
        };
      default:
        return undefined;
    }
  };

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
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
        const body = (await readJson(req)) as { method: string; status: number; body: unknown };
        fake.enqueue(body.method, body.status, body.body);
        return send(200, { ok: true });
      }
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      if (!match) return send(404, { ok: false, error_code: 404, description: "Not Found" });
      const [, token, method] = match as unknown as [string, string, string];
      const params = { ...Object.fromEntries(url.searchParams), ...(await readJson(req)) };
      calls.push({ token, method, params, at: Date.now() });
      const queued = scripted.get(method)?.shift();
      if (queued) return send(queued.status, queued.body);
      const result = success(token, method, params);
      if (result === undefined) return send(404, { ok: false, error_code: 404, description: "Not Found: method not found" });
      return send(200, { ok: true, result });
    } catch (error) {
      return send(400, { ok: false, error_code: 400, description: `Bad Request: ${error instanceof Error ? error.message : "invalid"}` });
    }
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const fake: TelegramFake = {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    enqueue(method, status, body) {
      const list = scripted.get(method) ?? [];
      list.push({ status, body });
      scripted.set(method, list);
    },
    reset() {
      calls.length = 0;
      scripted.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

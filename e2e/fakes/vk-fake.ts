/**
 * A loopback VK API server for tests and the local sandbox. It answers the methods the app calls with the
 * documented shapes (dev.vk.com/ru/api/api-requests): `{"response": …}` on success and, like VK, errors
 * with HTTP 200 and `{"error": {error_code, error_msg, request_params}}`. Tests program failures with
 * `enqueue` (in-process) or POST /__fake/enqueue (from another process, e.g. a Playwright worker).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";

/** One API call; `params` never holds the access token (it is kept apart in `token`). */
export type VkRecordedCall = { token: string | undefined; method: string; params: Record<string, string>; at: number };
type Scripted = { status: number; body: unknown };

export type VkFake = {
  url: string;
  port: number;
  calls: VkRecordedCall[];
  /** The next call of `method` answers with `body` (HTTP `status`, 200 like VK unless a transport failure is wanted). */
  enqueue(method: string, body: unknown, status?: number): void;
  reset(): void;
  close(): Promise<void>;
};

async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) {
    return Object.fromEntries(Object.entries(JSON.parse(raw) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

const vkError = (code: number, msg: string, method: string, params: Record<string, string>) => ({
  error: {
    error_code: code,
    error_msg: msg,
    request_params: [{ key: "method", value: method }, { key: "oauth", value: "1" }, ...(params.v ? [{ key: "v", value: params.v }] : [])],
  },
});

export async function startVkFake(opts: { port?: number; groupId?: number; screenName?: string } = {}): Promise<VkFake> {
  const calls: VkRecordedCall[] = [];
  const scripted = new Map<string, Scripted[]>();
  // VK refuses to deliver a random_id twice from one sender and answers with the first message's id.
  const delivered = new Map<string, number>();
  let nextMessageId = 2052;
  const groupId = opts.groupId ?? 229876543;

  const success = (token: string, method: string, params: Record<string, string>): unknown => {
    switch (method) {
      case "messages.send": {
        const peer = params.peer_id ?? params.user_id;
        if (!peer || !/^-?\d+$/.test(peer)) return vkError(100, "One of the parameters specified was missing or invalid: peer_id is undefined", method, params);
        if (!params.message && !params.attachment) return vkError(100, "One of the parameters specified was missing or invalid: message is empty or invalid", method, params);
        const randomId = params.random_id ?? "0";
        if (randomId !== "0") {
          const key = `${token}:${randomId}`;
          const existing = delivered.get(key);
          if (existing !== undefined) return { response: existing };
          const id = nextMessageId++;
          delivered.set(key, id);
          return { response: id };
        }
        return { response: nextMessageId++ };
      }
      case "groups.getById":
        return {
          response: {
            groups: [{ id: groupId, name: "Acme Store (test)", screen_name: opts.screenName ?? "acme_store_test", is_closed: 0, type: "group" }],
            profiles: [],
          },
        };
      default:
        return vkError(3, "Unknown method passed", method, params);
    }
  };

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
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
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { method: string; body: unknown; status?: number };
        fake.enqueue(body.method, body.body, body.status);
        return send(200, { ok: true });
      }
      const match = /^\/method\/([A-Za-z]+\.[A-Za-z]+)$/.exec(url.pathname);
      if (!match) return send(404, { error: "not found" });
      const method = match[1]!;
      const { access_token: bodyToken, ...params } = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const token = bodyToken ?? bearer;
      calls.push({ token, method, params, at: Date.now() });
      const queued = scripted.get(method)?.shift();
      if (queued) return send(queued.status, queued.body);
      if (!token) return send(200, vkError(5, "User authorization failed: no access_token passed.", method, params));
      return send(200, success(token, method, params));
    } catch (error) {
      return send(200, vkError(100, `One of the parameters specified was missing or invalid: ${error instanceof Error ? error.message : "invalid"}`, "unknown", {}));
    }
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const fake: VkFake = {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    enqueue(method, body, status = 200) {
      const list = scripted.get(method) ?? [];
      list.push({ status, body });
      scripted.set(method, list);
    },
    reset() {
      calls.length = 0;
      scripted.clear();
      delivered.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/**
 * A loopback VK API server for tests and the local sandbox. It answers the methods the app calls with the
 * documented shapes (dev.vk.com/ru/api/api-requests): `{"response": …}` on success and, like VK, errors
 * with HTTP 200 and `{"error": {error_code, error_msg, request_params}}`. Tests program failures with
 * `enqueue` (in-process) or POST /__fake/enqueue (from another process, e.g. a Playwright worker).
 */
import { readParams, readRawBody, ScriptQueue, startFakeServer } from "./fake-server";

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

const vkError = (code: number, msg: string, method: string, params: Record<string, string>) => ({
  error: {
    error_code: code,
    error_msg: msg,
    request_params: [{ key: "method", value: method }, { key: "oauth", value: "1" }, ...(params.v ? [{ key: "v", value: params.v }] : [])],
  },
});

export async function startVkFake(opts: { port?: number; groupId?: number; screenName?: string } = {}): Promise<VkFake> {
  const calls: VkRecordedCall[] = [];
  const scripted = new ScriptQueue<Scripted>();
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

  const enqueue = (method: string, body: unknown, status = 200) => scripted.push(method, { status, body });
  const reset = () => {
    calls.length = 0;
    scripted.clear();
    delivered.clear();
  };

  const server = await startFakeServer({
    port: opts.port,
    contentType: "application/json; charset=utf-8",
    control: {
      calls,
      reset,
      enqueue: (body) => {
        const { method, body: answer, status } = body as { method: string; body: unknown; status?: number };
        enqueue(method, answer, status);
      },
      // Always JSON, whatever the content type (unlike the API methods, which read form parameters).
      readBody: async (req) => JSON.parse(await readRawBody(req)) as unknown,
    },
    handle: async (req, url, reply) => {
      const match = /^\/method\/([A-Za-z]+\.[A-Za-z]+)$/.exec(url.pathname);
      if (!match) return reply.json(404, { error: "not found" });
      const method = match[1]!;
      const { access_token: bodyToken, ...params } = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const token = bodyToken ?? bearer;
      calls.push({ token, method, params, at: Date.now() });
      const queued = scripted.shift(method);
      if (queued) return reply.json(queued.status, queued.body);
      if (!token) return reply.json(200, vkError(5, "User authorization failed: no access_token passed.", method, params));
      return reply.json(200, success(token, method, params));
    },
    // Like VK: a bad request is still HTTP 200, with an error body.
    onError: (error, reply) =>
      reply.json(200, vkError(100, `One of the parameters specified was missing or invalid: ${error instanceof Error ? error.message : "invalid"}`, "unknown", {})),
  });

  return { ...server, calls, enqueue, reset };
}

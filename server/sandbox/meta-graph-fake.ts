/**
 * A loopback Graph API Send API for tests and the local sandbox: POST /{version}/{page-id|me}/messages
 * answers like Meta does (`{recipient_id, message_id}`; errors as `{error:{message,type,code,error_subcode,
 * fbtrace_id}}`, protocols/meta.md §2), as JSON or as the multipart upload-and-send form (its `filedata`
 * recorded with the bytes' sha256). GET /{version}/{psid|igsid}?fields=… answers from `profiles` (the User
 * Profile API). Tests script failures with `enqueue` (in-process) or POST /__fake/enqueue (from another
 * process, e.g. a Playwright worker), and profiles with `profiles.set` or POST /__fake/enqueue {profile:{id,fields}}.
 *
 * Facebook Login and the re-authorization wizard run against `world` (meta-world.ts): the OAuth dialog
 * (meta-oauth-dialog.ts), the code exchange, /me, /me/accounts, /me/permissions, /debug_token, a Page's
 * fields and its subscribed_apps (meta-graph-routes.ts). A token the world revoked answers 190 with its
 * subcode on the Send API too. POST /{version}/{page-id}/pass_thread_control hands a thread to another app.
 */
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { readRequestBody, startFakeServer, type FakeReply, type RecordedFile } from "./fake-server";
import { handleWorldRequest } from "./meta-graph-routes";
import { handleOAuthDialog } from "./meta-oauth-dialog";
import { MetaWorld } from "./meta-world";

export type { RecordedFile } from "./fake-server";

export type RecordedGraphCall = {
  method: string;
  version: string;
  /** The path node: a Page id or "me" (Send API), a PSID or IGSID (profile reads). */
  node: string;
  /** "" for a read of the node itself. */
  edge: string;
  token: string | null;
  /** Where the token came from: the Authorization header, the URL's access_token, or the body. */
  tokenIn: "header" | "query" | "body" | null;
  /** JSON, form or multipart fields; JSON-valued form fields (recipient, message) decoded, files as RecordedFile. */
  body: Record<string, unknown>;
  /** GET only: the requested fields. */
  fields?: string[];
  /** The message_id the fake answered with (unscripted Send API successes only). */
  messageId?: string;
  at: number;
};
type Scripted = { status: number; body: unknown; headers: Record<string, string> };

export type MetaGraphFake = {
  url: string;
  port: number;
  calls: RecordedGraphCall[];
  /** The next Send API call answers with this instead of success. */
  enqueue(status: number, body: unknown, headers?: Record<string, string>): void;
  /** User Profile API answers by PSID / IGSID (e.g. `{first_name, last_name}` or `{name, username}`); other ids get Graph's 100/33. */
  profiles: Map<string, Record<string, unknown>>;
  /** People, Pages, grants, tokens and subscriptions for Facebook Login and the wizard. */
  world: MetaWorld;
  /**
   * A Messenger customer writes to a Page: Meta posts the signed `messages` webhook to `webhookUrl` — under
   * `messaging` while our app owns the thread (or nobody does), under `standby` while another app (the Page's bot)
   * does. POST /__fake/messenger/write with the same fields. Needs the app secret.
   */
  writeAsCustomer(input: { pageId: string; psid: string; name: string; text: string; webhookUrl: string }): Promise<"delivered" | "not_delivered">;
  /**
   * The Page's bot app passes the thread to our app (`to: "us"`: pass_thread_control, the team takes over) or takes it
   * back (`to: "bot"`: take_thread_control); the thread owner changes and Meta posts the handover event.
   * POST /__fake/messenger/handover with the same fields.
   */
  handover(input: { pageId: string; psid: string; to: "us" | "bot"; botAppId: string; webhookUrl: string }): Promise<"delivered" | "not_delivered">;
  reset(): void;
  close(): Promise<void>;
};

const graphError = (message: string, code: number, subcode?: number) => ({
  error: { message, type: "OAuthException", code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: "AFAKEtracefake" },
});

/** Graph reads object-valued form fields (recipient, message) as JSON strings. */
function decodeFormFields(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => {
      if (typeof v !== "string" || !/^\s*[{[]/.test(v)) return [k, v];
      try {
        return [k, JSON.parse(v) as unknown];
      } catch {
        return [k, v];
      }
    }),
  );
}

const isRecordedFile = (v: unknown): v is RecordedFile => typeof v === "object" && v !== null && typeof (v as RecordedFile).sha256 === "string";

/** A Send API `message` that is an attachment must say where its bytes are: a URL, an attachment id, or `filedata`. */
function attachmentProblem(body: Record<string, unknown>): string | undefined {
  const message = body.message as { attachment?: { type?: unknown; payload?: { url?: unknown; attachment_id?: unknown } } } | undefined;
  const attachment = message?.attachment;
  if (message === undefined) return typeof body.sender_action === "string" ? undefined : "(#100) The parameter message is required";
  if (!attachment) return typeof (message as { text?: unknown }).text === "string" ? undefined : "(#100) The parameter message is required";
  if (!["image", "audio", "video", "file", "template"].includes(String(attachment.type))) return "(#100) Param message[attachment][type] must be one of {IMAGE, AUDIO, VIDEO, FILE, TEMPLATE}";
  if (attachment.payload?.url === undefined && attachment.payload?.attachment_id === undefined && !isRecordedFile(body.filedata)) return "(#100) Upload attachment failure.";
  return undefined;
}

/** What the sandbox keeps in its state file: the app it plays and what its "Facebook" issued. */
type SavedState = { appSecret?: string; world?: Parameters<MetaWorld["restore"]>[0] };

/** The app secret a sandbox state file holds, so a restarted sandbox signs and checks with the same one. */
export function savedMetaAppSecret(stateFile: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(stateFile, "utf8")) as SavedState).appSecret;
  } catch {
    return undefined;
  }
}

export async function startMetaGraphFake(
  opts: {
    port?: number;
    appId?: string;
    appSecret?: string;
    /**
     * The sandbox: tokens issued, grants, revocations, subscriptions and thread owners are kept in this file
     * (written as they change, read at start), so a restart of `npm run dev` keeps working tokens working.
     */
    stateFile?: string;
  } = {},
): Promise<MetaGraphFake> {
  const calls: RecordedGraphCall[] = [];
  const world = new MetaWorld(opts.appId ?? "900000000000001", opts.appSecret ?? null);
  let savedJson = "";
  if (opts.stateFile) {
    try {
      const saved = JSON.parse(readFileSync(opts.stateFile, "utf8")) as SavedState;
      if (saved.world) world.restore(saved.world);
    } catch {
      // No state yet (a first start) or unreadable: start empty.
    }
  }
  /** Writes the state file when the world changed (atomically: a crash never leaves half a file). */
  const persist = () => {
    if (!opts.stateFile) return;
    const json = JSON.stringify({ appSecret: world.appSecret ?? undefined, world: world.snapshot() } satisfies SavedState);
    if (json === savedJson) return;
    mkdirSync(path.dirname(opts.stateFile), { recursive: true });
    const tmp = `${opts.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, json, { mode: 0o600 });
    renameSync(tmp, opts.stateFile);
    savedJson = json;
  };
  const scripted: Scripted[] = [];
  const profiles = new Map<string, Record<string, unknown>>();
  let nextMessageId = 1;

  const enqueue = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    scripted.push({ status, body, headers });
  };
  const reset = () => {
    calls.length = 0;
    scripted.length = 0;
    profiles.clear();
    world.clear();
  };

  /**
   * Handover Protocol / Conversation Routing (protocols/meta.md §3.3): POST /{page-id}/pass_thread_control with
   * `recipient={id:PSID}`, `target_app_id` and an optional `metadata` answers `{"success":true}`; a scripted
   * answer (`enqueue`) takes its place like on the Send API.
   */
  const passThreadControl = (node: string, token: string, body: Record<string, unknown>, reply: FakeReply) => {
    const queued = scripted.shift();
    if (queued) return reply.json(queued.status, queued.body, queued.headers);
    const recipient = (body.recipient ?? {}) as { id?: unknown };
    if (typeof recipient.id !== "string" || !recipient.id) return reply.json(400, graphError("(#100) The parameter recipient is required", 100));
    const target = typeof body.target_app_id === "number" ? String(body.target_app_id) : body.target_app_id;
    if (typeof target !== "string" || !/^\d+$/.test(target)) return reply.json(400, graphError("(#100) The parameter target_app_id is required", 100));
    if (body.metadata !== undefined && (typeof body.metadata !== "string" || body.metadata.length > 1000)) return reply.json(400, graphError("(#100) Param metadata must be a string of at most 1000 characters", 100));
    const pageId = node === "me" ? world.page(token)?.pageId : node;
    if (pageId) world.threadOwners.set(`${pageId}:${recipient.id}`, target);
    return reply.json(200, { success: true });
  };

  /** Meta's webhook POST: the body signed with the app secret (X-Hub-Signature-256). */
  const postWebhook = async (webhookUrl: string, payload: unknown): Promise<"delivered" | "not_delivered"> => {
    if (!world.appSecret) throw new Error("the fake has no app secret to sign webhooks with");
    const raw = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", world.appSecret).update(raw).digest("hex")}`;
    try {
      const res = await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body: raw, signal: AbortSignal.timeout(10_000) });
      return res.ok ? "delivered" : "not_delivered";
    } catch {
      return "not_delivered";
    }
  };
  // Meta's timestamps order a thread: one after another, even within a millisecond.
  let lastTimestamp = 0;
  const nextTimestamp = () => (lastTimestamp = Math.max(lastTimestamp + 1, Date.now()));
  const writeAsCustomer: MetaGraphFake["writeAsCustomer"] = async ({ pageId, psid, name, text, webhookUrl }) => {
    const [first, ...rest] = name.trim().split(/\s+/);
    if (!profiles.has(psid)) profiles.set(psid, { first_name: first ?? name, last_name: rest.join(" "), name });
    const timestamp = nextTimestamp();
    const mid = `m_${randomBytes(16).toString("hex")}`;
    if (!world.pages.has(pageId)) world.addPage({ id: pageId, name: pageId });
    world.addConversationMessage({ pageId, customer: { id: psid, name }, text, at: new Date(timestamp), mid });
    const owner = world.threadOwners.get(`${pageId}:${psid}`);
    const item = { sender: { id: psid }, recipient: { id: pageId }, timestamp, message: { mid, text } };
    const list = owner && owner !== world.appId ? "standby" : "messaging";
    return postWebhook(webhookUrl, { object: "page", entry: [{ id: pageId, time: timestamp, [list]: [item] }] });
  };
  const handover: MetaGraphFake["handover"] = async ({ pageId, psid, to, botAppId, webhookUrl }) => {
    const key = `${pageId}:${psid}`;
    const previous = world.threadOwners.get(key) ?? null;
    const next = to === "us" ? world.appId : botAppId;
    world.threadOwners.set(key, next);
    persist();
    const timestamp = nextTimestamp();
    const control = { previous_owner_app_id: previous, new_owner_app_id: next, metadata: to === "us" ? "The customer asked for a person" : "The bot takes the thread back" };
    const item = { sender: { id: psid }, recipient: { id: pageId }, timestamp, [to === "us" ? "pass_thread_control" : "take_thread_control"]: control };
    return postWebhook(webhookUrl, { object: "page", entry: [{ id: pageId, time: timestamp, messaging: [item] }] });
  };

  const server = await startFakeServer({
    port: opts.port,
    control: {
      calls,
      reset,
      enqueue: (body) => {
        // `{profile: {id, fields}}` fills the User Profile API; anything else scripts the next Send API answer.
        const profile = (body as { profile?: { id?: unknown; fields?: unknown } }).profile;
        if (profile) {
          if (typeof profile.id !== "string" || typeof profile.fields !== "object" || profile.fields === null) throw new Error("profile needs an id and fields");
          profiles.set(profile.id, profile.fields as Record<string, unknown>);
          return;
        }
        const { status, body: answer, headers } = body as { status: number; body: unknown; headers?: Record<string, string> };
        enqueue(status, answer, headers);
      },
    },
    handle: async (req, url, reply) => {
      try {
        await handleRequest(req, url, reply);
      } finally {
        persist();
      }
    },
    onError: (error, reply) => reply.json(400, graphError(`(#100) ${error instanceof Error ? error.message : "Invalid parameter"}`, 100)),
  });

  async function handleRequest(req: IncomingMessage, url: URL, reply: FakeReply): Promise<void> {
    if (url.pathname === "/__fake/messenger/write" && req.method === "POST") {
      const b = (await readRequestBody(req)) as Record<string, unknown>;
      if (![b.pageId, b.psid, b.name, b.text, b.webhookUrl].every((v) => typeof v === "string" && v)) throw new Error("write needs pageId, psid, name, text and webhookUrl");
      return reply.json(200, { ok: true, outcome: await writeAsCustomer(b as Parameters<MetaGraphFake["writeAsCustomer"]>[0]) });
    }
    if (url.pathname === "/__fake/messenger/handover" && req.method === "POST") {
      const b = (await readRequestBody(req)) as Record<string, unknown>;
      if (![b.pageId, b.psid, b.botAppId, b.webhookUrl].every((v) => typeof v === "string" && v) || (b.to !== "us" && b.to !== "bot")) throw new Error("handover needs pageId, psid, to (us|bot), botAppId and webhookUrl");
      return reply.json(200, { ok: true, outcome: await handover(b as Parameters<MetaGraphFake["handover"]>[0]) });
    }
    if (await handleOAuthDialog(world, req, url, reply)) return;
    const record = (c: { method: string; version: string; node: string; edge: string; token: string | null; fields?: string[]; body: Record<string, unknown> }) =>
      calls.push({ ...c, tokenIn: c.token ? (req.headers.authorization ? "header" : "query") : null, at: Date.now() });
    if (await handleWorldRequest(world, req, url, reply, record)) return;
    const bearer = /^(?:Bearer|OAuth) (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const read = /^\/(v\d+\.\d+)\/([^/]+)$/.exec(url.pathname);
    if (read && req.method === "GET") {
      const [, version, rawId] = read as unknown as [string, string, string];
      const id = decodeURIComponent(rawId);
      const fields = (url.searchParams.get("fields") ?? "").split(",").filter(Boolean);
      const query = url.searchParams.get("access_token");
      const token = bearer ?? query;
      calls.push({ method: "GET", version, node: id, edge: "", token, tokenIn: bearer ? "header" : query ? "query" : null, body: {}, fields, at: Date.now() });
      if (!token) return reply.json(400, graphError("An active access token must be used to query information about the current user.", 2500));
      const profile = profiles.get(id);
      if (!profile) {
        return reply.json(400, graphError(`Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 100, 33));
      }
      // Like Graph: only the requested fields that have a value, and the id.
      return reply.json(200, { ...Object.fromEntries(fields.filter((f) => profile[f] !== undefined && profile[f] !== null).map((f) => [f, profile[f]])), id });
    }
    const match = /^\/(v\d+\.\d+)\/([^/]+)\/([a-z_]+)$/.exec(url.pathname);
    if (!match || req.method !== "POST") return reply.json(400, graphError("Unknown path components", 2500));
    const [, version, node, edge] = match as unknown as [string, string, string, string];
    const raw = await readRequestBody(req, { multipart: true });
    const body = (req.headers["content-type"] ?? "").includes("application/json") ? raw : decodeFormFields(raw);
    const query = url.searchParams.get("access_token");
    const inBody = typeof body.access_token === "string" ? body.access_token : null;
    const token = bearer ?? query ?? inBody;
    const tokenIn = bearer ? "header" : query ? "query" : inBody ? "body" : null;
    const call: RecordedGraphCall = { method: "POST", version, node: decodeURIComponent(node), edge, token, tokenIn, body, at: Date.now() };
    calls.push(call);
    if (!token) return reply.json(400, graphError("An access token is required to request this resource.", 104));
    const revoked = world.revoked.get(token);
    if (revoked !== undefined) return reply.json(400, graphError("Error validating access token: The session has been invalidated because the user changed their password.", 190, revoked));
    if (edge === "pass_thread_control") return passThreadControl(decodeURIComponent(node), token, body, reply);
    if (edge !== "messages") return reply.json(400, graphError(`Unsupported post request (fake supports only /messages and /pass_thread_control, not /${edge})`, 100, 33));
    const queued = scripted.shift();
    if (queued) return reply.json(queued.status, queued.body, queued.headers);
    const recipient = (body.recipient ?? {}) as { id?: string; user_ref?: string };
    if (!recipient.id && !recipient.user_ref) return reply.json(400, graphError("(#100) The parameter recipient is required", 100));
    const problem = attachmentProblem(body);
    if (problem) return reply.json(400, graphError(problem, 100));
    const messageId = `m_FAKE-SENT-${String(nextMessageId++).padStart(4, "0")}`;
    call.messageId = messageId;
    return reply.json(200, { recipient_id: recipient.id ?? recipient.user_ref, message_id: messageId });
  }

  return { ...server, calls, profiles, world, enqueue, reset, writeAsCustomer, handover };
}

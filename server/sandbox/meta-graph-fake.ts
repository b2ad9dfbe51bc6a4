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

export async function startMetaGraphFake(opts: { port?: number; appId?: string; appSecret?: string } = {}): Promise<MetaGraphFake> {
  const calls: RecordedGraphCall[] = [];
  const world = new MetaWorld(opts.appId ?? "900000000000001", opts.appSecret ?? null);
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
  const passThreadControl = (body: Record<string, unknown>, reply: FakeReply) => {
    const queued = scripted.shift();
    if (queued) return reply.json(queued.status, queued.body, queued.headers);
    const recipient = (body.recipient ?? {}) as { id?: unknown };
    if (typeof recipient.id !== "string" || !recipient.id) return reply.json(400, graphError("(#100) The parameter recipient is required", 100));
    const target = typeof body.target_app_id === "number" ? String(body.target_app_id) : body.target_app_id;
    if (typeof target !== "string" || !/^\d+$/.test(target)) return reply.json(400, graphError("(#100) The parameter target_app_id is required", 100));
    if (body.metadata !== undefined && (typeof body.metadata !== "string" || body.metadata.length > 1000)) return reply.json(400, graphError("(#100) Param metadata must be a string of at most 1000 characters", 100));
    return reply.json(200, { success: true });
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
      if (edge === "pass_thread_control") return passThreadControl(body, reply);
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
    },
    onError: (error, reply) => reply.json(400, graphError(`(#100) ${error instanceof Error ? error.message : "Invalid parameter"}`, 100)),
  });

  return { ...server, calls, profiles, world, enqueue, reset };
}

/**
 * A loopback VK API server for tests and the local sandbox. It answers the methods the app calls with the
 * documented shapes (dev.vk.com/ru/api/api-requests, VKCOM/vk-api-schema 5.199): `{"response": …}` on success
 * and, like VK, errors with HTTP 200 and `{"error": {error_code, error_msg, request_params}}`. Tests program
 * failures with `enqueue` (in-process) or POST /__fake/enqueue (from another process, e.g. a Playwright worker).
 *
 * It is also the upload server: photos.getMessagesUploadServer / docs.getMessagesUploadServer hand out an
 * upload_url on this fake (/upload/photo, /upload/doc), which records the multipart file (sha256) and answers
 * like VK's upload servers — `{server, photo, hash}` for photos, `{file}` for documents — with tokens that
 * photos.saveMessagesPhoto / docs.save then check. Names for users.get and messages.getConversationsById
 * come from the `users` and `chats` maps tests fill; groups.getCallbackServers lists `callbackServers`.
 *
 * Callback servers are managed as VK does (protocols/telegram-vk.md §2.6): addCallbackServer / editCallbackServer
 * put the server in `wait` and post VK's `confirmation` request to its url; the server turns `ok` only if the
 * answer is the community's confirmation code (groups.getCallbackConfirmationCode), `failed` otherwise. A
 * community's conversations (messages.getConversations, messages.getHistory) come from `history`.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { readParams, readRawBody, readRequestBody, ScriptQueue, startFakeServer, type FakeReply, type RecordedFile } from "./fake-server";

/**
 * One API call; `params` never holds the access token (it is kept apart in `token`). Uploads are recorded as
 * calls of the pseudo-methods "upload:photo" / "upload:doc" (no token: the upload URL is signed by VK), with
 * the upload URL's query in `params` and the multipart files, by field name, in `files`.
 */
export type VkRecordedCall = { token: string | undefined; method: string; params: Record<string, string>; files?: Record<string, RecordedFile>; at: number };
type Scripted = { status: number; body: unknown };

/** A user as users.get returns it (users_user_full: first_name and last_name always; screen_name on request). */
export type VkFakeUser = { first_name: string; last_name: string; screen_name?: string; deactivated?: "deleted" | "banned" };

/**
 * groups_callback_server (VKCOM/vk-api-schema groups/objects.json). The status enum is documented, its meanings
 * are not: "failed" read as "VK stopped sending after errors" is an inference (protocols/telegram-vk.md §2.2).
 */
export type VkFakeCallbackServer = {
  id: number;
  title: string;
  creator_id: number;
  url: string;
  secret_key: string;
  status: "unconfigured" | "failed" | "wait" | "ok";
  /** The community the server belongs to; absent: any community (never sent to the app). */
  group_id?: number;
};

/** A message of a community's conversation (messages_message, the fields the app reads). `out` 1: the community wrote it. */
export type VkFakeMessage = { id: number; date: number; peer_id: number; from_id: number; text: string; out: 0 | 1; conversation_message_id: number; attachments?: unknown[] };

/** How the fake reaches a callback server's url (VK's confirmation request): fetch unless a test routes it in-process. */
export type VkFakeCallbackPost = (url: string, body: string) => Promise<{ status: number; text: string }>;

export type VkFakeCommunity = { id: number; name: string; screenName: string };

/** Community key rights and their bits (dev.vk.com "Права доступа для токена сообщества"). */
const RIGHT_BITS = { stories: 1, photos: 4, app_widget: 64, messages: 4096, docs: 131072, manage: 262144 } as const;
export type VkFakeRight = keyof typeof RIGHT_BITS;

export type VkFake = {
  url: string;
  port: number;
  calls: VkRecordedCall[];
  /** users.get answers from here, by user id; ids not here are left out (none found: error 113). */
  users: Map<string, VkFakeUser>;
  /** messages.getConversationsById answers chats from here, by peer_id (2000000000 + chat_id); others are left out. */
  chats: Map<string, { title: string }>;
  /** The community's Callback API servers, as groups.getCallbackServers lists them (none until a test adds some). */
  callbackServers: VkFakeCallbackServer[];
  /**
   * The community a key belongs to, by access token (groups.getById, groups.getCallbackServers); keys not here
   * belong to the fake's own community (`groupId`).
   */
  communities: Map<string, VkFakeCommunity>;
  /** groups.getTokenPermissions by access token; keys not here have every right (messages, photos, docs, manage). */
  tokenRights: Map<string, VkFakeRight[]>;
  /** groups.getCallbackConfirmationCode by community id; communities not here get a code derived from their id. */
  confirmationCodes: Map<number, string>;
  /** Each community's messages, by community id: messages.getConversations and messages.getHistory read them. */
  history: Map<number, VkFakeMessage[]>;
  /** groups.setCallbackSettings as last called, by server id (the parameters without group_id and server_id). */
  callbackSettings: Map<number, Record<string, string>>;
  /** How VK's confirmation request reaches a server's url; tests may route it to the webhook handler in-process. */
  postCallback: VkFakeCallbackPost;
  /** Keys deleted in the community's settings: every method answers error 5 for them. */
  revokedTokens: Set<string>;
  /**
   * A community and its key, as an admin creates them in VK ("Manage → API usage → Create key"): a new community
   * (a new id and name) unless `id` is given, with every right. POST /__fake/community `{id?, name?, screenName?, token?}`.
   */
  addCommunity(community?: Partial<VkFakeCommunity> & { token?: string }): VkFakeCommunity & { token: string; confirmationCode: string };
  /** Every community with a key, its confirmation string and its callback servers. GET /__fake/communities. */
  listCommunities(): (VkFakeCommunity & { token: string | null; revoked: boolean; confirmationCode: string; servers: Omit<VkFakeCallbackServer, "group_id">[] })[];
  /**
   * "Confirm" in the community's Callback API tab: the server with this url is added (or edited) and VK sends its
   * confirmation request; resolves with the server's status once answered. POST /__fake/confirm `{groupId, url, secret?}`.
   */
  confirmServer(groupId: number, url: string, secret?: string): Promise<VkFakeCallbackServer["status"]>;
  /** VK stops sending to the server with this url (status "failed", as after repeated errors). POST /__fake/server-off `{groupId, url}`. */
  serverOff(groupId: number, url: string): boolean;
  /** The admin deletes the community's key and creates a new one (returned). POST /__fake/revoke `{token}`. */
  revoke(token: string): string;
  /**
   * A VK user writes to the community: the message joins its history (conversation_message_id in order) and VK
   * posts `message_new` to every working ("ok") callback server. POST /__fake/write `{groupId, from: {id, first_name, last_name?}, text}`.
   */
  write(message: { groupId: number; from: { id: number; first_name: string; last_name?: string }; text: string }): Promise<"delivered" | "not_sent">;
  /** Resolves when every confirmation request sent so far was answered. */
  confirmationsSettled(): Promise<void>;
  /**
   * The next call of `method` answers with `body` (HTTP `status`, 200 like VK unless a transport failure is
   * wanted). The upload server's answers are scripted the same way under "upload:photo" / "upload:doc".
   */
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

/** What an upload produced, kept until it is saved: the file, and for photos the server/hash pair VK checks. */
type Upload = { kind: "photo" | "doc"; file: RecordedFile; server: number; hash: string };

const isPeer = (v: string | undefined): v is string => !!v && /^-?\d+$/.test(v);
/** A stable confirmation code per community, like the 8 hex characters VK hands out. */
const defaultConfirmationCode = (groupId: number) => createHash("sha256").update(`confirm:${groupId}`).digest("hex").slice(0, 8);
const fetchPost: VkFakeCallbackPost = async (url, body) => {
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, text: await res.text() };
  } catch {
    return { status: 0, text: "" };
  }
};
const CALLBACK_SERVER_LIMIT = 10;
/** Names for communities created in the sandbox, in turn. */
const COMMUNITY_NAMES = ["Acme Garden", "Acme Kitchen", "Acme Kids", "Acme Outlet", "Acme Sport", "Acme Books"];
const CALLBACK_EVENTS = ["message_new", "message_reply", "message_edit", "message_allow", "message_deny", "group_leave", "message_event"];
const extOf = (name: string) => (/\.([A-Za-z0-9]{1,10})$/.exec(name)?.[1] ?? "").toLowerCase();

export async function startVkFake(opts: { port?: number; groupId?: number; screenName?: string } = {}): Promise<VkFake> {
  const calls: VkRecordedCall[] = [];
  const scripted = new ScriptQueue<Scripted>();
  // VK refuses to deliver a random_id twice from one sender and answers with the first message's id.
  const delivered = new Map<string, number>();
  const users = new Map<string, VkFakeUser>();
  const chats = new Map<string, { title: string }>();
  const callbackServers: VkFakeCallbackServer[] = [];
  const communities = new Map<string, VkFakeCommunity>();
  const tokenRights = new Map<string, VkFakeRight[]>();
  // Upload tokens (the `photo` / `file` strings the upload server answers) → what was uploaded.
  const uploads = new Map<string, Upload>();
  const confirmationCodes = new Map<number, string>();
  const history = new Map<number, VkFakeMessage[]>();
  const callbackSettings = new Map<number, Record<string, string>>();
  const confirmations = new Set<Promise<void>>();
  let nextServerId = 1;
  let nextMessageId = 2052;
  let nextMediaId = 457239100;
  const groupId = opts.groupId ?? 229876543;
  // The upload URLs point at this very server; known once it listens.
  let baseUrl = "";

  const uploadUrl = (kind: "photo" | "doc", peerId: string) => `${baseUrl}/upload/${kind}?peer_id=${peerId}&upload_id=${randomBytes(8).toString("hex")}`;

  /** The community a key belongs to (groups.getById): a registered one, else the fake's own. */
  const communityOf = (token: string) => communities.get(token)?.id ?? groupId;
  /** A community key reaches only its own community's settings (the exact code VK uses here is a guess). */
  const denied = (token: string, method: string, params: Record<string, string>) => {
    if (!params.group_id) return vkError(100, "One of the parameters specified was missing or invalid: group_id is undefined", method, params);
    if (params.group_id !== String(communityOf(token))) return vkError(15, "Access denied: no access to this group", method, params);
    return undefined;
  };
  const serversOf = (community: number) => callbackServers.filter((server) => server.group_id === undefined || server.group_id === community);
  const codeOf = (community: number) => confirmationCodes.get(community) ?? defaultConfirmationCode(community);
  const publicServer = (server: VkFakeCallbackServer) => {
    const copy: Partial<VkFakeCallbackServer> = { ...server };
    delete copy.group_id;
    return copy;
  };

  /** VK's confirmation request after a server is added or edited: `ok` only if the answer is the community's code. */
  const confirm = (server: VkFakeCallbackServer, community: number) => {
    server.status = "wait";
    const body = JSON.stringify({ type: "confirmation", group_id: community, ...(server.secret_key ? { secret: server.secret_key } : {}) });
    const done = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const answer = await fake.postCallback(server.url, body).catch(() => ({ status: 0, text: "" }));
      // Edited again meanwhile: the newer request decides.
      if (server.status !== "wait") return;
      server.status = answer.status === 200 && answer.text === codeOf(community) ? "ok" : "failed";
    })();
    confirmations.add(done);
    void done.finally(() => confirmations.delete(done));
  };

  /** messages_message as getHistory / getConversations return it. */
  const messageOut = (m: VkFakeMessage) => ({
    id: m.id,
    date: m.date,
    peer_id: m.peer_id,
    from_id: m.from_id,
    text: m.text,
    out: m.out,
    conversation_message_id: m.conversation_message_id,
    attachments: m.attachments ?? [],
    fwd_messages: [],
    important: false,
    is_hidden: false,
    version: m.id,
  });
  const peerOf = (peer: number) =>
    peer >= 2_000_000_000 ? { id: peer, type: "chat", local_id: peer - 2_000_000_000 } : peer < 0 ? { id: peer, type: "group", local_id: -peer } : { id: peer, type: "user", local_id: peer };
  const paging = (params: Record<string, string>, fallback: number) => ({
    offset: Math.max(0, Number(params.offset ?? 0) || 0),
    count: Math.min(200, Math.max(0, Number(params.count ?? fallback) || fallback)),
  });

  const success = (token: string, method: string, params: Record<string, string>): unknown => {
    switch (method) {
      case "groups.getCallbackConfirmationCode": {
        const refused = denied(token, method, params);
        if (refused) return refused;
        return { response: { code: codeOf(communityOf(token)) } };
      }
      case "groups.addCallbackServer": {
        const refused = denied(token, method, params);
        if (refused) return refused;
        if (!params.url) return vkError(100, "One of the parameters specified was missing or invalid: url is undefined", method, params);
        if (!params.title) return vkError(100, "One of the parameters specified was missing or invalid: title is undefined", method, params);
        const community = communityOf(token);
        if (serversOf(community).length >= CALLBACK_SERVER_LIMIT) return vkError(2000, "Servers number limit is reached", method, params);
        const server: VkFakeCallbackServer = { id: nextServerId++, title: params.title.slice(0, 14), creator_id: 1, url: params.url, secret_key: params.secret_key ?? "", status: "unconfigured", group_id: community };
        callbackServers.push(server);
        confirm(server, community);
        return { response: { server_id: server.id } };
      }
      case "groups.editCallbackServer": {
        const refused = denied(token, method, params);
        if (refused) return refused;
        const community = communityOf(token);
        const server = serversOf(community).find((s) => String(s.id) === params.server_id);
        if (!server) return vkError(100, "One of the parameters specified was missing or invalid: server_id is invalid", method, params);
        if (!params.url || !params.title) return vkError(100, "One of the parameters specified was missing or invalid: url and title are required", method, params);
        Object.assign(server, { url: params.url, title: params.title.slice(0, 14), secret_key: params.secret_key ?? "" });
        confirm(server, community);
        return { response: 1 };
      }
      case "groups.setCallbackSettings": {
        const refused = denied(token, method, params);
        if (refused) return refused;
        const server = serversOf(communityOf(token)).find((s) => String(s.id) === params.server_id);
        if (!server) return vkError(100, "One of the parameters specified was missing or invalid: server_id is invalid", method, params);
        const settings = Object.fromEntries(Object.entries(params).filter(([key]) => !["group_id", "server_id", "v"].includes(key)));
        for (const [key, value] of Object.entries(settings)) {
          if (CALLBACK_EVENTS.includes(key) && value !== "0" && value !== "1") return vkError(100, `One of the parameters specified was missing or invalid: ${key} must be 0 or 1`, method, params);
        }
        callbackSettings.set(server.id, settings);
        return { response: 1 };
      }
      case "messages.getConversations": {
        // messages_getConversations_response: {count, items: [{conversation, last_message}], profiles?, groups?}, newest first.
        const refused = params.group_id ? denied(token, method, params) : undefined;
        if (refused) return refused;
        if (params.filter && !["all", "archive", "important", "sorted_chats", "unanswered", "unread"].includes(params.filter)) {
          return vkError(100, "One of the parameters specified was missing or invalid: filter is invalid", method, params);
        }
        const last = new Map<number, VkFakeMessage>();
        for (const m of history.get(communityOf(token)) ?? []) {
          const seen = last.get(m.peer_id);
          if (!seen || m.conversation_message_id > seen.conversation_message_id) last.set(m.peer_id, m);
        }
        const all = [...last.values()].sort((a, b) => b.date - a.date || b.id - a.id);
        const { offset, count } = paging(params, 20);
        const items = all.slice(offset, offset + count).map((m) => ({
          conversation: {
            peer: peerOf(m.peer_id),
            last_message_id: m.id,
            last_conversation_message_id: m.conversation_message_id,
            in_read: m.conversation_message_id,
            out_read: m.conversation_message_id,
            can_write: { allowed: true },
          },
          last_message: messageOut(m),
        }));
        return { response: { count: all.length, items, ...(params.extended === "1" ? { profiles: [], groups: [] } : {}) } };
      }
      case "messages.getHistory": {
        // messages_getHistory_response: {count, items}; newest first unless rev=1.
        const refused = params.group_id ? denied(token, method, params) : undefined;
        if (refused) return refused;
        if (!isPeer(params.peer_id)) return vkError(100, "One of the parameters specified was missing or invalid: peer_id is undefined", method, params);
        const peer = Number(params.peer_id);
        const list = (history.get(communityOf(token)) ?? []).filter((m) => m.peer_id === peer).sort((a, b) => a.conversation_message_id - b.conversation_message_id);
        if (params.rev !== "1") list.reverse();
        const { offset, count } = paging(params, 20);
        return { response: { count: list.length, items: list.slice(offset, offset + count).map(messageOut) } };
      }
      case "photos.getMessagesUploadServer": {
        // photos_photo_upload: {album_id, upload_url, user_id, group_id}. Messages photos go to a system album.
        if (!isPeer(params.peer_id)) return vkError(100, "One of the parameters specified was missing or invalid: peer_id is undefined", method, params);
        return { response: { album_id: -64, upload_url: uploadUrl("photo", params.peer_id), user_id: 0, group_id: groupId } };
      }
      case "photos.saveMessagesPhoto": {
        if (!params.photo) return vkError(100, "One of the parameters specified was missing or invalid: photo is undefined", method, params);
        const upload = uploads.get(params.photo);
        if (!upload || upload.kind !== "photo" || String(upload.server) !== params.server || upload.hash !== params.hash) return vkError(121, "Invalid hash", method, params);
        uploads.delete(params.photo);
        const id = nextMediaId++;
        // photos_photo; sizes abbreviated to one.
        return {
          response: [
            {
              album_id: -64,
              date: Math.floor(Date.now() / 1000),
              id,
              owner_id: -groupId,
              access_key: randomBytes(9).toString("hex"),
              sizes: [{ height: 480, width: 640, type: "x", url: `${baseUrl}/media/photo${-groupId}_${id}.jpg` }],
              text: "",
              has_tags: false,
            },
          ],
        };
      }
      case "docs.getMessagesUploadServer": {
        // base_upload_server: {upload_url}. `type` defaults to doc; audio_message and graffiti are not faked.
        if (!isPeer(params.peer_id)) return vkError(100, "One of the parameters specified was missing or invalid: peer_id is undefined", method, params);
        if ((params.type ?? "doc") !== "doc") return vkError(100, `One of the parameters specified was missing or invalid: type ${params.type} is not faked`, method, params);
        return { response: { upload_url: uploadUrl("doc", params.peer_id) } };
      }
      case "docs.save": {
        const upload = params.file ? uploads.get(params.file) : undefined;
        if (!upload || upload.kind !== "doc") return vkError(105, "Couldn't save file", method, params);
        uploads.delete(params.file!);
        const id = nextMediaId++;
        const title = params.title || upload.file.name;
        // docs_save_response: {type: "doc", doc: docs_doc}.
        return {
          response: {
            type: "doc",
            doc: { id, owner_id: -groupId, title, size: upload.file.size, ext: extOf(title), date: Math.floor(Date.now() / 1000), type: 1, url: `${baseUrl}/media/doc${-groupId}_${id}` },
          },
        };
      }
      case "users.get": {
        const ids = (params.user_ids ?? "").split(",").map((id) => id.trim()).filter(Boolean);
        const fields = new Set((params.fields ?? "").split(",").map((f) => f.trim()));
        const found = ids.flatMap((id) => {
          const user = users.get(id);
          if (!user) return [];
          const { screen_name, ...rest } = user;
          return [{ id: Number(id), ...rest, can_access_closed: true, is_closed: false, ...(fields.has("screen_name") ? { screen_name: screen_name ?? `id${id}` } : {}) }];
        });
        if (found.length === 0) return vkError(113, "Invalid user id", method, params);
        return { response: found };
      }
      case "messages.getConversationsById": {
        // messages_getConversationById: {count, items: [messages_conversation]}; a chat the community cannot see is left out.
        const peers = (params.peer_ids ?? "").split(",").map((id) => id.trim()).filter(Boolean);
        const items = peers.flatMap((peer) => {
          const chat = chats.get(peer);
          if (!chat) return [];
          return [
            {
              peer: { id: Number(peer), type: "chat", local_id: Number(peer) - 2_000_000_000 },
              in_read: 0,
              out_read: 0,
              can_write: { allowed: true },
              chat_settings: { owner_id: 1, title: chat.title, state: "in", members_count: 3, active_ids: [] },
            },
          ];
        });
        return { response: { count: items.length, items } };
      }
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
      case "groups.getById": {
        const community = communities.get(token);
        return {
          response: {
            groups: [
              community
                ? { id: community.id, name: community.name, screen_name: community.screenName, is_closed: 0, type: "group" }
                : { id: groupId, name: "Acme Store (test)", screen_name: opts.screenName ?? "acme_store_test", is_closed: 0, type: "group" },
            ],
            profiles: [],
          },
        };
      }
      case "groups.getTokenPermissions": {
        // groups_getTokenPermissions_response: {mask, permissions: [{setting, name}]}.
        const rights = tokenRights.get(token) ?? (["messages", "photos", "docs", "manage"] as VkFakeRight[]);
        const permissions = rights.map((name) => ({ setting: RIGHT_BITS[name], name }));
        return { response: { mask: permissions.reduce((mask, p) => mask | p.setting, 0), permissions } };
      }
      case "groups.getCallbackServers": {
        // groups_getCallbackServers_response: {count, items}; `server_ids` (comma-separated) narrows the list.
        const refused = denied(token, method, params);
        if (refused) return refused;
        const wanted = params.server_ids ? new Set(params.server_ids.split(",").map((id) => id.trim())) : undefined;
        const items = serversOf(communityOf(token))
          .filter((server) => !wanted || wanted.has(String(server.id)))
          .map(publicServer);
        return { response: { count: items.length, items } };
      }
      default:
        return vkError(3, "Unknown method passed", method, params);
    }
  };

  const enqueue = (method: string, body: unknown, status = 200) => scripted.push(method, { status, body });
  const revokedTokens = new Set<string>();
  const newKey = () => `vk1.a.sandbox${randomBytes(24).toString("base64url")}`;
  const addCommunity = (c: Partial<VkFakeCommunity> & { token?: string } = {}) => {
    const taken = new Set([groupId, ...[...communities.values()].map((x) => x.id)]);
    let id = c.id ?? 0;
    while (!id || (c.id === undefined && taken.has(id))) id = 230_000_000 + Math.floor(Math.random() * 9_000_000);
    const used = new Set([...communities.values()].map((x) => x.name));
    const name = c.name ?? COMMUNITY_NAMES.find((n) => !used.has(n)) ?? `Acme ${String(id).slice(-4)}`;
    const community: VkFakeCommunity = { id, name, screenName: c.screenName ?? name.toLowerCase().replace(/[^a-z0-9]+/g, "_") };
    const token = c.token ?? newKey();
    communities.set(token, community);
    return { ...community, token, confirmationCode: codeOf(id) };
  };
  const listCommunities = () => {
    const byId = new Map<number, { community: VkFakeCommunity; token: string | null; revoked: boolean }>();
    for (const [token, community] of communities) {
      const seen = byId.get(community.id);
      // The working key wins over a deleted one.
      if (!seen || (seen.revoked && !revokedTokens.has(token))) byId.set(community.id, { community, token, revoked: revokedTokens.has(token) });
    }
    return [...byId.values()].map(({ community, token, revoked }) => ({
      ...community,
      token: revoked ? null : token,
      revoked,
      confirmationCode: codeOf(community.id),
      servers: serversOf(community.id).filter((x) => x.group_id !== undefined).map((x) => publicServer(x) as Omit<VkFakeCallbackServer, "group_id">),
    }));
  };
  const confirmServer = async (community: number, url: string, secret?: string) => {
    let server = serversOf(community).find((x) => x.group_id === community && x.url === url);
    if (!server) {
      server = { id: nextServerId++, title: "Switchboard", creator_id: 1, url, secret_key: secret ?? "", status: "unconfigured", group_id: community };
      callbackServers.push(server);
    } else if (secret !== undefined) server.secret_key = secret;
    confirm(server, community);
    await confirmationsSettled();
    return server.status;
  };
  const serverOff = (community: number, url: string) => {
    const server = serversOf(community).find((x) => x.group_id === community && x.url === url);
    if (!server) return false;
    server.status = "failed";
    return true;
  };
  const revoke = (token: string) => {
    revokedTokens.add(token);
    const community = communities.get(token) ?? { id: groupId, name: "Acme Store (test)", screenName: opts.screenName ?? "acme_store_test" };
    const fresh = newKey();
    communities.set(fresh, community);
    return fresh;
  };
  const write = async (m: { groupId: number; from: { id: number; first_name: string; last_name?: string }; text: string }): Promise<"delivered" | "not_sent"> => {
    users.set(String(m.from.id), { first_name: m.from.first_name, last_name: m.from.last_name ?? "" });
    const list = history.get(m.groupId) ?? [];
    history.set(m.groupId, list);
    const cmid = Math.max(0, ...list.filter((x) => x.peer_id === m.from.id).map((x) => x.conversation_message_id)) + 1;
    const message: VkFakeMessage = { id: nextMessageId++, date: Math.floor(Date.now() / 1000), peer_id: m.from.id, from_id: m.from.id, text: m.text, out: 0, conversation_message_id: cmid };
    list.push(message);
    const live = serversOf(m.groupId).filter((x) => x.group_id === m.groupId && x.status === "ok");
    let delivered = false;
    for (const server of live) {
      const body = JSON.stringify({
        group_id: m.groupId,
        type: "message_new",
        event_id: randomBytes(20).toString("hex"),
        v: "5.199",
        object: { message: messageOut(message), client_info: { button_actions: ["text"], keyboard: true, inline_keyboard: true, carousel: true, lang_id: 0 } },
        ...(server.secret_key ? { secret: server.secret_key } : {}),
      });
      const answer = await fake.postCallback(server.url, body).catch(() => ({ status: 0, text: "" }));
      if (answer.status === 200 && answer.text === "ok") delivered = true;
    }
    return delivered ? "delivered" : "not_sent";
  };
  const reset = () => {
    revokedTokens.clear();
    calls.length = 0;
    scripted.clear();
    delivered.clear();
    users.clear();
    chats.clear();
    callbackServers.length = 0;
    communities.clear();
    tokenRights.clear();
    uploads.clear();
    confirmationCodes.clear();
    history.clear();
    callbackSettings.clear();
    nextServerId = 1;
    fake.postCallback = fetchPost;
  };

  /** An upload server: records the multipart file, then answers like VK's (its own JSON, not the API envelope). */
  const handleUpload = async (kind: "photo" | "doc", req: IncomingMessage, url: URL, reply: FakeReply) => {
    const body = await readRequestBody(req, { multipart: true });
    const field = kind === "photo" ? "photo" : "file";
    const files: Record<string, RecordedFile> = {};
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === "string") params[key] = value;
      else files[key] = value as RecordedFile;
    }
    calls.push({ token: undefined, method: `upload:${kind}`, params, files, at: Date.now() });
    const queued = scripted.shift(`upload:${kind}`);
    if (queued) return reply.json(queued.status, queued.body);
    const file = files[field];
    const server = 800000 + Math.floor(Math.random() * 1000);
    const hash = randomBytes(16).toString("hex");
    if (kind === "photo") {
      // No image under `photo`: VK's upload server answers an empty photo list rather than an error.
      if (!file) return reply.json(200, { server, photo: "[]", hash });
      const photo = JSON.stringify([{ markers_restarted: true, photo: `${randomBytes(5).toString("hex")}:x`, sizes: [], kid: randomBytes(16).toString("hex") }]);
      uploads.set(photo, { kind, file, server, hash });
      return reply.json(200, { server, photo, hash });
    }
    if (!file) return reply.json(200, { error: "no_file", error_descr: "no file was uploaded under the field file" });
    const token = `${url.searchParams.get("peer_id") ?? "0"}|0|0|${randomBytes(12).toString("hex")}`;
    uploads.set(token, { kind, file, server, hash });
    return reply.json(200, { file: token });
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
      const upload = /^\/upload\/(photo|doc)$/.exec(url.pathname);
      if (upload) return handleUpload(upload[1] as "photo" | "doc", req, url, reply);
      if (req.method === "GET" && url.pathname === "/__fake/communities") return reply.json(200, { ok: true, communities: listCommunities() });
      if (req.method === "POST" && url.pathname.startsWith("/__fake/")) {
        const body = JSON.parse((await readRawBody(req)) || "{}") as Record<string, unknown>;
        const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
        const str = (v: unknown) => (typeof v === "string" ? v : undefined);
        switch (url.pathname) {
          case "/__fake/community":
            return reply.json(200, { ok: true, community: addCommunity({ id: num(body.id), name: str(body.name), screenName: str(body.screenName), token: str(body.token) }) });
          case "/__fake/confirm": {
            const group = num(body.groupId);
            if (group === undefined || !str(body.url)) throw new Error("confirm needs groupId and url");
            return reply.json(200, { ok: true, status: await confirmServer(group, str(body.url)!, str(body.secret)) });
          }
          case "/__fake/server-off": {
            const group = num(body.groupId);
            if (group === undefined || !str(body.url)) throw new Error("server-off needs groupId and url");
            return reply.json(200, { ok: serverOff(group, str(body.url)!) });
          }
          case "/__fake/revoke":
            if (!str(body.token)) throw new Error("revoke needs the token");
            return reply.json(200, { ok: true, newToken: revoke(str(body.token)!) });
          case "/__fake/write": {
            const group = num(body.groupId);
            const from = body.from as { id?: unknown; first_name?: unknown; last_name?: unknown } | undefined;
            if (group === undefined || typeof from?.id !== "number" || typeof from.first_name !== "string" || !str(body.text)) throw new Error("write needs groupId, from {id, first_name} and text");
            const outcome = await write({ groupId: group, from: { id: from.id, first_name: from.first_name, ...(typeof from.last_name === "string" ? { last_name: from.last_name } : {}) }, text: str(body.text)! });
            return reply.json(200, { ok: true, outcome });
          }
        }
      }
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
      if (revokedTokens.has(token)) return reply.json(200, vkError(5, "User authorization failed: invalid access_token (4).", method, params));
      return reply.json(200, success(token, method, params));
    },
    // Like VK: a bad request is still HTTP 200, with an error body.
    onError: (error, reply) =>
      reply.json(200, vkError(100, `One of the parameters specified was missing or invalid: ${error instanceof Error ? error.message : "invalid"}`, "unknown", {})),
  });

  baseUrl = server.url;
  const confirmationsSettled = async () => {
    while (confirmations.size > 0) await Promise.all([...confirmations]);
  };
  const fake: VkFake = {
    ...server,
    calls,
    users,
    chats,
    callbackServers,
    communities,
    tokenRights,
    confirmationCodes,
    history,
    callbackSettings,
    postCallback: fetchPost,
    revokedTokens,
    addCommunity,
    listCommunities,
    confirmServer,
    serverOff,
    revoke,
    write,
    confirmationsSettled,
    enqueue,
    reset,
  };
  return fake;
}

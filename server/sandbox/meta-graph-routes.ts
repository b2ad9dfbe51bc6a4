/**
 * The Graph API endpoints of the loopback Meta fake that Facebook Login and the re-authorization wizard use,
 * answering from a MetaWorld with Meta's documented shapes (protocols/meta.md §3.3, §4.2–4.3) and error bodies
 * with code and subcode: the code exchange and long-lived token, /me, /me/accounts, /me/businesses →
 * owned_pages, /me/permissions, /debug_token with granular_scopes, a Page's fields (access_token,
 * instagram_business_account), POST/GET /{page-id}/subscribed_apps, /{page-id}/thread_owner,
 * /me?fields=messaging_feature_status, and the Conversations API: GET /{page-id}/conversations?platform=…
 * (newest first, with a nested `messages.limit(n){…}` field) and GET /{conversation-id}/messages, paged with
 * `limit` / `after` and `paging.cursors`.
 */
import type { IncomingMessage } from "node:http";
import { readRequestBody, type FakeReply } from "./fake-server";
import type { FakeConversation, FakeConversationMessage, MetaWorld } from "./meta-world";

export type GraphCallRecord = { method: string; version: string; node: string; edge: string; token: string | null; fields?: string[]; body: Record<string, unknown> };

export const graphError = (message: string, code: number, subcode?: number) => ({
  error: { message, type: "OAuthException", code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: "AFAKEtracefake" },
});

const INVALID_TOKEN = (subcode?: number) =>
  graphError(
    subcode === 460
      ? "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."
      : "Invalid OAuth access token - Cannot parse access token",
    190,
    subcode,
  );

/** Answers and says the request was handled. */
function send(reply: FakeReply, status: number, body: unknown): true {
  reply.json(status, body);
  return true;
}

/** Fields a request names, including the inner ones of `a{b,c}` expansions. */
function fieldList(raw: string | null): string[] {
  return (raw ?? "").replace(/\{[^}]*\}/g, "").split(",").map((f) => f.trim()).filter(Boolean);
}

/**
 * Handles the request when it is one of these endpoints; returns false for anything else (the Send API and
 * the User Profile API stay with the caller).
 */
export async function handleWorldRequest(world: MetaWorld, req: IncomingMessage, url: URL, reply: FakeReply, record: (call: GraphCallRecord) => void): Promise<boolean> {
  const m = /^\/(v\d+\.\d+)\/([^/]+)(?:\/([a-z_]+))?$/.exec(url.pathname);
  if (!m) return false;
  const [, version, rawNode, edgeRaw] = m as unknown as [string, string, string, string | undefined];
  const node = decodeURIComponent(rawNode);
  const edge = edgeRaw ?? "";
  const bearer = /^(?:Bearer|OAuth) (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;

  const isOAuth = node === "oauth" && edge === "access_token";
  const isDebug = node === "debug_token" && edge === "";
  const isMe = node === "me";
  const isPage = world.pages.has(node);
  const isBusiness = world.businesses.has(node) && edge === "owned_pages";
  const pageEdge = isPage && ["subscribed_apps", "thread_owner", "conversations", ""].includes(edge);
  const conversation = edge === "messages" && req.method === "GET" ? world.conversations.get(node) : undefined;
  if (!isOAuth && !isDebug && !isMe && !isBusiness && !pageEdge && !conversation) return false;
  // The Send API on /me/messages stays with the caller.
  if (isMe && edge === "messages") return false;

  const body = req.method === "POST" ? await readRequestBody(req) : {};
  const param = (name: string) => url.searchParams.get(name) ?? (typeof body[name] === "string" ? (body[name] as string) : null);
  const token = bearer ?? param("access_token");
  const fields = fieldList(url.searchParams.get("fields"));
  record({ method: req.method ?? "GET", version, node, edge, token, ...(fields.length ? { fields } : {}), body: isOAuth ? {} : body });

  if (isOAuth) return oauthExchange(world, param, reply);
  if (isDebug) return debugToken(world, token, param("input_token"), reply);

  const revokedSubcode = token ? world.revoked.get(token) : undefined;
  if (!token) return send(reply, 400, graphError("An active access token must be used to query information about the current user.", 2500));
  if (revokedSubcode !== undefined) return send(reply, 400, INVALID_TOKEN(revokedSubcode));
  const user = world.user(token);
  const page = world.page(token);
  if (!user && !page) return send(reply, 400, INVALID_TOKEN());

  if (conversation) {
    if (page?.pageId !== conversation.pageId) return send(reply, 400, graphError("(#210) A page access token is required to request this resource.", 210));
    return send(reply, 200, messagesPage(world, conversation, url.searchParams.get("fields"), url.searchParams.get("limit"), url.searchParams.get("after"), url));
  }

  if (isMe && page && !user) {
    // A Page token's /me is the Page.
    const p = world.pages.get(page.pageId);
    if (edge !== "") return send(reply, 400, graphError(`(#100) Tried accessing nonexisting field (${edge}) on node type (Page)`, 100));
    return send(reply, 200, {
      id: page.pageId,
      ...(fields.includes("name") ? { name: p?.name } : {}),
      ...(fields.includes("messaging_feature_status") ? { messaging_feature_status: { hop_v2: true, msgr_multi_app: true, ig_multi_app: true } } : {}),
    });
  }

  if (isMe && user) {
    const profile = world.profiles.get(user.profileId)!;
    const grant = world.grants.get(user.profileId);
    if (edge === "") return send(reply, 200, { id: profile.id, ...(fields.length === 0 || fields.includes("name") ? { name: profile.name } : {}) });
    if (edge === "permissions") {
      const data = [{ permission: "public_profile", status: "granted" }, ...[...(grant?.permissions ?? new Map<string, string>())].map(([permission, status]) => ({ permission, status }))];
      return send(reply, 200, { data });
    }
    if (edge === "accounts") {
      if (!world.granted(profile.id, "pages_show_list")) return send(reply, 403, graphError("(#200) Requires pages_show_list permission to manage the object", 200));
      const data = [...profile.pages.entries()]
        .filter(([id]) => grant?.pageIds.has(id) && world.pages.has(id))
        .map(([id, tasks]) => {
          const p = world.pages.get(id)!;
          return { access_token: world.pageTokenFor(profile.id, id), category: p.category, name: p.name, id, tasks };
        });
      return send(reply, 200, { data, paging: { cursors: { before: "QVFIUfake", after: "QVFIUfake" } } });
    }
    if (edge === "businesses") {
      if (!world.granted(profile.id, "business_management")) return send(reply, 403, graphError("(#200) Requires business_management permission to manage the object", 200));
      return send(reply, 200, { data: profile.businesses.flatMap((id) => (world.businesses.get(id) ? [{ id, name: world.businesses.get(id)!.name }] : [])) });
    }
    return send(reply, 400, graphError(`(#100) Tried accessing nonexisting field (${edge}) on node type (User)`, 100));
  }

  if (isBusiness) {
    if (!user || !world.granted(user.profileId, "business_management")) return send(reply, 403, graphError("(#200) Requires business_management permission to manage the object", 200));
    const grant = world.grants.get(user.profileId);
    const data = world.businesses
      .get(node)!
      .pageIds.filter((id) => grant?.pageIds.has(id) && world.pages.has(id))
      .map((id) => ({ id, name: world.pages.get(id)!.name, access_token: world.pageTokenFor(user.profileId, id) }));
    return send(reply, 200, { data });
  }

  // A Page node and its edges.
  const target = world.pages.get(node)!;
  const allowedByUser = user ? world.grants.get(user.profileId)?.pageIds.has(node) && world.reachable(user.profileId).pages.some((p) => p.id === node) : false;
  const allowedByPage = page?.pageId === node;
  if (!allowedByUser && !allowedByPage) {
    return send(reply, 400, graphError(`Unsupported get request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 100, 33));
  }
  const profileId = user?.profileId ?? page?.profileId ?? null;
  const perm = (name: string) => (profileId ? world.granted(profileId, name) : true);

  if (edge === "") {
    const out: Record<string, unknown> = { id: node };
    if (fields.includes("name")) out.name = target.name;
    if (fields.includes("access_token") && user) out.access_token = world.pageTokenFor(user.profileId, node);
    const igShared = target.instagram && (!profileId || world.grants.get(profileId)?.instagramIds.has(target.instagram.id));
    // Without instagram_basic neither field is returned (§4.3).
    if (fields.includes("instagram_business_account") && igShared && perm("instagram_basic")) out.instagram_business_account = target.instagram;
    return send(reply, 200, out);
  }
  if (edge === "subscribed_apps" && req.method === "POST") {
    if (!page) return send(reply, 400, graphError("(#210) A page access token is required to request this resource.", 210));
    if (!perm("pages_manage_metadata")) return send(reply, 403, graphError("(#200) Requires pages_manage_metadata permission to manage the object", 200));
    const raw = param("subscribed_fields") ?? "";
    const wanted = raw.split(",").map((f) => f.trim()).filter(Boolean);
    if (wanted.length === 0) return send(reply, 400, graphError("(#100) The parameter subscribed_fields is required.", 100));
    world.subscribe(node, world.appId, "Switchboard", wanted);
    return send(reply, 200, { success: true });
  }
  if (edge === "subscribed_apps") {
    const apps = [...(world.subscriptions.get(node) ?? new Map<string, { name: string; fields: string[] }>())].map(([id, a]) => ({ category: "Business", link: `https://switchboard.test/app/${id}`, name: a.name, id, subscribed_fields: a.fields }));
    return send(reply, 200, { data: apps });
  }
  if (edge === "conversations") {
    if (!page) return send(reply, 400, graphError("(#210) A page access token is required to request this resource.", 210));
    const platform = url.searchParams.get("platform") === "instagram" ? "instagram" : "messenger";
    if (!perm("pages_messaging") || (platform === "instagram" && !perm("instagram_manage_messages"))) {
      return send(reply, 403, graphError(`(#200) Requires ${platform === "instagram" ? "instagram_manage_messages" : "pages_messaging"} permission to manage the object`, 200));
    }
    if (world.conversationsError) {
      const e = world.conversationsError;
      return send(reply, e.status, graphError(e.message, e.code, e.subcode));
    }
    const threads = [...world.conversations.values()].filter((c) => c.pageId === node && c.platform === platform).sort((a, b) => updatedAt(b) - updatedAt(a));
    const wanted = url.searchParams.get("fields") ?? "id,updated_time";
    const nested = /(?:^|,)messages(?:\.limit\((\d+)\))?(?:\{([^}]*)\})?(?=,|$)/.exec(wanted);
    const listed = listPage(threads, url.searchParams.get("limit"), url.searchParams.get("after"), url);
    return send(reply, 200, {
      data: listed.items.map((c) => ({
        id: c.id,
        ...(fields.includes("updated_time") ? { updated_time: graphTime(updatedAt(c)) } : {}),
        ...(fields.includes("message_count") ? { message_count: c.messages.length } : {}),
        ...(nested ? { messages: messagesPage(world, c, nested[2] ?? null, nested[1] ?? null, null, new URL(`/${version}/${c.id}/messages`, url)) } : {}),
      })),
      paging: listed.paging,
    });
  }
  if (edge === "thread_owner") {
    const psid = url.searchParams.get("recipient");
    if (!psid) return send(reply, 400, graphError("(#100) The parameter recipient is required", 100));
    const owner = world.threadOwners.get(`${node}:${psid}`);
    return send(reply, 200, { data: owner ? [{ thread_owner: { app_id: owner } }] : [] });
  }
  return false;
}

/** Graph's time format: second precision, `+0000`. */
const graphTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "+0000");
const updatedAt = (c: FakeConversation) => Math.max(0, ...c.messages.map((m) => m.createdAt));
const cursor = (offset: number) => Buffer.from(`offset:${offset}`).toString("base64url");
const offsetOf = (after: string | null) => {
  const m = /^offset:(\d+)$/.exec(after ? Buffer.from(after, "base64url").toString("utf8") : "");
  return m ? Number(m[1]) : 0;
};

/** One page of a list: `limit` items (25 by default, 100 at most) after the cursor, and Graph's paging block. */
function listPage<T>(all: T[], limitParam: string | null, after: string | null, url: URL) {
  const limit = Math.min(100, Math.max(1, Number(limitParam) || 25));
  const start = offsetOf(after);
  const items = all.slice(start, start + limit);
  const end = start + items.length;
  const next = new URL(url);
  next.searchParams.set("limit", String(limit));
  next.searchParams.set("after", cursor(end));
  return {
    items,
    paging: { cursors: { before: cursor(start), after: cursor(end) }, ...(end < all.length ? { next: next.toString() } : {}) },
  };
}

/** A conversation's messages, newest first, with the requested fields (id and created_time when none are named). */
function messagesPage(world: MetaWorld, c: FakeConversation, rawFields: string | null, limit: string | null, after: string | null, url: URL) {
  const wanted = new Set(fieldList(rawFields ?? "id,created_time"));
  const sorted = [...c.messages].sort((a, b) => b.createdAt - a.createdAt);
  const page = world.pages.get(c.pageId);
  const party = (id: string) => {
    const isAccount = id === c.accountId;
    if (c.platform === "instagram") return { username: isAccount ? (page?.instagram?.username ?? id) : c.customer.name, id };
    return { name: isAccount ? (page?.name ?? id) : c.customer.name, email: `${id}@facebook.com`, id };
  };
  const render = (m: FakeConversationMessage) => ({
    id: m.id,
    ...(wanted.has("created_time") ? { created_time: graphTime(m.createdAt) } : {}),
    ...(wanted.has("from") ? { from: party(m.fromId) } : {}),
    ...(wanted.has("to") ? { to: { data: [party(m.toId)] } } : {}),
    ...(wanted.has("message") ? { message: m.text } : {}),
    ...(wanted.has("attachments") && m.attachments?.length
      ? {
          attachments: {
            data: m.attachments.map((a, i) => ({
              id: `${m.id}-att${i}`,
              ...(a.mimeType ? { mime_type: a.mimeType } : {}),
              ...(a.name ? { name: a.name } : {}),
              ...(a.kind === "image" ? { image_data: { url: a.url, preview_url: a.url, width: 640, height: 480 } } : a.kind === "video" ? { video_data: { url: a.url, preview_url: a.url } } : { file_url: a.url }),
            })),
          },
        }
      : {}),
  });
  const listed = listPage(sorted, limit, after, url);
  return { data: listed.items.map(render), paging: listed.paging };
}

function oauthExchange(world: MetaWorld, param: (name: string) => string | null, reply: FakeReply): true {
  if (param("client_id") !== world.appId) return send(reply, 400, graphError("Error validating application. Invalid application ID.", 101));
  if (world.appSecret && param("client_secret") !== world.appSecret) return send(reply, 400, graphError("Error validating client secret.", 1, 463));
  if (param("grant_type") === "fb_exchange_token") {
    const short = world.user(param("fb_exchange_token"));
    if (!short) return send(reply, 400, INVALID_TOKEN());
    return send(reply, 200, { access_token: world.issueUserToken(short.profileId, true), token_type: "bearer", expires_in: 5183944 });
  }
  const code = param("code");
  const issued = code ? world.codes.get(code) : undefined;
  if (!issued) return send(reply, 400, graphError("Invalid verification code format.", 100, 36007));
  if (issued.used) return send(reply, 400, graphError("This authorization code has been used.", 100, 36009));
  if (param("redirect_uri") !== issued.redirectUri) {
    return send(reply, 400, graphError("Can't load URL: redirect_uri is not identical to the one you used in the OAuth dialog request", 100, 36008));
  }
  issued.used = true;
  return send(reply, 200, { access_token: world.issueUserToken(issued.profileId, false), token_type: "bearer", expires_in: 5400 });
}

function debugToken(world: MetaWorld, appToken: string | null, input: string | null, reply: FakeReply): true {
  const [appId, secret] = (appToken ?? "").split("|");
  if (appId !== world.appId || (world.appSecret && secret !== world.appSecret)) return send(reply, 400, graphError("Invalid OAuth access token signature.", 190));
  if (!input) return send(reply, 400, graphError("(#100) The parameter input_token is required", 100));
  const known = world.userTokens.get(input);
  const revoked = world.revoked.get(input);
  const pageToken = world.pageTokens.get(input);
  if (!known && pageToken) {
    // A Page token: long-lived ones never expire themselves (expires_at 0); data access still ends.
    const expiry = world.tokenExpiry.get(input);
    return send(reply, 200, {
      data: {
        app_id: world.appId,
        type: "PAGE",
        application: "Switchboard (sandbox)",
        expires_at: expiry ?? 0,
        data_access_expires_at: expiry ?? Math.floor(Date.now() / 1000) + 90 * 86400,
        is_valid: revoked === undefined,
        ...(revoked !== undefined ? { error: { code: 190, subcode: revoked, message: "Error validating access token." } } : {}),
        profile_id: pageToken.pageId,
        scopes: ["pages_messaging", "pages_manage_metadata", "pages_show_list", "pages_read_engagement"],
      },
    });
  }
  if (!known) return send(reply, 200, { data: { error: { code: 190, message: "Invalid OAuth access token." }, is_valid: false, scopes: [] } });
  const grant = world.grants.get(known.profileId);
  const scopes = ["public_profile", ...[...(grant?.permissions ?? new Map<string, string>())].filter(([, s]) => s === "granted").map(([p]) => p)];
  const granular = scopes
    .filter((s) => s !== "public_profile")
    .map((scope) =>
      scope.startsWith("pages_") ? { scope, target_ids: [...(grant?.pageIds ?? [])] } : scope.startsWith("instagram_") ? { scope, target_ids: [...(grant?.instagramIds ?? [])] } : { scope },
    );
  return send(reply, 200, {
    data: {
      app_id: world.appId,
      type: "USER",
      application: "Switchboard (sandbox)",
      data_access_expires_at: known.issuedAt + 90 * 86400,
      expires_at: known.issuedAt + (known.long ? 5183944 : 5400),
      is_valid: revoked === undefined,
      ...(revoked !== undefined ? { error: { code: 190, subcode: revoked, message: "Error validating access token." } } : {}),
      issued_at: known.issuedAt,
      scopes,
      granular_scopes: granular,
      user_id: known.profileId,
    },
  });
}

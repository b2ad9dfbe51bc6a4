/**
 * Embedded Pusher Channels server for local development and tests.
 *
 * Speaks enough of the Pusher Channels protocol (version 7) for the real
 * `pusher` Node SDK (HTTP REST API) and the real `pusher-js` client
 * (WebSocket) to work against it without a Pusher account:
 *
 *   - WebSocket: `/app/{key}` — connection_established, ping/pong,
 *     subscribe/unsubscribe to public, `private-` and `presence-` channels
 *     (HMAC-checked; presence: `socket_id:channel:channel_data` with
 *     `{user_id, user_info}`, the member list in subscription_succeeded,
 *     pusher_internal:member_added / member_removed as a user's first socket
 *     joins and last socket leaves), client events (`client-*` on a private or
 *     presence channel the socket is subscribed to, relayed to the channel's
 *     other sockets, with `user_id` on presence channels; 10 a second per
 *     socket, as hosted Pusher allows, then pusher:error 4301),
 *     user authentication (`pusher:signin`, HMAC of `socket_id::user::user_data`)
 *     with the user's `#server-to-user-{id}` channel. With `requireSignin`, a
 *     connection that has not signed in within `signinTimeoutMs` is closed with
 *     4009, as hosted Pusher does with "authorized connections".
 *   - HTTP: `POST /apps/{appId}/events`, `POST /apps/{appId}/batch_events`,
 *     `GET /apps/{appId}/channels`, `GET /apps/{appId}/channels/{name}`,
 *     `GET /apps/{appId}/channels/{name}/users` (presence),
 *     `POST /apps/{appId}/users/{userId}/terminate_connections`,
 *     all signed per the Pusher HTTP API (auth_key, auth_timestamp,
 *     auth_version, body_md5, auth_signature).
 *
 * Limits mirror the hosted service so code that works here does not break in
 * production: 10 KB of data per event, 100 channels per event, 10 events per
 * batch, 200-character channel and event names, 100 members per presence
 * channel, 1 KB of channel_data.
 */
import { createHash, createHmac, randomInt, timingSafeEqual } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { logger } from "../log";

export interface EmbeddedPusherOptions {
  appId: string;
  key: string;
  secret: string;
  host?: string;
  port?: number;
  /** Close connections that do not sign in (pusher:signin) in time, so every socket can be terminated by user. */
  requireSignin?: boolean;
  signinTimeoutMs?: number;
}

export interface EmbeddedPusher {
  host: string;
  port: number;
  close(): Promise<void>;
}

const ACTIVITY_TIMEOUT_SECONDS = 120;
const MAX_TIMESTAMP_SKEW_SECONDS = 600;
const MAX_EVENT_DATA_BYTES = 10 * 1024;
const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
const MAX_WS_MESSAGE_BYTES = 64 * 1024;
const MAX_CHANNELS_PER_EVENT = 100;
const MAX_BATCH_EVENTS = 10;
const MAX_NAME_LENGTH = 200;
const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_\-=@,.;]+$/;
const SOCKET_ID_PATTERN = /^\d+\.\d+$/;
const MAX_PRESENCE_MEMBERS = 100;
const MAX_CHANNEL_DATA_BYTES = 1024;
const MAX_PRESENCE_USER_ID_LENGTH = 128;
const CLIENT_EVENTS_PER_SECOND = 10;
/** Pusher's code for a client event over the rate limit (the socket stays open). */
const CLIENT_EVENT_RATE_LIMITED = 4301;

type JsonObject = { [key: string]: unknown };

interface Connection {
  socketId: string;
  ws: WebSocket;
  channels: Set<string>;
  /** Set by a valid pusher:signin: terminate_connections closes every connection of this id. */
  userId?: string;
  signinTimer?: NodeJS.Timeout;
  /** Presence channels this socket joined, and as whom (the user_id of its channel_data). */
  presence: Map<string, string>;
  /** Client events accepted in the current one-second window. */
  clientEvents: { windowStart: number; count: number };
}

/** A presence channel's members: one entry per user, however many of their sockets are subscribed. */
type PresenceMembers = Map<string, { info: unknown; sockets: number }>;

const SERVER_TO_USER_PREFIX = "#server-to-user-";
/** Pusher's close code for a connection that is not (or no longer) authorized: pusher-js does not reconnect. */
const UNAUTHORIZED_CLOSE = 4009;

interface OutgoingEvent {
  name: string;
  channels: string[];
  data: string;
  socketId: string | undefined;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hmacHex(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("hex");
}

/** Constant-time string comparison (length is not secret: it is fixed by the algorithm). */
function safeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

function isValidChannelName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length > 0 &&
    name.length <= MAX_NAME_LENGTH &&
    CHANNEL_NAME_PATTERN.test(name)
  );
}

function newSocketId(): string {
  return `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`;
}

export async function startEmbeddedPusher(opts: EmbeddedPusherOptions): Promise<EmbeddedPusher> {
  const { appId, key, secret } = opts;
  const bindHost = opts.host ?? "127.0.0.1";
  if (!appId || !key || !secret) {
    throw new Error("startEmbeddedPusher: appId, key and secret are required");
  }

  const connections = new Set<Connection>();
  const channelMembers = new Map<string, Set<Connection>>();
  const presenceMembers = new Map<string, PresenceMembers>();

  // ---------------------------------------------------------------- channels

  function addToChannel(conn: Connection, channel: string): void {
    conn.channels.add(channel);
    let members = channelMembers.get(channel);
    if (!members) {
      members = new Set();
      channelMembers.set(channel, members);
    }
    members.add(conn);
  }

  function removeFromChannel(conn: Connection, channel: string): void {
    if (!conn.channels.has(channel)) return;
    conn.channels.delete(channel);
    const members = channelMembers.get(channel);
    if (!members) return;
    members.delete(conn);
    if (members.size === 0) channelMembers.delete(channel);
    leavePresence(conn, channel);
  }

  /** The socket left a presence channel: when it was its user's last socket there, the others hear member_removed. */
  function leavePresence(conn: Connection, channel: string): void {
    const userId = conn.presence.get(channel);
    if (userId === undefined) return;
    conn.presence.delete(channel);
    const users = presenceMembers.get(channel);
    const member = users?.get(userId);
    if (!users || !member) return;
    member.sockets -= 1;
    if (member.sockets > 0) return;
    users.delete(userId);
    if (users.size === 0) presenceMembers.delete(channel);
    for (const other of channelMembers.get(channel) ?? []) {
      send(other, { event: "pusher_internal:member_removed", channel, data: JSON.stringify({ user_id: userId }) });
    }
  }

  function dropConnection(conn: Connection): void {
    clearTimeout(conn.signinTimer);
    for (const channel of [...conn.channels]) removeFromChannel(conn, channel);
    connections.delete(conn);
  }

  function closeUnauthorized(conn: Connection, message: string): void {
    send(conn, { event: "pusher:error", data: { code: UNAUTHORIZED_CLOSE, message } });
    conn.ws.close(UNAUTHORIZED_CLOSE, message);
    dropConnection(conn);
  }

  function handleSignin(conn: Connection, data: unknown): void {
    const auth = isObject(data) && typeof data.auth === "string" ? data.auth : "";
    const userData = isObject(data) && typeof data.user_data === "string" ? data.user_data : "";
    const expected = `${key}:${hmacHex(secret, `${conn.socketId}::user::${userData}`)}`;
    let id: unknown;
    try {
      id = (JSON.parse(userData) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (!safeEqual(expected, auth) || typeof id !== "string" || id === "" || id.length > MAX_NAME_LENGTH) {
      closeUnauthorized(conn, "Invalid signin: expected key:HMAC-SHA256 hex digest of socket_id::user::user_data, and user_data with an id");
      return;
    }
    conn.userId = id;
    clearTimeout(conn.signinTimer);
    send(conn, { event: "pusher:signin_success", data: { user_data: userData } });
  }

  function send(conn: Connection, message: { event: string; channel?: string; data: unknown; user_id?: string }): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(JSON.stringify(message), (err) => {
      // A socket closing mid-send (a tab closed) is routine; the client reconnects and refetches.
      if (err) logger.debug("realtime.embedded_send_failed", { error: err });
    });
  }

  function publish(event: OutgoingEvent): void {
    for (const channel of event.channels) {
      const members = channelMembers.get(channel);
      if (!members) continue;
      for (const conn of members) {
        if (event.socketId !== undefined && conn.socketId === event.socketId) continue;
        send(conn, { event: event.name, channel, data: event.data });
      }
    }
  }

  // --------------------------------------------------------------- websocket

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });

  function subscriptionError(conn: Connection, channel: string, status: number, error: string): void {
    send(conn, {
      event: "pusher:subscription_error",
      channel,
      data: JSON.stringify({ type: "AuthError", error, status }),
    });
  }

  function protocolError(conn: Connection, message: string, code: number | null = null): void {
    send(conn, { event: "pusher:error", data: { code, message } });
  }

  function handleSubscribe(conn: Connection, data: unknown): void {
    // The signed-in user's own channel (pusher-js subscribes to it after signin); nobody else's.
    if (isObject(data) && typeof data.channel === "string" && data.channel.startsWith(SERVER_TO_USER_PREFIX)) {
      if (!conn.userId || data.channel !== `${SERVER_TO_USER_PREFIX}${conn.userId}`) {
        subscriptionError(conn, data.channel, 403, "Only the signed-in user's own #server-to-user channel can be subscribed to");
        return;
      }
      addToChannel(conn, data.channel);
      send(conn, { event: "pusher_internal:subscription_succeeded", channel: data.channel, data: "{}" });
      return;
    }
    if (!isObject(data) || !isValidChannelName(data.channel)) {
      protocolError(conn, "pusher:subscribe requires a valid channel name");
      return;
    }
    const channel = data.channel;
    if (conn.channels.has(channel)) {
      // Already subscribed: pusher-js never does this, but a second join must not count the user twice.
      send(conn, { event: "pusher_internal:subscription_succeeded", channel, data: subscriptionData(channel) });
      return;
    }
    if (channel.startsWith("presence-")) {
      subscribePresence(conn, channel, data);
      return;
    }
    if (channel.startsWith("private-")) {
      const auth = typeof data.auth === "string" ? data.auth : "";
      const expected = `${key}:${hmacHex(secret, `${conn.socketId}:${channel}`)}`;
      if (!safeEqual(expected, auth)) {
        subscriptionError(
          conn,
          channel,
          401,
          `Invalid signature for ${channel}: expected ${key}:HMAC-SHA256 hex digest of "${conn.socketId}:${channel}"`,
        );
        return;
      }
    }
    addToChannel(conn, channel);
    send(conn, { event: "pusher_internal:subscription_succeeded", channel, data: "{}" });
  }

  function subscriptionData(channel: string): string {
    const users = presenceMembers.get(channel);
    if (!channel.startsWith("presence-") || !users) return "{}";
    const hash: JsonObject = {};
    for (const [id, member] of users) hash[id] = member.info;
    return JSON.stringify({ presence: { ids: [...users.keys()], hash, count: users.size } });
  }

  /**
   * Presence: the auth signs `socket_id:channel:channel_data`, and channel_data names the member
   * (`{user_id, user_info}`). The subscriber gets the member list; the others hear member_added when this is
   * the user's first socket in the channel.
   */
  function subscribePresence(conn: Connection, channel: string, data: JsonObject): void {
    const auth = typeof data.auth === "string" ? data.auth : "";
    const channelData = typeof data.channel_data === "string" ? data.channel_data : "";
    const expected = `${key}:${hmacHex(secret, `${conn.socketId}:${channel}:${channelData}`)}`;
    if (!safeEqual(expected, auth)) {
      subscriptionError(conn, channel, 401, `Invalid signature for ${channel}: expected ${key}:HMAC-SHA256 hex digest of "${conn.socketId}:${channel}:<channel_data>"`);
      return;
    }
    if (Buffer.byteLength(channelData, "utf8") > MAX_CHANNEL_DATA_BYTES) {
      subscriptionError(conn, channel, 400, `channel_data exceeds ${MAX_CHANNEL_DATA_BYTES} bytes`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(channelData);
    } catch {
      parsed = undefined;
    }
    const rawId = isObject(parsed) ? parsed.user_id : undefined;
    const userId = typeof rawId === "number" && Number.isFinite(rawId) ? String(rawId) : rawId;
    if (typeof userId !== "string" || userId === "" || userId.length > MAX_PRESENCE_USER_ID_LENGTH) {
      subscriptionError(conn, channel, 400, "channel_data must be JSON with a user_id (a non-empty string of up to 128 characters)");
      return;
    }
    let users = presenceMembers.get(channel);
    const existing = users?.get(userId);
    if (!existing && (users?.size ?? 0) >= MAX_PRESENCE_MEMBERS) {
      subscriptionError(conn, channel, 403, `Presence channel ${channel} already has ${MAX_PRESENCE_MEMBERS} members`);
      return;
    }
    const info = isObject(parsed) ? (parsed.user_info ?? null) : null;
    const others = [...(channelMembers.get(channel) ?? [])];
    if (!users) {
      users = new Map();
      presenceMembers.set(channel, users);
    }
    if (existing) existing.sockets += 1;
    else users.set(userId, { info, sockets: 1 });
    conn.presence.set(channel, userId);
    addToChannel(conn, channel);
    send(conn, { event: "pusher_internal:subscription_succeeded", channel, data: subscriptionData(channel) });
    if (existing) return;
    const added = JSON.stringify({ user_id: userId, user_info: info });
    for (const other of others) send(other, { event: "pusher_internal:member_added", channel, data: added });
  }

  /**
   * A client event (`client-*`): only on a private or presence channel this socket is subscribed to, relayed to
   * the channel's other sockets (never back to the sender); on a presence channel it carries the sender's user_id,
   * which the sender cannot forge.
   */
  function handleClientEvent(conn: Connection, event: string, channel: unknown, data: unknown): void {
    if (typeof channel !== "string" || !(channel.startsWith("private-") || channel.startsWith("presence-"))) {
      protocolError(conn, "Client events are only allowed on private and presence channels");
      return;
    }
    if (!conn.channels.has(channel)) {
      protocolError(conn, `Client event rejected: not subscribed to ${channel}`);
      return;
    }
    if (event.length > MAX_NAME_LENGTH) {
      protocolError(conn, `Client event name longer than ${MAX_NAME_LENGTH}`);
      return;
    }
    const text = typeof data === "string" ? data : JSON.stringify(data ?? null);
    if (Buffer.byteLength(text, "utf8") > MAX_EVENT_DATA_BYTES) {
      protocolError(conn, `Client event data exceeds ${MAX_EVENT_DATA_BYTES} bytes`);
      return;
    }
    const now = Date.now();
    if (now - conn.clientEvents.windowStart >= 1000) conn.clientEvents = { windowStart: now, count: 0 };
    if (conn.clientEvents.count >= CLIENT_EVENTS_PER_SECOND) {
      protocolError(conn, `Client event rejected - only ${CLIENT_EVENTS_PER_SECOND} accepted per second`, CLIENT_EVENT_RATE_LIMITED);
      return;
    }
    conn.clientEvents.count += 1;
    const userId = conn.presence.get(channel);
    for (const other of channelMembers.get(channel) ?? []) {
      if (other === conn) continue;
      send(other, { event, channel, data: text, ...(userId !== undefined ? { user_id: userId } : {}) });
    }
  }

  function handleMessage(conn: Connection, raw: RawData, isBinary: boolean): void {
    if (isBinary) {
      protocolError(conn, "Binary frames are not supported");
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(Buffer.concat(toBuffers(raw)).toString("utf8"));
    } catch {
      protocolError(conn, "Message is not valid JSON");
      return;
    }
    if (!isObject(message) || typeof message.event !== "string") {
      protocolError(conn, "Message must be an object with an event name");
      return;
    }
    if (message.event.startsWith("client-")) {
      // Relayed as the sender wrote it (pusher-js sends the data as JSON, not as a string).
      handleClientEvent(conn, message.event, message.channel, message.data);
      return;
    }
    let data = message.data;
    if (typeof data === "string") {
      try {
        data = JSON.parse(data);
      } catch {
        // leave as string; handlers validate shape
      }
    }
    switch (message.event) {
      case "pusher:ping":
        send(conn, { event: "pusher:pong", data: {} });
        return;
      case "pusher:pong":
        return;
      case "pusher:subscribe":
        handleSubscribe(conn, data);
        return;
      case "pusher:unsubscribe":
        if (isObject(data) && typeof data.channel === "string") removeFromChannel(conn, data.channel);
        return;
      case "pusher:signin":
        handleSignin(conn, data);
        return;
      default:
        protocolError(conn, `Unsupported event: ${message.event}`);
    }
  }

  function handleConnection(ws: WebSocket): void {
    const conn: Connection = { socketId: newSocketId(), ws, channels: new Set(), presence: new Map(), clientEvents: { windowStart: 0, count: 0 } };
    connections.add(conn);
    if (opts.requireSignin) {
      conn.signinTimer = setTimeout(() => closeUnauthorized(conn, "Connection not signed in within the timeout"), opts.signinTimeoutMs ?? 30_000);
      conn.signinTimer.unref();
    }
    ws.on("message", (raw, isBinary) => handleMessage(conn, raw, isBinary));
    ws.on("close", () => dropConnection(conn));
    ws.on("error", (err) => {
      logger.warn("realtime.embedded_socket_error", { error: err });
      dropConnection(conn);
    });
    send(conn, {
      event: "pusher:connection_established",
      data: JSON.stringify({ socket_id: conn.socketId, activity_timeout: ACTIVITY_TIMEOUT_SECONDS }),
    });
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = /^\/app\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const requestedKey = decodeURIComponent(match[1] ?? "");
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (requestedKey !== key) {
        // Protocol: send pusher:error then close with the same 4xxx code.
        ws.send(
          JSON.stringify({
            event: "pusher:error",
            data: { code: 4001, message: `App key ${requestedKey} does not exist` },
          }),
        );
        ws.close(4001, "Application does not exist");
        return;
      }
      handleConnection(ws);
    });
  }

  // -------------------------------------------------------------------- http

  function verifySignature(method: string, path: string, url: URL, body: Buffer): void {
    const params = new Map<string, string>();
    for (const [name, value] of url.searchParams) {
      const lower = name.toLowerCase();
      if (params.has(lower)) throw new HttpError(400, `Duplicate query parameter: ${lower}`);
      params.set(lower, value);
    }
    const authKey = params.get("auth_key");
    const timestamp = params.get("auth_timestamp");
    const version = params.get("auth_version");
    const signature = params.get("auth_signature");
    if (!authKey || !timestamp || !version || !signature) {
      throw new HttpError(401, "Missing auth_key, auth_timestamp, auth_version or auth_signature");
    }
    if (authKey !== key) throw new HttpError(401, "Unknown auth_key");
    if (version !== "1.0") throw new HttpError(401, `Unsupported auth_version: ${version}`);
    if (!/^\d+$/.test(timestamp)) throw new HttpError(401, "Invalid auth_timestamp");
    const skew = Math.abs(Date.now() / 1000 - Number(timestamp));
    if (skew > MAX_TIMESTAMP_SKEW_SECONDS) {
      throw new HttpError(401, `Timestamp expired: ${Math.round(skew)} s from server time (max ${MAX_TIMESTAMP_SKEW_SECONDS} s)`);
    }
    const bodyMd5 = params.get("body_md5");
    if (body.length > 0 || bodyMd5 !== undefined) {
      const actual = createHash("md5").update(body).digest("hex");
      if (bodyMd5 === undefined || !safeEqual(actual, bodyMd5)) {
        throw new HttpError(401, "body_md5 does not match the request body");
      }
    }
    const queryString = [...params.entries()]
      .filter(([name]) => name !== "auth_signature")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join("&");
    const expected = hmacHex(secret, `${method}\n${path}\n${queryString}`);
    if (!safeEqual(expected, signature)) throw new HttpError(401, "Invalid signature");
  }

  function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      req.on("data", (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > MAX_REQUEST_BODY_BYTES) {
          failed = true;
          reject(new HttpError(413, `Request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => {
        if (!failed) resolve(Buffer.concat(chunks));
      });
      req.on("error", (err) => {
        if (!failed) reject(err);
      });
    });
  }

  function parseJson(body: Buffer): unknown {
    try {
      return JSON.parse(body.toString("utf8"));
    } catch {
      throw new HttpError(400, "Request body is not valid JSON");
    }
  }

  /** Validates one event from /events (`channels` array) or a batch entry (`channel`). */
  function parseEvent(input: unknown, where: string): OutgoingEvent {
    if (!isObject(input)) throw new HttpError(400, `${where}: event must be a JSON object`);
    const { name, data } = input;
    if (typeof name !== "string" || name.length === 0) throw new HttpError(400, `${where}: missing event name`);
    if (name.length > MAX_NAME_LENGTH) throw new HttpError(400, `${where}: event name longer than ${MAX_NAME_LENGTH}`);
    if (typeof data !== "string") throw new HttpError(400, `${where}: data must be a string`);
    if (Buffer.byteLength(data, "utf8") > MAX_EVENT_DATA_BYTES) {
      throw new HttpError(413, `${where}: event data exceeds ${MAX_EVENT_DATA_BYTES} bytes`);
    }
    let channels: unknown[];
    if (Array.isArray(input.channels)) channels = input.channels;
    else if (input.channel !== undefined) channels = [input.channel];
    else throw new HttpError(400, `${where}: missing channels`);
    if (channels.length === 0) throw new HttpError(400, `${where}: no channels given`);
    if (channels.length > MAX_CHANNELS_PER_EVENT) {
      throw new HttpError(400, `${where}: more than ${MAX_CHANNELS_PER_EVENT} channels`);
    }
    const valid: string[] = [];
    for (const channel of channels) {
      if (!isValidChannelName(channel)) throw new HttpError(400, `${where}: invalid channel name ${JSON.stringify(channel)}`);
      valid.push(channel);
    }
    let socketId: string | undefined;
    if (input.socket_id !== undefined) {
      if (typeof input.socket_id !== "string" || !SOCKET_ID_PATTERN.test(input.socket_id)) {
        throw new HttpError(400, `${where}: invalid socket_id`);
      }
      socketId = input.socket_id;
    }
    return { name, channels: valid, data, socketId };
  }

  function channelsInfo(prefix: string | null, info: string[]): JsonObject {
    const channels: JsonObject = {};
    for (const [name, members] of channelMembers) {
      if (members.size === 0) continue;
      if (prefix !== null && !name.startsWith(prefix)) continue;
      channels[name] = info.includes("user_count") && name.startsWith("presence-") ? { user_count: presenceMembers.get(name)?.size ?? 0 } : {};
    }
    return { channels };
  }

  async function route(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const match = /^\/apps\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!match) throw new HttpError(404, "Not found");
    if (decodeURIComponent(match[1] ?? "") !== appId) throw new HttpError(404, "Unknown app id");
    const sub = match[2] ?? "";

    let kind: "events" | "batch" | "channels" | "channel" | "users" | "terminate";
    const terminate = /^\/users\/([^/]+)\/terminate_connections$/.exec(sub);
    if (sub === "/events") kind = "events";
    else if (sub === "/batch_events") kind = "batch";
    else if (terminate) kind = "terminate";
    else if (sub === "/channels") kind = "channels";
    else if (/^\/channels\/[^/]+$/.test(sub)) kind = "channel";
    else if (/^\/channels\/[^/]+\/users$/.test(sub)) kind = "users";
    else throw new HttpError(404, "Not found");
    const expectedMethod = kind === "events" || kind === "batch" || kind === "terminate" ? "POST" : "GET";
    if (method !== expectedMethod) throw new HttpError(405, `Use ${expectedMethod} for ${url.pathname}`);

    const body = await readBody(req);
    verifySignature(method, url.pathname, url, body);

    if (kind === "terminate") {
      const userId = decodeURIComponent(terminate?.[1] ?? "");
      for (const conn of [...connections]) {
        if (conn.userId === userId) closeUnauthorized(conn, "Connection terminated by the server");
      }
      return { status: 200, body: {} };
    }
    if (kind === "events") {
      const event = parseEvent(parseJson(body), "event");
      publish(event);
      return { status: 200, body: {} };
    }
    if (kind === "batch") {
      const parsed = parseJson(body);
      if (!isObject(parsed) || !Array.isArray(parsed.batch)) throw new HttpError(400, "Body must be {batch: [...]}");
      if (parsed.batch.length > MAX_BATCH_EVENTS) {
        throw new HttpError(400, `Batch holds more than ${MAX_BATCH_EVENTS} events`);
      }
      // Validate everything before publishing anything.
      const events = parsed.batch.map((entry, i) => parseEvent(entry, `batch[${i}]`));
      for (const event of events) publish(event);
      return { status: 200, body: {} };
    }
    const info = (url.searchParams.get("info") ?? "").split(",");
    if (kind === "channels") {
      return { status: 200, body: channelsInfo(url.searchParams.get("filter_by_prefix"), info) };
    }
    if (kind === "users") {
      const channel = decodeURIComponent(sub.slice("/channels/".length, -"/users".length));
      if (!channel.startsWith("presence-")) throw new HttpError(400, "Users can only be listed for presence channels");
      return { status: 200, body: { users: [...(presenceMembers.get(channel)?.keys() ?? [])].map((id) => ({ id })) } };
    }
    const channel = decodeURIComponent(sub.slice("/channels/".length));
    const count = channelMembers.get(channel)?.size ?? 0;
    const result: JsonObject = { occupied: count > 0 };
    if (info.includes("subscription_count")) result.subscription_count = count;
    if (info.includes("user_count") && channel.startsWith("presence-")) result.user_count = presenceMembers.get(channel)?.size ?? 0;
    return { status: 200, body: result };
  }

  function respond(res: ServerResponse, status: number, body: unknown, done?: () => void): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text, done);
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    route(req).then(
      ({ status, body }) => respond(res, status, body),
      (err: unknown) => {
        if (err instanceof HttpError) {
          if (err.status === 413 && !req.complete) {
            // Oversized body still streaming in: answer, then drop the connection.
            res.setHeader("connection", "close");
            respond(res, err.status, { error: err.message }, () => req.destroy());
            return;
          }
          respond(res, err.status, { error: err.message });
          return;
        }
        logger.error("realtime.embedded_request_failed", { error: err });
        respond(res, 500, { error: "Internal error" });
      },
    );
  }

  // ------------------------------------------------------------------ server

  const server: Server = createServer(handleRequest);
  server.on("upgrade", handleUpgrade);
  server.on("clientError", (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off("error", onError);
      server.on("error", (err) => logger.error("realtime.embedded_server_error", { error: err }));
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    host: bindHost,
    port: address.port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        for (const conn of [...connections]) {
          conn.ws.terminate();
          dropConnection(conn);
        }
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

function toBuffers(raw: RawData): Buffer[] {
  if (Array.isArray(raw)) return raw;
  if (Buffer.isBuffer(raw)) return [raw];
  return [Buffer.from(raw)];
}

import { createHash, createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import Pusher from "pusher";
import pusherJsModule from "pusher-js";
import type { Channel, Options as ClientOptions } from "pusher-js";
import { WebSocket } from "ws";
import { startEmbeddedPusher, type EmbeddedPusher } from "./embedded-server.js";

const APP_ID = "1001";
const KEY = "embedded-test-key";
const SECRET = "embedded-test-secret";
const WAIT_MS = 5000;

type Client = Channel["pusher"];
type ClientConstructor = new (key: string, options: ClientOptions) => Client;

// Node's ESM loader hands back pusher-js's module.exports, which is the client class itself,
// while TypeScript's nodenext reading of its CommonJS typings puts the class on `.default`.
// Accept either shape and fail loudly on anything else.
const PusherClient: ClientConstructor = (() => {
  const loaded: unknown = pusherJsModule;
  const candidate =
    typeof loaded === "function" ? loaded : (loaded as { default?: unknown } | null | undefined)?.default;
  if (typeof candidate !== "function") throw new Error("pusher-js did not export a constructor");
  return candidate as ClientConstructor;
})();

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  // Run in reverse: clients disconnect before their server closes.
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop();
    if (cleanup) await cleanup();
  }
});

function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

async function startServer(): Promise<{ server: EmbeddedPusher; pusher: Pusher }> {
  const server = await startEmbeddedPusher({ appId: APP_ID, key: KEY, secret: SECRET, port: 0 });
  cleanups.push(() => server.close());
  return { server, pusher: serverSdk(server, SECRET) };
}

function serverSdk(server: EmbeddedPusher, secret: string): Pusher {
  return new Pusher({
    appId: APP_ID,
    key: KEY,
    secret,
    host: server.host,
    port: String(server.port),
    useTLS: false,
  });
}

type AuthFn = (socketId: string, channelName: string) => { auth: string };

/** A real pusher-js client, connected. `authorize` signs private-channel subscriptions. */
async function connectClient(server: EmbeddedPusher, authorize: AuthFn): Promise<{ client: Client; socketId: string }> {
  const client = new PusherClient(KEY, {
    cluster: "embedded",
    wsHost: server.host,
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ["ws"],
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        try {
          callback(null, authorize(socketId, channelName));
        } catch (err) {
          callback(err instanceof Error ? err : new Error(String(err)), null);
        }
      },
    },
  });
  cleanups.push(() => client.disconnect());
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      client.connection.bind("connected", () => resolve());
      client.connection.bind("failed", () => reject(new Error("pusher-js connection failed")));
      client.connection.bind("unavailable", () => reject(new Error("pusher-js connection unavailable")));
    }),
    "pusher-js to connect",
  );
  const socketId = client.connection.socket_id;
  expect(socketId).toMatch(/^\d+\.\d+$/);
  return { client, socketId };
}

function sdkAuth(pusher: Pusher): AuthFn {
  return (socketId, channelName) => pusher.authorizeChannel(socketId, channelName);
}

type SubscribeOutcome = { ok: true } | { ok: false; error: unknown };

async function subscribe(client: Client, channelName: string): Promise<{ channel: Channel; outcome: SubscribeOutcome }> {
  const channel = client.subscribe(channelName);
  const outcome = await withTimeout(
    new Promise<SubscribeOutcome>((resolve) => {
      channel.bind("pusher:subscription_succeeded", () => resolve({ ok: true }));
      channel.bind("pusher:subscription_error", (error: unknown) => resolve({ ok: false, error }));
    }),
    `subscription to ${channelName}`,
  );
  return { channel, outcome };
}

async function subscribeOk(client: Client, channelName: string): Promise<Channel> {
  const { channel, outcome } = await subscribe(client, channelName);
  expect(outcome).toEqual({ ok: true });
  return channel;
}

/** Records every payload of `eventName` on `channel`; `next()` resolves on the next one. */
function record(channel: Channel, eventName: string) {
  const received: unknown[] = [];
  let waiters: Array<(data: unknown) => void> = [];
  channel.bind(eventName, (data: unknown) => {
    received.push(data);
    const current = waiters;
    waiters = [];
    for (const w of current) w(data);
  });
  return {
    received,
    next: (): Promise<unknown> =>
      withTimeout(new Promise<unknown>((resolve) => waiters.push(resolve)), `${eventName} on ${channel.name}`),
  };
}

describe("embedded Pusher server with the real pusher SDK and pusher-js", () => {
  it("delivers a triggered event to a subscriber of a private channel", async () => {
    const { server, pusher } = await startServer();
    const { client } = await connectClient(server, sdkAuth(pusher));
    const channel = await subscribeOk(client, "private-inbox-1");
    const messages = record(channel, "message.created");

    const arrival = messages.next();
    const res = await pusher.trigger("private-inbox-1", "message.created", { id: "m1", text: "héllo" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(await arrival).toEqual({ id: "m1", text: "héllo" });
    expect(messages.received).toHaveLength(1);
  });

  it("refuses a private subscription with a forged auth and delivers it nothing", async () => {
    const { server, pusher } = await startServer();
    const forged: AuthFn = (socketId, channelName) => ({
      auth: `${KEY}:${createHmac("sha256", "not-the-secret").update(`${socketId}:${channelName}`).digest("hex")}`,
    });
    const { client } = await connectClient(server, (socketId, channelName) =>
      channelName.startsWith("private-") ? forged(socketId, channelName) : sdkAuth(pusher)(socketId, channelName),
    );

    const { channel: privateChannel, outcome } = await subscribe(client, "private-secret");
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ error: { status: 401 } });
    const leaked = record(privateChannel, "message.created");

    // Sentinel on a public channel: events on one connection arrive in order, so once the
    // sentinel is in, an event on the private channel would already have been delivered.
    const publicChannel = await subscribeOk(client, "public-sentinel");
    const sentinel = record(publicChannel, "sentinel");
    const sentinelArrival = sentinel.next();
    await pusher.trigger("private-secret", "message.created", { id: "leak" });
    await pusher.trigger("public-sentinel", "sentinel", { n: 1 });
    await sentinelArrival;
    expect(leaked.received).toEqual([]);
    const occupancy = (await (await pusher.get({ path: "/channels/private-secret", params: { info: "subscription_count" } })).json()) as unknown;
    expect(occupancy).toEqual({ occupied: false, subscription_count: 0 });
  });

  it("refuses a trigger signed with the wrong secret", async () => {
    const { server, pusher } = await startServer();
    const { client } = await connectClient(server, sdkAuth(pusher));
    const channel = await subscribeOk(client, "private-inbox-2");
    const messages = record(channel, "message.created");

    const impostor = serverSdk(server, "wrong-secret");
    const failure: unknown = await impostor.trigger("private-inbox-2", "message.created", { id: "forged" }).then(
      () => "resolved",
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Pusher.RequestError);
    expect(failure).toMatchObject({ status: 401 });
    expect(JSON.parse((failure as Pusher.RequestError).body ?? "null")).toEqual({ error: "Invalid signature" });

    const arrival = messages.next();
    await pusher.trigger("private-inbox-2", "message.created", { id: "genuine" });
    await arrival;
    expect(messages.received).toEqual([{ id: "genuine" }]);
  });

  it("delivers every event of a batch trigger", async () => {
    const { server, pusher } = await startServer();
    const { client } = await connectClient(server, sdkAuth(pusher));
    const a = record(await subscribeOk(client, "private-batch-a"), "ticket.updated");
    const b = record(await subscribeOk(client, "batch-b"), "ticket.assigned");

    const arrivals = Promise.all([a.next(), b.next()]);
    const res = await pusher.triggerBatch([
      { channel: "private-batch-a", name: "ticket.updated", data: { id: "t1", status: "open" } },
      { channel: "batch-b", name: "ticket.assigned", data: { id: "t1", agent: "ana" } },
    ]);
    expect(res.status).toBe(200);
    expect(await arrivals).toEqual([
      { id: "t1", status: "open" },
      { id: "t1", agent: "ana" },
    ]);
  });

  it("does not deliver an event for channel A to a subscriber of channel B", async () => {
    const { server, pusher } = await startServer();
    const { client: clientA } = await connectClient(server, sdkAuth(pusher));
    const { client: clientB } = await connectClient(server, sdkAuth(pusher));
    const onA = record(await subscribeOk(clientA, "private-channel-a"), "message.created");
    const onB = record(await subscribeOk(clientB, "private-channel-b"), "message.created");

    const arrivalA = onA.next();
    await pusher.trigger("private-channel-a", "message.created", { to: "a" });
    expect(await arrivalA).toEqual({ to: "a" }); // the event was really delivered...

    const arrivalB = onB.next();
    await pusher.trigger("private-channel-b", "message.created", { to: "b" });
    await arrivalB;
    expect(onB.received).toEqual([{ to: "b" }]); // ...but only to channel A's subscriber
    expect(onA.received).toEqual([{ to: "a" }]);
  });

  it("excludes the socket named in socket_id", async () => {
    const { server, pusher } = await startServer();
    const { client: origin, socketId: originId } = await connectClient(server, sdkAuth(pusher));
    const { client: other } = await connectClient(server, sdkAuth(pusher));
    const atOrigin = record(await subscribeOk(origin, "private-shared"), "message.created");
    const atOther = record(await subscribeOk(other, "private-shared"), "message.created");

    const otherFirst = atOther.next();
    await pusher.trigger("private-shared", "message.created", { n: 1 }, { socket_id: originId });
    expect(await otherFirst).toEqual({ n: 1 });

    const originSentinel = atOrigin.next();
    const otherSecond = atOther.next();
    await pusher.trigger("private-shared", "message.created", { n: 2 });
    await Promise.all([originSentinel, otherSecond]);
    expect(atOrigin.received).toEqual([{ n: 2 }]);
    expect(atOther.received).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

// ---------------------------------------------------------------------------
// Wire-level checks that the SDKs hide.

type WireMessage = { event: string; channel?: string; data?: unknown };

async function openRaw(server: EmbeddedPusher, key = KEY) {
  const ws = new WebSocket(`ws://${server.host}:${server.port}/app/${key}?protocol=7&client=test&version=0`);
  cleanups.push(() => ws.terminate());
  const inbox: WireMessage[] = [];
  let waiters: Array<() => void> = [];
  ws.on("message", (raw) => {
    inbox.push(JSON.parse(String(raw)) as WireMessage);
    const current = waiters;
    waiters = [];
    for (const w of current) w();
  });
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  const nextMessage = (predicate: (m: WireMessage) => boolean, what: string): Promise<WireMessage> =>
    withTimeout(
      new Promise<WireMessage>((resolve) => {
        const check = () => {
          const found = inbox.find(predicate);
          if (found) resolve(found);
          else waiters.push(check);
        };
        check();
      }),
      what,
    );
  const send = (message: WireMessage) => ws.send(JSON.stringify(message));
  return { ws, inbox, closed, nextMessage, send };
}

async function signedFetch(
  server: EmbeddedPusher,
  opts: { path: string; body: string; signedBody?: string; timestamp?: number; secret?: string },
): Promise<{ status: number; body: unknown }> {
  const path = `/apps/${APP_ID}${opts.path}`;
  const params: Record<string, string> = {
    auth_key: KEY,
    auth_timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: "1.0",
    body_md5: createHash("md5").update(opts.signedBody ?? opts.body).digest("hex"),
  };
  const query = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  const signature = createHmac("sha256", opts.secret ?? SECRET).update(`POST\n${path}\n${query}`).digest("hex");
  const res = await fetch(`http://${server.host}:${server.port}${path}?${query}&auth_signature=${signature}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: opts.body,
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("embedded Pusher server wire protocol", () => {
  it("sends connection_established with a string payload, and answers pings", async () => {
    const { server } = await startServer();
    const raw = await openRaw(server);
    const established = await raw.nextMessage((m) => m.event === "pusher:connection_established", "handshake");
    expect(typeof established.data).toBe("string");
    expect(JSON.parse(established.data as string)).toEqual({
      socket_id: expect.stringMatching(/^\d+\.\d+$/) as unknown,
      activity_timeout: 120,
    });
    raw.send({ event: "pusher:ping", data: {} });
    await raw.nextMessage((m) => m.event === "pusher:pong", "pong");
  });

  it("rejects an unknown app key with error 4001 and closes", async () => {
    const { server } = await startServer();
    const raw = await openRaw(server, "nope");
    const error = await raw.nextMessage((m) => m.event === "pusher:error", "pusher:error");
    expect(error.data).toMatchObject({ code: 4001 });
    expect(await withTimeout(raw.closed, "close")).toBe(4001);
    expect(raw.inbox.some((m) => m.event === "pusher:connection_established")).toBe(false);
  });

  it("refuses a forged presence subscription and client events on public or unsubscribed channels", async () => {
    const { server } = await startServer();
    const raw = await openRaw(server);
    await raw.nextMessage((m) => m.event === "pusher:connection_established", "handshake");
    raw.send({ event: "pusher:subscribe", data: { channel: "presence-room", auth: `${KEY}:00`, channel_data: JSON.stringify({ user_id: "u1" }) } });
    const subError = await raw.nextMessage((m) => m.event === "pusher:subscription_error", "subscription_error");
    expect(subError.channel).toBe("presence-room");
    expect(String(subError.data)).toMatch(/invalid signature/i);
    raw.send({ event: "client-typing", channel: "room", data: {} });
    await raw.nextMessage((m) => m.event === "pusher:error" && /private and presence/.test(JSON.stringify(m.data)), "public channel refused");
    raw.send({ event: "client-typing", channel: "private-x", data: {} });
    await raw.nextMessage((m) => m.event === "pusher:error" && /not subscribed/.test(JSON.stringify(m.data)), "unsubscribed channel refused");
    expect(raw.inbox.some((m) => m.event === "pusher_internal:subscription_succeeded")).toBe(false);
  });

  it("unsubscribes", async () => {
    const { server, pusher } = await startServer();
    const raw = await openRaw(server);
    await raw.nextMessage((m) => m.event === "pusher:connection_established", "handshake");
    raw.send({ event: "pusher:subscribe", data: { channel: "room-1" } });
    raw.send({ event: "pusher:subscribe", data: { channel: "room-2" } });
    await raw.nextMessage((m) => m.event === "pusher_internal:subscription_succeeded" && m.channel === "room-2", "subscribed");
    raw.send({ event: "pusher:unsubscribe", data: { channel: "room-1" } });
    raw.send({ event: "pusher:ping", data: {} });
    await raw.nextMessage((m) => m.event === "pusher:pong", "pong after unsubscribe");
    await pusher.trigger("room-1", "gone", {});
    await pusher.trigger("room-2", "here", {});
    await raw.nextMessage((m) => m.event === "here", "event on room-2");
    expect(raw.inbox.some((m) => m.event === "gone")).toBe(false);
  });

  it("rejects stale timestamps, body_md5 mismatches, bad JSON and oversized data", async () => {
    const { server } = await startServer();
    const event = JSON.stringify({ name: "e", channels: ["c"], data: "{}" });

    expect(await signedFetch(server, { path: "/events", body: event })).toEqual({ status: 200, body: {} });
    const stale = await signedFetch(server, { path: "/events", body: event, timestamp: Math.floor(Date.now() / 1000) - 601 });
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ error: expect.stringMatching(/timestamp/i) as unknown });
    const tampered = await signedFetch(server, {
      path: "/events",
      body: event.replace('"e"', '"x"'),
      signedBody: event,
    });
    expect(tampered).toMatchObject({ status: 401, body: { error: expect.stringMatching(/body_md5/) as unknown } });
    expect((await signedFetch(server, { path: "/events", body: "{not json" })).status).toBe(400);
    const big = JSON.stringify({ name: "e", channels: ["c"], data: "x".repeat(10 * 1024 + 1) });
    expect((await signedFetch(server, { path: "/events", body: big })).status).toBe(413);
    const batch = JSON.stringify({ batch: [{ name: "e", channel: "c", data: "{}" }] });
    expect(await signedFetch(server, { path: "/batch_events", body: batch, secret: "wrong" })).toMatchObject({ status: 401 });
    expect(await signedFetch(server, { path: "/batch_events", body: batch })).toEqual({ status: 200, body: {} });
  });
});

type PusherJsError = { data?: { code?: number }; error?: { data?: { code?: number } } };
const errorCode = (e: PusherJsError) => e.data?.code ?? e.error?.data?.code ?? 0;

describe("embedded Pusher server: user authentication and terminated connections", () => {
  /** A pusher-js client that signs in as `userId` through the real SDK's authenticateUser. */
  async function signedInClient(server: EmbeddedPusher, pusher: Pusher, userId: string, sign = pusher) {
    const client = new PusherClient(KEY, {
      cluster: "embedded",
      wsHost: server.host,
      wsPort: server.port,
      forceTLS: false,
      enabledTransports: ["ws"],
      channelAuthorization: { customHandler: ({ socketId, channelName }, cb) => cb(null, pusher.authorizeChannel(socketId, channelName)) },
      userAuthentication: { customHandler: ({ socketId }, cb) => cb(null, sign.authenticateUser(socketId, { id: userId })) },
    });
    cleanups.push(() => client.disconnect());
    // pusher-js reports the server's pusher:error (and the close code it brings) as a connection error.
    const closed = new Promise<{ code: number }>((resolve) => {
      client.connection.bind("error", (event: PusherJsError) => {
        const code = errorCode(event);
        if (code) resolve({ code });
      });
    });
    client.signin();
    await withTimeout(client.user.signinDonePromise as Promise<unknown>, "signin_success");
    return { client, closed };
  }

  it("closes every socket of a terminated user with 4009, and only theirs; pusher-js does not reconnect", async () => {
    const { server, pusher } = await startServer();
    const ended = await signedInClient(server, pusher, "session-ended");
    const other = await signedInClient(server, pusher, "session-kept");
    const channel = "private-company-terminate";
    await subscribeOk(ended.client, channel);
    const kept = record(await subscribeOk(other.client, channel), "ping");

    await pusher.terminateUserConnections("session-ended");
    expect(await withTimeout(ended.closed, "the terminated socket to be told")).toEqual({ code: 4009 });
    // 4009 is "refused": pusher-js stays disconnected rather than reconnecting with the same ended session.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ended.client.connection.state).toBe("disconnected");

    const ping = kept.next();
    await pusher.trigger(channel, "ping", { n: 1 });
    expect(await ping).toEqual({ n: 1 });
  });

  it("refuses a signin signed with the wrong secret", async () => {
    const { server, pusher } = await startServer();
    const forged = new Pusher({ appId: APP_ID, key: KEY, secret: "not-the-secret", host: server.host, port: String(server.port), useTLS: false });
    const client = new PusherClient(KEY, {
      cluster: "embedded",
      wsHost: server.host,
      wsPort: server.port,
      forceTLS: false,
      enabledTransports: ["ws"],
      userAuthentication: { customHandler: ({ socketId }, cb) => cb(null, forged.authenticateUser(socketId, { id: "someone" })) },
    });
    cleanups.push(() => client.disconnect());
    const refused = new Promise<number>((resolve) => client.connection.bind("error", (e: PusherJsError) => resolve(errorCode(e))));
    client.signin();
    expect(await withTimeout(refused, "the forged signin to be refused")).toBe(4009);
    void pusher;
  });

  it("with requireSignin, closes a socket that never signs in", async () => {
    const server = await startEmbeddedPusher({ appId: APP_ID, key: KEY, secret: SECRET, port: 0, requireSignin: true, signinTimeoutMs: 200 });
    cleanups.push(() => server.close());
    const ws = new WebSocket(`ws://${server.host}:${server.port}/app/${KEY}?protocol=7`);
    cleanups.push(() => ws.terminate());
    const code = await withTimeout(new Promise<number>((resolve) => ws.on("close", (c) => resolve(c))), "the unsigned socket to close");
    expect(code).toBe(4009);
  });
});

describe("embedded Pusher server: presence channels and client events", () => {
  type Member = { id: string; info: unknown };
  type PresenceChannel = Channel & { members: { count: number; me: Member | null; each(cb: (m: Member) => void): void } };

  /** A pusher-js client whose presence subscriptions are signed by the SDK as `userId`. */
  async function member(server: EmbeddedPusher, pusher: Pusher, userId: string, name: string) {
    const { client } = await connectClient(server, (socketId, channelName) =>
      pusher.authorizeChannel(socketId, channelName, { user_id: userId, user_info: { name } }),
    );
    return client;
  }
  const ids = (channel: PresenceChannel) => {
    const found: string[] = [];
    channel.members.each((m) => found.push(m.id));
    return found.sort();
  };

  it("lists the members on subscribe, tells the others of a user's first socket and last one, and counts a user once", async () => {
    const { server, pusher } = await startServer();
    const room = "presence-conversation-room";
    const anna = await member(server, pusher, "anna", "Anna");
    const annaChannel = (await subscribeOk(anna, room)) as PresenceChannel;
    expect(ids(annaChannel)).toEqual(["anna"]);
    expect(annaChannel.members.me).toEqual({ id: "anna", info: { name: "Anna" } });

    const added = record(annaChannel, "pusher:member_added");
    const removed = record(annaChannel, "pusher:member_removed");
    const nextAdded = added.next();
    const bohdan = await member(server, pusher, "bohdan", "Bohdan");
    const bohdanChannel = (await subscribeOk(bohdan, room)) as PresenceChannel;
    expect(ids(bohdanChannel)).toEqual(["anna", "bohdan"]);
    expect(await nextAdded).toEqual({ id: "bohdan", info: { name: "Bohdan" } });

    // Bohdan's second tab: no second member_added, and closing one tab does not remove him.
    const bohdanTab2 = await member(server, pusher, "bohdan", "Bohdan");
    expect(ids((await subscribeOk(bohdanTab2, room)) as PresenceChannel)).toEqual(["anna", "bohdan"]);
    expect(await pusher.get({ path: `/channels/${room}`, params: { info: "user_count,subscription_count" } }).then((r) => r.json())).toEqual({
      occupied: true,
      user_count: 2,
      subscription_count: 3,
    });
    bohdanTab2.disconnect();
    const users = await pusher.get({ path: `/channels/${room}/users` }).then((r) => r.json() as Promise<{ users: { id: string }[] }>);
    expect(users.users.map((u) => u.id).sort()).toEqual(["anna", "bohdan"]);

    const nextRemoved = removed.next();
    bohdan.unsubscribe(room);
    expect(await nextRemoved).toEqual({ id: "bohdan", info: { name: "Bohdan" } });
    expect(added.received).toHaveLength(1);
    expect(ids(annaChannel)).toEqual(["anna"]);
  });

  it("relays a client event to the channel's other sockets with the sender's user_id, never back to the sender", async () => {
    const { server, pusher } = await startServer();
    const room = "presence-conversation-typing";
    const anna = await member(server, pusher, "anna", "Anna");
    const bohdan = await member(server, pusher, "bohdan", "Bohdan");
    const annaChannel = await subscribeOk(anna, room);
    const bohdanChannel = await subscribeOk(bohdan, room);
    const atAnna = record(annaChannel, "client-typing");
    const metadata: unknown[] = [];
    bohdanChannel.bind("client-typing", (_data: unknown, meta: unknown) => metadata.push(meta));
    const atBohdan = record(bohdanChannel, "client-typing");
    const heard = atBohdan.next();
    expect(annaChannel.trigger("client-typing", { mode: "reply" })).toBe(true);
    expect(await heard).toEqual({ mode: "reply" });
    expect(metadata).toEqual([{ user_id: "anna" }]);
    // A sentinel from Bohdan proves Anna got nothing of her own.
    const sentinel = atAnna.next();
    bohdanChannel.trigger("client-typing", { mode: "note" });
    expect(await sentinel).toEqual({ mode: "note" });
    expect(atAnna.received).toEqual([{ mode: "note" }]);
  });

  it("refuses client events beyond 10 a second with 4301 and keeps the socket", async () => {
    const { server, pusher } = await startServer();
    const room = "presence-conversation-flood";
    const { client } = await connectClient(server, (socketId, channelName) => pusher.authorizeChannel(socketId, channelName, { user_id: "flood" }));
    const listener = await member(server, pusher, "listener", "L");
    const channel = await subscribeOk(client, room);
    const heard = record(await subscribeOk(listener, room), "client-x");
    const limited = new Promise<number>((resolve) => client.connection.bind("error", (e: PusherJsError) => resolve(errorCode(e))));
    for (let i = 0; i < 12; i++) channel.trigger("client-x", { i });
    expect(await withTimeout(limited, "the rate limit")).toBe(4301);
    expect(client.connection.state).toBe("connected");
    expect(heard.received.length).toBeLessThanOrEqual(10);
  });
});

import { randomUUID } from "node:crypto";
import Pusher from "pusher";
import pusherJsModule from "pusher-js";
import type { Channel, Options as ClientOptions } from "pusher-js";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseEnv } from "../env.js";
import { companyChannel } from "../realtime/channels";
import { clientRealtimeConfig, serverRealtimeConfig, sharedRealtimeServerOptions } from "../realtime/config";
import { startEmbeddedPusher, type EmbeddedPusher } from "../realtime/embedded-server";
import { createPusherServer } from "../realtime/publish";
import { claimEmbeddedRealtime } from "./realtime-guard";

type Client = Channel["pusher"];
const PusherClient = (() => {
  const loaded: unknown = pusherJsModule;
  const candidate = typeof loaded === "function" ? loaded : (loaded as { default?: unknown }).default;
  return candidate as new (key: string, options: ClientOptions) => Client;
})();

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// What every instance and `npm run realtime` are given: the same app id, key and secret.
const shared = { PUSHER_APP_ID: "selfhosted", PUSHER_KEY: "selfhosted-key", PUSHER_SECRET: "selfhosted-secret-of-some-length" };

/** `npm run realtime`, in this process: the options it derives from its configuration. */
async function startSharedRealtime(): Promise<EmbeddedPusher> {
  const server = await startEmbeddedPusher(sharedRealtimeServerOptions(parseEnv({ ...shared, REALTIME_HOST: "127.0.0.1", REALTIME_PORT: "0" })));
  cleanups.push(() => server.close());
  return server;
}

/** An app instance's configuration pointing at the shared server. */
const instanceEnv = (server: EmbeddedPusher, appUrl: string) =>
  parseEnv({ ...shared, APP_URL: appUrl, PUSHER_HOST: server.host, PUSHER_PORT: String(server.port), PUSHER_USE_TLS: "false" });

function waitFor<T>(what: string, bind: (resolve: (v: T) => void, reject: (e: Error) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within 5 s`)), 5000);
    bind(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/** A browser of instance A: connects where A's page tells it to, signs in and subscribes with A's signatures. */
async function browserOf(instanceSdk: Pusher, config: ReturnType<typeof clientRealtimeConfig>, sessionId: string, channelName: string) {
  const client = new PusherClient(config.key, {
    cluster: config.cluster,
    wsHost: config.wsHost,
    wsPort: config.wsPort,
    forceTLS: config.forceTLS,
    enabledTransports: ["ws"],
    channelAuthorization: { customHandler: ({ socketId, channelName: name }, cb) => cb(null, instanceSdk.authorizeChannel(socketId, name)) },
    userAuthentication: { customHandler: ({ socketId }, cb) => cb(null, instanceSdk.authenticateUser(socketId, { id: sessionId })) },
  });
  cleanups.push(() => client.disconnect());
  client.signin();
  const channel = client.subscribe(channelName);
  await waitFor<void>("subscription", (ok, fail) => {
    channel.bind("pusher:subscription_succeeded", () => ok());
    channel.bind("pusher:subscription_error", (e: unknown) => fail(new Error(JSON.stringify(e))));
  });
  return { client, channel };
}

describe("realtime shared by several instances (`npm run realtime`)", () => {
  it("a browser subscribed through instance A receives what instance B publishes, and B can close A's session sockets", async () => {
    const server = await startSharedRealtime();
    const envA = instanceEnv(server, "https://a.example.test");
    const envB = instanceEnv(server, "https://b.example.test");
    const instanceA = createPusherServer(serverRealtimeConfig({ env: envA }));
    const instanceB = createPusherServer(serverRealtimeConfig({ env: envB }));

    const channelName = companyChannel(randomUUID());
    const sessionId = `session-${randomUUID()}`;
    const { client, channel } = await browserOf(instanceA, clientRealtimeConfig(envA), sessionId, channelName);
    const received = waitFor<unknown>("event from instance B", (ok) => channel.bind("message.created", ok));
    await instanceB.triggerBatch([{ channel: channelName, name: "message.created", data: { conversationId: "c1", messageId: "m1" } }]);
    expect(await received).toEqual({ conversationId: "c1", messageId: "m1" });

    // Signing out on instance B closes the socket the browser opened through instance A.
    const closed = waitFor<void>("disconnect", (ok) => client.connection.bind("state_change", (s: { current: string }) => s.current !== "connected" && ok()));
    await instanceB.terminateUserConnections(sessionId);
    await closed;
  });

  it("refuses to start without the credentials the instances share", () => {
    expect(() => sharedRealtimeServerOptions(parseEnv({}))).toThrow(/PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET/);
  });
});

describe("an instance with realtime inside it (`npm start` without PUSHER_*)", () => {
  it.runIf(inject("databaseKind") === "postgres")("is the only one on its database: a second claim is refused until the first instance stops", async () => {
    const url = inject("databaseUrl");
    const first = await claimEmbeddedRealtime(url);
    expect(first).not.toBeNull();
    cleanups.push(() => first?.release());
    expect(await claimEmbeddedRealtime(url)).toBeNull();
    await first!.release();
    const next = await claimEmbeddedRealtime(url);
    expect(next).not.toBeNull();
    await next!.release();
  });
});

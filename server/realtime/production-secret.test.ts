import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import Pusher from "pusher";
import { WebSocket } from "ws";
import { parseEnv } from "../env.js";
import { DEVELOPMENT_EMBEDDED_CREDENTIALS, embeddedCredentials } from "./config";
import { startEmbeddedPusher, type EmbeddedPusher } from "./embedded-server";

// What `npm start` runs with: NODE_ENV=production and real secrets, no PUSHER_* settings.
const production = parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "a-real-session-secret-of-forty-characters", ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") });

const servers: EmbeddedPusher[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.close();
});

async function startAsNpmStart() {
  const credentials = embeddedCredentials(production, production.NODE_ENV === "production");
  const server = await startEmbeddedPusher({ ...credentials, host: "127.0.0.1", port: 0 });
  servers.push(server);
  return { server, credentials };
}

type Frame = { event: string; channel?: string; data?: unknown };

/** A raw Pusher-protocol client: connects, then subscribes to `channel` with an auth signed by `secret`. */
async function subscribeSignedWith(server: EmbeddedPusher, key: string, secret: string, channel: string): Promise<Frame> {
  const ws = new WebSocket(`ws://${server.host}:${server.port}/app/${key}?protocol=7&client=test&version=8`);
  sockets.push(ws);
  const frames: Frame[] = [];
  let wake: () => void = () => {};
  ws.on("message", (raw) => {
    frames.push(JSON.parse(String(raw)) as Frame);
    wake();
  });
  const next = async (pred: (f: Frame) => boolean): Promise<Frame> => {
    for (;;) {
      const found = frames.find(pred);
      if (found) return found;
      await new Promise<void>((resolve, reject) => {
        wake = resolve;
        setTimeout(() => reject(new Error("timed out")), 5000);
      });
    }
  };
  const established = await next((f) => f.event === "pusher:connection_established" || f.event === "pusher:error");
  if (established.event === "pusher:error") return established;
  const { socket_id: socketId } = JSON.parse(established.data as string) as { socket_id: string };
  const auth = `${key}:${createHmac("sha256", secret).update(`${socketId}:${channel}`).digest("hex")}`;
  ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel, auth } }));
  return next((f) => f.channel === channel || f.event === "pusher:error");
}

describe("the embedded realtime server under npm start's settings", () => {
  it("refuses a private-channel subscription signed with the development secret from the source", async () => {
    const { server, credentials } = await startAsNpmStart();
    expect(credentials.secret).not.toBe(DEVELOPMENT_EMBEDDED_CREDENTIALS.secret);

    const forged = await subscribeSignedWith(server, credentials.key, DEVELOPMENT_EMBEDDED_CREDENTIALS.secret, "private-company-victim");
    expect(forged.event).toBe("pusher:subscription_error");
    expect(JSON.parse(forged.data as string)).toMatchObject({ type: "AuthError", status: 401 });
    // The development key names no app there either.
    const devKey = await subscribeSignedWith(server, DEVELOPMENT_EMBEDDED_CREDENTIALS.key, DEVELOPMENT_EMBEDDED_CREDENTIALS.secret, "private-company-victim");
    expect(devKey.event).toBe("pusher:error");

    // The app's own signature (the derived secret) still works: the refusal is about the secret.
    const genuine = await subscribeSignedWith(server, credentials.key, credentials.secret, "private-company-victim");
    expect(genuine.event).toBe("pusher_internal:subscription_succeeded");
  });

  it("refuses events triggered with the development secret", async () => {
    const { server, credentials } = await startAsNpmStart();
    const sdk = (secret: string) => new Pusher({ appId: credentials.appId, key: credentials.key, secret, host: server.host, port: String(server.port), useTLS: false });
    await expect(sdk(DEVELOPMENT_EMBEDDED_CREDENTIALS.secret).trigger("private-company-victim", "message.created", {})).rejects.toMatchObject({ status: 401 });
    expect((await sdk(credentials.secret).trigger("private-company-victim", "message.created", {})).status).toBe(200);
  });

  it("derives the secret from NEXTAUTH_SECRET, refuses production without one, and production refuses the development session secret", () => {
    const other = parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "another-real-session-secret-of-forty-chars", ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") });
    expect(embeddedCredentials(other, true).secret).not.toBe(embeddedCredentials(production, true).secret);
    expect(embeddedCredentials(production, true).secret).toBe(embeddedCredentials(production, true).secret);
    expect(() => embeddedCredentials({ NEXTAUTH_SECRET: undefined }, true)).toThrow(/NEXTAUTH_SECRET/);
    expect(() => parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "switchboard-development-secret-not-for-production", ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") })).toThrow(/NEXTAUTH_SECRET/);
  });
});

import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomInt } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { inboundEvents, messages } from "../../db/schema";
import { signMetaBody } from "../channels/meta/signature";
import { env } from "../env.js";
import { webhookIntake } from "./intake";
import { TELEGRAM_SECRET_HEADER } from "./telegram";
import { webhookCompany } from "../testing/webhooks";

/**
 * The node:http intake in front of Next.js (`npm start`): provider webhook POSTs are answered by the same handlers
 * as the App Router routes, with the same answers; everything else goes on (here: 299 "to Next.js").
 */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (webhookIntake(req, res)) return;
    req.resume();
    res.writeHead(299, { "content-type": "text/plain" }).end("next");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

/** A body sent in chunks without a content-length: the limit is enforced while it streams. */
const postChunked = (path: string, size: number, headers: Record<string, string>) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const url = new URL(`${base}${path}`);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });

const update = (updateId: number, text = "hello") =>
  JSON.stringify({ update_id: updateId, message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: 77_000 + updateId, type: "private", first_name: "Ann" }, from: { id: 77_000 + updateId, is_bot: false, first_name: "Ann" }, text } });

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the node:http webhook intake", () => {
  it("Telegram: a signed update is acknowledged, stored once, and becomes a message; its redelivery is a duplicate", async () => {
    const hc = await webhookCompany();
    const id = randomInt(1, 2 ** 40);
    const path = `/api/webhooks/telegram/${hc.telegram.channelId}`;
    const first = await post(path, update(id, "from the intake"), { [TELEGRAM_SECRET_HEADER]: hc.telegram.secret });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, duplicate: false });
    const again = await post(path, update(id, "from the intake"), { [TELEGRAM_SECRET_HEADER]: hc.telegram.secret });
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    expect(await db.select().from(inboundEvents).where(eq(inboundEvents.channelId, hc.telegram.channelId))).toHaveLength(1);
    // No ingest worker runs in this process: the intake processes what it stored after answering.
    const made = await until(
      () => db.select({ text: messages.text }).from(messages).where(eq(messages.channelId, hc.telegram.channelId)),
      (rows) => rows.some((r) => r.text === "from the intake"),
    );
    expect(made.map((r) => r.text)).toContain("from the intake");
  });

  it("refuses what the routes refuse: a wrong secret 401, malformed JSON 400, a path naming no channel 404", async () => {
    const hc = await webhookCompany();
    const path = `/api/webhooks/telegram/${hc.telegram.channelId}`;
    const forged = await post(path, update(randomInt(1, 2 ** 40)), { [TELEGRAM_SECRET_HEADER]: "not-the-secret" });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ ok: false, error: "secret token is wrong" });
    const malformed = await post(path, "{not json", { [TELEGRAM_SECRET_HEADER]: hc.telegram.secret });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatch(/^malformed JSON/);
    for (const bad of ["/api/webhooks/telegram/%ZZ", "/api/webhooks/telegram/%", "/api/webhooks/vk/%C0%AF", "/api/webhooks/telegram/not-a-uuid"]) {
      const res = await post(bad, "{}");
      expect(res.status, bad).toBe(404);
    }
    expect(await db.select().from(inboundEvents).where(eq(inboundEvents.channelId, hc.telegram.channelId))).toHaveLength(0);
  });

  it("an oversized body gets 413, by its declared length or while it streams, and the connection is closed", async () => {
    const hc = await webhookCompany();
    const path = `/api/webhooks/telegram/${hc.telegram.channelId}`;
    const limit = env().WEBHOOK_MAX_BODY_BYTES;
    const declared = await post(path, new Uint8Array(limit + 1).fill(97), { [TELEGRAM_SECRET_HEADER]: hc.telegram.secret });
    expect(declared.status).toBe(413);
    expect(declared.headers.get("connection")).toBe("close");
    const streamed = await postChunked(path, limit + 128 * 1024, { [TELEGRAM_SECRET_HEADER]: hc.telegram.secret });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toEqual({ ok: false, error: `body is larger than ${limit} bytes` });
  });

  it("Meta and VK: a signed batch is stored, a forged one refused; VK's confirmation gets its code as text", async () => {
    const hc = await webhookCompany();
    const t = Date.now();
    const body = JSON.stringify({ object: "page", entry: [{ id: hc.meta.pageId, time: t, messaging: [{ sender: { id: "5550001" }, recipient: { id: hc.meta.pageId }, timestamp: t, message: { mid: `m.intake.${randomInt(1, 1e9)}`, text: "hi" } }] }] });
    const signed = await post("/api/webhooks/meta", body, { "x-hub-signature-256": signMetaBody(body, env().META_APP_SECRET!) });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toMatchObject({ ok: true, stored: 1 });
    const forged = await post("/api/webhooks/meta", body, { "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
    expect(forged.status).toBe(401);

    const confirmation = await post(`/api/webhooks/vk/${hc.vk.channelId}`, JSON.stringify({ type: "confirmation", group_id: hc.vk.groupId, secret: hc.vk.secret }));
    expect(confirmation.status).toBe(200);
    expect(confirmation.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await confirmation.text()).toBe("abc123");
  });

  it("leaves everything else to Next.js: GET verification, other methods, unknown sub-paths", async () => {
    const hc = await webhookCompany();
    const passes = [
      await fetch(`${base}/api/webhooks/meta?hub.mode=subscribe`),
      await fetch(`${base}/api/webhooks/telegram/${hc.telegram.channelId}`),
      await post("/api/webhooks/meta/extra", "{}"),
      await post("/api/webhooks/telegram", "{}"),
      await post(`/api/webhooks/telegram/${hc.telegram.channelId}/more`, "{}"),
      await post("/api/trpc/inbox.list", "{}"),
    ];
    expect(passes.map((r) => r.status)).toEqual([299, 299, 299, 299, 299, 299]);
  });
});

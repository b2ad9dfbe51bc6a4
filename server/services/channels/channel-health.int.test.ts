import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../../../db";
import { channelHistory, channelIncidents, channels, companies, emailDeliveries, messages, outboundSends } from "../../../db/schema";
import type { TelegramCredentials } from "../../channels/telegram/credentials";
import { open } from "../../crypto/secret-box";
import { deliverDueEmails } from "../../email/deliver-due-emails";
import { transportFromEnv } from "../../email/resend-transport";
import { parseEnv, processEnvironment } from "../../env.js";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";
import { telegramFake } from "../../testing/setup";
import { deliverDueSends } from "../sends/deliver-due-sends";
import { markChannelDisconnected } from "./mark-channel-disconnected";
import { markChannelRestored } from "./mark-channel-restored";
import { probeChannel } from "./probe-channel";

type Seen = { path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> };
let resend: Server;
let resendUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  resend = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(raw || "{}") as Record<string, unknown> });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `re_${seen.length}` }));
    });
  });
  await new Promise<void>((resolve) => resend.listen(0, "127.0.0.1", resolve));
  resendUrl = `http://127.0.0.1:${(resend.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => resend.close(() => resolve())));

const channelRow = async (id: string) => (await db.select().from(channels).where(eq(channels.id, id)))[0]!;
const incidentsOf = (channelId: string) => db.select().from(channelIncidents).where(eq(channelIncidents.channelId, channelId));
const emailsOf = (companyId: string, kind: string) => db.select().from(emailDeliveries).where(and(eq(emailDeliveries.companyId, companyId), eq(emailDeliveries.kind, kind)));
const tokenOf = async (channelId: string) => open<TelegramCredentials>((await channelRow(channelId)).credentials).botToken;
const authError = { class: "connection_lost" as const, reason: "token_revoked", providerError: { httpStatus: 401, code: 401, description: "Unauthorized" } };

describe("channel health", () => {
  it("sends one email per incident however many auth errors it collects, through the real Resend SDK", async () => {
    const co = await seedTestCompany("Health One");
    const channelId = co.telegram.channelId;
    for (let i = 0; i < 10; i++) {
      await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError, i % 2 ? "probe" : "send"));
    }
    const incidents = await incidentsOf(channelId);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ errorCount: 10, reasonCode: "token_revoked", detectedBy: "send", resolvedAt: null });
    const emails = await emailsOf(co.companyId, "connection_lost");
    expect(emails).toHaveLength(1);

    const transport = transportFromEnv(parseEnv({ ...processEnvironment(), RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: resendUrl }));
    await db.update(emailDeliveries).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(emailDeliveries.id, emails[0]!.id));
    await deliverDueEmails({ transport, limit: 1000 });
    const [company] = await db.select().from(companies).where(eq(companies.id, co.companyId));
    const sent = seen.filter((s) => Array.isArray(s.body.to) && s.body.to[0] === company!.registrationEmail);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe("/emails");
    expect(sent[0]!.headers["idempotency-key"]).toBe(`connection_lost:${incidents[0]!.id}`);
    expect(sent[0]!.body.subject).toBe("AcmeSupportBot lost its connection");
    const html = String(sent[0]!.body.html);
    expect(html).toContain("paste the new token of @AcmeSupportBot");
    expect(html).toContain(`/settings/channels/${channelId}`);
    expect((await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, emails[0]!.id)))[0]).toMatchObject({ status: "sent", providerMessageId: expect.stringMatching(/^re_/) });
  });

  it("sends no second email when a channel flaps within the cooldown", async () => {
    const co = await seedTestCompany("Flappy");
    const channelId = co.telegram.channelId;
    await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError));
    await db.update(channelIncidents).set({ resolvedAt: new Date() }).where(eq(channelIncidents.channelId, channelId));
    const second = await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError));
    expect(second).toMatchObject({ opened: true, emailed: false });
    expect(await incidentsOf(channelId)).toHaveLength(2);
    expect(await emailsOf(co.companyId, "connection_lost")).toHaveLength(1);
  });

  it("lost again soon after the “connected again” email: a “lost again” email follows, so the newest email tells the truth", async () => {
    const co = await seedTestCompany("Flap Truth");
    const channelId = co.telegram.channelId;
    const latestEmail = async () => {
      const rows = await db
        .select({ kind: emailDeliveries.kind, subject: emailDeliveries.subject, nextAttemptAt: emailDeliveries.nextAttemptAt })
        .from(emailDeliveries)
        .where(eq(emailDeliveries.companyId, co.companyId));
      return rows.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime()).at(-1);
    };
    // Lost (email), reconnected (email "connected again"), lost again 40 s later: still down.
    await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError));
    await db.transaction((tx) => markChannelRestored(tx, channelId, "reconnected"));
    expect((await latestEmail())?.kind).toBe("connection_restored");
    const again = await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError));
    expect(again).toMatchObject({ opened: true, emailed: true });
    const last = await latestEmail();
    expect(last).toMatchObject({ kind: "connection_lost", subject: "AcmeSupportBot lost its connection again" });
    // It leaves after a short grace, so a flap that heals at once sends nothing.
    expect(last!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 60_000);

    // Repeated losses without a recovery in between stay one email.
    await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError));
    expect(await emailsOf(co.companyId, "connection_lost")).toHaveLength(2);

    // Healed within the grace: the "lost again" email is taken back and no "connected again" follows — the
    // newest email ("connected again") is true again.
    await db.transaction((tx) => markChannelRestored(tx, channelId, "recovered"));
    expect(await emailsOf(co.companyId, "connection_lost")).toHaveLength(1);
    expect(await emailsOf(co.companyId, "connection_restored")).toHaveLength(1);
    expect((await latestEmail())?.kind).toBe("connection_restored");

    // Lost again and not healed: the correcting email stays queued and goes out once its grace is over.
    await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError));
    expect((await latestEmail())?.subject).toBe("AcmeSupportBot lost its connection again");
    expect(await emailsOf(co.companyId, "connection_lost")).toHaveLength(2);
  });

  it("never opens an incident for 429, 5xx or an unreachable provider; the score decays", async () => {
    const co = await seedTestCompany("Rate limited");
    const channelId = co.telegram.channelId;
    for (let i = 0; i < 3; i++) {
      telegramFake.enqueue("getMe", 429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 5", parameters: { retry_after: 5 } });
      expect(await probeChannel(channelId)).toMatchObject({ outcome: "transient" });
    }
    telegramFake.enqueue("getMe", 502, { ok: false, error_code: 502, description: "Bad Gateway" });
    expect(await probeChannel(channelId)).toMatchObject({ outcome: "transient" });
    const row = await channelRow(channelId);
    expect(row.status).toBe("active");
    expect(row.errorScore).toBeGreaterThan(3.9);
    expect(await incidentsOf(channelId)).toHaveLength(0);
  });

  it("raises the shared-account warning when another program takes the webhook: on the second probe in a row", async () => {
    const co = await seedTestCompany("Shared bot");
    const channelId = co.telegram.channelId;
    const token = await tokenOf(channelId);
    telegramFake.webhooks.set(token, { url: "https://other-service.example/hook/abc", maxConnections: 40 });

    expect(await probeChannel(channelId)).toEqual({ outcome: "failing", failures: 1 });
    expect((await channelRow(channelId)).status).toBe("active");
    expect(await probeChannel(channelId)).toMatchObject({ outcome: "lost", opened: true, emailed: true });
    const row = await channelRow(channelId);
    expect(row).toMatchObject({ status: "disconnected", statusReason: "webhook_replaced" });
    // Only the other service's origin is kept: its path may hold its own secret.
    expect(row.providerError?.description).toContain("https://other-service.example");
    expect(row.providerError?.description).not.toContain("/hook/abc");
    const [incident] = await incidentsOf(channelId);
    expect(incident).toMatchObject({ detectedBy: "probe", reasonCode: "webhook_replaced" });
    const [email] = await emailsOf(co.companyId, "connection_lost");
    expect(email!.textBody).toContain("updates go to one service only");
  });

  it("reconnects a revoked bot only with a new token of the same bot, then delivers the held replies in order", async () => {
    const co = await seedTestCompany("Revoked");
    const channelId = co.telegram.channelId;
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const [conversation] = await db.query.conversations.findMany({ where: (c, { eq: e }) => e(c.channelId, channelId) });

    // The token is revoked: the first reply hits 401, the channel goes down, both replies wait.
    const oldToken = await tokenOf(channelId);
    // Revoked in BotFather: this bot's old token gets 401 from every method (other tests' bots are untouched).
    const newToken = telegramFake.revoke(oldToken);
    await operator.inbox.reply({ conversationId: conversation!.id, text: "first" });
    await operator.inbox.reply({ conversationId: conversation!.id, text: "second" });
    // Other tests' sends may be due too: a few passes until this one has been tried.
    for (let i = 0; i < 20 && (await channelRow(channelId)).status === "active"; i++) await deliverDueSends();
    expect((await channelRow(channelId)).status).toBe("disconnected");
    expect(await emailsOf(co.companyId, "connection_lost")).toHaveLength(1);

    // Revoked token: Reconnect asks for a new one.
    await expect(admin.channels.reconnect({ channelId })).rejects.toMatchObject({ message: "health.reconnect.tokenRevoked" });
    // Another bot's token is refused in words.
    await expect(admin.channels.reconnect({ channelId, token: "7999999999:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1" })).rejects.toMatchObject({ message: "health.reconnect.otherBot" });
    // An operator may not reconnect.
    await expect(operator.channels.reconnect({ channelId })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const before = Date.now();
    const result = await admin.channels.reconnect({ channelId, token: newToken });
    expect(result.status).toBe("active");
    const row = await channelRow(channelId);
    expect(row.status).toBe("active");
    expect(row.reconnectedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const creds = open<TelegramCredentials>(row.credentials);
    expect(creds.botToken).toBe(newToken);
    const hook = telegramFake.webhooks.get(newToken)!;
    expect(hook.url).toContain(`/api/webhooks/telegram/${channelId}`);
    expect(hook.secretToken).toBe(creds.webhookSecret);
    const setWebhook = telegramFake.calls.filter((c) => c.method === "setWebhook" && c.token === newToken).at(-1)!;
    expect(String(setWebhook.params.drop_pending_updates ?? "false")).toBe("false");

    const [incident] = await incidentsOf(channelId);
    expect(incident).toMatchObject({ resolution: "reconnected", resolvedBy: co.admin.id });
    expect(incident!.resolvedAt).not.toBeNull();
    expect(await emailsOf(co.companyId, "connection_restored")).toHaveLength(1);
    expect((await db.select().from(channelHistory).where(and(eq(channelHistory.channelId, channelId), eq(channelHistory.action, "reconnected")))).length).toBe(1);

    // The held replies go out with the new token, in the order they were written (paced at 1 message/s per chat).
    const sentWithNewToken = () => telegramFake.calls.filter((c) => c.method === "sendMessage" && c.token === newToken);
    for (let i = 0; i < 40 && sentWithNewToken().length < 2; i++) {
      await deliverDueSends();
      await new Promise((r) => setTimeout(r, 100));
    }
    const sentTexts = sentWithNewToken().map((c) => c.params.text);
    expect(sentTexts).toEqual(["first", "second"]);
    const outbound = await db.select({ status: messages.deliveryStatus }).from(messages).innerJoin(outboundSends, eq(outboundSends.messageId, messages.id)).where(eq(messages.conversationId, conversation!.id));
    expect(outbound.map((m) => m.status)).toEqual(["sent", "sent"]);
  });

  it("resolves the incident as recovered when a probe finds the connection working again", async () => {
    const co = await seedTestCompany("Self healing");
    const channelId = co.telegram.channelId;
    const token = await tokenOf(channelId);
    telegramFake.webhooks.delete(token);
    await probeChannel(channelId);
    await probeChannel(channelId);
    expect((await channelRow(channelId)).statusReason).toBe("webhook_removed");
    const webhookUrl = (await import("./channel-records")).webhookUrlFor("telegram", channelId);
    telegramFake.webhooks.set(token, { url: webhookUrl, maxConnections: 20 });
    expect(await probeChannel(channelId)).toEqual({ outcome: "healthy", restored: true });
    expect(await db.select().from(channelIncidents).where(and(eq(channelIncidents.channelId, channelId), isNull(channelIncidents.resolvedAt)))).toHaveLength(0);
    expect((await incidentsOf(channelId))[0]).toMatchObject({ resolution: "recovered" });
  });

  it("warns once when Telegram reports failing deliveries, without an incident", async () => {
    const co = await seedTestCompany("Webhook errors");
    const channelId = co.telegram.channelId;
    const token = await tokenOf(channelId);
    const webhookUrl = (await import("./channel-records")).webhookUrlFor("telegram", channelId);
    telegramFake.webhooks.set(token, { url: webhookUrl, maxConnections: 20 });
    const failing = { ok: true, result: { url: webhookUrl, has_custom_certificate: false, pending_update_count: 7, last_error_date: Math.floor(Date.now() / 1000) - 60, last_error_message: "Read timeout expired" } };
    telegramFake.enqueue("getWebhookInfo", 200, failing);
    expect(await probeChannel(channelId)).toEqual({ outcome: "warning", reason: "webhook_failing", emailed: true });
    telegramFake.enqueue("getWebhookInfo", 200, failing);
    expect(await probeChannel(channelId)).toEqual({ outcome: "warning", reason: "webhook_failing", emailed: false });
    expect(await emailsOf(co.companyId, "channel_warning")).toHaveLength(1);
    expect(await incidentsOf(channelId)).toHaveLength(0);
    expect(await probeChannel(channelId)).toEqual({ outcome: "healthy", restored: false });
    expect((await channelRow(channelId)).warningReason).toBeNull();
  });
});

describe("recovery after a reconnect", () => {
  it("counts the messages Telegram delivers from its queue once the webhook is back, and shows the outage on the timeline", async () => {
    const co = await seedTestCompany("Recovered");
    const channelId = co.telegram.channelId;
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError));
    const [incident] = await incidentsOf(channelId);
    await admin.channels.reconnect({ channelId });
    const { webhookSecret } = open<TelegramCredentials>((await channelRow(channelId)).credentials);

    // What customers wrote while the bot was down arrives now, with the times they wrote it.
    const during = Math.floor(incident!.openedAt.getTime() / 1000);
    for (const [i, text] of ["are you there?", "hello?"].entries()) {
      const res = await postTelegramUpdate(channelId, webhookSecret, {
        update_id: 900_000 + i,
        message: { message_id: 70 + i, date: during, chat: { id: 5550001, type: "private", first_name: "Queued" }, from: { id: 5550001, is_bot: false, first_name: "Queued" }, text },
      });
      expect(res.status).toBe(200);
    }
    // And one written after the reconnect, which is not "recovered".
    await postTelegramUpdate(channelId, webhookSecret, {
      update_id: 900_010,
      message: { message_id: 80, date: Math.floor(Date.now() / 1000) + 5, chat: { id: 5550001, type: "private", first_name: "Queued" }, from: { id: 5550001, is_bot: false, first_name: "Queued" }, text: "thanks" },
    });

    const health = await admin.channels.health({ channelId });
    expect(health.incidents).toHaveLength(1);
    expect(health.incidents[0]).toMatchObject({ resolution: "reconnected", recoveredCount: 2, reasonCode: "token_revoked" });
    const today = health.timeline.at(-1)!;
    expect(today.hours.disconnected).toBe(1);
    expect(health.timeline).toHaveLength(30);
    // Another company's admin cannot read it.
    const other = await seedTestCompany("Other");
    await expect(callerFor({ id: other.admin.id, companyId: other.companyId, role: "admin" }).channels.health({ channelId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the sandbox's Telegram fake breaks a bot as Telegram does", () => {
  it("revoked token → 401 everywhere and messages queue → reconnect with the new token → the queue arrives, counted as recovered", async () => {
    const { createServer: createHttpServer } = await import("node:http");
    const { handleTelegramWebhook } = await import("../../webhooks/telegram");
    // This app's webhook route, served over HTTP so the fake can post to it as Telegram would.
    const app = createHttpServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      req.on("end", async () => {
        const channelId = (req.url ?? "").split("/").pop() ?? "";
        const outcome = await handleTelegramWebhook(channelId, new Request(`http://app${req.url}`, { method: "POST", headers: req.headers as Record<string, string>, body: raw }));
        res.writeHead(outcome.response.status).end(await outcome.response.text());
        await outcome.after?.();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      const co = await seedTestCompany("Sandbox break");
      const channelId = co.telegram.channelId;
      const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
      const token = await tokenOf(channelId);
      const botId = token.split(":")[0]!;
      const point = (t: string, secret: string) =>
        fetch(`${telegramFake.url}/bot${t}/setWebhook`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: `${appUrl}/api/webhooks/telegram/${channelId}`, secret_token: secret }) });
      await point(token, co.telegram.webhookSecret);
      const update = (id: number, text: string) => ({ update_id: id, message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: 4242, type: "private", first_name: "Sandy" }, from: { id: 4242, is_bot: false, first_name: "Sandy" }, text } });
      expect(await telegramFake.deliver(botId, update(1_000_001, "before"))).toBe("delivered");

      const newToken = telegramFake.revoke(token);
      expect(newToken.split(":")[0]).toBe(botId);
      expect(newToken).not.toBe(token);
      expect(await telegramFake.deliver(botId, update(1_000_002, "while down 1"))).toBe("queued");
      expect(await telegramFake.deliver(botId, update(1_000_003, "while down 2"))).toBe("queued");

      // Two probes in a row see 401 on getMe: the loss is noticed, the company is told once.
      await probeChannel(channelId);
      expect(await probeChannel(channelId)).toMatchObject({ outcome: "lost", opened: true, emailed: true });
      expect((await channelRow(channelId)).statusReason).toBe("token_revoked");

      // The revoked token cannot reconnect; the new one of the same bot can.
      await expect(admin.channels.reconnect({ channelId })).rejects.toMatchObject({ message: "health.reconnect.tokenRevoked" });
      await admin.channels.reconnect({ channelId, token: newToken });
      // Reconnect registered APP_URL's webhook; point it at this test's server with the new secret, as the
      // deployed app would receive it, and Telegram delivers its queue in order.
      await point(newToken, open<TelegramCredentials>((await channelRow(channelId)).credentials).webhookSecret);
      for (let i = 0; i < 50 && (telegramFake.pending.get(botId)?.length ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(telegramFake.pending.get(botId)).toEqual([]);
      // Telegram has its 200s; the app stores what it acknowledged right after answering (outcome.after).
      await vi.waitFor(async () => {
        const texts = (await db.select({ text: messages.text }).from(messages).where(eq(messages.channelId, channelId)).orderBy(messages.createdAt)).map((m) => m.text);
        expect(texts.slice(-3)).toEqual(["before", "while down 1", "while down 2"]);
      }, { timeout: 10_000, interval: 100 });
    } finally {
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });

  it("another program taking the webhook sends new messages elsewhere", async () => {
    const co = await seedTestCompany("Taken");
    const token = await tokenOf(co.telegram.channelId);
    telegramFake.takeWebhook(token);
    expect(await telegramFake.deliver(token.split(":")[0]!, { update_id: 1 })).toBe("elsewhere");
    await probeChannel(co.telegram.channelId);
    expect(await probeChannel(co.telegram.channelId)).toMatchObject({ outcome: "lost" });
    expect((await channelRow(co.telegram.channelId)).statusReason).toBe("webhook_replaced");
  });
});

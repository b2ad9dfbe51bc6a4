import { randomBytes, randomInt } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../../../db";
import { channelHistory, channels, contacts, lines } from "../../../db/schema";
import { channelsRouter } from "../../api/routers/channels";
import { open } from "../../crypto/secret-box";
import { env } from "../../env.js";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { telegramFake, vkFake } from "../../testing/setup";
import { handleVkWebhook } from "../../webhooks/vk";
import { TELEGRAM_ALLOWED_UPDATES } from "../../channels/telegram/webhook";

/** A fresh bot token: a bot id no other test uses, so "connected once across all companies" holds between tests. */
const newToken = () => `${randomInt(100_000_000, 2_000_000_000)}:${randomBytes(18).toString("base64url")}`;
const botIdOf = (token: string) => token.split(":")[0]!;

async function company() {
  const seeded = await seedTestCompany();
  const admin = callerFor({ id: seeded.admin.id, companyId: seeded.companyId, role: "admin" });
  const operator = callerFor({ id: seeded.operators[0]!.id, companyId: seeded.companyId, role: "operator" });
  return { seeded, admin, operator };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; messageKey: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, messageKey: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

const history = (channelId: string) => db.select().from(channelHistory).where(eq(channelHistory.channelId, channelId));

afterEach(() => {
  telegramFake.reset();
  vkFake.reset();
});

describe("connect a Telegram bot (F6)", () => {
  it("names another program's webhook before connecting, and takes the bot's updates from it only when the admin confirms", async () => {
    const { admin } = await company();
    const token = newToken();
    telegramFake.bots.set(botIdOf(token), { firstName: "Shared Bot", username: "SharedBot" });
    telegramFake.takeWebhook(token);
    expect(await admin.channels.checkTelegramToken({ token })).toMatchObject({ webhookElsewhere: "another-program.example" });
    expect(await refusal(admin.channels.connectTelegram({ token, line: { kind: "new", name: "Shared" } }))).toMatchObject({
      code: "CONFLICT",
      messageKey: "channelsAdmin.error.telegramWebhookElsewhere",
    });
    expect(telegramFake.calls.some((c) => c.token === token && c.method === "setWebhook")).toBe(false);
    const result = await admin.channels.connectTelegram({ token, line: { kind: "new", name: "Shared" }, takeOver: true });
    expect(telegramFake.webhooks.get(token)?.url).toBe(`${env().APP_URL}/api/webhooks/telegram/${result.channelId}`);
  });

  it("checks the token, registers the webhook with a secret and our update types, verifies it, stores the channel active and sealed", async () => {
    const { seeded, admin } = await company();
    const token = newToken();
    telegramFake.bots.set(botIdOf(token), { firstName: "Kettle Help", username: "KettleHelpBot" });

    expect(await admin.channels.checkTelegramToken({ token })).toEqual({ botId: botIdOf(token), name: "Kettle Help", username: "KettleHelpBot", webhookElsewhere: null });
    const result = await admin.channels.connectTelegram({ token, line: { kind: "new", name: "Kettles" } });
    expect(result).toMatchObject({ name: "Kettle Help", username: "KettleHelpBot" });
    expect(JSON.stringify(result)).not.toContain(token);

    const setWebhook = telegramFake.calls.find((c) => c.token === token && c.method === "setWebhook")!;
    const webhookUrl = `${env().APP_URL}/api/webhooks/telegram/${result.channelId}`;
    expect(setWebhook.params).toMatchObject({ url: webhookUrl, max_connections: env().TELEGRAM_WEBHOOK_MAX_CONNECTIONS, drop_pending_updates: false });
    expect(setWebhook.params.allowed_updates).toEqual([...TELEGRAM_ALLOWED_UPDATES]);
    const secret = setWebhook.params.secret_token as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(telegramFake.webhooks.get(token)).toMatchObject({ url: webhookUrl, secretToken: secret });
    expect(telegramFake.calls.filter((c) => c.token === token).map((c) => c.method)).toEqual(["getMe", "getWebhookInfo", "getMe", "getWebhookInfo", "setWebhook", "getWebhookInfo"]);

    const [row] = await db.select().from(channels).where(eq(channels.id, result.channelId));
    expect(row).toMatchObject({ companyId: seeded.companyId, provider: "telegram", externalId: botIdOf(token), status: "active", settings: { username: "KettleHelpBot", botName: "Kettle Help" } });
    expect(row!.credentials).not.toContain(token);
    expect(open(row!.credentials)).toEqual({ botToken: token, webhookSecret: secret });
    const [line] = await db.select().from(lines).where(eq(lines.id, row!.lineId!));
    expect(line).toMatchObject({ companyId: seeded.companyId, name: "Kettles" });

    const details = await admin.channels.details({ channelId: result.channelId });
    expect(details).toMatchObject({ clientName: "Telegram: Kettle Help", username: "KettleHelpBot", webhookUrl, status: "active", line: { name: "Kettles" } });
    expect(JSON.stringify(details)).not.toContain(token);
    expect(details.history.map((h) => h.action)).toEqual(["connected"]);
  });

  it("refuses a sixth bot, a second bot on one line, the same bot twice and in another company, each in words", async () => {
    const { seeded, admin } = await company();
    // The seeded company has two bots (Sales, Support): three more reach the limit of 5.
    for (let i = 0; i < 3; i++) await admin.channels.connectTelegram({ token: newToken(), line: { kind: "new", name: `Line ${i}` } });
    const sixth = newToken();
    expect(await refusal(admin.channels.checkTelegramToken({ token: sixth }))).toEqual({ code: "PRECONDITION_FAILED", messageKey: "channelsAdmin.error.telegramLimit" });
    expect(await refusal(admin.channels.connectTelegram({ token: sixth, line: { kind: "new", name: "Line 6" } }))).toMatchObject({ messageKey: "channelsAdmin.error.telegramLimit" });
    expect(telegramFake.calls.filter((c) => c.token === sixth && c.method === "setWebhook")).toHaveLength(0);

    const other = await company();
    const [sales] = await db.select().from(lines).where(and(eq(lines.companyId, other.seeded.companyId), eq(lines.name, "Sales")));
    const second = newToken();
    expect(await refusal(other.admin.channels.connectTelegram({ token: second, line: { kind: "existing", lineId: sales!.id } }))).toEqual({ code: "CONFLICT", messageKey: "channelsAdmin.error.telegramLineTaken" });

    const connected = await other.admin.channels.connectTelegram({ token: second, line: { kind: "new", name: "Second" } });
    expect(await refusal(other.admin.channels.connectTelegram({ token: second, line: { kind: "new", name: "Again" } }))).toMatchObject({ messageKey: "channelsAdmin.error.telegramBotAlreadyHere" });
    // Company one (at its limit) is told about the limit or the other company; a third company only that it is taken elsewhere.
    const third = await company();
    const before = telegramFake.webhooks.get(second);
    expect(await refusal(third.admin.channels.connectTelegram({ token: second, line: { kind: "new", name: "Stolen" } }))).toEqual({ code: "CONFLICT", messageKey: "channelsAdmin.error.telegramBotElsewhere" });
    // The other company's webhook was not touched.
    expect(telegramFake.webhooks.get(second)).toEqual(before);
    expect(before?.url).toContain(connected.channelId);
    expect(seeded.companyId).not.toBe(third.seeded.companyId);
  });

  it("a revoked, malformed or unreachable token is refused in words and never stored", async () => {
    const { admin } = await company();
    const revoked = newToken();
    telegramFake.enqueue("getMe", 401, { ok: false, error_code: 401, description: "Unauthorized" });
    expect(await refusal(admin.channels.connectTelegram({ token: revoked, line: { kind: "new", name: "R" } }))).toEqual({ code: "PRECONDITION_FAILED", messageKey: "channelsAdmin.error.telegramTokenRevoked" });
    expect(await refusal(admin.channels.checkTelegramToken({ token: "not a token" }))).toEqual({ code: "BAD_REQUEST", messageKey: "channelsAdmin.error.telegramTokenMalformed" });
    telegramFake.enqueue("getMe", 502, "bad gateway");
    expect(await refusal(admin.channels.checkTelegramToken({ token: newToken() }))).toEqual({ code: "SERVICE_UNAVAILABLE", messageKey: "channelsAdmin.error.telegramUnreachable" });
    expect(await db.select().from(channels).where(eq(channels.externalId, botIdOf(revoked)))).toHaveLength(0);
  });
});

describe("stop, start, rename, move, disconnect, delete", () => {
  it("stop hides the channel; start verifies getMe + getWebhookInfo and refuses in words when the webhook is someone else's", async () => {
    const { admin } = await company();
    const token = newToken();
    const { channelId } = await admin.channels.connectTelegram({ token, line: { kind: "new", name: "Stoppable" } });

    await admin.channels.stop({ channelId });
    expect((await admin.channels.list({ includeStopped: false })).some((c) => c.id === channelId)).toBe(false);
    expect((await admin.channels.list({ includeStopped: true })).find((c) => c.id === channelId)).toMatchObject({ status: "stopped", statusReason: "stopped_by_admin" });

    // Another program took the webhook: Start refuses and the channel stays stopped.
    telegramFake.webhooks.set(token, { url: "https://elsewhere.example/hook", maxConnections: 40 });
    expect(await refusal(admin.channels.start({ channelId }))).toEqual({ code: "PRECONDITION_FAILED", messageKey: "reason.webhook_replaced" });
    expect((await admin.channels.details({ channelId })).status).toBe("stopped");

    // Revoked token: refused too.
    telegramFake.enqueue("getMe", 401, { ok: false, error_code: 401, description: "Unauthorized" });
    expect(await refusal(admin.channels.start({ channelId }))).toMatchObject({ messageKey: "reason.token_revoked" });

    // Our webhook back: started.
    telegramFake.calls.length = 0;
    telegramFake.webhooks.set(token, { url: `${env().APP_URL}/api/webhooks/telegram/${channelId}`, maxConnections: 20 });
    expect(await admin.channels.start({ channelId })).toMatchObject({ status: "active" });
    expect(telegramFake.calls.filter((c) => c.token === token).map((c) => c.method)).toEqual(["getMe", "getWebhookInfo"]);
    const details = await admin.channels.details({ channelId });
    expect(details.status).toBe("active");
    expect(details.history.map((h) => h.action)).toEqual(["started", "start_refused", "start_refused", "stopped", "connected"]);
    expect(details.history[1]!.detail).toEqual({ reason: "token_revoked" });
    expect(await refusal(admin.channels.start({ channelId }))).toMatchObject({ messageKey: "channelsAdmin.error.notStopped" });
  });

  it("rename and move (one bot per line) are recorded", async () => {
    const { seeded, admin } = await company();
    const { channelId } = await admin.channels.connectTelegram({ token: newToken(), line: { kind: "new", name: "From" } });
    await admin.channels.rename({ channelId, name: "  Kettle desk  " });
    expect(await refusal(admin.channels.rename({ channelId, name: "   " }))).toMatchObject({ messageKey: "channelsAdmin.error.nameInvalid" });

    const [sales] = await db.select().from(lines).where(and(eq(lines.companyId, seeded.companyId), eq(lines.name, "Sales")));
    expect(await refusal(admin.channels.move({ channelId, lineId: sales!.id }))).toEqual({ code: "CONFLICT", messageKey: "channelsAdmin.error.telegramLineTaken" });
    const [to] = await db.insert(lines).values({ companyId: seeded.companyId, name: "To" }).returning();
    await admin.channels.move({ channelId, lineId: to!.id });

    const details = await admin.channels.details({ channelId });
    expect(details).toMatchObject({ name: "Kettle desk", line: { id: to!.id, name: "To" } });
    expect(details.history.slice(0, 2).map((h) => [h.action, h.detail])).toEqual([
      ["moved", { from: "From", to: "To" }],
      ["renamed", { from: "Acme Support", to: "Kettle desk" }],
    ]);
    expect(details.history[0]!.actorName).toBe("Alex Admin");
  });

  it("disconnect removes the webhook without dropping pending updates and keeps the history; Start registers it again", async () => {
    const { admin } = await company();
    const token = newToken();
    const { channelId } = await admin.channels.connectTelegram({ token, line: { kind: "new", name: "Disc" } });
    const firstSecret = telegramFake.webhooks.get(token)!.secretToken;

    expect(await admin.channels.disconnect({ channelId })).toEqual({ status: "stopped", webhookRemoved: true });
    const call = telegramFake.calls.find((c) => c.token === token && c.method === "deleteWebhook")!;
    expect(call.params.drop_pending_updates).toBe(false);
    expect(telegramFake.webhooks.has(token)).toBe(false);
    const details = await admin.channels.details({ channelId });
    expect(details).toMatchObject({ status: "stopped", statusReason: "disconnected_by_admin" });
    expect(details.history.map((h) => h.action)).toEqual(["disconnected", "connected"]);

    await admin.channels.start({ channelId });
    const hook = telegramFake.webhooks.get(token)!;
    expect(hook.url).toBe(`${env().APP_URL}/api/webhooks/telegram/${channelId}`);
    expect(hook.secretToken).not.toBe(firstSecret);
    const [row] = await db.select().from(channels).where(eq(channels.id, channelId));
    expect(open<{ webhookSecret: string }>(row!.credentials).webhookSecret).toBe(hook.secretToken);
  });

  it("delete removes the channel with its contacts and history, and its webhook", async () => {
    const { seeded, admin } = await company();
    const token = newToken();
    const { channelId } = await admin.channels.connectTelegram({ token, line: { kind: "new", name: "Del" } });
    await db.insert(contacts).values({ companyId: seeded.companyId, channelId, externalId: "42", displayName: "Ivan" });
    expect((await admin.channels.details({ channelId })).counts).toEqual({ contacts: 1, conversations: 0, messages: 0 });
    await admin.channels.delete({ channelId });
    expect(await db.select().from(channels).where(eq(channels.id, channelId))).toHaveLength(0);
    expect(await db.select().from(contacts).where(eq(contacts.channelId, channelId))).toHaveLength(0);
    expect(await history(channelId)).toHaveLength(0);
    expect(telegramFake.calls.some((c) => c.token === token && c.method === "deleteWebhook")).toBe(true);
    // The bot can be connected again.
    await admin.channels.connectTelegram({ token, line: { kind: "new", name: "Del again" } });
  });
});

describe("connect a VK community (F8)", () => {
  it("names the missing rights, then connects, waits for the confirmation and turns active when it arrives", async () => {
    const { seeded, admin } = await company();
    const groupId = randomInt(300_000_000, 900_000_000);
    const accessToken = `vk1.a.${randomBytes(20).toString("hex")}`;
    vkFake.communities.set(accessToken, { id: groupId, name: "Kettle Club", screenName: "kettle_club" });
    vkFake.tokenRights.set(accessToken, ["messages"]);
    const input = { communityId: `club${groupId}`, confirmationCode: "c0nf1rm", accessToken, secret: "Secret123", line: { kind: "new" as const, name: "VK line" } };

    expect(await admin.channels.connectVk(input)).toEqual({ status: "missing_rights", missing: ["photos", "docs"] });
    expect(await db.select().from(channels).where(eq(channels.externalId, String(groupId)))).toHaveLength(0);

    vkFake.tokenRights.set(accessToken, ["messages", "photos", "docs"]);
    const result = await admin.channels.connectVk(input);
    if (result.status !== "connected") throw new Error("expected connected");
    expect(result.webhookUrl).toBe(`${env().APP_URL}/api/webhooks/vk/${result.channelId}`);
    expect(JSON.stringify(result)).not.toContain(accessToken);
    let details = await admin.channels.details({ channelId: result.channelId });
    expect(details).toMatchObject({ name: "Kettle Club", username: "kettle_club", status: "stopped", statusReason: "awaiting_confirmation", vkConfirmedAt: null });

    // A second connection of the same community is refused, here and elsewhere.
    expect(await refusal(admin.channels.connectVk(input))).toMatchObject({ messageKey: "channelsAdmin.error.vkAlreadyHere" });
    expect(await refusal((await company()).admin.channels.connectVk(input))).toMatchObject({ messageKey: "channelsAdmin.error.vkElsewhere" });

    // VK's confirmation request (the admin pressed "Confirm").
    const response = await handleVkWebhook(
      result.channelId,
      new Request(`http://localhost/api/webhooks/vk/${result.channelId}`, { method: "POST", body: JSON.stringify({ type: "confirmation", group_id: groupId, secret: "Secret123" }) }),
    );
    expect(await response.response.text()).toBe("c0nf1rm");
    await response.settle?.();
    details = await admin.channels.details({ channelId: result.channelId });
    expect(details.status).toBe("active");
    expect(details.vkConfirmedAt).toBeInstanceOf(Date);
    expect(details.history.map((h) => h.action)).toEqual(["vk_confirmed", "connected"]);
    const [row] = await db.select().from(channels).where(eq(channels.id, result.channelId));
    expect(row!.companyId).toBe(seeded.companyId);
    expect(open(row!.credentials)).toEqual({ accessToken, secret: "Secret123" });
  });

  it("a confirmation string VK does not accept is said in words, never shown as confirmed; Reconnect is offered", async () => {
    const { admin } = await company();
    const groupId = randomInt(300_000_000, 900_000_000);
    const accessToken = `vk1.a.${randomBytes(20).toString("hex")}`;
    vkFake.communities.set(accessToken, { id: groupId, name: "Typo Club", screenName: "typo_club" });
    const result = await admin.channels.connectVk({ communityId: String(groupId), confirmationCode: "typo", accessToken, secret: "Secret123", line: { kind: "new", name: "VK typo" } });
    if (result.status !== "connected") throw new Error("expected connected");
    // The admin added the server in VK and pressed "Confirm": VK got "typo", expected another string, and marked it failed.
    vkFake.callbackServers.push({ id: 9001, title: "Switchboard", creator_id: 1, url: result.webhookUrl, secret_key: "Secret123", status: "failed", group_id: groupId });
    const outcome = await handleVkWebhook(
      result.channelId,
      new Request(result.webhookUrl, { method: "POST", body: JSON.stringify({ type: "confirmation", group_id: groupId, secret: "Secret123" }) }),
    );
    expect(await outcome.response.text()).toBe("typo");
    await outcome.settle?.();
    const details = await admin.channels.details({ channelId: result.channelId });
    expect(details).toMatchObject({ status: "disconnected", statusReason: "vk_confirmation_rejected", vkConfirmedAt: null });
    expect(details.history.map((h) => h.action)).not.toContain("vk_confirmed");
    vkFake.callbackServers.splice(0, vkFake.callbackServers.length);
  });

  it("a key of another community, or one VK rejects, is refused in words", async () => {
    const { admin } = await company();
    const accessToken = `vk1.a.${randomBytes(20).toString("hex")}`;
    vkFake.communities.set(accessToken, { id: 111, name: "Other", screenName: "other" });
    const input = { communityId: "222", confirmationCode: "x", accessToken, secret: "s", line: { kind: "new" as const, name: "V" } };
    expect(await refusal(admin.channels.connectVk(input))).toMatchObject({ messageKey: "channelsAdmin.error.vkTokenOtherCommunity" });
    vkFake.enqueue("groups.getById", { error: { error_code: 5, error_msg: "User authorization failed: invalid access_token (4)." } });
    expect(await refusal(admin.channels.connectVk({ ...input, communityId: "111" }))).toMatchObject({ messageKey: "channelsAdmin.error.vkTokenInvalid" });
    expect(await refusal(admin.channels.connectVk({ ...input, communityId: "abc" }))).toMatchObject({ messageKey: "channelsAdmin.error.vkCommunityIdInvalid" });
  });

  it("Start of a VK community verifies the key and our callback server", async () => {
    const { admin } = await company();
    const groupId = randomInt(300_000_000, 900_000_000);
    const accessToken = `vk1.a.${randomBytes(20).toString("hex")}`;
    vkFake.communities.set(accessToken, { id: groupId, name: "Start Club", screenName: "start_club" });
    const result = await admin.channels.connectVk({ communityId: String(groupId), confirmationCode: "c", accessToken, secret: "S1", line: { kind: "new", name: "VK start" } });
    if (result.status !== "connected") throw new Error("expected connected");
    expect(await refusal(admin.channels.start({ channelId: result.channelId }))).toMatchObject({ messageKey: "reason.callback_missing" });
    vkFake.callbackServers.push({ id: 1, title: "Switchboard", creator_id: 1, url: result.webhookUrl, secret_key: "S1", status: "ok" });
    expect(await admin.channels.start({ channelId: result.channelId })).toMatchObject({ status: "active" });
  });
});

describe("contacts of a channel (F7 ban)", () => {
  it("lists with search and pages; ban and unban are recorded", async () => {
    const { seeded, admin } = await company();
    const channelId = seeded.telegram.channelId;
    await db.insert(contacts).values(
      Array.from({ length: 23 }, (_, i) => ({ companyId: seeded.companyId, channelId, externalId: `9${i}`, displayName: `Customer ${i}`, username: i === 7 ? "kettle_fan" : null })),
    );
    const first = await admin.channels.contacts({ channelId, page: 1 });
    expect(first).toMatchObject({ total: 24, pageSize: 20 });
    expect(first.items).toHaveLength(20);
    expect((await admin.channels.contacts({ channelId, page: 2 })).items).toHaveLength(4);
    const found = await admin.channels.contacts({ channelId, search: "KETTLE", page: 1 });
    expect(found.items.map((c) => c.displayName)).toEqual(["Customer 7"]);
    expect((await admin.channels.contacts({ channelId, search: "100%", page: 1 })).total).toBe(0);

    const contactId = found.items[0]!.id;
    await admin.channels.banContact({ contactId });
    expect((await admin.channels.contacts({ channelId, search: "kettle", page: 1 })).items[0]!.bannedAt).toBeInstanceOf(Date);
    await admin.channels.unbanContact({ contactId });
    expect((await admin.channels.contacts({ channelId, search: "kettle", page: 1 })).items[0]!.bannedAt).toBeNull();
    expect((await admin.channels.details({ channelId })).history.slice(0, 2).map((h) => [h.action, h.detail])).toEqual([
      ["contact_unbanned", { contact: "Customer 7" }],
      ["contact_banned", { contact: "Customer 7" }],
    ]);
  });
});

describe("every channels procedure is for admins of the channel's own company", () => {
  const procedures = Object.keys(channelsRouter._def.procedures);
  // A plausible input for each, pointing at the *other* company's records; procedures added later take a channel id.
  const inputFor = (name: string, theirs: { channelId: string; lineId: string; contactId: string }) =>
    ({
      list: { includeStopped: true },
      details: { channelId: theirs.channelId },
      checkTelegramToken: { token: newToken() },
      connectTelegram: { token: newToken(), line: { kind: "existing", lineId: theirs.lineId } },
      connectVk: { communityId: "1", confirmationCode: "c", accessToken: "t", secret: "s", line: { kind: "existing", lineId: theirs.lineId } },
      stop: { channelId: theirs.channelId },
      start: { channelId: theirs.channelId },
      rename: { channelId: theirs.channelId, name: "Mine now" },
      move: { channelId: theirs.channelId, lineId: theirs.lineId },
      disconnect: { channelId: theirs.channelId },
      delete: { channelId: theirs.channelId },
      contacts: { channelId: theirs.channelId, page: 1 },
      banContact: { contactId: theirs.contactId },
      unbanContact: { contactId: theirs.contactId },
    })[name] ?? { channelId: theirs.channelId };

  it("operators are refused every admin procedure", async () => {
    const { seeded, operator } = await company();
    const ids = { channelId: seeded.telegram.channelId, lineId: seeded.lineIds[0]!, contactId: "00000000-0000-4000-8000-000000000000" };
    for (const name of procedures) {
      if (name === "needsAttention") {
        expect(await operator.channels.needsAttention()).toEqual([]);
        continue;
      }
      const call = (operator.channels as unknown as Record<string, (input: unknown) => Promise<unknown>>)[name]!;
      expect(await refusal(call(inputFor(name, ids))), name).toMatchObject({ code: "FORBIDDEN" });
    }
  });

  it("another company's channel, line and contact ids are not found, and nothing of theirs changes", async () => {
    const theirs = await company();
    const [contact] = await db.insert(contacts).values({ companyId: theirs.seeded.companyId, channelId: theirs.seeded.telegram.channelId, externalId: "777", displayName: "Theirs" }).returning();
    const ids = { channelId: theirs.seeded.telegram.channelId, lineId: theirs.seeded.lineIds[1]!, contactId: contact!.id };
    const { admin } = await company();
    const untouched = ["list", "needsAttention", "lineChoices", "checkTelegramToken"];
    for (const name of procedures.filter((p) => !untouched.includes(p))) {
      const call = (admin.channels as unknown as Record<string, (input: unknown) => Promise<unknown>>)[name]!;
      expect(await refusal(call(inputFor(name, ids))), name).toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await admin.channels.list({ includeStopped: true })).some((c) => c.id === ids.channelId)).toBe(false);
    expect((await admin.channels.lineChoices()).lines.some((l) => l.id === ids.lineId)).toBe(false);
    const [row] = await db.select().from(channels).where(eq(channels.id, ids.channelId));
    expect(row).toMatchObject({ status: "active", name: "AcmeSupportBot", lineId: theirs.seeded.lineIds[0] });
    const [c] = await db.select().from(contacts).where(eq(contacts.id, contact!.id));
    expect(c!.bannedAt).toBeNull();
  });
});

import { randomBytes, randomInt } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, inject, it } from "vitest";
import { databaseClient, db } from "../../../db";
import { channelIncidents, channels, emailDeliveries, inboundEvents, messages } from "../../../db/schema";
import type { VkCredentials } from "../../channels/vk/credentials";
import { open } from "../../crypto/secret-box";
import { env } from "../../env.js";
import type { VkFakeMessage } from "../../sandbox/vk-fake";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { vkFake } from "../../testing/setup";
import { handleVkWebhook } from "../../webhooks/vk";
import { webhookUrlFor } from "./channel-records";
import { createBoss } from "../../jobs/boss";
import { startHistoryRecoveries } from "../../jobs/history-recoveries";
import { runHistoryRecovery, unfinishedHistoryRecoveries } from "./history-recovery";
import { markChannelDisconnected } from "./mark-channel-disconnected";

const HOUR = 3600;
const nowSec = () => Math.floor(Date.now() / 1000);

/** VK's requests to our webhook URL go to the webhook handler in-process, as the deployed app would get them. */
function routeVkToWebhook() {
  vkFake.postCallback = async (url, body) => {
    const channelId = url.split("/").pop() ?? "";
    const outcome = await handleVkWebhook(channelId, new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body }));
    await outcome.after?.();
    return { status: outcome.response.status, text: await outcome.response.text() };
  };
}

async function postVk(channelId: string, body: Record<string, unknown>) {
  const outcome = await handleVkWebhook(channelId, new Request(webhookUrlFor("vk", channelId), { method: "POST", body: JSON.stringify(body) }));
  await outcome.after?.();
  await outcome.settle?.();
  return outcome.response;
}

/** A company with a VK community connected, confirmed once, then lost (VK switched our server off). */
async function lostVkCommunity(opts: { openedHoursAgo?: number } = {}) {
  const co = await seedTestCompany("VK reconnect");
  const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
  const groupId = randomInt(300_000_000, 900_000_000);
  const accessToken = `vk1.a.${randomBytes(20).toString("hex")}`;
  const secret = `S${randomBytes(8).toString("hex")}`;
  vkFake.communities.set(accessToken, { id: groupId, name: "Kettle Club", screenName: "kettle_club" });
  const connected = await admin.channels.connectVk({ communityId: String(groupId), confirmationCode: "ui-code", accessToken, secret, line: { kind: "new", name: "VK line" } });
  if (connected.status !== "connected") throw new Error("expected connected");
  const channelId = connected.channelId;
  expect(await (await postVk(channelId, { type: "confirmation", group_id: groupId, secret })).text()).toBe("ui-code");
  await db.transaction((tx) =>
    markChannelDisconnected(tx, channelId, { class: "connection_lost", reason: "callback_failed", providerError: { description: "callback server 1 has status failed" } }, "probe"),
  );
  if (opts.openedHoursAgo) {
    await db
      .update(channelIncidents)
      .set({ openedAt: new Date(Date.now() - opts.openedHoursAgo * HOUR * 1000) })
      .where(eq(channelIncidents.channelId, channelId));
  }
  return { co, admin, channelId, groupId, accessToken, secret, webhookUrl: connected.webhookUrl };
}

const channelRow = async (id: string) => (await db.select().from(channels).where(eq(channels.id, id)))[0]!;
const callsOf = (token: string, method: string) => vkFake.calls.filter((c) => c.token === token && c.method === method);
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code?: string }).code, messageKey: (error as { message?: string }).message };
  }
  throw new Error("expected a refusal");
}

afterEach(() => vkFake.reset());

/** The history recovery a VK reconnect queued. */
const recoveryIdOf = (result: object): string => {
  if (!("recoveryId" in result) || typeof result.recoveryId !== "string") throw new Error("expected a queued recovery");
  return result.recoveryId;
};

describe("VK Reconnect (F2, F8)", () => {
  it("adds our callback server when it is missing, has VK confirm it through our webhook, switches its events on, with a replaced secret", async () => {
    const vk = await lostVkCommunity();
    routeVkToWebhook();
    vkFake.confirmationCodes.set(vk.groupId, "api0code");

    const result = await vk.admin.channels.reconnect({ channelId: vk.channelId, secret: "Fresh2Secret" });
    expect(result).toMatchObject({ status: "active", recoveryId: expect.any(String) });
    expect(JSON.stringify(result)).not.toContain(vk.accessToken);
    expect(JSON.stringify(result)).not.toContain("Fresh2Secret");

    const [added] = callsOf(vk.accessToken, "groups.addCallbackServer");
    expect(added?.params).toMatchObject({ group_id: String(vk.groupId), url: vk.webhookUrl, title: "Switchboard", secret_key: "Fresh2Secret" });
    const server = vkFake.callbackServers.find((s) => s.url === vk.webhookUrl);
    expect(server).toMatchObject({ status: "ok", secret_key: "Fresh2Secret", group_id: vk.groupId });
    expect(vkFake.callbackSettings.get(server!.id)).toEqual({
      api_version: env().VK_API_VERSION,
      message_new: "1",
      message_reply: "1",
      message_edit: "1",
      message_allow: "1",
      message_deny: "1",
      group_leave: "1",
      message_event: "1",
    });

    const row = await channelRow(vk.channelId);
    expect(row).toMatchObject({ status: "active", statusReason: null });
    expect(row.reconnectedAt).toBeInstanceOf(Date);
    // Our webhook answered VK with the API's code, stored before the server was added.
    expect(row.settings.vkConfirmationCode).toBe("api0code");
    expect(open<VkCredentials>(row.credentials)).toEqual({ accessToken: vk.accessToken, secret: "Fresh2Secret" });
    const [incident] = await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, vk.channelId));
    expect(incident).toMatchObject({ resolution: "reconnected", recoveredCount: 0 });
    expect(incident!.resolvedAt).toBeInstanceOf(Date);
  });

  it("re-saves a server VK switched off (failed), which VK confirms again; a healthy one is only checked", async () => {
    const vk = await lostVkCommunity();
    routeVkToWebhook();
    vkFake.callbackServers.push(
      { id: 41, title: "Other bot", creator_id: 1, url: "https://elsewhere.example.com/vk", secret_key: "x", status: "ok", group_id: vk.groupId },
      { id: 42, title: "Switchboard", creator_id: 1, url: vk.webhookUrl, secret_key: vk.secret, status: "failed", group_id: vk.groupId },
    );

    await vk.admin.channels.reconnect({ channelId: vk.channelId });
    expect(callsOf(vk.accessToken, "groups.addCallbackServer")).toHaveLength(0);
    expect(callsOf(vk.accessToken, "groups.editCallbackServer").map((c) => c.params)).toEqual([
      expect.objectContaining({ server_id: "42", url: vk.webhookUrl, title: "Switchboard", secret_key: vk.secret }),
    ]);
    expect(vkFake.callbackServers.find((s) => s.id === 42)?.status).toBe("ok");
    expect((await channelRow(vk.channelId)).status).toBe("active");

    // Again, with everything working: nothing is re-saved.
    vkFake.calls.length = 0;
    await vk.admin.channels.reconnect({ channelId: vk.channelId });
    expect(callsOf(vk.accessToken, "groups.editCallbackServer")).toHaveLength(0);
    expect(callsOf(vk.accessToken, "groups.getCallbackServers")).toHaveLength(1);
  });

  it("refuses in words: a key of another community, a key VK rejects, missing rights, 10 servers, a failed confirmation, VK down", async () => {
    const vk = await lostVkCommunity();
    routeVkToWebhook();
    const otherToken = `vk1.a.${randomBytes(20).toString("hex")}`;
    vkFake.communities.set(otherToken, { id: vk.groupId + 1, name: "Other", screenName: "other" });
    const reconnect = (extra: Record<string, string> = {}) => refusal(vk.admin.channels.reconnect({ channelId: vk.channelId, ...extra }));

    expect(await reconnect({ accessToken: otherToken })).toMatchObject({ code: "PRECONDITION_FAILED", messageKey: "health.reconnect.vkOtherCommunity" });
    // The refused key was not kept.
    expect(open<VkCredentials>((await channelRow(vk.channelId)).credentials).accessToken).toBe(vk.accessToken);

    vkFake.enqueue("groups.getById", { error: { error_code: 5, error_msg: "User authorization failed: invalid access_token (4)." } });
    expect(await reconnect()).toMatchObject({ messageKey: "health.reconnect.vkTokenInvalid" });

    vkFake.tokenRights.set(vk.accessToken, ["messages"]);
    expect(await reconnect()).toMatchObject({ messageKey: "health.reconnect.vkMissingRights" });
    vkFake.tokenRights.delete(vk.accessToken);

    expect(await reconnect({ secret: "not a secret!" })).toMatchObject({ code: "BAD_REQUEST", messageKey: "health.reconnect.vkSecretInvalid" });

    for (let i = 0; i < 10; i++) {
      vkFake.callbackServers.push({ id: 100 + i, title: `s${i}`, creator_id: 1, url: `https://elsewhere.example.com/${i}`, secret_key: "", status: "ok", group_id: vk.groupId });
    }
    expect(await reconnect()).toMatchObject({ messageKey: "health.reconnect.vkServerLimit" });
    vkFake.callbackServers.length = 0;

    // Our webhook answers VK with a code VK does not expect: VK marks the server failed.
    vkFake.postCallback = async () => ({ status: 200, text: "wrong" });
    expect(await reconnect()).toMatchObject({ messageKey: "health.reconnect.vkNotConfirmed" });

    vkFake.enqueue("groups.getById", "<html>Bad Gateway</html>", 502);
    expect(await reconnect()).toMatchObject({ code: "SERVICE_UNAVAILABLE", messageKey: "health.reconnect.vkUnreachable" });

    const row = await channelRow(vk.channelId);
    expect(row.status).toBe("disconnected");
  });

  it("operators cannot reconnect", async () => {
    const vk = await lostVkCommunity();
    const operator = callerFor({ id: vk.co.operators[0]!.id, companyId: vk.co.companyId, role: "operator" });
    vkFake.calls.length = 0;
    await expect(operator.channels.reconnect({ channelId: vk.channelId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(vkFake.calls).toHaveLength(0);
  });
});

describe("VK Reconnect recovers what was missed (F8, F13, seed 003)", () => {
  it("brings the last 24 hours' customer messages into the line once, counts them, and ignores older and outgoing ones", async () => {
    // Lost 30 hours ago: only the last 24 hours come back.
    const vk = await lostVkCommunity({ openedHoursAgo: 30 });
    routeVkToWebhook();
    const now = nowSec();
    const [anna, boris, old] = [5_000_001, 5_000_002, 5_000_003];
    const msg = (peer: number, cmid: number, date: number, text: string, out: 0 | 1 = 0): VkFakeMessage => ({
      id: peer * 10 + cmid,
      date,
      peer_id: peer,
      from_id: out ? -vk.groupId : peer,
      text,
      out,
      conversation_message_id: cmid,
    });
    const history = [
      msg(anna, 1, now - 25 * HOUR, "older than a day"),
      msg(anna, 2, now - 23 * HOUR, "anna: where is my order?"),
      msg(anna, 3, now - 22 * HOUR, "We will check", 1),
      msg(anna, 4, now - 1 * HOUR, "anna: any news?"),
      msg(boris, 1, now - 20 * 60, "boris: hello"),
      msg(old, 1, now - 40 * HOUR, "a conversation untouched for days"),
    ];
    vkFake.history.set(vk.groupId, history);

    // One of them reached us by a Callback before the reconnect.
    const live = (m: VkFakeMessage, eventId: string) =>
      postVk(vk.channelId, { type: "message_new", event_id: eventId, v: env().VK_API_VERSION, group_id: vk.groupId, secret: vk.secret, object: { message: m, client_info: { lang_id: 0 } } });
    expect(await (await live(history[3]!, "e0a1b2c3d4")).text()).toBe("ok");

    // The reconnect answers at once: the recovery is a queued job, nothing read from VK's history yet.
    const result = await vk.admin.channels.reconnect({ channelId: vk.channelId });
    expect(result).toMatchObject({ status: "active", recoveryId: expect.any(String) });
    expect(callsOf(vk.accessToken, "messages.getHistory")).toHaveLength(0);
    expect(await vk.admin.channels.recovery({ channelId: vk.channelId })).toMatchObject({ status: "queued", found: null, recoveredCount: 0 });
    expect(await runHistoryRecovery(recoveryIdOf(result), { db })).toEqual({ status: "done", recoveredCount: 2 });
    expect(await vk.admin.channels.recovery({ channelId: vk.channelId })).toMatchObject({ status: "done", found: 3, processed: 3, recoveredCount: 2 });
    // The incident's "connected again" email waited for the count, and says it.
    const restoredEmails = await db.select().from(emailDeliveries).where(and(eq(emailDeliveries.companyId, vk.co.companyId), eq(emailDeliveries.kind, "connection_restored")));
    expect(restoredEmails).toHaveLength(1);
    expect(restoredEmails[0]!.textBody).toContain("2 messages recovered");

    // A late Callback retry of a recovered message is not stored again.
    expect(await (await live(history[4]!, "f9e8d7c6b5")).text()).toBe("ok");
    // Recovering again stores nothing new.
    const again = await vk.admin.channels.reconnect({ channelId: vk.channelId });
    expect(await runHistoryRecovery(recoveryIdOf(again), { db })).toEqual({ status: "done", recoveredCount: 0 });

    const stored = await db
      .select({ text: messages.text, key: messages.providerMessageId, direction: messages.direction })
      .from(messages)
      .where(eq(messages.channelId, vk.channelId))
      .orderBy(messages.providerTimestamp);
    expect(stored).toEqual([
      { text: "anna: where is my order?", key: `${anna}:2`, direction: "inbound" },
      { text: "anna: any news?", key: `${anna}:4`, direction: "inbound" },
      { text: "boris: hello", key: `${boris}:1`, direction: "inbound" },
    ]);
    const backfilled = await db
      .select({ key: inboundEvents.dedupeKey, status: inboundEvents.status })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.channelId, vk.channelId), eq(inboundEvents.eventType, "message_new")));
    expect(backfilled.map((e) => e.key).sort()).toEqual([`${vk.groupId}:backfill:${anna}:2`, `${vk.groupId}:backfill:${boris}:1`, `${vk.groupId}:e0a1b2c3d4`, `${vk.groupId}:f9e8d7c6b5`].sort());

    // The count is on the incident and on the Details page.
    const [incident] = await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, vk.channelId));
    expect(incident).toMatchObject({ recoveredCount: 2, resolution: "reconnected" });
    const health = await vk.admin.channels.health({ channelId: vk.channelId });
    expect(health.incidents[0]).toMatchObject({ recoveredCount: 2 });

    // The history was read as documented: conversations newest first until one older than the window, then each one's history.
    const conversations = callsOf(vk.accessToken, "messages.getConversations");
    expect(conversations[0]?.params).toMatchObject({ group_id: String(vk.groupId), filter: "all", count: "200", extended: "1" });
    const peers = callsOf(vk.accessToken, "messages.getHistory").map((c) => c.params.peer_id);
    expect(new Set(peers)).toEqual(new Set([String(anna), String(boris)]));
  });
});

describe("the recovery after a VK reconnect is a durable job", () => {
  /** A lost community whose history holds `n` messages of one customer written during the outage. */
  async function lostWithHistory(n: number) {
    const vk = await lostVkCommunity({ openedHoursAgo: 2 });
    routeVkToWebhook();
    const now = nowSec();
    const peer = randomInt(6_000_000, 7_000_000);
    const history: VkFakeMessage[] = Array.from({ length: n }, (_, i) => ({
      id: peer * 10 + i + 1,
      date: now - 3000 + i * 60,
      peer_id: peer,
      from_id: peer,
      text: `while you were away ${i + 1}`,
      out: 0,
      conversation_message_id: i + 1,
    }));
    vkFake.history.set(vk.groupId, history);
    return vk;
  }
  const storedTexts = async (channelId: string) =>
    (await db.select({ text: messages.text }).from(messages).where(eq(messages.channelId, channelId)).orderBy(messages.providerTimestamp)).map((r) => r.text);

  it("a run interrupted halfway is carried on after a restart: every message once, counted once", async () => {
    const vk = await lostWithHistory(4);
    const recoveryId = recoveryIdOf(await vk.admin.channels.reconnect({ channelId: vk.channelId }));

    // The process dies after the second message is stored.
    const crash = new Error("process killed");
    await expect(
      runHistoryRecovery(recoveryId, {
        db,
        afterProgress: async (p) => {
          if (p.processed === 2) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await storedTexts(vk.channelId)).toEqual(["while you were away 1", "while you were away 2"]);
    const halfway = await vk.admin.channels.recovery({ channelId: vk.channelId });
    expect(halfway).toMatchObject({ status: "running", found: 4, processed: 2 });
    // What a restarting job runner carries on.
    expect(await unfinishedHistoryRecoveries(db)).toContain(recoveryId);

    expect(await runHistoryRecovery(recoveryId, { db })).toEqual({ status: "done", recoveredCount: 4 });
    expect(await storedTexts(vk.channelId)).toEqual([1, 2, 3, 4].map((i) => `while you were away ${i}`));
    const [incident] = await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, vk.channelId));
    expect(incident!.recoveredCount).toBe(4);
    expect(await unfinishedHistoryRecoveries(db)).not.toContain(recoveryId);

    // Retried once more (a duplicate job): nothing is read, stored or counted again.
    const reads = callsOf(vk.accessToken, "messages.getConversations").length;
    expect(await runHistoryRecovery(recoveryId, { db })).toEqual({ status: "done", recoveredCount: 4 });
    expect(callsOf(vk.accessToken, "messages.getConversations")).toHaveLength(reads);
    expect(await storedTexts(vk.channelId)).toHaveLength(4);
  });

  it("pg-boss runs a queued recovery, and a starting runner sweeps up the ones left unfinished", { timeout: 40_000 }, async () => {
    const vk = await lostWithHistory(3);
    // Queued while no job runner ran (the reconnect's process stopped before its job was sent).
    const recoveryId = recoveryIdOf(await vk.admin.channels.reconnect({ channelId: vk.channelId }));
    expect(await storedTexts(vk.channelId)).toEqual([]);

    const boss = createBoss(databaseClient(), { schema: "pgboss_recovery_test", singleConnection: inject("databasePoolMax") === 1 });
    await boss.start();
    const runner = await startHistoryRecoveries(boss, db);
    try {
      for (let i = 0; i < 150 && (await vk.admin.channels.recovery({ channelId: vk.channelId }))?.status !== "done"; i++) await new Promise((r) => setTimeout(r, 200));
      expect(await vk.admin.channels.recovery({ channelId: vk.channelId })).toMatchObject({ status: "done", found: 3, processed: 3, recoveredCount: 3 });
      expect(await storedTexts(vk.channelId)).toHaveLength(3);
      expect(recoveryId).toBeTruthy();
    } finally {
      runner.stop();
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await databaseClient().unsafe("drop schema if exists pgboss_recovery_test cascade");
    }
  });

  it("operators cannot read a channel's recovery", async () => {
    const vk = await lostWithHistory(1);
    const operator = callerFor({ id: vk.co.operators[0]!.id, companyId: vk.co.companyId, role: "operator" });
    await expect(operator.channels.recovery({ channelId: vk.channelId })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

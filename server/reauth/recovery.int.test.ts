import { and, asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../../db";
import { channelIncidents, channels, inboundEvents, messages } from "../../db/schema";
import { runHistoryRecovery } from "../services/channels/history-recovery";
import { markChannelDisconnected } from "../services/channels/mark-channel-disconnected";
import { callerFor, seedTestCompany } from "../testing/factories";
import { metaGraphFake } from "../testing/setup";
import { postMeta } from "../testing/webhooks";
import { oauthRedirectUri } from "../channels/meta/oauth";
import { REQUIRED_PERMISSIONS } from "../channels/meta/permissions";
import { handleOAuthCallback } from "./wizard";

const world = metaGraphFake.world;
const HOUR = 3600_000;
/** Graph's created_time has whole seconds: the outage's messages are written on whole seconds. */
const ago = (ms: number) => new Date(Math.floor((Date.now() - ms) / 1000) * 1000);

afterEach(() => metaGraphFake.reset());

/**
 * A company whose Messenger Page (and, when asked, its Instagram account) lost the connection to a password
 * change (190/460) three hours ago; in "Facebook", Alex manages the Page and its Instagram account.
 */
async function outage(opts: { instagram?: boolean } = {}) {
  const co = await seedTestCompany("Meta recovery");
  const rows = await db.select().from(channels).where(eq(channels.companyId, co.companyId));
  const fb = rows.find((c) => c.provider === "messenger")!;
  const ig = rows.find((c) => c.provider === "instagram")!;
  const lose = (id: string) =>
    db.transaction((tx) =>
      markChannelDisconnected(tx, id, { class: "connection_lost", reason: "password_changed", providerError: { code: 190, subcode: 460, description: "password changed" } }, "send"),
    );
  await lose(fb.id);
  if (opts.instagram) await lose(ig.id);
  else {
    await db.delete(channelIncidents).where(eq(channelIncidents.channelId, ig.id));
    await db.update(channels).set({ status: "stopped", statusReason: "stopped_by_admin" }).where(eq(channels.id, ig.id));
  }
  await db.update(channelIncidents).set({ openedAt: ago(3 * HOUR) }).where(eq(channelIncidents.companyId, co.companyId));
  world.addPage({ id: fb.externalId, name: "Acme Store", instagram: { id: ig.externalId, username: "acme.store" } });
  const alex = `alex-${co.companyId}`;
  world.addProfile({ id: alex, name: "Alex Admin", pages: { [fb.externalId]: ["MODERATE", "MANAGE", "MESSAGING"] } });
  const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
  const adminUser = { id: co.admin.id, companyId: co.companyId, role: "admin" };

  /** Every step of the wizard up to and including Reconnect, with Alex and every permission on. */
  const reconnect = async (tick: { instagram: boolean }) => {
    const { attemptId } = await admin.metaWizard.start({ mode: "reauthorize", channelId: fb.id });
    const { redirectTo } = await admin.metaWizard.submitStep({ attemptId, step: "connect" });
    const state = new URL(redirectTo!).searchParams.get("state")!;
    const code = world.authorize({ profileId: alex, redirectUri: oauthRedirectUri(), granted: [...REQUIRED_PERMISSIONS] });
    expect(await handleOAuthCallback(new URLSearchParams({ code, state }), adminUser, db)).toEqual({ ok: true, attemptId });
    await admin.metaWizard.submitStep({ attemptId, step: "profile" });
    await admin.metaWizard.submitStep({ attemptId, step: "instagram", ids: tick.instagram ? [ig.externalId] : [] });
    await admin.metaWizard.submitStep({ attemptId, step: "pages", ids: [fb.externalId] });
    await admin.metaWizard.submitStep({ attemptId, step: "permissions" });
    expect((await admin.metaWizard.get({ attemptId })).step).toBe("reconnect");
    metaGraphFake.calls.length = 0;
    await admin.metaWizard.submitStep({ attemptId, step: "reconnect" });
    // The reconnect answers without reading the history: each channel's recovery is a queued job, then run.
    const queued = await admin.metaWizard.get({ attemptId });
    expect(metaGraphFake.calls.filter((c) => c.edge === "conversations")).toEqual([]);
    for (const r of queued.results.filter((x) => x.ok)) {
      expect(r.recoveryId).toEqual(expect.any(String));
      expect(r.recovered).toBe(0);
      await runHistoryRecovery(r.recoveryId!, { db });
    }
    return { attemptId, view: await admin.metaWizard.get({ attemptId }) };
  };
  return { co, fb, ig, admin, reconnect };
}

/** The channel's thread messages in thread order, without the demo conversations the seeded company starts with. */
const thread = async (channelId: string) =>
  (
    await db
      .select({ text: messages.text, mid: messages.providerMessageId, direction: messages.direction, at: messages.providerTimestamp })
      .from(messages)
      .where(eq(messages.channelId, channelId))
      .orderBy(asc(messages.sortKey), asc(messages.createdAt), asc(messages.id))
  ).filter((m) => !m.mid?.startsWith("demo-"));

const incidentOf = async (channelId: string) => (await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, channelId)))[0]!;

describe("Meta reconnect recovers what customers wrote while the channel was down (F13)", () => {
  it("a Page lost to 190/460: the customers' messages of the outage arrive in provider order; the Page's own and older ones do not", async () => {
    const { fb, admin, reconnect } = await outage();
    const page = fb.externalId;
    const ann = { id: `psid-ann-${fb.id.slice(0, 8)}`, name: "Ann" };
    world.addConversationMessage({ pageId: page, customer: ann, text: "Last week's question", at: ago(30 * HOUR) }); // before the window
    world.addConversationMessage({ pageId: page, customer: ann, text: "Before the outage", at: ago(6 * HOUR) }); // before incident − margin
    const first = world.addConversationMessage({ pageId: page, customer: ann, text: "Is my order shipped?", at: ago(2 * HOUR) });
    world.addConversationMessage({ pageId: page, customer: ann, from: "account", text: "Answered from Business Suite", at: ago(2 * HOUR - 60_000) });
    const second = world.addConversationMessage({ pageId: page, customer: ann, text: "Hello? Anyone there?", at: ago(HOUR) });

    const { attemptId, view } = await reconnect({ instagram: false });
    expect(view.results).toEqual([expect.objectContaining({ channelId: fb.id, ok: true, recovered: 2 })]);
    expect(view.summary.recovered).toBe(2);

    // Read through the Conversations API with the Page token, on the Messenger platform.
    const listed = metaGraphFake.calls.filter((c) => c.edge === "conversations");
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((c) => c.node === page && c.tokenIn === "header" && c.token?.startsWith("EAAFAKEPAGE"))).toBe(true);

    const rows = await thread(fb.id);
    expect(rows.map((r) => [r.text, r.direction])).toEqual([
      ["Is my order shipped?", "inbound"],
      ["Hello? Anyone there?", "inbound"],
    ]);
    expect(rows.map((r) => r.mid)).toEqual([first.id, second.id]);
    expect(rows[0]!.at?.getTime()).toBe(first.createdAt);
    expect((await incidentOf(fb.id)).recoveredCount).toBe(2);

    // The same messages by a late webhook stay single.
    const late = await postMeta(
      JSON.stringify({
        object: "page",
        entry: [{ id: page, time: Date.now(), messaging: [{ sender: { id: ann.id }, recipient: { id: page }, timestamp: second.createdAt, message: { mid: second.id, text: second.text } }] }],
      }),
      true,
    );
    await late.after?.();
    expect(late.response.status).toBe(200);
    expect(await thread(fb.id)).toHaveLength(2);

    // Done: the summary says so, and the attempt keeps the figure.
    await admin.metaWizard.complete({ attemptId });
    expect((await admin.metaWizard.get({ attemptId })).summary.recovered).toBe(2);
  });

  it("a message that reached us by webhook during the outage is not stored twice nor counted", async () => {
    const { fb, reconnect } = await outage();
    const page = fb.externalId;
    const bo = { id: `psid-bo-${fb.id.slice(0, 8)}`, name: "Bo" };
    const arrived = world.addConversationMessage({ pageId: page, customer: bo, text: "First try", at: ago(2 * HOUR) });
    world.addConversationMessage({ pageId: page, customer: bo, text: "Second try", at: ago(90 * 60_000) });
    world.addConversationMessage({ pageId: page, customer: bo, text: "Third try", at: ago(HOUR) });
    const delivered = await postMeta(
      JSON.stringify({
        object: "page",
        entry: [{ id: page, time: Date.now(), messaging: [{ sender: { id: bo.id }, recipient: { id: page }, timestamp: arrived.createdAt, message: { mid: arrived.id, text: arrived.text } }] }],
      }),
      true,
    );
    await delivered.after?.();
    expect(await thread(fb.id)).toHaveLength(1);

    const { view } = await reconnect({ instagram: false });
    expect(view.results[0]).toMatchObject({ ok: true, recovered: 2 });
    expect((await thread(fb.id)).map((r) => r.text)).toEqual(["First try", "Second try", "Third try"]);
    const events = await db.select({ key: inboundEvents.dedupeKey }).from(inboundEvents).where(and(eq(inboundEvents.channelId, fb.id), eq(inboundEvents.dedupeKey, `mid:${arrived.id}`)));
    expect(events).toHaveLength(1);
    expect((await incidentOf(fb.id)).recoveredCount).toBe(2);
  });

  it("an Instagram account recovers through its linked Page with platform=instagram", async () => {
    const { fb, ig, reconnect } = await outage({ instagram: true });
    const page = fb.externalId;
    const igsid = { id: `igsid-${ig.id.slice(0, 8)}`, name: "cat.lover" };
    world.addConversationMessage({ pageId: page, platform: "instagram", customer: igsid, text: "Do you ship to Kyiv?", at: ago(2 * HOUR) });
    world.addConversationMessage({ pageId: page, platform: "instagram", customer: igsid, from: "account", text: "We do!", at: ago(2 * HOUR - 30_000) });
    world.addConversationMessage({ pageId: page, platform: "instagram", customer: igsid, text: "Great, ordering", at: ago(HOUR) });
    world.addConversationMessage({ pageId: page, customer: { id: `psid-${fb.id.slice(0, 8)}` }, text: "Messenger hello", at: ago(HOUR) });

    const { view } = await reconnect({ instagram: true });
    expect(view.results.map((r) => [r.provider, r.ok, r.recovered])).toEqual([
      ["messenger", true, 1],
      ["instagram", true, 2],
    ]);
    expect(view.summary.recovered).toBe(3);
    // Both read the linked Page's conversations; the fake answers each platform with its own threads only.
    expect(metaGraphFake.calls.filter((c) => c.edge === "conversations").every((c) => c.node === page)).toBe(true);
    expect((await thread(ig.id)).map((r) => r.text)).toEqual(["Do you ship to Kyiv?", "Great, ordering"]);
    expect((await thread(fb.id)).map((r) => r.text)).toEqual(["Messenger hello"]);
    expect((await incidentOf(ig.id)).recoveredCount).toBe(2);
  });

  it("a Graph refusal while recovering leaves the reconnect standing, with nothing recovered", async () => {
    const { fb, reconnect } = await outage();
    world.addConversationMessage({ pageId: fb.externalId, customer: { id: `psid-cy-${fb.id.slice(0, 8)}` }, text: "Hi", at: ago(HOUR) });
    world.conversationsError = { status: 400, code: 80006, message: "There have been too many messenger api calls to this Page." };
    const { view } = await reconnect({ instagram: false });
    expect(view.step).toBe("restart");
    expect(view.results).toEqual([expect.objectContaining({ channelId: fb.id, ok: true, recovered: 0 })]);
    expect((await db.select().from(channels).where(eq(channels.id, fb.id)))[0]!.status).toBe("active");
    expect(await thread(fb.id)).toEqual([]);
  });
});

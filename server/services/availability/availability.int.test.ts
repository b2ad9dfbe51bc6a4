import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { conversations, lines, messages, postCommitJobs, users } from "../../../db/schema";
import type { RealtimeEvent } from "../../realtime/channels";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";
import { SEEN_WITHIN_MS } from "../../realtime/presence";
import { markSignedInOnline, markSignedOutAway, sweepUnseen } from "./availability";

type Company = Awaited<ReturnType<typeof seedTestCompany>>;
// The seeded Support team: Olena (operators[0]) and Oleg (operators[1]); both lines route to it.
const olena = (co: Company) => callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
const oleg = (co: Company) => callerFor({ id: co.operators[1]!.id, companyId: co.companyId, role: "operator" });
const admin = (co: Company) => callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });

let updateId = Math.floor(Math.random() * 1e8);
async function customerWrites(co: Company, text: string, chatId: number) {
  const chat = { id: chatId, first_name: "Routed" };
  const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, {
    update_id: ++updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { ...chat, type: "private" }, from: { ...chat, is_bot: false }, text },
  });
  expect(res.status).toBe(200);
  const [row] = await db
    .select({ conversation: conversations })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.companyId, co.companyId), eq(messages.text, text)));
  return row!.conversation;
}

async function autoRouted(co: Company) {
  await admin(co).inbox.setLineAutoRoute({ lineId: co.lineIds[0]!, autoRoute: true });
}

const notesOf = async (co: Company, conversationId: string) =>
  (await olena(co).inbox.thread({ conversationId })).messages.filter((m) => m.note).map((m) => m.note);

describe("availability: Online / Away", () => {
  it("is Online by default; the person sets it; idling makes them Away only from Online, and activity undoes only an idle Away", async () => {
    const co = await seedTestCompany();
    const me = olena(co);
    expect(await me.account.availability()).toMatchObject({ availability: "online", auto: false });

    const away = await me.account.setAvailability({ reason: "manual", availability: "away" });
    expect(away).toMatchObject({ availability: "away", auto: false, changed: true });
    // A chosen Away is never undone by moving the mouse.
    expect(await me.account.setAvailability({ reason: "active", availability: "online" })).toMatchObject({ availability: "away", changed: false });
    expect((await me.account.availability()).changedAt).toEqual(away.changedAt);

    await me.account.setAvailability({ reason: "manual", availability: "online" });
    expect(await me.account.setAvailability({ reason: "idle", availability: "away" })).toMatchObject({ availability: "away", auto: true, changed: true });
    // A second tab idling too changes nothing.
    expect(await me.account.setAvailability({ reason: "idle", availability: "away" })).toMatchObject({ changed: false });
    expect(await me.account.setAvailability({ reason: "active", availability: "online" })).toMatchObject({ availability: "online", auto: false, changed: true });
    // Only one's own: a colleague's availability is untouched.
    expect(await oleg(co).account.availability()).toMatchObject({ availability: "online" });
  });

  it("refuses a reason that does not fit the availability", async () => {
    const co = await seedTestCompany();
    // @ts-expect-error idle can only make someone Away
    await expect(olena(co).account.setAvailability({ reason: "idle", availability: "online" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("signing out makes a person Away; signing in brings back only an automatic Away", async () => {
    const co = await seedTestCompany();
    const id = co.operators[0]!.id;
    await markSignedOutAway(db, id);
    expect(await olena(co).account.availability()).toMatchObject({ availability: "away", auto: true });
    await markSignedInOnline(db, id);
    expect(await olena(co).account.availability()).toMatchObject({ availability: "online", auto: false });
    await olena(co).account.setAvailability({ reason: "manual", availability: "away" });
    await markSignedInOnline(db, id);
    expect(await olena(co).account.availability()).toMatchObject({ availability: "away", auto: false });
  });
});

describe("routing gives new conversations only to people online", () => {
  it("with Oleg Away, automatic routing gives every new conversation to Olena", async () => {
    const co = await seedTestCompany();
    await autoRouted(co);
    await oleg(co).account.setAvailability({ reason: "manual", availability: "away" });
    // Olena already has an open conversation and Oleg none: least busy would pick Oleg, were he online.
    const first = await customerWrites(co, "first while Oleg is away", 760000001);
    const second = await customerWrites(co, "second while Oleg is away", 760000002);
    expect([first, second].map((c) => [c.status, c.assigneeId])).toEqual([
      ["in_progress", co.operators[0]!.id],
      ["in_progress", co.operators[0]!.id],
    ]);
    expect(await notesOf(co, first.id)).toEqual([{ code: "routed", params: { name: "Olena Operator", team: "Support" } }]);

    await oleg(co).account.setAvailability({ reason: "manual", availability: "online" });
    const third = await customerWrites(co, "Oleg is back", 760000003);
    expect(third.assigneeId).toBe(co.operators[1]!.id);
  });

  it("when nobody in the team is online, the conversation stays in New and its thread says so", async () => {
    const co = await seedTestCompany();
    await autoRouted(co);
    await olena(co).account.setAvailability({ reason: "idle", availability: "away" });
    await oleg(co).account.setAvailability({ reason: "manual", availability: "away" });
    const waiting = await customerWrites(co, "anyone there?", 760000011);
    expect(waiting).toMatchObject({ status: "new", assigneeId: null });
    expect(await notesOf(co, waiting.id)).toEqual([{ code: "nobody_online", params: { team: "Support" } }]);
    expect((await olena(co).inbox.list({ tab: "new" })).map((c) => c.id)).toContain(waiting.id);

    // Assigning to the team by hand finds nobody either, and says so.
    const { teams } = await olena(co).inbox.options();
    expect(await admin(co).inbox.assign({ conversationId: waiting.id, to: { kind: "team", id: teams[0]!.id } })).toMatchObject({ ok: false, reason: "team_empty" });
    // A person can still be assigned directly: Away stops routing, not colleagues.
    expect(await admin(co).inbox.assign({ conversationId: waiting.id, to: { kind: "user", id: co.operators[1]!.id } })).toMatchObject({ ok: true });
  });

  it("a line without automatic routing leaves new conversations in New without a note", async () => {
    const co = await seedTestCompany();
    await db.update(lines).set({ autoRoute: false }).where(eq(lines.id, co.lineIds[0]!));
    await olena(co).account.setAvailability({ reason: "manual", availability: "away" });
    await oleg(co).account.setAvailability({ reason: "manual", availability: "away" });
    const waiting = await customerWrites(co, "no routing here", 760000021);
    expect(waiting.status).toBe("new");
    expect(await notesOf(co, waiting.id)).toEqual([]);
  });
});

/** As if the person's last open tab reported in `ms` ago (closed the laptop then). */
async function lastSeenAgo(userId: string, ms: number | null) {
  await db
    .update(users)
    .set({ lastSeenAt: ms === null ? null : new Date(Date.now() - ms) })
    .where(eq(users.id, userId));
}
const lastSeenOf = async (userId: string) => (await db.select({ at: users.lastSeenAt }).from(users).where(eq(users.id, userId)))[0]!.at;

describe("a browser closed without signing out", () => {
  it("stops routing to its person once their tabs go quiet, and the heartbeat of an open tab keeps them in", async () => {
    const co = await seedTestCompany();
    await autoRouted(co);
    // Olena has an open conversation and Oleg none, so least busy would pick Oleg.
    await customerWrites(co, "Olena's first", 760000101);
    await lastSeenAgo(co.operators[1]!.id, SEEN_WITHIN_MS + 60_000);
    const whileGone = await customerWrites(co, "while Oleg's laptop is shut", 760000102);
    expect(whileGone.assigneeId).toBe(co.operators[0]!.id);
    // The options say so: the Assign menu marks him away though his row still says Online.
    const people = (await admin(co).inbox.options()).people;
    expect(people.find((p) => p.id === co.operators[1]!.id)).toMatchObject({ present: false });
    expect(people.find((p) => p.id === co.operators[0]!.id)).toMatchObject({ present: true });
    expect(await oleg(co).account.availability()).toMatchObject({ availability: "online" });

    // His tab wakes and reports in: he is present again and the next conversation is his.
    const before = Date.now();
    expect(await oleg(co).account.heartbeat()).toMatchObject({ availability: "online" });
    expect((await lastSeenOf(co.operators[1]!.id))!.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect((await customerWrites(co, "Oleg is back at his desk", 760000103)).assigneeId).toBe(co.operators[1]!.id);
  });

  it("with every tab of the team quiet, the conversation waits in New with the nobody-online note", async () => {
    const co = await seedTestCompany();
    await autoRouted(co);
    await lastSeenAgo(co.operators[0]!.id, SEEN_WITHIN_MS + 1_000);
    await lastSeenAgo(co.operators[1]!.id, null);
    const waiting = await customerWrites(co, "all laptops shut", 760000111);
    expect(waiting).toMatchObject({ status: "new", assigneeId: null });
    expect(await notesOf(co, waiting.id)).toEqual([{ code: "nobody_online", params: { team: "Support" } }]);
  });

  it("the sweep makes quiet people Away automatically, leaves the present and a chosen Away, and sign-in brings them back", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany();
    await lastSeenAgo(co.operators[0]!.id, SEEN_WITHIN_MS + 1_000);
    await lastSeenAgo(co.operators[1]!.id, SEEN_WITHIN_MS - 30_000);
    await admin(co).account.setAvailability({ reason: "manual", availability: "away" });
    await lastSeenAgo(co.admin.id, SEEN_WITHIN_MS * 10);
    const chosen = await admin(co).account.availability();

    await lastSeenAgo(other.operators[0]!.id, SEEN_WITHIN_MS + 1_000);
    // Scoped to this company so that other test files' people are left alone.
    expect(await sweepUnseen(db, { companyId: co.companyId })).toBe(1);
    expect(await olena(co).account.availability()).toMatchObject({ availability: "away", auto: true });
    expect(await oleg(co).account.availability()).toMatchObject({ availability: "online" });
    expect(await admin(co).account.availability()).toEqual(chosen);
    expect(await callerFor({ id: other.operators[0]!.id, companyId: other.companyId, role: "operator" }).account.availability()).toMatchObject({ availability: "online" });
    expect(await sweepUnseen(db, { companyId: co.companyId })).toBe(0);

    // Input in a tab that slept ("active") or signing in again brings her back, seen now.
    expect(await olena(co).account.setAvailability({ reason: "active", availability: "online" })).toMatchObject({ availability: "online", changed: true });
    await lastSeenAgo(co.operators[0]!.id, SEEN_WITHIN_MS + 1_000);
    expect(await sweepUnseen(db, { companyId: co.companyId })).toBe(1);
    await markSignedInOnline(db, co.operators[0]!.id);
    expect(await olena(co).account.availability()).toMatchObject({ availability: "online", auto: false });
    expect(Date.now() - (await lastSeenOf(co.operators[0]!.id))!.getTime()).toBeLessThan(SEEN_WITHIN_MS);
  });
});

describe("notifications: what a person's attention covers", () => {
  it("lists my teams and the lines they serve, never another company's", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany();
    const scope = await olena(co).account.attentionScope();
    const { teams } = await olena(co).inbox.options();
    expect(scope).toEqual({ userId: co.operators[0]!.id, teamIds: [teams[0]!.id], lineIds: expect.arrayContaining(co.lineIds) as unknown });
    expect(scope.lineIds).toHaveLength(co.lineIds.length);
    expect(scope.lineIds).not.toEqual(expect.arrayContaining([other.lineIds[0]]));
    // The admin is in no team: only what is assigned to them and their mentions reach them.
    expect(await admin(co).account.attentionScope()).toEqual({ userId: co.admin.id, teamIds: [], lineIds: [] });
  });
});

describe("notifications: what ingest tells the browsers", () => {
  it("a new conversation names its line, team and assignee; a customer's message names who it is assigned to", async () => {
    const co = await seedTestCompany();
    await autoRouted(co);
    await olena(co).account.setAvailability({ reason: "manual", availability: "away" });
    const routed = await customerWrites(co, "tell the assignee", 760000031);
    // Publishing waits in the post-commit jobs (the test's Pusher port discards it): what would go out is there.
    const jobs = await db.select({ payload: postCommitJobs.payload }).from(postCommitJobs).where(and(eq(postCommitJobs.companyId, co.companyId), eq(postCommitJobs.name, "publish-realtime")));
    const events = jobs.flatMap((j) => (j.payload as { events?: RealtimeEvent[] }).events ?? []);
    expect(events).toContainEqual({ name: "conversation.created", data: { conversationId: routed.id, lineId: co.lineIds[0], teamId: routed.teamId, assigneeId: co.operators[1]!.id } });
    expect(events.filter((e) => e.name === "message.created" && e.data.conversationId === routed.id).map((e) => e.data)).toEqual([
      expect.objectContaining({ assigneeId: co.operators[1]!.id }),
    ]);
  });
});

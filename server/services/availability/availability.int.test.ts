import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { conversations, lines, messages, postCommitJobs } from "../../../db/schema";
import type { RealtimeEvent } from "../../realtime/channels";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";
import { markSignedInOnline, markSignedOutAway } from "./availability";

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

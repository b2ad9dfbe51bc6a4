import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { channels, conversations, lines } from "../../../db/schema";
import { callerFor, seedTestCompany } from "../../testing/factories";

async function companyWithAdmin() {
  const co = await seedTestCompany();
  return { co, admin: callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" }) };
}

describe("lines", () => {
  it("lists lines with their default team and their channels' status (the Telegram bot of each line)", async () => {
    const { co, admin } = await companyWithAdmin();
    const list = await admin.lines.list();
    const ownChannels = await db.select().from(channels).where(eq(channels.companyId, co.companyId));
    expect(list.map((l) => l.id).sort()).toEqual([...co.lineIds].sort());
    const withBot = list.find((l) => l.channels.some((c) => c.id === co.telegram.channelId))!;
    expect(withBot.channels.find((c) => c.id === co.telegram.channelId)).toEqual({ id: co.telegram.channelId, name: expect.any(String), provider: "telegram", status: "active" });
    expect(withBot.defaultTeamName).toBe("Support");
    const listed = list.flatMap((l) => l.channels.map((c) => c.id)).sort();
    expect(listed).toEqual(ownChannels.filter((c) => c.lineId).map((c) => c.id).sort());
    expect(JSON.stringify(list)).not.toContain("credentials");
  });

  it("creates and renames lines; names are unique in a company, said in words", async () => {
    const { admin } = await companyWithAdmin();
    const line = await admin.lines.create({ name: "VIP" });
    expect((await admin.lines.list()).find((l) => l.id === line.id)).toMatchObject({ name: "VIP", channels: [], defaultTeamId: null });
    await expect(admin.lines.create({ name: "VIP" })).rejects.toMatchObject({ code: "CONFLICT", message: "people.lines.errors.nameTaken" });
    expect(await admin.lines.rename({ lineId: line.id, name: "VIP customers" })).toMatchObject({ name: "VIP customers" });
    await expect(admin.lines.rename({ lineId: line.id, name: "Sales" })).rejects.toMatchObject({ code: "CONFLICT", message: "people.lines.errors.nameTaken" });
  });

  it("sets and clears a line's default team, only with the company's own teams", async () => {
    const { co, admin } = await companyWithAdmin();
    const other = await seedTestCompany();
    const [theirTeam] = await callerFor({ id: other.admin.id, companyId: other.companyId, role: "admin" }).teams.list();
    const team = await admin.teams.create({ name: "Billing" });
    expect(await admin.lines.setDefaultTeam({ lineId: co.lineIds[0]!, teamId: team.id })).toMatchObject({ defaultTeamId: team.id, defaultTeamName: "Billing" });
    await expect(admin.lines.setDefaultTeam({ lineId: co.lineIds[0]!, teamId: theirTeam!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.lines.create({ name: "Theirs", defaultTeamId: theirTeam!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await db.select().from(lines).where(eq(lines.id, co.lineIds[0]!)))[0]!.defaultTeamId).toBe(team.id);
    expect(await admin.lines.setDefaultTeam({ lineId: co.lineIds[0]!, teamId: null })).toMatchObject({ defaultTeamId: null });
  });

  it("deletes a line: its channels stay connected with no line and its conversations are kept", async () => {
    const { co, admin } = await companyWithAdmin();
    const lineId = co.lineIds[0]!;
    const before = await db.select().from(channels).where(eq(channels.lineId, lineId));
    const threads = await db.select().from(conversations).where(eq(conversations.lineId, lineId));
    expect(before.length).toBeGreaterThan(0);
    expect(threads.length).toBeGreaterThan(0);

    const deleted = await admin.lines.delete({ lineId });
    expect(deleted.detachedChannels.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
    for (const c of before) {
      const [after] = await db.select().from(channels).where(eq(channels.id, c.id));
      expect(after).toMatchObject({ lineId: null, status: c.status });
    }
    for (const thread of threads) {
      const [after] = await db.select().from(conversations).where(eq(conversations.id, thread.id));
      expect(after).toMatchObject({ id: thread.id, lineId: null });
    }
    expect((await admin.lines.list()).some((l) => l.id === lineId)).toBe(false);
  });

  it("refuses another company's lines", async () => {
    const { admin } = await companyWithAdmin();
    const other = await seedTestCompany();
    const theirLine = other.lineIds[0]!;
    await expect(admin.lines.rename({ lineId: theirLine, name: "Mine" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.lines.setDefaultTeam({ lineId: theirLine, teamId: null })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.lines.delete({ lineId: theirLine })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await admin.lines.list()).some((l) => l.id === theirLine)).toBe(false);
    expect((await db.select().from(lines).where(eq(lines.id, theirLine)))[0]).toMatchObject({ name: "Sales" });
  });
});

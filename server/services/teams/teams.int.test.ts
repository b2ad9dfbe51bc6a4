import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { lines, teamMembers, teams } from "../../../db/schema";
import { callerFor, seedTestCompany } from "../../testing/factories";

async function companyWithAdmin() {
  const co = await seedTestCompany();
  return { co, admin: callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" }) };
}

describe("teams", () => {
  it("lists the company's teams with their members only", async () => {
    const { co, admin } = await companyWithAdmin();
    await seedTestCompany();
    const list = await admin.teams.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: "Support" });
    expect(list[0]!.members.map((m) => m.id).sort()).toEqual(co.operators.map((o) => o.id).sort());
    expect(list[0]!.members[0]).toMatchObject({ role: "operator", status: "active" });
  });

  it("creates, renames and deletes a team; names are unique in a company, said in words", async () => {
    const { co, admin } = await companyWithAdmin();
    const team = await admin.teams.create({ name: "  Night shift " });
    expect(team.name).toBe("Night shift");
    await expect(admin.teams.create({ name: "Night shift" })).rejects.toMatchObject({ code: "CONFLICT", message: "people.teams.errors.nameTaken" });
    await expect(admin.teams.rename({ teamId: team.id, name: "Support" })).rejects.toMatchObject({ code: "CONFLICT", message: "people.teams.errors.nameTaken" });
    expect(await admin.teams.rename({ teamId: team.id, name: "Nights" })).toMatchObject({ id: team.id, name: "Nights" });
    await expect(admin.teams.create({ name: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    // A line that sent its conversations to the team keeps working, with no default team.
    await db.update(lines).set({ defaultTeamId: team.id }).where(eq(lines.id, co.lineIds[0]!));
    expect(await admin.teams.delete({ teamId: team.id })).toMatchObject({ id: team.id, name: "Nights" });
    expect(await db.select().from(teams).where(eq(teams.id, team.id))).toHaveLength(0);
    expect((await db.select().from(lines).where(eq(lines.id, co.lineIds[0]!)))[0]!.defaultTeamId).toBeNull();
  });

  it("adds and removes members of the company; deactivated people are refused in words", async () => {
    const { co, admin } = await companyWithAdmin();
    const team = await admin.teams.create({ name: "Escalations" });
    expect(await admin.teams.addMember({ teamId: team.id, userId: co.admin.id })).toMatchObject({ teamName: "Escalations", userName: "Alex Admin" });
    await admin.teams.addMember({ teamId: team.id, userId: co.admin.id }); // twice changes nothing
    await admin.teams.addMember({ teamId: team.id, userId: co.operators[0]!.id });
    expect((await admin.teams.list()).find((t) => t.id === team.id)!.members.map((m) => m.id).sort()).toEqual([co.admin.id, co.operators[0]!.id].sort());

    await admin.teams.removeMember({ teamId: team.id, userId: co.operators[0]!.id });
    expect((await db.select().from(teamMembers).where(eq(teamMembers.teamId, team.id))).map((m) => m.userId)).toEqual([co.admin.id]);

    await admin.people.deactivate({ userId: co.operators[1]!.id });
    await expect(admin.teams.addMember({ teamId: team.id, userId: co.operators[1]!.id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: "people.teams.errors.memberDeactivated" });
  });

  it("refuses another company's teams and people", async () => {
    const { co, admin } = await companyWithAdmin();
    const other = await seedTestCompany();
    const otherAdmin = callerFor({ id: other.admin.id, companyId: other.companyId, role: "admin" });
    const [theirTeam] = await otherAdmin.teams.list();
    const [ourTeam] = await admin.teams.list();
    await expect(admin.teams.rename({ teamId: theirTeam!.id, name: "Mine now" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.teams.delete({ teamId: theirTeam!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.teams.addMember({ teamId: theirTeam!.id, userId: co.admin.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.teams.addMember({ teamId: ourTeam!.id, userId: other.operators[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.teams.removeMember({ teamId: theirTeam!.id, userId: other.operators[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const theirs = await otherAdmin.teams.list();
    expect(theirs[0]).toMatchObject({ id: theirTeam!.id, name: "Support" });
    expect(theirs[0]!.members).toHaveLength(2);
  });
});

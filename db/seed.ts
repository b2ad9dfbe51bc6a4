import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "./index";
import { channels, companies, contacts, conversations, lines, messages, teamMembers, teams, users, channelIncidents } from "./schema";
import { hashPassword } from "../server/auth/password";
import { seal } from "../server/crypto/secret-box";

export const DEMO_PASSWORD = "switchboard";

export type SeededCompany = {
  companyId: string;
  admin: { id: string; email: string };
  operators: { id: string; email: string }[];
  lineIds: string[];
  telegram: { channelId: string; botToken: string; webhookSecret: string; botId: string };
};

/**
 * A company with an admin, two operators, a team, two lines, a channel of every provider in different
 * states, and a few conversations. `slug` keeps emails unique so tests can seed as many as they need.
 */
export async function seedCompany(db: Database, opts: { slug: string; name: string; password?: string; botToken?: string; webhookSecret?: string }): Promise<SeededCompany> {
  const passwordHash = await hashPassword(opts.password ?? DEMO_PASSWORD);
  const email = (who: string) => `${who}@${opts.slug}.switchboard.test`;
  const botToken = opts.botToken ?? `7000000001:${randomBytes(16).toString("hex")}`;
  const webhookSecret = opts.webhookSecret ?? randomBytes(24).toString("base64url");
  const botId = botToken.split(":")[0]!;

  return db.transaction(async (tx) => {
    const [company] = await tx.insert(companies).values({ name: opts.name, registrationEmail: email("owner") }).returning();
    const companyId = company!.id;
    const [admin, op1, op2] = await tx
      .insert(users)
      .values([
        { companyId, email: email("admin"), name: "Alex Admin", passwordHash, role: "admin" },
        { companyId, email: email("operator"), name: "Olena Operator", passwordHash, role: "operator" },
        { companyId, email: email("operator2"), name: "Oleg Operator", passwordHash, role: "operator" },
      ])
      .returning();
    const [team] = await tx.insert(teams).values({ companyId, name: "Support" }).returning();
    await tx.insert(teamMembers).values([
      { teamId: team!.id, userId: op1!.id },
      { teamId: team!.id, userId: op2!.id },
    ]);
    const [sales, support] = await tx
      .insert(lines)
      .values([
        { companyId, name: "Sales", defaultTeamId: team!.id },
        { companyId, name: "Support", defaultTeamId: team!.id },
      ])
      .returning();

    const sealed = (v: unknown) => seal(v);
    const ext = (base: string) => `${base}-${opts.slug}`;
    const since = new Date(Date.now() - 3 * 60 * 60 * 1000);
    const [tg, , fb, ig] = await tx
      .insert(channels)
      .values([
        { companyId, lineId: sales!.id, provider: "telegram", name: "AcmeSupportBot", externalId: ext(botId), credentials: sealed({ botToken, webhookSecret }), settings: { username: "AcmeSupportBot" } },
        {
          companyId,
          lineId: support!.id,
          provider: "telegram",
          name: "AcmeHelpBot",
          externalId: ext("7000000002"),
          status: "disconnected",
          statusReason: "token_revoked",
          providerError: { httpStatus: 401, code: 401, description: "Unauthorized" },
          statusSince: since,
          credentials: sealed({ botToken: "7000000002:revoked", webhookSecret: randomBytes(24).toString("base64url") }),
        },
        { companyId, lineId: sales!.id, provider: "messenger", name: "Acme Store", externalId: ext("104000000000001"), credentials: sealed({ pageToken: "demo" }) },
        {
          companyId,
          lineId: support!.id,
          provider: "instagram",
          name: "@acme.store",
          externalId: ext("17841400000000001"),
          status: "disconnected",
          statusReason: "password_changed",
          providerError: { code: 190, subcode: 460, description: "Error validating access token: The session has been invalidated because the user changed their password" },
          statusSince: since,
          credentials: sealed({ pageToken: "demo" }),
        },
        { companyId, lineId: support!.id, provider: "vk", name: "Acme VK", externalId: ext("229876543"), status: "stopped", statusReason: "stopped_by_admin", credentials: sealed({ accessToken: "demo", secret: "demo" }), settings: { vkConfirmationCode: "a1b2c3d4" } },
      ])
      .returning();
    const disconnected = await tx.select().from(channels).where(and(eq(channels.companyId, companyId), eq(channels.status, "disconnected")));
    for (const c of disconnected) {
      await tx.insert(channelIncidents).values({ companyId, channelId: c.id, reasonCode: c.statusReason ?? "unknown", providerError: c.providerError, openedAt: since, lastErrorAt: since });
    }

    const convo = async (channelId: string, lineId: string, externalId: string, name: string, lines_: [string, "inbound" | "outbound"][], status: "new" | "in_progress" | "closed", assigneeId?: string) => {
      const [contact] = await tx.insert(contacts).values({ companyId, channelId, externalId, displayName: name }).returning();
      const [c] = await tx
        .insert(conversations)
        .values({ companyId, channelId, lineId, contactId: contact!.id, status, assigneeId, teamId: team!.id, closedAt: status === "closed" ? new Date() : null })
        .returning();
      let t = Date.now() - lines_.length * 60_000;
      for (const [text, direction] of lines_) {
        await tx.insert(messages).values({
          companyId,
          conversationId: c!.id,
          channelId,
          direction,
          authorKind: direction === "inbound" ? "customer" : "operator",
          authorUserId: direction === "outbound" ? assigneeId : undefined,
          authorName: direction === "inbound" ? name : undefined,
          text,
          deliveryStatus: direction === "inbound" ? "delivered" : "sent",
          createdAt: new Date((t += 60_000)),
        });
      }
    };
    await convo(tg!.id, sales!.id, "123456789", "Ivan Petrov", [["Hello! Is the blue kettle in stock?", "inbound"]], "new");
    await convo(fb!.id, sales!.id, "psid-1001", "Maria Lopez", [["Hi, where is my order #1042?", "inbound"], ["Let me check that for you.", "outbound"]], "in_progress", op1!.id);
    await convo(ig!.id, support!.id, "igsid-2002", "Taras Shevchuk", [["Thanks, all good now!", "inbound"]], "closed", op2!.id);

    return {
      companyId,
      admin: { id: admin!.id, email: admin!.email },
      operators: [op1!, op2!].map((u) => ({ id: u.id, email: u.email })),
      lineIds: [sales!.id, support!.id],
      telegram: { channelId: tg!.id, botToken, webhookSecret, botId: ext(botId) },
    };
  });
}

/** The demo company for `npm run dev`, created once on an empty database. */
export async function seedDemoIfEmpty(db: Database): Promise<boolean> {
  const existing = await db.select({ id: companies.id }).from(companies).limit(1);
  if (existing.length > 0) return false;
  await seedCompany(db, { slug: "demo", name: "Acme (demo)" });
  return true;
}

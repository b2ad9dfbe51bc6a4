import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../db";
import { startEmbeddedDatabase } from "../../db/embedded";
import { migrateDatabase } from "../../db/migrate";
import { eq } from "drizzle-orm";
import { channelIncidents, channels, companies, contacts, conversations, emailDeliveries, savedReplies, users } from "../../db/schema";
import { DomainError } from "../errors";
import { verifyPassword } from "../identity/password";
import { createCompany } from "../services/companies/create-company";
import { cleanInput } from "../services/saved-replies/saved-reply-rules";
import { inspectSetPasswordToken } from "../services/users/inspect-set-password-token";
import { setPasswordWithToken } from "../services/users/set-password-with-token";
import { prepareFirstRun } from "./first-run";

// A database of its own: the first run is about an empty one.
let fresh: { db: Database; stop: () => Promise<void> };
beforeAll(async () => {
  const embedded = await startEmbeddedDatabase();
  await migrateDatabase(embedded.url);
  const { db, client } = createDatabase(embedded.url, 1);
  fresh = { db, stop: async () => (await client.end({ timeout: 5 }), await embedded.stop()) };
}, 60_000);
afterAll(() => fresh?.stop());

describe("first run", () => {
  it("npm start on an empty database creates no account; setup creates the company and an admin who chooses the password", async () => {
    const { db } = fresh;
    expect(await prepareFirstRun(db, "start")).toBe("needs_setup");
    expect(await db.select().from(users)).toEqual([]);
    expect(await db.select().from(companies)).toEqual([]);

    await expect(createCompany({ db }, { companyName: "Acme", email: "not an email", adminName: "Ann", locale: "en" })).rejects.toBeInstanceOf(DomainError);
    const created = await createCompany({ db }, { companyName: " Acme Support ", email: "Owner@Acme.example", adminName: "Ann Owner", locale: "ru" });
    const [company] = await db.select().from(companies);
    expect(company).toMatchObject({ name: "Acme Support", registrationEmail: "owner@acme.example", locale: "ru" });
    const [admin] = await db.select().from(users);
    expect(admin).toMatchObject({ email: "owner@acme.example", name: "Ann Owner", role: "admin", passwordHash: null });

    const token = decodeURIComponent(new URL(created.link).searchParams.get("token")!);
    expect(await inspectSetPasswordToken(db, token)).toMatchObject({ ok: true, purpose: "set_password", email: "owner@acme.example", companyName: "Acme Support" });
    await setPasswordWithToken({ db }, { token, password: "the owner's own password" });
    const [withPassword] = await db.select().from(users);
    expect(await verifyPassword(withPassword!.passwordHash!, "the owner's own password")).toBe(true);
    expect(await verifyPassword(withPassword!.passwordHash!, "switchboard")).toBe(false);

    await expect(createCompany({ db }, { companyName: "Again", email: "owner@acme.example", adminName: "Ann", locale: "en" })).rejects.toMatchObject({ code: "conflict" });
    expect(await prepareFirstRun(db, "start")).toBe("ready");
    // Development never adds the demo to a database that has a company.
    expect(await prepareFirstRun(db, "dev")).toBe("ready");
    expect(await db.select().from(companies)).toHaveLength(1);
  });
});

describe("the dev demo", () => {
  it("sends its lost channels' emails through the email path, and tells a VK conversation, a Messenger thread past 24 hours and a banned contact", async () => {
    const embedded = await startEmbeddedDatabase();
    await migrateDatabase(embedded.url);
    const { db, client } = createDatabase(embedded.url, 1);
    try {
      expect(await prepareFirstRun(db, "dev")).toBe("demo_created");
      const emails = await db.select().from(emailDeliveries);
      expect(emails.map((e) => [e.kind, e.subject]).sort()).toEqual([
        ["connection_lost", "@acme.store lost its connection"],
        ["connection_lost", "AcmeHelpBot lost its connection"],
      ]);
      const incidents = await db.select().from(channelIncidents);
      expect(new Set(emails.map((e) => e.incidentId))).toEqual(new Set(incidents.map((i) => i.id)));

      const threads = await db
        .select({ provider: channels.provider, name: contacts.displayName, bannedAt: contacts.bannedAt, lastInboundAt: conversations.lastInboundAt })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .innerJoin(channels, eq(channels.id, conversations.channelId));
      expect(threads.some((t) => t.provider === "vk")).toBe(true);
      expect(threads.some((t) => t.provider === "messenger" && t.lastInboundAt !== null && Date.now() - t.lastInboundAt.getTime() > 24 * 3600_000)).toBe(true);
      expect(threads.some((t) => t.bannedAt !== null)).toBe(true);
      // The VK community id is a number, as VK's (and the sandbox fake's) is.
      const [vk] = await db.select().from(channels).where(eq(channels.provider, "vk"));
      expect(vk!.externalId).toMatch(/^\d+$/);
      // Saved replies to try in the composer, each one the product itself would accept, in all three languages.
      const replies = await db.select().from(savedReplies);
      expect(replies.map((r) => r.code).sort()).toEqual(["hours", "order", "refund"]);
      for (const r of replies) {
        expect(() => cleanInput({ code: r.code, title: r.title, defaultLocale: r.defaultLocale, bodies: r.bodies })).not.toThrow();
        expect(Object.keys(r.bodies).sort()).toEqual(["en", "ru", "uk"]);
      }
    } finally {
      await client.end({ timeout: 5 });
      await embedded.stop();
    }
  }, 60_000);
});

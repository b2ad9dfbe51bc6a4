import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { channelIncidents, channels, emailDeliveries } from "../../../db/schema";
import { seal } from "../../crypto/secret-box";
import { env } from "../../env.js";
import { seedTestCompany } from "../../testing/factories";
import { metaGraphFake } from "../../testing/setup";
import { probeChannel } from "./probe-channel";

const DAY = 86_400;

/** The seeded Messenger Page, known to the Graph fake with its own Page token and our app subscribed. */
async function workingPage() {
  const co = await seedTestCompany("Meta health");
  const [page] = await db.select().from(channels).where(and(eq(channels.companyId, co.companyId), eq(channels.provider, "messenger")));
  const token = `EAAFAKEPAGE${randomBytes(12).toString("hex")}`;
  await db.update(channels).set({ status: "active", statusReason: null, credentials: seal({ pageToken: token }) }).where(eq(channels.id, page!.id));
  const world = metaGraphFake.world;
  world.addPage({ id: page!.externalId, name: page!.name });
  world.registerPageToken(token, page!.externalId);
  world.subscribe(page!.externalId, env().META_APP_ID!, "Switchboard", ["messages", "messaging_postbacks"]);
  return { co, page: page!, token, world };
}

const emails = (companyId: string, kind: string) => db.select().from(emailDeliveries).where(and(eq(emailDeliveries.companyId, companyId), eq(emailDeliveries.kind, kind)));

describe("Meta health probes (debug_token, subscribed_apps)", () => {
  it("a working Page is healthy", async () => {
    const { page } = await workingPage();
    expect(await probeChannel(page.id)).toEqual({ outcome: "healthy", restored: false });
  });

  it("a healthy probe keeps the names of the Page's other messaging apps (its bot) on the channel", async () => {
    const { page, world } = await workingPage();
    world.subscribe(page.externalId, "730000000000001", "Acme Shop Bot", ["messages", "standby", "messaging_handovers"]);
    world.subscribe(page.externalId, "730000000000002", "Page Insights", ["feed"]);
    expect(await probeChannel(page.id)).toEqual({ outcome: "healthy", restored: false });
    expect((await db.select().from(channels).where(eq(channels.id, page.id)))[0]!.settings.pageApps).toEqual([{ id: "730000000000001", name: "Acme Shop Bot" }]);
  });

  it("a token expiring in 5 days raises one warning with its date, and no incident", async () => {
    const { co, page, token, world } = await workingPage();
    const ends = Math.floor(Date.now() / 1000) + 5 * DAY;
    world.tokenExpiry.set(token, ends);
    expect(await probeChannel(page.id)).toEqual({ outcome: "warning", reason: "token_expiring", emailed: true });
    expect(await probeChannel(page.id)).toEqual({ outcome: "warning", reason: "token_expiring", emailed: false });
    const [row] = await db.select().from(channels).where(eq(channels.id, page.id));
    expect(row).toMatchObject({ status: "active", warningReason: "token_expiring" });
    expect(row!.warningDetail?.expiresAt).toBe(new Date(ends * 1000).toISOString());
    const sent = await emails(co.companyId, "channel_warning");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe(`${page.name} may lose its connection`);
    expect(sent[0]!.textBody).toContain("The access token expires on");
    expect(await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, page.id))).toHaveLength(0);

    // Refreshed (a new token without the near end): the warning clears.
    world.tokenExpiry.delete(token);
    expect(await probeChannel(page.id)).toEqual({ outcome: "healthy", restored: false });
    expect((await db.select().from(channels).where(eq(channels.id, page.id)))[0]!.warningReason).toBeNull();
  });

  it("a password change (190/460) is a loss on the second probe, with its cause", async () => {
    const { page, token, world } = await workingPage();
    world.revoked.set(token, 460);
    expect(await probeChannel(page.id)).toEqual({ outcome: "failing", failures: 1 });
    expect(await probeChannel(page.id)).toMatchObject({ outcome: "lost", opened: true });
    expect((await db.select().from(channels).where(eq(channels.id, page.id)))[0]).toMatchObject({ status: "disconnected", statusReason: "password_changed" });
  });

  it("the app removed from the Page's subscribed apps is a loss", async () => {
    const { page, world } = await workingPage();
    world.subscriptions.get(page.externalId)!.delete(env().META_APP_ID!);
    await probeChannel(page.id);
    expect(await probeChannel(page.id)).toMatchObject({ outcome: "lost" });
    expect((await db.select().from(channels).where(eq(channels.id, page.id)))[0]!.statusReason).toBe("app_not_installed");
  });
});

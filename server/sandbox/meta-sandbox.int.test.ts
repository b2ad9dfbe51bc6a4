import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../../db";
import { channels } from "../../db/schema";
import { REQUIRED_PERMISSIONS } from "../channels/meta/permissions";
import { probeChannel } from "../services/channels/probe-channel";
import { seedTestCompany } from "../testing/factories";
import { metaGraphFake } from "../testing/setup";
import { prepareMetaFake, SANDBOX_BOT_APP } from "./prepare-meta";

const world = metaGraphFake.world;
afterEach(() => metaGraphFake.reset());

/** Submits a dialog form the way a browser does: every field of the page's form, plus the pressed button. */
async function post(html: string, fields: Record<string, string | string[]>, action: string) {
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(m[1]!, m[2]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"'));
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
  form.append("action", action);
  return fetch(`${metaGraphFake.url}/v23.0/dialog/oauth`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString(), redirect: "manual" });
}

describe("the Meta sandbox", () => {
  it("agrees with the database: Pages with their Instagram account, the right and the wrong profile, the bot app on the Page", async () => {
    const co = await seedTestCompany("Sandbox");
    const rows = await db.select().from(channels).where(eq(channels.companyId, co.companyId));
    const fb = rows.find((c) => c.provider === "messenger")!;
    const ig = rows.find((c) => c.provider === "instagram")!;
    await prepareMetaFake(db, world);
    expect(world.pages.get(fb.externalId)?.instagram?.id).toBe(ig.externalId);
    expect(world.reachable("sandbox-profile-alex").pages.map((p) => p.id)).toContain(fb.externalId);
    expect(world.reachable("sandbox-profile-sam").pages.map((p) => p.id)).toEqual(["sandbox-sam-bakery"]);
    expect([...(world.subscriptions.get(fb.externalId)?.keys() ?? [])]).toContain(SANDBOX_BOT_APP.id);
  });

  it("a Page the database says was lost to a password change answers 190/460, so a probe finds the same cause", async () => {
    const co = await seedTestCompany("Sandbox lost");
    const providerError = { code: 190, subcode: 460, description: "The session has been invalidated because the user changed their password" };
    const [fb] = await db
      .update(channels)
      .set({ status: "disconnected", statusReason: "password_changed", providerError })
      .where(and(eq(channels.companyId, co.companyId), eq(channels.provider, "messenger")))
      .returning();
    await prepareMetaFake(db, world, { companyIds: [co.companyId] });
    expect(await probeChannel(fb!.id, { db })).toMatchObject({ outcome: "lost" });
    const [after] = await db.select({ status: channels.status, reason: channels.statusReason }).from(channels).where(eq(channels.id, fb!.id));
    expect(after).toEqual({ status: "disconnected", reason: "password_changed" });
  });

  it("the Facebook Login dialog: profile, Edit, Instagram and Page checkboxes, permission toggles, then back with code and state", async () => {
    world.addPage({ id: "DP1", name: "Dialog Page", instagram: { id: "DIG1", username: "dialog.page" } });
    world.addPage({ id: "DP2", name: "Other Page" });
    world.addProfile({ id: "dana", name: "Dana", pages: { DP1: ["MANAGE"], DP2: ["MANAGE"] } });
    const redirect = "http://localhost:3999/api/oauth/meta/callback";
    const start = new URL(`${metaGraphFake.url}/v23.0/dialog/oauth`);
    for (const [k, v] of Object.entries({ client_id: "900000000000001", redirect_uri: redirect, state: "s-123", response_type: "code", scope: REQUIRED_PERMISSIONS.join(",") })) start.searchParams.set(k, v);
    const first = await (await fetch(start)).text();
    expect(first).toContain("Sandbox.");
    expect(first).toContain("Dana");
    const igPage = await (await post(first, { profile: "dana" }, "edit")).text();
    expect(igPage).toContain("@dialog.page");
    const pagesPage = await (await post(igPage, { ig: "DIG1" }, "next")).text();
    expect(pagesPage).toContain("Other Page");
    const permsPage = await (await post(pagesPage, { page: "DP1" }, "next")).text();
    expect(permsPage).toContain('role="switch"');
    const done = await post(permsPage, { perm: REQUIRED_PERMISSIONS.filter((p) => p !== "pages_manage_metadata") }, "done");
    expect(done.status).toBe(302);
    const back = new URL(done.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(redirect);
    expect(back.searchParams.get("state")).toBe("s-123");
    expect(world.codes.get(back.searchParams.get("code")!)?.profileId).toBe("dana");
    const grant = world.grants.get("dana")!;
    expect(grant.permissions.get("pages_manage_metadata")).toBe("declined");
    expect([...grant.pageIds]).toEqual(["DP1"]);

    // Without rerequest the declined permission is not asked again; with it, it is.
    const again = new URL(start);
    const plain = await (await post(await (await post(await (await post(await (await fetch(again)).text(), { profile: "dana" }, "edit")).text(), { ig: "DIG1" }, "next")).text(), { page: "DP1" }, "next")).text();
    expect(plain).not.toContain('value="pages_manage_metadata"');
    again.searchParams.set("auth_type", "rerequest");
    const re = await (await post(await (await post(await (await post(await (await fetch(again)).text(), { profile: "dana" }, "edit")).text(), { ig: "DIG1" }, "next")).text(), { page: "DP1" }, "next")).text();
    expect(re).toContain('value="pages_manage_metadata"');

    // Cancel comes back with Facebook's error parameters.
    const cancelled = await post(first, { profile: "dana" }, "cancel");
    expect(new URL(cancelled.headers.get("location")!).searchParams.get("error")).toBe("access_denied");
  });
});

import { TRPCError } from "@trpc/server";
import { and, eq, isNull } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../../db";
import { channelIncidents, channels, reconnectAttempts } from "../../db/schema";
import type { MetaCredentials } from "../channels/meta/credentials";
import { open } from "../crypto/secret-box";
import { markChannelDisconnected } from "../services/channels/mark-channel-disconnected";
import { callerFor, seedTestCompany } from "../testing/factories";
import { metaGraphFake } from "../testing/setup";
import { checkPermissions, connectPage, discover } from "./checks";
import { oauthRedirectUri } from "../channels/meta/oauth";
import { REQUIRED_PERMISSIONS, SUBSCRIBED_FIELDS } from "../channels/meta/permissions";
import { handleOAuthCallback } from "./wizard";

const world = metaGraphFake.world;
const APP_ID = "900000000000001";

/**
 * A company whose Messenger Page lost its connection to a password change (190/460) and whose Instagram
 * account is stopped; in "Facebook", Alex manages the Page (and its Instagram account), Sam only his own Page.
 */
async function brokenCompany() {
  const co = await seedTestCompany("Meta wizard");
  const rows = await db.select().from(channels).where(eq(channels.companyId, co.companyId));
  const fb = rows.find((c) => c.provider === "messenger")!;
  const ig = rows.find((c) => c.provider === "instagram")!;
  await db.transaction((tx) =>
    markChannelDisconnected(tx, fb.id, { class: "connection_lost", reason: "password_changed", providerError: { code: 190, subcode: 460, description: "password changed" } }, "send"),
  );
  await db.delete(channelIncidents).where(eq(channelIncidents.channelId, ig.id));
  await db.update(channels).set({ status: "stopped", statusReason: "stopped_by_admin" }).where(eq(channels.id, ig.id));
  world.addPage({ id: fb.externalId, name: "Acme Store", instagram: { id: ig.externalId, username: "acme.store" } });
  world.addPage({ id: `sam-page-${co.companyId}`, name: "Sam's Bakery" });
  world.addProfile({ id: `alex-${co.companyId}`, name: "Alex Admin", pages: { [fb.externalId]: ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE", "MESSAGING"] } });
  world.addProfile({ id: `sam-${co.companyId}`, name: "Sam Helper", pages: { [`sam-page-${co.companyId}`]: ["MANAGE"] } });
  const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
  const adminUser = { id: co.admin.id, companyId: co.companyId, role: "admin" };
  return { co, fb, ig, admin, adminUser, alex: `alex-${co.companyId}`, sam: `sam-${co.companyId}` };
}

/** What Facebook does between our dialog link and the callback: the admin signs in and Facebook redirects back. */
async function signIn(redirectTo: string, profileId: string, user: { id: string; companyId: string; role: string }, opts: { declined?: string[]; pageIds?: string[] } = {}) {
  const state = new URL(redirectTo).searchParams.get("state")!;
  const declined = opts.declined ?? [];
  const code = world.authorize({
    profileId,
    redirectUri: oauthRedirectUri(),
    granted: REQUIRED_PERMISSIONS.filter((p) => !declined.includes(p)),
    declined,
    ...(opts.pageIds ? { pageIds: opts.pageIds } : {}),
  });
  return { state, outcome: await handleOAuthCallback(new URLSearchParams({ code, state }), user, db) };
}

const row = async (id: string) => (await db.select().from(channels).where(eq(channels.id, id)))[0]!;

afterEach(() => metaGraphFake.reset());

describe("Meta re-authorization wizard (F3)", () => {
  it("walks every step: a profile lacking the Page, a declined permission asked again, reconnect verified, a stopped Instagram account started", async () => {
    const { fb, ig, admin, adminUser, alex, sam } = await brokenCompany();
    const { attemptId } = await admin.metaWizard.start({ mode: "reauthorize", channelId: fb.id });
    expect((await admin.metaWizard.start({ mode: "reauthorize", channelId: fb.id })).attemptId).toBe(attemptId); // resumed

    // Connect: the dialog link carries a random state, the redirect URI and the permissions.
    const first = await admin.metaWizard.submitStep({ attemptId, step: "connect" });
    const dialog = new URL(first.redirectTo!);
    expect(dialog.pathname).toMatch(/\/v\d+\.\d+\/dialog\/oauth$/);
    expect(dialog.searchParams.get("client_id")).toBe(APP_ID);
    expect(dialog.searchParams.get("redirect_uri")).toBe(oauthRedirectUri());
    expect(dialog.searchParams.get("scope")?.split(",")).toEqual([...REQUIRED_PERMISSIONS]);
    expect(dialog.searchParams.get("auth_type")).toBeNull();
    const [stored] = await db.select().from(reconnectAttempts).where(eq(reconnectAttempts.id, attemptId));
    expect(stored!.oauthStateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.oauthStateHash).not.toContain(dialog.searchParams.get("state"));

    // Profile: Sam cannot reach the Page; the wizard names it and stays.
    const bySam = await signIn(first.redirectTo!, sam, adminUser);
    expect(bySam.outcome).toEqual({ ok: true, attemptId });
    let view = await admin.metaWizard.get({ attemptId });
    expect(view.step).toBe("profile");
    expect(view.profile?.name).toBe("Sam Helper");
    expect(view.unreachable).toEqual([expect.objectContaining({ name: "Acme Store", reason: "not_shared" })]);
    await admin.metaWizard.submitStep({ attemptId, step: "profile" });
    view = await admin.metaWizard.get({ attemptId });
    expect(view.step).toBe("profile");
    expect(view.failure).toMatchObject({ reason: "metaWizard.error.profileMissingPages", names: ["Acme Store"] });
    // The state Sam's sign-in used never works again.
    expect(await handleOAuthCallback(new URLSearchParams({ code: "x", state: bySam.state }), adminUser, db)).toMatchObject({ ok: false, reason: "state_used" });

    // Another profile: Alex, who leaves pages_manage_metadata off.
    const second = await admin.metaWizard.submitStep({ attemptId, step: "connect" });
    await signIn(second.redirectTo!, alex, adminUser, { declined: ["pages_manage_metadata"] });
    view = await admin.metaWizard.get({ attemptId });
    expect(view).toMatchObject({ step: "profile", profile: { name: "Alex Admin" }, unreachable: [] });
    expect(view.pages.find((p) => p.id === fb.externalId)).toMatchObject({ ticked: true, broken: true, canMessage: true });
    expect(JSON.stringify(view)).not.toMatch(/EAAFAKE/); // no token reaches the browser

    await admin.metaWizard.submitStep({ attemptId, step: "profile" });
    view = await admin.metaWizard.get({ attemptId });
    expect(view.step).toBe("instagram");
    expect(view.instagram).toEqual([expect.objectContaining({ id: ig.externalId, username: "acme.store", ticked: false })]);
    await admin.metaWizard.submitStep({ attemptId, step: "instagram", ids: [] });
    await admin.metaWizard.submitStep({ attemptId, step: "pages", ids: [fb.externalId] });

    // Permissions: checked at once; the declined one blocks the way on.
    view = await admin.metaWizard.get({ attemptId });
    expect(view.step).toBe("permissions");
    expect(view.permissions.find((p) => p.permission === "pages_manage_metadata")?.status).toBe("declined");
    await admin.metaWizard.submitStep({ attemptId, step: "permissions" });
    view = await admin.metaWizard.get({ attemptId });
    expect(view.step).toBe("permissions");
    expect(view.failure).toMatchObject({ reason: "metaWizard.error.permissionsMissing", names: ["pages_manage_metadata"] });

    // Asked again with auth_type=rerequest, then back on the permissions step with the choices kept.
    const again = await admin.metaWizard.submitStep({ attemptId, step: "connect", rerequest: true });
    expect(new URL(again.redirectTo!).searchParams.get("auth_type")).toBe("rerequest");
    await signIn(again.redirectTo!, alex, adminUser);
    view = await admin.metaWizard.get({ attemptId });
    expect(view.step).toBe("permissions");
    expect(view.pages.find((p) => p.id === fb.externalId)?.ticked).toBe(true);
    // Checked at once with the new grants: the permission turned on shows as granted.
    expect(view.permissions.find((p) => p.permission === "pages_manage_metadata")?.status).toBe("granted");
    // Turned off in Facebook's settings meanwhile, then the wizard is resumed: checked again, shown declined.
    world.grants.get(alex)!.permissions.set("pages_manage_metadata", "declined");
    expect((await admin.metaWizard.start({ mode: "reauthorize", channelId: fb.id })).attemptId).toBe(attemptId);
    view = await admin.metaWizard.get({ attemptId });
    expect(view.permissions.find((p) => p.permission === "pages_manage_metadata")?.status).toBe("declined");
    world.grants.get(alex)!.permissions.set("pages_manage_metadata", "granted");
    await admin.metaWizard.verify({ attemptId });
    await admin.metaWizard.submitStep({ attemptId, step: "permissions" });
    expect((await admin.metaWizard.get({ attemptId })).step).toBe("reconnect");

    // Reconnect: Page token, subscription verified with GET, incident resolved, reconnectedAt moved.
    metaGraphFake.calls.length = 0;
    await admin.metaWizard.submitStep({ attemptId, step: "reconnect" });
    view = await admin.metaWizard.get({ attemptId });
    expect(view.step).toBe("restart");
    expect(view.results).toEqual([expect.objectContaining({ channelId: fb.id, ok: true })]);
    const subscribe = metaGraphFake.calls.find((c) => c.method === "POST" && c.edge === "subscribed_apps");
    expect(subscribe?.node).toBe(fb.externalId);
    expect(String(subscribe?.body.subscribed_fields).split(",")).toEqual([...SUBSCRIBED_FIELDS]);
    expect(metaGraphFake.calls.some((c) => c.method === "GET" && c.edge === "subscribed_apps" && c.node === fb.externalId)).toBe(true);
    expect([...(world.subscriptions.get(fb.externalId)?.keys() ?? [])]).toEqual([APP_ID]);
    const page = await row(fb.id);
    expect(page.status).toBe("active");
    expect(page.reconnectedAt).not.toBeNull();
    expect(open<MetaCredentials>(page.credentials).pageToken).toMatch(/^EAAFAKEPAGE/);
    expect(await db.select().from(channelIncidents).where(and(eq(channelIncidents.channelId, fb.id), isNull(channelIncidents.resolvedAt)))).toEqual([]);

    // Restart: the stopped Instagram account starts, verified, with its linked Page.
    expect(view.stopped.map((s) => s.id)).toEqual([ig.id]);
    await admin.metaWizard.submitStep({ attemptId, step: "restart", channelId: ig.id });
    const insta = await row(ig.id);
    expect(insta.status).toBe("active");
    expect(insta.settings.linkedPageId).toBe(fb.externalId);

    // Done: the summary, and the user token dropped.
    await admin.metaWizard.complete({ attemptId });
    view = await admin.metaWizard.get({ attemptId });
    expect(view).toMatchObject({ step: "done", status: "succeeded", signedIn: false });
    expect(view.summary.reconnected.map((r) => r.name)).toEqual(["Acme Store"]);
    expect(view.summary.restarted).toEqual(["@acme.store"]);
    const [finished] = await db.select().from(reconnectAttempts).where(eq(reconnectAttempts.id, attemptId));
    expect(finished!.sealedUserToken).toBeNull();
  });

  it("a Page whose bot also gets its messages: the Pages step names the bot before connecting, and the channel keeps its name", async () => {
    const { fb, admin, adminUser, alex } = await brokenCompany();
    const bot = { id: "730000000000001", name: "Acme Shop Bot" };
    world.subscribe(fb.externalId, bot.id, bot.name, ["messages", "messaging_postbacks", "standby", "messaging_handovers"]);
    // An app on the Page that does not receive its messages is not a thread owner: not named.
    world.subscribe(fb.externalId, "730000000000002", "Page Insights", ["feed"]);
    const { attemptId } = await admin.metaWizard.start({ mode: "reauthorize", channelId: fb.id });
    await signIn((await admin.metaWizard.submitStep({ attemptId, step: "connect" })).redirectTo!, alex, adminUser);
    await admin.metaWizard.submitStep({ attemptId, step: "profile" });
    await admin.metaWizard.submitStep({ attemptId, step: "instagram", ids: [] });
    let view = await admin.metaWizard.get({ attemptId });
    expect(view.step).toBe("pages");
    expect(view.pages.find((p) => p.id === fb.externalId)?.otherApps).toEqual([bot]);

    await admin.metaWizard.submitStep({ attemptId, step: "pages", ids: [fb.externalId] });
    await admin.metaWizard.submitStep({ attemptId, step: "permissions" });
    await admin.metaWizard.submitStep({ attemptId, step: "reconnect" });
    view = await admin.metaWizard.get({ attemptId });
    expect(view.results).toEqual([expect.objectContaining({ channelId: fb.id, ok: true })]);
    // Both apps stay subscribed (handover lets them coexist), and the inbox can name the thread's owner.
    expect([...(world.subscriptions.get(fb.externalId)?.keys() ?? [])].sort()).toEqual([bot.id, "730000000000002", APP_ID].sort());
    expect((await row(fb.id)).settings.pageApps).toEqual([bot]);
  });

  it("refuses a forged OAuth state, another company's state and an expired one, and exchanges nothing", async () => {
    const { fb, admin, adminUser } = await brokenCompany();
    const { attemptId } = await admin.metaWizard.start({ mode: "reauthorize", channelId: fb.id });
    const { redirectTo } = await admin.metaWizard.submitStep({ attemptId, step: "connect" });
    metaGraphFake.calls.length = 0;
    expect(await handleOAuthCallback(new URLSearchParams({ code: "c", state: "forged-state-forged-state-forged" }), adminUser, db)).toEqual({ ok: false, reason: "state_invalid" });
    expect(await handleOAuthCallback(new URLSearchParams({ code: "c" }), adminUser, db)).toEqual({ ok: false, reason: "state_invalid" });
    const state = new URL(redirectTo!).searchParams.get("state")!;
    const other = await seedTestCompany("Other");
    expect(await handleOAuthCallback(new URLSearchParams({ code: "c", state }), { id: other.admin.id, companyId: other.companyId, role: "admin" }, db)).toEqual({ ok: false, reason: "state_invalid" });
    expect(await handleOAuthCallback(new URLSearchParams({ code: "c", state }), null, db)).toEqual({ ok: false, reason: "signed_out" });
    expect(metaGraphFake.calls.filter((c) => c.node === "oauth")).toEqual([]);
    // A cancelled dialog comes back in words, and spends the state.
    expect(await handleOAuthCallback(new URLSearchParams({ error: "access_denied", error_reason: "user_denied", state }), adminUser, db)).toEqual({ ok: true, attemptId });
    expect((await admin.metaWizard.get({ attemptId })).failure).toMatchObject({ step: "connect", reason: "denied" });
    expect(await handleOAuthCallback(new URLSearchParams({ code: "c", state }), adminUser, db)).toMatchObject({ ok: false, reason: "state_used" });
  });

  it("refuses an operator every wizard procedure (FORBIDDEN)", async () => {
    const { co, fb, admin } = await brokenCompany();
    const { attemptId } = await admin.metaWizard.start({ mode: "reauthorize", channelId: fb.id });
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const attempts: [string, () => Promise<unknown>][] = [
      ["start", () => operator.metaWizard.start({ mode: "reauthorize", channelId: fb.id })],
      ["get", () => operator.metaWizard.get({ attemptId })],
      ["submitStep", () => operator.metaWizard.submitStep({ attemptId, step: "connect" })],
      ["verify", () => operator.metaWizard.verify({ attemptId })],
      ["complete", () => operator.metaWizard.complete({ attemptId })],
      ["cancel", () => operator.metaWizard.cancel({ attemptId })],
    ];
    for (const [name, call] of attempts) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code, name).toBe("FORBIDDEN");
    }
    // Another company's admin does not even find it.
    const other = await seedTestCompany("Other");
    const stranger = callerFor({ id: other.admin.id, companyId: other.companyId, role: "admin" });
    await expect(stranger.metaWizard.get({ attemptId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("cancel drops the token and closes the wizard", async () => {
    const { fb, admin, adminUser, alex } = await brokenCompany();
    const { attemptId } = await admin.metaWizard.start({ mode: "reauthorize", channelId: fb.id });
    await signIn((await admin.metaWizard.submitStep({ attemptId, step: "connect" })).redirectTo!, alex, adminUser);
    await admin.metaWizard.cancel({ attemptId });
    const [r] = await db.select().from(reconnectAttempts).where(eq(reconnectAttempts.id, attemptId));
    expect(r).toMatchObject({ status: "abandoned", sealedUserToken: null });
    await expect(admin.metaWizard.submitStep({ attemptId, step: "profile" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("Connect with Facebook creates channels for the ticked Page and Instagram account on the chosen line", async () => {
    const co = await seedTestCompany("Meta connect");
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    const adminUser = { id: co.admin.id, companyId: co.companyId, role: "admin" };
    const pageId = `new-page-${co.companyId}`;
    const igId = `new-ig-${co.companyId}`;
    world.addPage({ id: pageId, name: "Kettle Corner", instagram: { id: igId, username: "kettle.corner" } });
    world.addProfile({ id: `p-${co.companyId}`, name: "Pat", pages: { [pageId]: ["MANAGE"] } });
    const { attemptId } = await admin.metaWizard.start({ mode: "connect" });
    await signIn((await admin.metaWizard.submitStep({ attemptId, step: "connect" })).redirectTo!, `p-${co.companyId}`, adminUser);
    await admin.metaWizard.submitStep({ attemptId, step: "profile" });
    await admin.metaWizard.submitStep({ attemptId, step: "instagram", ids: [igId] });
    await admin.metaWizard.submitStep({ attemptId, step: "pages", ids: [pageId] });
    expect((await admin.metaWizard.get({ attemptId })).failure).toMatchObject({ reason: "metaWizard.error.lineRequired" });
    await admin.metaWizard.submitStep({ attemptId, step: "pages", ids: [pageId], line: { kind: "existing", lineId: co.lineIds[0]! } });
    await admin.metaWizard.submitStep({ attemptId, step: "permissions" });
    await admin.metaWizard.submitStep({ attemptId, step: "reconnect" });
    const view = await admin.metaWizard.get({ attemptId });
    expect(view.results.map((r) => [r.provider, r.ok, r.created])).toEqual([
      ["messenger", true, true],
      ["instagram", true, true],
    ]);
    const created = await db.select().from(channels).where(and(eq(channels.companyId, co.companyId), eq(channels.lineId, co.lineIds[0]!)));
    expect(created.find((c) => c.externalId === igId)?.settings.linkedPageId).toBe(pageId);
  });
});

describe("the Graph checks each step runs", () => {
  it("discover: Pages with tasks, business-owned Pages when /me/accounts has none, Instagram accounts behind them", async () => {
    world.addPage({ id: "BP1", name: "Biz Page", instagram: { id: "BIG1", username: "biz" } });
    world.addBusiness({ id: "B1", name: "Biz", pageIds: ["BP1"] });
    world.addProfile({ id: "bizzy", name: "Bizzy", businesses: ["B1"] });
    const code = world.authorize({ profileId: "bizzy", redirectUri: "http://x", granted: [...REQUIRED_PERMISSIONS] });
    const token = world.issueUserToken(world.codes.get(code)!.profileId, true);
    const found = await discover(token, [{ channelId: "c1", provider: "messenger", externalId: "BP1", name: "Biz Page" }]);
    expect(found.pages).toEqual([expect.objectContaining({ id: "BP1", viaBusiness: true, canMessage: true, instagram: { id: "BIG1", username: "biz" } })]);
    expect(found.instagram).toEqual([{ id: "BIG1", username: "biz", pageId: "BP1" }]);
    expect(found.unreachable).toEqual([]);
  });

  it("discover: a Page with no messaging task is named as such", async () => {
    world.addPage({ id: "AP1", name: "Analytics Only" });
    world.addProfile({ id: "analyst", name: "Ana", pages: { AP1: ["ANALYZE"] } });
    world.authorize({ profileId: "analyst", redirectUri: "http://x", granted: [...REQUIRED_PERMISSIONS] });
    const found = await discover(world.issueUserToken("analyst", true), [{ channelId: "c1", provider: "messenger", externalId: "AP1", name: "Analytics Only" }]);
    expect(found.unreachable).toEqual([{ channelId: "c1", name: "Analytics Only", provider: "messenger", reason: "no_messaging_task" }]);
  });

  it("checkPermissions: declined from /me/permissions, and a ticked Page not covered by granular_scopes", async () => {
    world.addPage({ id: "CP1", name: "One" });
    world.addPage({ id: "CP2", name: "Two" });
    world.addProfile({ id: "chris", name: "Chris", pages: { CP1: ["MANAGE"], CP2: ["MANAGE"] } });
    world.authorize({ profileId: "chris", redirectUri: "http://x", granted: REQUIRED_PERMISSIONS.filter((p) => p !== "instagram_basic"), declined: ["instagram_basic"], pageIds: ["CP1"] });
    const result = await checkPermissions(world.issueUserToken("chris", true), { pageIds: ["CP1", "CP2"], instagramIds: [] });
    expect(result.valid).toBe(true);
    expect(result.permissions.find((p) => p.permission === "instagram_basic")?.status).toBe("declined");
    expect(result.permissions.find((p) => p.permission === "pages_messaging")).toEqual({ permission: "pages_messaging", status: "granted", uncovered: ["CP2"] });
    expect(result.permissions.find((p) => p.permission === "business_management")?.uncovered).toEqual([]);
  });

  it("connectPage: refused without pages_manage_metadata (Graph error 200), verified with GET otherwise", async () => {
    world.addPage({ id: "SP1", name: "Sub" });
    world.addProfile({ id: "sub", name: "Sub", pages: { SP1: ["MANAGE"] } });
    world.authorize({ profileId: "sub", redirectUri: "http://x", granted: REQUIRED_PERMISSIONS.filter((p) => p !== "pages_manage_metadata"), declined: ["pages_manage_metadata"] });
    const token = world.issueUserToken("sub", true);
    expect(await connectPage(token, "SP1")).toEqual({ ok: false, reason: "permission_missing" });
    world.authorize({ profileId: "sub", redirectUri: "http://x", granted: [...REQUIRED_PERMISSIONS] });
    expect(await connectPage(token, "SP1")).toMatchObject({ ok: true });
    expect(await connectPage(token, "NOPE")).toEqual({ ok: false, reason: "page_not_reachable" });
    world.changePassword("sub");
    expect(await connectPage(token, "SP1")).toEqual({ ok: false, reason: "token_invalid" });
  });

  it("Start from ⋯ for a stopped Messenger Page checks the stored token and our subscription", async () => {
    const { fb, admin } = await brokenCompany();
    await db.update(channels).set({ status: "stopped", statusReason: "stopped_by_admin" }).where(eq(channels.id, fb.id));
    await expect(admin.channels.start({ channelId: fb.id })).rejects.toMatchObject({ message: "reason.meta_needs_wizard" });
    world.registerPageToken("demo", fb.externalId);
    world.subscribe(fb.externalId, APP_ID, "Switchboard", [...SUBSCRIBED_FIELDS]);
    await expect(admin.channels.start({ channelId: fb.id })).resolves.toMatchObject({ status: "active" });
    await expect(admin.channels.reconnect({ channelId: fb.id })).rejects.toMatchObject({ message: "metaWizard.reconnect.useWizard" });
  });
});

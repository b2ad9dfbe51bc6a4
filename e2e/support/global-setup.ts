import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { channelIncidents, channels } from "../../db/schema";
import { seal } from "../../server/crypto/secret-box";
import { processEnvironment } from "../../server/env.js";
import { startMetaGraphFake } from "../../server/sandbox/meta-graph-fake";
import { SUBSCRIBED_FIELDS } from "../../server/channels/meta/permissions";
import { prepareMetaFake, SANDBOX_BOT_APP } from "../../server/sandbox/prepare-meta";
import { emailOpenIncidents } from "../../server/services/sandbox/email-open-incidents";
import { prepareTelegramFake } from "../../server/sandbox/prepare-telegram";
import { startTelegramFake } from "../../server/sandbox/telegram-fake";
import { startVkFake } from "../../server/sandbox/vk-fake";
import { freePort } from "./free-port";
import { E2E_STATE_VAR, type E2EState } from "./state";

const COMPANIES = ["inbox", "access", "locale", "people", "channels", "workflow", "health", "meta-wizard", "security", "outage", "settings", "sandbox", "live", "composer", "recovery", "saved-replies", "contacts", "notes", "presence", "instant", "notify", "idle"] as const;
/** Where the Meta fake (Facebook Login dialog + Graph API) listens, for specs that read what it was sent. */
export const E2E_META_FAKE_VAR = "SWITCHBOARD_E2E_META_FAKE_URL";

/**
 * Starts what a browser test needs, all on loopback: the Telegram Bot API fake, the embedded database and
 * Pusher-protocol server, and the production build of the app (`next start`). Each spec gets its own company.
 */
export default async function globalSetup() {
  const vars = processEnvironment();
  const port = await freePort();
  const baseURL = `http://localhost:${port}`;
  const telegram = await startTelegramFake();
  const metaApp = { appId: "100000000000777", appSecret: randomBytes(24).toString("hex") };
  const meta = await startMetaGraphFake(metaApp);
  const vk = await startVkFake();

  // Configuration for this process (which seals the seeded tokens) and the app alike.
  const appEnv: Record<string, string> = {
    APP_URL: baseURL,
    NEXTAUTH_URL: baseURL,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    TELEGRAM_API_BASE_URL: telegram.url,
    // Facebook Login and the Graph API: the loopback Meta fake, with its own app id and secret.
    META_GRAPH_API_BASE_URL: meta.url,
    META_OAUTH_DIALOG_URL: meta.url,
    META_APP_ID: metaApp.appId,
    META_APP_SECRET: metaApp.appSecret,
    META_VERIFY_TOKEN: randomBytes(12).toString("hex"),
    VK_API_BASE_URL: vk.url,
    EMBEDDED_PUSHER_PORT: String(await freePort()),
    META_MEDIA_HOSTS: "127.0.0.1",
    VK_MEDIA_HOSTS: "127.0.0.1",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  Object.assign(vars, appEnv);
  // The browser tests always run on the embedded database (the integration tests cover PostgreSQL).
  delete vars.DATABASE_URL;

  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    execFileSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], { stdio: "inherit" });
  }

  const { startStack } = await import("../../server/launcher/stack");
  const { seedCompany, DEMO_PASSWORD } = await import("../../db/seed");
  const companies: E2EState["companies"] = {};
  const stack = await startStack({
    mode: "start",
    port,
    dataDir: ":memory:",
    appEnv,
    log: () => {},
    prepare: async (db) => {
      for (const slug of COMPANIES) {
        // Only the Meta wizard's company has a working Meta app in its demo data; the others keep the Messenger
        // Page that says no Meta app is configured, as their specs expect.
        const seeded = await seedCompany(db, { slug: `e2e-${slug}`, name: `E2E ${slug}`, metaAppConfigured: slug === "meta-wizard" || slug === "sandbox" });
        companies[slug] = {
          adminEmail: seeded.admin.email,
          operatorEmail: seeded.operators[0]!.email,
          password: DEMO_PASSWORD,
          telegram: { channelId: seeded.telegram.channelId, webhookSecret: seeded.telegram.webhookSecret, botToken: seeded.telegram.botToken },
        };
      }
      // The health walk starts from a company whose channels all work (its lost ones are stopped instead).
      const health = companies.health;
      if (health) {
        const [row] = await db.select({ companyId: channels.companyId }).from(channels).where(eq(channels.id, health.telegram.channelId));
        await db.delete(channelIncidents).where(eq(channelIncidents.companyId, row!.companyId));
        await db
          .update(channels)
          .set({ status: "stopped", statusReason: "stopped_by_admin" })
          .where(and(eq(channels.companyId, row!.companyId), eq(channels.status, "disconnected")));
      }
      // The Meta wizard walk: the Messenger Page lost its connection to a password change (190/460), the
      // Instagram account is stopped, everything else works (the revoked bot is stopped instead).
      const metaWizard = companies["meta-wizard"];
      const metaCompanyIds: string[] = [];
      if (metaWizard) {
        const [row] = await db.select({ companyId: channels.companyId }).from(channels).where(eq(channels.id, metaWizard.telegram.channelId));
        const companyId = row!.companyId;
        metaCompanyIds.push(companyId);
        await db.delete(channelIncidents).where(eq(channelIncidents.companyId, companyId));
        await db
          .update(channels)
          .set({ status: "stopped", statusReason: "stopped_by_admin" })
          .where(and(eq(channels.companyId, companyId), inArray(channels.provider, ["telegram", "instagram"]), eq(channels.status, "disconnected")));
        const lostAt = new Date(Date.now() - 60 * 60_000);
        const providerError = { code: 190, subcode: 460, description: "Error validating access token: The session has been invalidated because the user changed their password" };
        const [page] = await db
          .update(channels)
          .set({ status: "disconnected", statusReason: "password_changed", providerError, statusSince: lostAt })
          .where(and(eq(channels.companyId, companyId), eq(channels.provider, "messenger")))
          .returning({ id: channels.id });
        await db.insert(channelIncidents).values({ companyId, channelId: page!.id, reasonCode: "password_changed", providerError, openedAt: lostAt, lastErrorAt: lostAt });
      }
      // The sandbox walk: the demo as `npm run dev` starts it — its lost channels' emails sent — and a working
      // Messenger Page (a token of its own, our app subscribed) whose thread with Maria Lopez the Page's bot owns.
      const sandbox = companies.sandbox;
      if (sandbox) {
        const [row] = await db.select({ companyId: channels.companyId }).from(channels).where(eq(channels.id, sandbox.telegram.channelId));
        await emailOpenIncidents(db, { companyId: row!.companyId });
        const [page] = await db
          .update(channels)
          .set({ credentials: seal({ pageToken: "EAAE2ESANDBOXPAGE" }) })
          .where(and(eq(channels.companyId, row!.companyId), eq(channels.provider, "messenger")))
          .returning({ externalId: channels.externalId });
        meta.world.addPage({ id: page!.externalId, name: "Acme Store" });
        meta.world.registerPageToken("EAAE2ESANDBOXPAGE", page!.externalId);
        meta.world.subscribe(page!.externalId, metaApp.appId, "Switchboard", [...SUBSCRIBED_FIELDS]);
        meta.world.subscribe(page!.externalId, SANDBOX_BOT_APP.id, SANDBOX_BOT_APP.name, ["messages", "messaging_postbacks", "standby", "messaging_handovers"]);
        meta.world.threadOwners.set(`${page!.externalId}:psid-1001`, SANDBOX_BOT_APP.id);
      }
      // The recovery walk: the VK community lost its Callback server an hour ago; meanwhile a customer wrote twice.
      const recovery = companies.recovery;
      if (recovery) {
        const [row] = await db.select({ companyId: channels.companyId }).from(channels).where(eq(channels.id, recovery.telegram.channelId));
        const companyId = row!.companyId;
        const groupId = 229_876_001;
        const accessToken = `vk1.a.e2e-recovery-${randomBytes(12).toString("hex")}`;
        const lostAt = new Date(Date.now() - 60 * 60_000);
        const [community] = await db
          .update(channels)
          .set({
            externalId: String(groupId),
            status: "disconnected",
            statusReason: "callback_failed",
            statusSince: lostAt,
            credentials: seal({ accessToken, secret: "E2eRecoverySecret1" }),
            settings: { vkConfirmationCode: "e2e0rec1", vkConfirmedAt: lostAt.toISOString() },
          })
          .where(and(eq(channels.companyId, companyId), eq(channels.provider, "vk")))
          .returning({ id: channels.id });
        await db.insert(channelIncidents).values({ companyId, channelId: community!.id, reasonCode: "callback_failed", openedAt: lostAt, lastErrorAt: lostAt });
        vk.communities.set(accessToken, { id: groupId, name: "Acme VK", screenName: "acme_vk" });
        vk.confirmationCodes.set(groupId, "e2e0rec1");
        const at = Math.floor(lostAt.getTime() / 1000);
        const peer = 61_000_001;
        vk.history.set(groupId, [
          { id: 1, date: at + 600, peer_id: peer, from_id: peer, text: "Is anyone there? My parcel is late", out: 0, conversation_message_id: 1 },
          { id: 2, date: at + 1200, peer_id: peer, from_id: peer, text: "Please call me back about the parcel", out: 0, conversation_message_id: 2 },
        ]);
      }
      // The fakes agree with the seeded data: working bots registered, the revoked one revoked; Pages, their
      // Instagram accounts and the Facebook profiles that manage them.
      await prepareTelegramFake(db, telegram, baseURL);
      await prepareMetaFake(db, meta.world, { companyIds: metaCompanyIds });
    },
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${baseURL}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the app did not become healthy at ${baseURL}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  const state: E2EState = { baseURL, telegramFakeUrl: telegram.url, vkFakeUrl: vk.url, companies };
  vars[E2E_STATE_VAR] = JSON.stringify(state);
  vars[E2E_META_FAKE_VAR] = meta.url;

  return async () => {
    await stack.stop();
    await telegram.close();
    await vk.close();
    await meta.close();
  };
}

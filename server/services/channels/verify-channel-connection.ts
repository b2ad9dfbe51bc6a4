import { randomBytes } from "node:crypto";
import type { HealthReport } from "../../channels/types";
import type { TelegramCredentials } from "../../channels/telegram/credentials";
import { probeTelegramHealth } from "../../channels/telegram/health";
import { setTelegramWebhook } from "../../channels/telegram/webhook";
import type { VkCredentials } from "../../channels/vk/credentials";
import { probeVkHealth } from "../../channels/vk/health";
import { open } from "../../crypto/secret-box";
import type { MetaCredentials } from "../../channels/meta/credentials";
import { env } from "../../env.js";
import { getSubscribedApps } from "../../channels/meta/graph";
import { metaAppConfigured } from "../../channels/meta/oauth";
import { webhookUrlFor, type Channel } from "./channel-records";

export type Verification =
  | { ok: true; account?: { name: string; username?: string }; credentials?: TelegramCredentials; degraded?: string }
  | { ok: false; reason: string };

/** Degraded findings that still mean "events reach us": Telegram's queue had delivery errors (it drains once we answer). */
const STARTABLE_WHEN_DEGRADED = new Set(["webhook_failing"]);

function verdict(report: HealthReport): Verification {
  if (report.status === "healthy") return { ok: true, account: { name: report.account.name, username: report.account.username } };
  if (report.status === "degraded" && STARTABLE_WHEN_DEGRADED.has(report.reason)) return { ok: true, degraded: report.reason };
  // "retrying": the provider did not answer (network, 429, 5xx) — nothing was verified.
  return { ok: false, reason: report.reason === "retrying" ? "unreachable" : report.reason };
}

/**
 * Is the channel's connection working, before it is started (F4)? The health probes decide: Telegram getMe +
 * getWebhookInfo, VK groups.getById + the callback server. A bot whose webhook we removed ourselves
 * (Disconnect) gets it back with a fresh secret, then is probed again; a webhook someone else set is never
 * taken over silently (F5). Messenger and Instagram start through Facebook re-authorization (the Meta wizard).
 */
export async function verifyChannelConnection(channel: Channel, now = new Date()): Promise<Verification> {
  const target = { externalId: channel.externalId, webhookUrl: webhookUrlFor(channel.provider, channel.id), now };
  switch (channel.provider) {
    case "telegram": {
      const credentials = open<TelegramCredentials>(channel.credentials);
      const report = await probeTelegramHealth(credentials, target);
      if (report.status === "connection_lost" && report.reason === "webhook_removed" && channel.statusReason === "disconnected_by_admin") {
        const renewed = { ...credentials, webhookSecret: randomBytes(32).toString("base64url") };
        try {
          await setTelegramWebhook(renewed.botToken, target.webhookUrl, renewed.webhookSecret);
        } catch {
          return { ok: false, reason: "unreachable" };
        }
        const again = verdict(await probeTelegramHealth(renewed, target));
        return again.ok ? { ...again, credentials: renewed } : again;
      }
      return verdict(report);
    }
    case "vk":
      return verdict(await probeVkHealth(open<VkCredentials>(channel.credentials), target));
    case "messenger":
    case "instagram":
      return verifyMetaChannel(channel);
  }
}

/**
 * Messenger / Instagram: the stored Page token must still work and the Page must list our app among its
 * subscribed apps (GET /{page-id}/subscribed_apps). Anything else needs the re-authorization wizard.
 */
async function verifyMetaChannel(channel: Channel): Promise<Verification> {
  if (!metaAppConfigured()) return { ok: false, reason: "meta_app_not_configured" };
  const pageId = channel.provider === "messenger" ? channel.externalId : channel.settings.linkedPageId;
  if (!pageId) return { ok: false, reason: "meta_needs_wizard" };
  try {
    const { pageToken } = open<MetaCredentials>(channel.credentials);
    const apps = await getSubscribedApps(pageToken, pageId);
    return apps.some((a) => a.id === env().META_APP_ID) ? { ok: true } : { ok: false, reason: "meta_needs_wizard" };
  } catch {
    return { ok: false, reason: "meta_needs_wizard" };
  }
}

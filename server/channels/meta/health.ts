import type { ProviderError } from "../../../db/schema";
import { env } from "../../env.js";
import { debugToken, getSubscribedApps, MetaApiError } from "./graph";
import type { HealthReport } from "../types";
import { classifyMetaError } from "./classify";
import type { MetaCredentials } from "./credentials";
import { otherMessagingApps } from "./permissions";

/** A token or data access ending within this long raises a warning (one heads-up email) before the loss. */
export const EXPIRY_WARNING_MS = 7 * 24 * 3600 * 1000;

type Target = { externalId: string; webhookUrl: string; now: Date; linkedPageId?: string };

function fromRefusal(providerError: ProviderError): HealthReport {
  const classified = classifyMetaError(providerError);
  return { status: classified.class === "connection_lost" ? "connection_lost" : "degraded", reason: classified.class === "connection_lost" ? classified.reason : "retrying", providerError };
}

/**
 * Is a Page's (or an Instagram account's) connection working (protocols/meta.md §4)? debug_token with the app
 * token: the Page token is valid (else the loss's cause from its code and subcode: 190/460 is a password
 * change), and it or the app's data access does not end within 7 days (a warning with the date); then
 * GET /{page-id}/subscribed_apps must list this app with the messages field, else the app was removed from
 * the Page. Instagram goes through its linked Page. A timeout, 5xx or rate limit says nothing about the
 * connection: "retrying".
 */
export async function probeMetaHealth(credentials: MetaCredentials, target: Target): Promise<HealthReport> {
  const appId = env().META_APP_ID;
  if (!appId || !env().META_APP_SECRET) return { status: "connection_lost", reason: "meta_app_not_configured", providerError: { description: "no Meta app is configured" } };
  try {
    const token = await debugToken(credentials.pageToken);
    if (!token.isValid) {
      return fromRefusal({ code: token.error?.code ?? 190, ...(token.error?.subcode !== undefined ? { subcode: token.error.subcode } : {}), description: token.error?.message ?? "debug_token: the token is not valid" });
    }
    const pageId = target.linkedPageId ?? target.externalId;
    const apps = await getSubscribedApps(credentials.pageToken, pageId);
    const ours = apps.find((a) => a.id === appId);
    if (!ours || (ours.fields.length > 0 && !ours.fields.includes("messages"))) {
      return { status: "connection_lost", reason: "app_not_installed", providerError: { description: `subscribed_apps of ${pageId} does not list this app with the messages field` } };
    }
    const soonest = [token.expiresAt, token.dataAccessExpiresAt].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0];
    if (soonest && soonest.getTime() - target.now.getTime() < EXPIRY_WARNING_MS) {
      return { status: "degraded", reason: "token_expiring", providerError: { description: `access ends ${soonest.toISOString()}`, expiresAt: soonest.toISOString() } };
    }
    return { status: "healthy", account: { id: pageId, name: ours.name || pageId }, pageApps: otherMessagingApps(apps, appId) };
  } catch (error) {
    if (error instanceof MetaApiError) return fromRefusal(error.providerError);
    throw error;
  }
}

/**
 * What each wizard step verifies against the Graph API before the next one opens. Pure of the database: the
 * service hands in the token and what the company has, and gets back findings the state machine understands.
 */
import { env } from "../env.js";
import { logger } from "../log";
import {
  debugToken,
  getAccounts,
  getBusinessPages,
  getMe,
  getPageInstagram,
  getPageToken,
  getPermissions,
  getSubscribedApps,
  MetaApiError,
  subscribePage,
  type GraphPage,
} from "../channels/meta/graph";
import type { Discovery, PermissionCheck, Unreachable, WizardInstagram, WizardPage, WizardTarget } from "./machine";
import { canMessage, coverageKind, otherMessagingApps, REQUIRED_PERMISSIONS, SUBSCRIBED_FIELDS, type PageApp } from "../channels/meta/permissions";

/** A Graph refusal as a stable reason code the page words (metaWizard.result.<reason>). */
export function graphReason(error: unknown): string {
  if (!(error instanceof MetaApiError)) return "unexpected";
  const { code, subcode, httpStatus } = error.providerError;
  if (code === undefined) return httpStatus === undefined || httpStatus >= 500 ? "unreachable" : "unexpected";
  if (code === 190 || code === 102) return subcode === 492 ? "no_role_on_page" : "token_invalid";
  if (code === 10 || (typeof code === "number" && code >= 200 && code <= 299)) return "permission_missing";
  if (code === 4 || code === 17 || code === 32 || code === 613 || code === 80001) return "rate_limited";
  if (code === 1 || code === 2) return "unreachable";
  if (code === 100) return "page_not_reachable";
  return "unexpected";
}

type Accounts = { pages: (WizardPage & { accessToken?: string })[] };

async function reachablePages(userToken: string, wanted: ReadonlySet<string>): Promise<Accounts> {
  const pages = new Map<string, GraphPage>();
  for (const p of await getAccounts(userToken)) if (p.id) pages.set(p.id, p);
  // Business-owned Pages may be missing from /me/accounts with Facebook Login for Business (§4.3).
  if (pages.size === 0 || [...wanted].some((id) => !pages.has(id))) {
    try {
      for (const p of await getBusinessPages(userToken)) if (p.id && !pages.has(p.id)) pages.set(p.id, p);
    } catch (error) {
      // Without business_management there is nothing more to find; the permissions step says so.
      logger.info("meta_wizard.business_pages_unavailable", { reason: graphReason(error) });
    }
  }
  return {
    pages: [...pages.values()].map((p) => ({
      id: p.id,
      name: p.name,
      tasks: p.tasks,
      // A business's own Page lists no personal tasks: the business manages it.
      canMessage: canMessage(p.tasks) || (p.viaBusiness === true && p.tasks.length === 0),
      ...(p.viaBusiness ? { viaBusiness: true } : {}),
      ...(p.accessToken ? { accessToken: p.accessToken } : {}),
    })),
  };
}

/**
 * Who signed in, which Pages (with tasks) and Instagram accounts they shared, and which broken channels this
 * profile cannot fix: not shared in the dialog, or no task that lets it answer messages.
 */
export async function discover(userToken: string, broken: readonly WizardTarget[]): Promise<Discovery> {
  const profile = await getMe(userToken);
  const wanted = new Set(broken.flatMap((b) => (b.provider === "messenger" ? [b.externalId] : b.linkedPageId ? [b.linkedPageId] : [])));
  const { pages } = await reachablePages(userToken, wanted);
  const instagram: WizardInstagram[] = [];
  const withInstagram: WizardPage[] = [];
  for (const page of pages) {
    const { accessToken, ...shown } = page;
    let account: { id: string; username: string } | undefined;
    let token: string | undefined;
    try {
      token = accessToken ?? (await getPageToken(userToken, page.id));
      if (token) account = await getPageInstagram(token, page.id);
    } catch (error) {
      logger.info("meta_wizard.instagram_unavailable", { pageId: page.id, reason: graphReason(error) });
    }
    // Which other app (the Page's bot) gets its messages too: said on the Pages step before connecting.
    let otherApps: PageApp[] = [];
    try {
      if (token && page.canMessage) otherApps = otherMessagingApps(await getSubscribedApps(token, page.id), env().META_APP_ID);
    } catch (error) {
      logger.info("meta_wizard.subscribed_apps_unavailable", { pageId: page.id, reason: graphReason(error) });
    }
    if (account && !instagram.some((i) => i.id === account.id)) instagram.push({ ...account, pageId: page.id });
    withInstagram.push({ ...shown, ...(account ? { instagram: account } : {}), ...(otherApps.length > 0 ? { otherApps } : {}) });
  }
  const unreachable: Unreachable[] = [];
  for (const target of broken) {
    if (target.provider === "messenger") {
      const page = withInstagram.find((p) => p.id === target.externalId);
      if (!page) unreachable.push({ channelId: target.channelId, name: target.name, provider: target.provider, reason: "not_shared" });
      else if (!page.canMessage) unreachable.push({ channelId: target.channelId, name: target.name, provider: target.provider, reason: "no_messaging_task" });
    } else {
      const account = instagram.find((i) => i.id === target.externalId);
      const page = account ? withInstagram.find((p) => p.id === account.pageId) : undefined;
      if (!account) unreachable.push({ channelId: target.channelId, name: target.name, provider: target.provider, reason: "not_shared" });
      else if (page && !page.canMessage) unreachable.push({ channelId: target.channelId, name: target.name, provider: target.provider, reason: "no_messaging_task" });
    }
  }
  return { profile, pages: withInstagram, instagram, unreachable };
}

/**
 * /me/permissions (granted or declined) and debug_token's granular scopes: a permission counts only when it is
 * granted and, for Page and Instagram permissions, granted for every ticked account.
 */
export async function checkPermissions(userToken: string, ticked: { pageIds: readonly string[]; instagramIds: readonly string[] }): Promise<{ valid: boolean; permissions: PermissionCheck[] }> {
  const [granted, debug] = await Promise.all([getPermissions(userToken), debugToken(userToken)]);
  const status = new Map(granted.map((p) => [p.permission, p.status]));
  const permissions = REQUIRED_PERMISSIONS.map((permission): PermissionCheck => {
    const s = status.get(permission);
    const kind = coverageKind(permission);
    const scope = debug.granularScopes.find((g) => g.scope === permission);
    // No target_ids: granted for everything the profile can reach.
    const covered = scope?.targetIds ? new Set(scope.targetIds) : null;
    const wanted = kind === "page" ? ticked.pageIds : kind === "instagram" ? ticked.instagramIds : [];
    const uncovered = s === "granted" && covered ? wanted.filter((id) => !covered.has(id)) : [];
    return { permission, status: s === "granted" ? "granted" : s === "declined" ? "declined" : "missing", uncovered };
  });
  return { valid: debug.isValid, permissions };
}

export type PageConnection = { ok: true; pageToken: string; otherApps: PageApp[] } | { ok: false; reason: string };

/**
 * One Page's connection: its Page token (from the long-lived user token, so it does not expire), the
 * messaging fields subscribed with POST /{page-id}/subscribed_apps, then verified with GET: our app must be
 * listed with every field.
 */
export async function connectPage(userToken: string, pageId: string): Promise<PageConnection> {
  let pageToken: string | undefined;
  try {
    pageToken = (await getAccounts(userToken)).find((p) => p.id === pageId)?.accessToken;
    pageToken ??= await getPageToken(userToken, pageId);
  } catch (error) {
    return { ok: false, reason: graphReason(error) };
  }
  if (!pageToken) return { ok: false, reason: "page_not_reachable" };
  try {
    await subscribePage(pageToken, pageId, SUBSCRIBED_FIELDS);
  } catch (error) {
    return { ok: false, reason: graphReason(error) === "unexpected" ? "subscribe_failed" : graphReason(error) };
  }
  let otherApps: PageApp[];
  try {
    const apps = await getSubscribedApps(pageToken, pageId);
    const ours = apps.find((a) => a.id === env().META_APP_ID);
    if (!ours || SUBSCRIBED_FIELDS.some((f) => !ours.fields.includes(f))) return { ok: false, reason: "not_verified" };
    otherApps = otherMessagingApps(apps, env().META_APP_ID);
  } catch (error) {
    return { ok: false, reason: graphReason(error) };
  }
  return { ok: true, pageToken, otherApps };
}

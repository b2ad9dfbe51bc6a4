/**
 * The Graph API calls the wizard makes (protocols/meta.md §4): the OAuth code exchange, the long-lived user
 * token, who signed in, their Pages (and business-owned Pages), each Page's Instagram account, granted and
 * declined permissions, debug_token's granular scopes, and the Page's webhook subscription. Tokens travel in
 * the Authorization header or a POST body, never in a logged URL; the one exception is debug_token's
 * `input_token`, which Meta only takes as a query parameter (and no URL is ever logged).
 */
import type { ProviderError } from "../../../db/schema";
import { MetaApiError } from "./api";
import { env } from "../../env.js";

export { MetaApiError };

type Json = Record<string, unknown>;
type GraphErrorBody = { message?: string; code?: number; error_subcode?: number };

const TIMEOUT_MS = 15_000;

function base(): string {
  const { META_GRAPH_API_BASE_URL, META_GRAPH_API_VERSION } = env();
  return `${META_GRAPH_API_BASE_URL}/${META_GRAPH_API_VERSION}`;
}

async function call(path: string, init: { method: "GET" | "POST"; token?: string; query?: Record<string, string>; form?: Record<string, string> }): Promise<Json> {
  const url = new URL(`${base()}/${path}`);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new MetaApiError({ description: `network error (${error instanceof Error ? error.name : "Error"})` });
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = undefined;
  }
  const body = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  if (response.ok && body && body.error === undefined) return body;
  const graph = body?.error as GraphErrorBody | undefined;
  const providerError: ProviderError = {
    httpStatus: response.status,
    ...(typeof graph?.code === "number" ? { code: graph.code } : {}),
    ...(typeof graph?.error_subcode === "number" ? { subcode: graph.error_subcode } : {}),
    description: graph?.message ?? `HTTP ${response.status}`,
  };
  throw new MetaApiError(providerError);
}

const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === "object" && x !== null) : []);

/** Follows `paging.cursors.after` for list edges, up to a sane number of pages. */
async function all(path: string, token: string, query: Record<string, string>): Promise<Json[]> {
  const out: Json[] = [];
  let after: string | undefined;
  for (let page = 0; page < 10; page++) {
    const body = await call(path, { method: "GET", token, query: { limit: "100", ...query, ...(after ? { after } : {}) } });
    out.push(...list(body.data));
    const paging = body.paging as { next?: string; cursors?: { after?: string } } | undefined;
    after = paging?.next ? paging.cursors?.after : undefined;
    if (!after) break;
  }
  return out;
}

function app(): { id: string; secret: string } {
  const { META_APP_ID, META_APP_SECRET } = env();
  if (!META_APP_ID || !META_APP_SECRET) throw new MetaApiError({ description: "no Meta app is configured" });
  return { id: META_APP_ID, secret: META_APP_SECRET };
}

/** The code from the dialog → a short-lived user token (server to server; `redirect_uri` must be the dialog's). */
export async function exchangeCode(code: string, redirectUri: string): Promise<string> {
  const { id, secret } = app();
  const body = await call("oauth/access_token", { method: "POST", form: { client_id: id, client_secret: secret, redirect_uri: redirectUri, code } });
  const token = str(body.access_token);
  if (!token) throw new MetaApiError({ description: "the code exchange returned no token" });
  return token;
}

/** Short-lived → long-lived user token (about 60 days); Page tokens derived from it do not expire (§4.3). */
export async function exchangeLongLived(shortToken: string): Promise<{ token: string; expiresIn: number | null }> {
  const { id, secret } = app();
  const body = await call("oauth/access_token", { method: "POST", form: { grant_type: "fb_exchange_token", client_id: id, client_secret: secret, fb_exchange_token: shortToken } });
  const token = str(body.access_token);
  if (!token) throw new MetaApiError({ description: "the token exchange returned no token" });
  return { token, expiresIn: typeof body.expires_in === "number" ? body.expires_in : null };
}

export async function getMe(userToken: string): Promise<{ id: string; name: string }> {
  const body = await call("me", { method: "GET", token: userToken, query: { fields: "id,name" } });
  return { id: str(body.id) ?? "", name: str(body.name) ?? "" };
}

export type GraphPage = { id: string; name: string; tasks: string[]; accessToken?: string; viaBusiness?: boolean };

const toPage = (p: Json, viaBusiness = false): GraphPage => ({
  id: str(p.id) ?? "",
  name: str(p.name) ?? "",
  tasks: Array.isArray(p.tasks) ? p.tasks.filter((t): t is string => typeof t === "string") : [],
  ...(str(p.access_token) ? { accessToken: str(p.access_token) } : {}),
  ...(viaBusiness ? { viaBusiness } : {}),
});

/** GET /me/accounts: the Pages this profile has a task on, with their Page tokens. */
export async function getAccounts(userToken: string): Promise<GraphPage[]> {
  return (await all("me/accounts", userToken, { fields: "id,name,tasks,access_token" })).map((p) => toPage(p));
}

/**
 * Pages owned by the profile's Business portfolios (/me/businesses → /{business}/owned_pages): with Facebook
 * Login for Business /me/accounts can be empty for them (§4.3). Needs business_management.
 */
export async function getBusinessPages(userToken: string): Promise<GraphPage[]> {
  const businesses = await all("me/businesses", userToken, { fields: "id,name" });
  const pages: GraphPage[] = [];
  for (const business of businesses) {
    const id = str(business.id);
    if (!id) continue;
    pages.push(...(await all(`${encodeURIComponent(id)}/owned_pages`, userToken, { fields: "id,name,tasks,access_token" })).map((p) => toPage(p, true)));
  }
  return pages;
}

/** The Instagram business account linked to a Page, preferring instagram_business_account (§4.3). */
export async function getPageInstagram(pageToken: string, pageId: string): Promise<{ id: string; username: string } | undefined> {
  const body = await call(encodeURIComponent(pageId), { method: "GET", token: pageToken, query: { fields: "instagram_business_account{id,username},connected_instagram_account{id,username}" } });
  const account = (body.instagram_business_account ?? body.connected_instagram_account) as Json | undefined;
  const id = str(account?.id);
  return id ? { id, username: str(account?.username) ?? id } : undefined;
}

/** The Page's own token, when /me/accounts did not carry it (business-owned Pages). */
export async function getPageToken(userToken: string, pageId: string): Promise<string | undefined> {
  const body = await call(encodeURIComponent(pageId), { method: "GET", token: userToken, query: { fields: "access_token" } });
  return str(body.access_token);
}

export async function getPermissions(userToken: string): Promise<{ permission: string; status: string }[]> {
  return (await all("me/permissions", userToken, {})).map((p) => ({ permission: str(p.permission) ?? "", status: str(p.status) ?? "" }));
}

export type TokenDebug = {
  isValid: boolean;
  userId?: string;
  scopes: string[];
  granularScopes: { scope: string; targetIds?: string[] }[];
  /** When the token stops working (null: never, as a long-lived Page token). */
  expiresAt: Date | null;
  /** When the app's access to the person's data ends unless they use the app again (90 days). */
  dataAccessExpiresAt: Date | null;
  /** Why an invalid token is invalid: Graph's code and subcode (190 / 460 after a password change). */
  error?: { code?: number; subcode?: number; message?: string };
};

const epoch = (v: unknown) => (typeof v === "number" && v > 0 ? new Date(v * 1000) : null);

/** debug_token with the app token: validity and, per permission, which Pages / Instagram accounts it covers. */
export async function debugToken(inputToken: string): Promise<TokenDebug> {
  const { id, secret } = app();
  const body = await call("debug_token", { method: "GET", token: `${id}|${secret}`, query: { input_token: inputToken } });
  const data = (body.data ?? {}) as Json;
  return {
    isValid: data.is_valid === true,
    ...(str(data.user_id) ? { userId: str(data.user_id) } : {}),
    scopes: Array.isArray(data.scopes) ? data.scopes.filter((s): s is string => typeof s === "string") : [],
    granularScopes: list(data.granular_scopes).map((g) => ({
      scope: str(g.scope) ?? "",
      ...(Array.isArray(g.target_ids) ? { targetIds: g.target_ids.map((t) => String(t)) } : {}),
    })),
    expiresAt: epoch(data.expires_at),
    dataAccessExpiresAt: epoch(data.data_access_expires_at),
    ...(typeof data.error === "object" && data.error !== null
      ? {
          error: {
            ...(typeof (data.error as Json).code === "number" ? { code: (data.error as Json).code as number } : {}),
            ...(typeof (data.error as Json).subcode === "number" ? { subcode: (data.error as Json).subcode as number } : {}),
            ...(str((data.error as Json).message) ? { message: str((data.error as Json).message) } : {}),
          },
        }
      : {}),
  };
}

/** POST /{page-id}/subscribed_apps with the messaging fields (§4.3). */
export async function subscribePage(pageToken: string, pageId: string, fields: readonly string[]): Promise<void> {
  const body = await call(`${encodeURIComponent(pageId)}/subscribed_apps`, { method: "POST", token: pageToken, form: { subscribed_fields: fields.join(",") } });
  if (body.success !== true && body.success !== "true") throw new MetaApiError({ description: "the subscription was not confirmed" });
}

/** GET /{page-id}/subscribed_apps: every app installed on the Page, with its fields. */
export async function getSubscribedApps(pageToken: string, pageId: string): Promise<{ id: string; name: string; fields: string[] }[]> {
  const body = await call(`${encodeURIComponent(pageId)}/subscribed_apps`, { method: "GET", token: pageToken });
  return list(body.data).map((a) => ({
    id: str(a.id) ?? "",
    name: str(a.name) ?? "",
    fields: Array.isArray(a.subscribed_fields) ? a.subscribed_fields.filter((f): f is string => typeof f === "string") : [],
  }));
}

/** GET /{page-id}/thread_owner?recipient=PSID (§3.3): the owning app, or null when idle / not ours to know. */
export async function getThreadOwner(pageToken: string, pageId: string, psid: string): Promise<{ appId: string | null; expiration: number | null }> {
  const body = await call(`${encodeURIComponent(pageId)}/thread_owner`, { method: "GET", token: pageToken, query: { recipient: psid } });
  const owner = (list(body.data)[0]?.thread_owner ?? undefined) as Json | undefined;
  return { appId: str(owner?.app_id) ?? null, expiration: typeof owner?.expiration === "number" ? owner.expiration : null };
}

/** GET /me?fields=messaging_feature_status with the Page token: hop_v2, msgr_multi_app, ig_multi_app. */
export async function getMessagingFeatureStatus(pageToken: string): Promise<Record<string, boolean>> {
  const body = await call("me", { method: "GET", token: pageToken, query: { fields: "messaging_feature_status" } });
  const status = (body.messaging_feature_status ?? {}) as Json;
  return Object.fromEntries(Object.entries(status).filter(([, v]) => typeof v === "boolean")) as Record<string, boolean>;
}

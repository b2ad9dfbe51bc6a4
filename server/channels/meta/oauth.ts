/**
 * The Facebook Login dialog (protocols/meta.md §4.2): a random `state` per sign-in, kept only as its SHA-256
 * (the callback must present the original), `auth_type=rerequest` when declined permissions are asked again,
 * and a Facebook Login for Business configuration (`config_id`) instead of `scope` when one is set.
 */
import { createHash, randomBytes } from "node:crypto";
import { env } from "../../env.js";
import { REQUIRED_PERMISSIONS } from "./permissions";

/** 32 random bytes, URL-safe: what goes to Facebook and comes back on the callback. */
export function newOAuthState(): string {
  return randomBytes(32).toString("base64url");
}

export function hashOAuthState(state: string): string {
  return createHash("sha256").update(state, "utf8").digest("hex");
}

/** Where Facebook sends the admin back: must be listed in the app's Valid OAuth redirect URIs. */
export function oauthRedirectUri(): string {
  return `${env().APP_URL}/api/oauth/meta/callback`;
}

/** A sign-in may only come back within this time (Facebook's code itself is valid for about 10 minutes). */
export const OAUTH_STATE_TTL_MS = 60 * 60 * 1000;

export function metaAppConfigured(): boolean {
  const { META_APP_ID, META_APP_SECRET } = env();
  return Boolean(META_APP_ID && META_APP_SECRET);
}

export function dialogUrl(opts: { state: string; rerequest: boolean; scopes?: readonly string[] }): string {
  const { META_OAUTH_DIALOG_URL, META_GRAPH_API_VERSION, META_APP_ID, META_LOGIN_CONFIG_ID } = env();
  const url = new URL(`${META_OAUTH_DIALOG_URL}/${META_GRAPH_API_VERSION}/dialog/oauth`);
  url.searchParams.set("client_id", META_APP_ID ?? "");
  url.searchParams.set("redirect_uri", oauthRedirectUri());
  url.searchParams.set("state", opts.state);
  url.searchParams.set("response_type", "code");
  if (META_LOGIN_CONFIG_ID) url.searchParams.set("config_id", META_LOGIN_CONFIG_ID);
  else url.searchParams.set("scope", (opts.scopes && opts.scopes.length > 0 ? opts.scopes : REQUIRED_PERMISSIONS).join(","));
  // Without it the dialog does not ask again for what was declined, and may offer "continue with previous settings".
  if (opts.rerequest) url.searchParams.set("auth_type", "rerequest");
  return url.toString();
}

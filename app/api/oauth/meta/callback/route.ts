// Facebook Login (Meta) OAuth return for the re-authorization wizard: checks `state`, exchanges `code` on the server.
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { env } from "~/server/env.js";
import { handleOAuthCallback } from "~/server/reauth/wizard";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await getSessionUser();
  const params = new URL(request.url).searchParams;
  const outcome = await handleOAuthCallback(params, user, db);
  const base = env().APP_URL;
  // No token, code or state ever goes back into the address bar.
  if (outcome.ok) return Response.redirect(`${base}/settings/channels/reauthorize/${outcome.attemptId}`, 303);
  const query = new URLSearchParams({ reason: outcome.reason, ...(outcome.attemptId ? { attempt: outcome.attemptId } : {}) });
  return Response.redirect(`${base}/settings/channels/reauthorize/refused?${query.toString()}`, 303);
}

/**
 * The loopback fake's Facebook Login dialog (GET/POST /{version}/dialog/oauth), for the sandbox and the
 * browser tests: choose the Facebook profile, "Continue" with the previous settings or "Edit" them — tick the
 * Instagram accounts, then the Pages, then switch each permission on or off — and "Done" redirects back to
 * `redirect_uri` with `code` and `state` (or `error=access_denied` on Cancel), as Facebook's does
 * (protocols/meta.md §4.2). Permissions declined earlier are asked again only with `auth_type=rerequest`.
 * Clearly marked as a sandbox on every screen.
 */
import type { IncomingMessage } from "node:http";
import { REQUIRED_PERMISSIONS } from "../channels/meta/permissions";
import { readRawBody, type FakeReply } from "./fake-server";
import type { MetaWorld } from "./meta-world";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

type Request = { clientId: string; redirectUri: string; state: string; scopes: string[]; rerequest: boolean; configId: string | null };

function page(title: string, inner: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} — Facebook (sandbox)</title>
<style>
body{font-family:system-ui,sans-serif;background:#f0f2f5;margin:0;color:#1c1e21}
main{max-width:30rem;margin:1.5rem auto;background:#fff;border-radius:8px;padding:1.25rem;box-shadow:0 1px 3px #0003}
.banner{background:#fff4ce;border:1px solid #e0b800;border-radius:6px;padding:.5rem .75rem;font-size:.875rem;margin-bottom:1rem}
h1{font-size:1.25rem;margin:.25rem 0 1rem} fieldset{border:0;padding:0;margin:0 0 1rem} legend{font-weight:600;margin-bottom:.5rem}
label{display:flex;gap:.5rem;align-items:center;padding:.5rem 0;border-bottom:1px solid #eee} .hint{font-size:.8125rem;color:#555}
.row{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:1rem} button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #ccd0d5;background:#e4e6eb;cursor:pointer}
button.primary{background:#1877f2;color:#fff;border-color:#1877f2} input[type=checkbox]{width:1.1rem;height:1.1rem}
</style></head><body><main>
<p class="banner" role="note"><strong>Sandbox.</strong> This is Switchboard's local stand-in for Facebook Login: no real Facebook account is used and nothing leaves this machine.</p>
${inner}</main></body></html>`;
}

function hidden(r: Request, extra: Record<string, string | string[]> = {}): string {
  const base: Record<string, string | string[]> = {
    client_id: r.clientId,
    redirect_uri: r.redirectUri,
    state: r.state,
    scope: r.scopes.join(","),
    ...(r.rerequest ? { auth_type: "rerequest" } : {}),
    ...(r.configId ? { config_id: r.configId } : {}),
    ...extra,
  };
  return Object.entries(base)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `<input type="hidden" name="${esc(k)}" value="${esc(x)}">`))
    .join("");
}

function redirect(reply: FakeReply, to: string, params: Record<string, string>): true {
  const url = new URL(to);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  reply.json(302, { redirect: url.toString() }, { location: url.toString() });
  return true;
}

function html(reply: FakeReply, status: number, body: string): true {
  reply.bytes(status, Buffer.from(body, "utf8"), "text/html; charset=utf-8");
  return true;
}

export async function handleOAuthDialog(world: MetaWorld, req: IncomingMessage, url: URL, reply: FakeReply): Promise<boolean> {
  if (!/^\/v\d+\.\d+\/dialog\/oauth$/.test(url.pathname)) return false;
  const form = req.method === "POST" ? new URLSearchParams(await readRawBody(req)) : url.searchParams;
  const scopeRaw = form.get("scope");
  const configId = form.get("config_id");
  const r: Request = {
    clientId: form.get("client_id") ?? "",
    redirectUri: form.get("redirect_uri") ?? "",
    state: form.get("state") ?? "",
    // A Facebook Login for Business configuration stands for the permissions it was saved with: here, all of them.
    scopes: scopeRaw ? scopeRaw.split(/[ ,]+/).filter(Boolean) : configId ? [...REQUIRED_PERMISSIONS] : [],
    rerequest: form.get("auth_type") === "rerequest",
    configId,
  };
  const action = url.pathname;
  if (r.clientId !== world.appId) return html(reply, 400, page("Error", `<h1>Invalid App ID</h1><p>The app id in this link is not the sandbox app's.</p>`));
  if (!/^https?:\/\//.test(r.redirectUri)) return html(reply, 400, page("Error", `<h1>URL blocked</h1><p>The redirect URI is not a valid address.</p>`));

  const act = form.get("action");
  if (act === "cancel") return redirect(reply, r.redirectUri, { error_reason: "user_denied", error: "access_denied", error_description: "Permissions error", state: r.state });

  const profileId = form.get("profile") ?? "";
  const profile = world.profiles.get(profileId);
  const stage = req.method === "POST" ? form.get("stage") : null;

  if (!stage || !profile) {
    const profiles = [...world.profiles.values()];
    const options = profiles
      .map((p, i) => `<label><input type="radio" name="profile" value="${esc(p.id)}"${i === 0 ? " checked" : ""}> ${esc(p.name)}</label>`)
      .join("");
    return html(
      reply,
      200,
      page(
        "Log in",
        `<h1>Continue to Switchboard</h1><form method="post" action="${esc(action)}">${hidden(r)}<input type="hidden" name="stage" value="profile">
<fieldset><legend>Choose the Facebook profile</legend>${options || '<p class="hint">No profiles in the sandbox.</p>'}</fieldset>
<p class="hint">Choose the profile that manages your Facebook Pages and Instagram accounts.</p>
<div class="row"><button class="primary" name="action" value="continue">Continue</button><button name="action" value="edit">Edit</button><button name="action" value="cancel" formnovalidate>Cancel</button></div></form>`,
      ),
    );
  }

  const previous = world.grants.get(profile.id);
  const reach = world.reachable(profile.id);
  const wasDeclined = (p: string) => previous?.permissions.get(p) === "declined";
  // Without rerequest the dialog does not ask again for what was declined (§4.2).
  const asked = r.scopes.filter((p) => r.rerequest || !wasDeclined(p));

  const finish = (granted: string[], pageIds: string[], instagramIds: string[]) => {
    const declined = r.scopes.filter((p) => !granted.includes(p));
    const code = world.authorize({ profileId: profile.id, redirectUri: r.redirectUri, granted, declined, pageIds, instagramIds });
    return redirect(reply, r.redirectUri, { code, state: r.state });
  };

  if (stage === "profile" && act === "continue") {
    // "Continue as …": the previous settings, or everything the first time.
    const pageIds = previous ? [...previous.pageIds] : reach.pages.map((p) => p.id);
    const igIds = previous ? [...previous.instagramIds] : reach.instagram.map((i) => i.id);
    return finish(asked, pageIds, igIds);
  }

  const who = `<p class="hint">Signed in as <strong>${esc(profile.name)}</strong>.</p>`;
  const ticked = (set: Set<string> | undefined, id: string) => (!set || set.has(id) ? " checked" : "");
  if (stage === "profile") {
    const boxes = reach.instagram.map((i) => `<label><input type="checkbox" name="ig" value="${esc(i.id)}"${ticked(previous?.instagramIds, i.id)}> @${esc(i.username)}</label>`).join("");
    return html(
      reply,
      200,
      page(
        "Instagram accounts",
        `<h1>Choose the Instagram accounts Switchboard may use</h1>${who}<form method="post" action="${esc(action)}">${hidden(r, { profile: profile.id, stage: "instagram" })}
<fieldset><legend>Instagram accounts</legend>${boxes || '<p class="hint">No Instagram business accounts are linked to this profile\'s Pages.</p>'}</fieldset>
<div class="row"><button class="primary" name="action" value="next">Next</button><button name="action" value="cancel">Cancel</button></div></form>`,
      ),
    );
  }
  const igIds = form.getAll("ig");
  if (stage === "instagram") {
    const boxes = reach.pages.map((p) => `<label><input type="checkbox" name="page" value="${esc(p.id)}"${ticked(previous?.pageIds, p.id)}> ${esc(p.name)}</label>`).join("");
    return html(
      reply,
      200,
      page(
        "Pages",
        `<h1>Choose the Pages Switchboard may use</h1>${who}<form method="post" action="${esc(action)}">${hidden(r, { profile: profile.id, stage: "pages", ig: igIds })}
<fieldset><legend>Facebook Pages</legend>${boxes || '<p class="hint">This profile has no Pages.</p>'}</fieldset>
<div class="row"><button class="primary" name="action" value="next">Next</button><button name="action" value="cancel">Cancel</button></div></form>`,
      ),
    );
  }
  const pageIds = form.getAll("page");
  if (stage === "pages") {
    const notAsked = r.scopes.filter((p) => !asked.includes(p));
    const toggles = asked
      .map((p) => `<label><input type="checkbox" role="switch" name="perm" value="${esc(p)}" checked> ${esc(p)}</label>`)
      .join("");
    return html(
      reply,
      200,
      page(
        "Permissions",
        `<h1>What Switchboard may do</h1>${who}<form method="post" action="${esc(action)}">${hidden(r, { profile: profile.id, stage: "permissions", ig: igIds, page: pageIds })}
<fieldset><legend>Permissions</legend>${toggles}</fieldset>
${notAsked.length > 0 ? `<p class="hint">Declined earlier and not asked again: ${notAsked.map(esc).join(", ")}.</p>` : ""}
<p class="hint">Turning some off may keep Switchboard from working properly.</p>
<div class="row"><button class="primary" name="action" value="done">Done</button><button name="action" value="cancel">Cancel</button></div></form>`,
      ),
    );
  }
  if (stage === "permissions") return finish(form.getAll("perm").filter((p) => asked.includes(p)), pageIds, igIds);
  return html(reply, 400, page("Error", "<h1>Something went wrong</h1>"));
}

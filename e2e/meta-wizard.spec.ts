import { expect, test, type APIRequestContext, type Page } from "./support/test";
import { processEnvironment } from "../server/env.js";
import { E2E_META_FAKE_VAR } from "./support/global-setup";
import { signIn } from "./support/helpers";
import { e2eState } from "./support/state";

const metaFake = () => processEnvironment()[E2E_META_FAKE_VAR]!;
type GraphCall = { method: string; node: string; edge: string; body: Record<string, unknown> };
const graphCalls = async (request: APIRequestContext) => (await (await request.get(`${metaFake()}/__fake/calls`)).json()) as GraphCall[];

/** Facebook's dialog (the sandbox's): choose the profile, then Continue, or Edit → Instagram → Pages → permissions → Done. */
async function facebookDialog(page: Page, profile: string, opts: { edit?: boolean; switchOff?: string[] } = {}) {
  await expect(page.getByRole("note").filter({ hasText: "Sandbox." })).toBeVisible();
  await page.getByLabel(profile).check();
  if (!opts.edit) {
    await page.getByRole("button", { name: "Continue" }).click();
    return;
  }
  await page.getByRole("button", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Choose the Instagram accounts Switchboard may use" })).toBeVisible();
  await expect(page.getByLabel("@acme.store")).toBeChecked();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByLabel("Acme Store")).toBeChecked();
  await page.getByRole("button", { name: "Next" }).click();
  for (const permission of opts.switchOff ?? []) await page.getByRole("switch", { name: permission }).uncheck();
  await page.getByRole("button", { name: "Done" }).click();
}

test("a Page disconnected by a password change: the admin walks the wizard, reconnects it and restarts the stopped Instagram account", async ({ browser, request }) => {
  test.setTimeout(120_000);
  const company = e2eState().companies["meta-wizard"]!;
  const { baseURL } = e2eState();

  // An operator answers the Messenger customer while the Page is down: the reply waits for the reconnect.
  const operator = await (await browser.newContext()).newPage();
  await signIn(operator, company.operatorEmail, company.password);
  await operator.getByTestId("conversation-list").getByText("Maria Lopez").click();
  const reply = `Your parcel is on its way (${Date.now()})`;
  await operator.getByLabel("Reply").fill(reply);
  await operator.getByRole("button", { name: "Send" }).click();
  await expect(operator.getByTestId("thread").getByText(reply)).toBeVisible();

  let context = await browser.newContext();
  let admin = await context.newPage();
  await signIn(admin, company.adminEmail, company.password);
  await expect(admin.getByTestId("settings-alert")).toContainText("1 channel lost its connection");

  // Details: Reconnect greyed out with the reason; "Update permissions" opens the wizard with the cause.
  await admin.goto(`${baseURL}/settings/channels`);
  await admin.getByTestId("channel-row").filter({ hasText: "Acme Store" }).getByRole("link", { name: /Details/ }).click();
  await expect(admin.getByTestId("channel-fix")).toContainText("The Facebook password was changed");
  await expect(admin.getByRole("button", { name: "Reconnect" })).toBeDisabled();
  await expect(admin.getByText("Reconnect is unavailable until permissions are refreshed")).toBeVisible();
  await admin.getByRole("button", { name: "Update permissions" }).click();
  await expect(admin).toHaveURL(/\/settings\/channels\/reauthorize\/[0-9a-f-]{36}$/);
  const wizardUrl = admin.url();
  await expect(admin.getByTestId("wizard-cause")).toContainText("The Facebook password was changed");
  await expect(admin.locator('[aria-current="step"]')).toContainText("Start");

  // First with a profile that does not manage the Page: told which Page and what to do.
  await admin.getByRole("button", { name: "Continue with Facebook" }).click();
  await facebookDialog(admin, "Sam Helper");
  await expect(admin.getByText("Signed in to Facebook as Sam Helper.")).toBeVisible();
  await expect(admin.getByTestId("profile-unreachable")).toContainText("Acme Store");
  await expect(admin.getByTestId("profile-unreachable")).toContainText("Sign in with the profile that manages these Pages");
  // It cannot go on with this profile, so "Continue" is not offered.
  await expect(admin.getByTestId("wizard-step-profile").getByRole("button", { name: "Continue" })).toHaveCount(0);

  // Then the right one, leaving one permission off in Facebook's dialog.
  await admin.getByRole("button", { name: "Sign in with another profile" }).click();
  await facebookDialog(admin, "Alex Admin", { edit: true, switchOff: ["pages_manage_metadata"] });
  await expect(admin.getByText("Signed in to Facebook as Alex Admin.")).toBeVisible();
  await expect(admin.getByText("This profile manages every channel that needs fixing.")).toBeVisible();

  // The browser is closed mid-wizard; signing in again and pressing "Update permissions" resumes the step.
  await context.close();
  context = await browser.newContext();
  admin = await context.newPage();
  await signIn(admin, company.adminEmail, company.password);
  await admin.goto(`${baseURL}/settings/channels`);
  await admin.getByTestId("channel-row").filter({ hasText: "Acme Store" }).getByRole("link", { name: /Details/ }).click();
  await admin.getByRole("button", { name: "Update permissions" }).click();
  await expect(admin).toHaveURL(wizardUrl);
  await expect(admin.getByText("Signed in to Facebook as Alex Admin.")).toBeVisible();
  await expect(admin.locator('[aria-current="step"]')).toContainText("Profile");

  // Instagram: the stopped account is offered, not pre-ticked; Pages: the broken Page is pre-ticked.
  await admin.getByRole("button", { name: "Continue" }).click();
  await expect(admin.getByRole("heading", { name: "Tick the Instagram accounts" })).toBeFocused();
  await expect(admin.getByRole("checkbox", { name: /@acme\.store/ })).not.toBeChecked();
  // Ticked: it gets a fresh token while stopped, and is started after the reconnect.
  await admin.getByRole("checkbox", { name: /@acme\.store/ }).check();
  await admin.getByRole("button", { name: "Next" }).click();
  await expect(admin.getByRole("heading", { name: "Tick the Facebook Pages" })).toBeVisible();
  await expect(admin.getByRole("checkbox", { name: /Acme Store/ })).toBeChecked();
  // The Page's bot gets its messages too: said before connecting, with what that means for the team.
  const otherApp = admin.getByTestId("choice-note");
  await expect(otherApp).toContainText("Another app also receives this Page's messages: Acme Shop Bot.");
  await expect(otherApp).toContainText("a thread comes to the team when the app passes it, or when an operator takes it in the inbox");
  await expect(admin.getByRole("checkbox", { name: /Acme Store/ })).toHaveAccessibleDescription(/Acme Shop Bot/);
  await admin.getByRole("button", { name: "Next" }).click();

  // Permissions: the one left off says what breaks, and the wizard cannot go on.
  await expect(admin.getByRole("heading", { name: "Turn on every permission" })).toBeVisible();
  const metadata = admin.getByTestId("permission-pages_manage_metadata");
  await expect(metadata).toContainText("Off: declined in Facebook's dialog");
  await expect(metadata).toContainText("Switchboard cannot subscribe the Page to its messages");
  await expect(admin.getByRole("switch", { name: "Manage the Page's webhook subscription" })).toHaveAttribute("aria-checked", "false");
  await expect(admin.getByTestId("permissions-blocked")).toContainText("1 permission is off");
  await expect(admin.getByRole("button", { name: "Continue" })).toBeDisabled();

  // Asked again (rerequest): turned on in Facebook's dialog, back on the permissions step, all on.
  await admin.getByRole("button", { name: "Ask Facebook again" }).click();
  await expect(admin).toHaveURL(/auth_type=rerequest/);
  await facebookDialog(admin, "Alex Admin", { edit: true });
  await expect(admin.getByRole("heading", { name: "Turn on every permission" })).toBeVisible();
  await expect(metadata).toContainText("On");
  await expect(admin.getByTestId("permissions-blocked")).toHaveCount(0);
  await admin.getByRole("button", { name: "Continue" }).click();

  // Reconnect: the Page is subscribed and verified; then the stopped Instagram account is started.
  await expect(admin.getByRole("heading", { name: "Reconnect the channels" })).toBeVisible();
  await admin.getByRole("button", { name: "Reconnect", exact: true }).click();
  await expect(admin.getByTestId("reconnect-results")).toContainText("Acme Store is connected again");
  await expect(admin.getByTestId("reconnect-results")).toContainText("@acme.store has a fresh token but is stopped: start it below.");
  await expect(admin.getByTestId("stopped-channels")).toContainText("@acme.store");
  await admin.getByRole("button", { name: "Start @acme.store" }).click();
  await expect(admin.getByTestId("restarted")).toContainText("Started: @acme.store.");
  // The result says what is true now: started, not "start it below".
  await expect(admin.getByTestId("reconnect-results")).toContainText("@acme.store has a fresh token and is started.");
  await expect(admin.getByTestId("reconnect-results")).not.toContainText("start it below");
  await admin.getByRole("button", { name: "Finish" }).click();
  const summary = admin.getByTestId("wizard-summary");
  await expect(summary).toContainText("Acme Store");
  await expect(summary).toContainText("@acme.store");
  await expect(summary).toContainText("Every Messenger and Instagram channel is active.");

  const calls = await graphCalls(request);
  expect(calls.some((c) => c.method === "POST" && c.edge === "subscribed_apps")).toBe(true);
  expect(calls.some((c) => c.method === "GET" && c.edge === "subscribed_apps")).toBe(true);

  // Both channels active with their dates; the Settings indicator clears.
  await admin.goto(`${baseURL}/settings/channels`);
  await expect(admin.getByTestId("channel-row").filter({ hasText: "Acme Store" })).toContainText("Active");
  await expect(admin.getByTestId("channel-row").filter({ hasText: "@acme.store" })).toContainText("Active");
  await expect(admin.getByTestId("settings-alert")).toHaveCount(0);
  await admin.getByTestId("channel-row").filter({ hasText: "Acme Store" }).getByRole("link", { name: /Details/ }).click();
  await expect(admin.getByTestId("channel-status").first()).toHaveText("Active");
  await expect(admin.getByTestId("channel-history")).toContainText(/reconnect/i);

  // The reply that waited goes out through the sandbox's Send API.
  await expect
    .poll(async () => (await graphCalls(request)).filter((c) => c.method === "POST" && c.edge === "messages" && (c.body.message as { text?: string } | undefined)?.text === reply).length, { timeout: 30_000 })
    .toBe(1);

  // The Page's bot takes Maria's thread back: the operator's banner names it as the wizard learned it.
  const sent = (await graphCalls(request)).find((c) => c.method === "POST" && c.edge === "messages" && (c.body.message as { text?: string } | undefined)?.text === reply)!;
  const took = await request.post(`${metaFake()}/__fake/messenger/handover`, {
    data: {
      pageId: calls.find((c) => c.method === "POST" && c.edge === "subscribed_apps")!.node,
      psid: (sent.body.recipient as { id: string }).id,
      to: "bot",
      botAppId: "730000000000001",
      webhookUrl: `${baseURL}/api/webhooks/meta`,
    },
  });
  expect(((await took.json()) as { outcome: string }).outcome).toBe("delivered");
  await operator.reload();
  await expect(operator.getByTestId("thread-owner")).toHaveText("Owner: Acme Shop Bot");

  // The Instagram account started in the wizard says when it was reconnected.
  await admin.goto(`${baseURL}/settings/channels`);
  await admin.getByTestId("channel-row").filter({ hasText: "@acme.store" }).getByRole("link", { name: /Details/ }).click();
  await expect(admin.getByTestId("channel-name")).toHaveText("@acme.store");
  await expect(admin.getByTestId("channel-reconnected-at")).not.toHaveText("never");

  // A working Page: no greyed-out Reconnect "until permissions are refreshed", and the wizard started from it
  // does not call it lost.
  await admin.goto(`${baseURL}/settings/channels`);
  await admin.getByTestId("channel-row").filter({ hasText: "Acme Store" }).first().getByRole("link", { name: /Details/ }).click();
  await expect(admin.getByTestId("channel-name")).toHaveText("Acme Store");
  await expect(admin.getByTestId("meta-reconnect-note")).toContainText("This channel works.");
  await expect(admin.getByText("Reconnect is unavailable")).toHaveCount(0);
  await expect(admin.getByRole("button", { name: "Reconnect" })).toHaveCount(0);
  await admin.getByRole("button", { name: "Update permissions" }).click();
  await expect(admin.getByTestId("wizard-origin-working")).toContainText("Acme Store works");
  await expect(admin.getByText(/lost (its|their) connection/)).toHaveCount(0);
  await admin.getByRole("button", { name: "Cancel the wizard" }).click();
  await expect(admin).toHaveURL(/\/settings\/channels$/);
});

test("a forged Facebook sign-in return is refused in words", async ({ page }) => {
  const company = e2eState().companies["meta-wizard"]!;
  await signIn(page, company.adminEmail, company.password);
  await page.goto(`${e2eState().baseURL}/api/oauth/meta/callback?code=stolen&state=forged-state-that-nobody-started`);
  await expect(page.getByTestId("oauth-refused")).toContainText("This sign-in link was not started by you in Switchboard");
});

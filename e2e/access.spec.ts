import { expect, test } from "./support/test";
import { signIn } from "./support/helpers";
import { e2eState } from "./support/state";

test("an operator is refused the admin settings", async ({ page }) => {
  const company = e2eState().companies.access!;
  await signIn(page, company.operatorEmail, company.password);
  await expect(page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: /Settings/ })).toHaveCount(0);
  await page.goto(`${e2eState().baseURL}/settings/channels`);
  await expect(page.getByRole("heading", { name: "Only admins can open Settings" })).toBeVisible();
  await expect(page.getByTestId("channel-row")).toHaveCount(0);

  // The admin procedure itself refuses the operator's session, not just the page.
  const res = await page.request.get(`${e2eState().baseURL}/api/trpc/channels.list?input=${encodeURIComponent(JSON.stringify({ json: { includeStopped: true } }))}`);
  expect(res.status()).toBe(403);
});

test("an admin sees every channel's status in words, and next to Settings how many channels lost their connection and which", async ({ page }) => {
  const company = e2eState().companies.access!;
  await signIn(page, company.adminEmail, company.password);
  // The indicator counts the lost channels and, opened from the keyboard, lists each with a link to its Details.
  const alert = page.getByTestId("settings-alert");
  const toggle = alert.getByRole("button", { name: "2 channels lost their connection" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.focus();
  await page.keyboard.press("Enter");
  const list = page.getByTestId("lost-channels");
  await expect(list).toContainText("These channels have no connection:");
  await expect(list.getByRole("link", { name: "AcmeHelpBot (Telegram)" })).toBeVisible();
  await expect(list.getByRole("link", { name: "@acme.store (Instagram)" })).toBeVisible();
  await expect(list.getByRole("link", { name: /AcmeSupportBot/ })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(list).toHaveCount(0);
  await expect(toggle).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(list).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(list.getByRole("link", { name: "@acme.store (Instagram)" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(list.getByRole("link", { name: "AcmeHelpBot (Telegram)" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("channel-name")).toHaveText("AcmeHelpBot");
  await expect(list).toHaveCount(0);

  const settings = page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: /Settings/ });
  await settings.click();
  const rows = page.getByTestId("channel-row");
  // Hidden by default (F4): the stopped VK community, and the Messenger Page that cannot work without a Meta app.
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: "AcmeHelpBot" })).toContainText("Connection lost");
  await expect(rows.filter({ hasText: "AcmeHelpBot" })).toContainText("The bot token was revoked");
  const working = rows.filter({ hasText: "AcmeSupportBot" });
  await expect(working).toContainText(`/api/webhooks/telegram/${company.telegram.channelId}`);
  await expect(working).toContainText("Last reply out: never");
  await page.getByRole("link", { name: "All", exact: true }).click();
  await expect(rows).toHaveCount(5);
  await expect(rows.filter({ hasText: "Acme VK" })).toContainText("Stopped");
  await expect(rows.filter({ hasText: "Acme Store" })).toContainText("No Meta app is configured on this server");
});

test("a wrong password is refused with words, and signing out ends the session", async ({ page }) => {
  const company = e2eState().companies.access!;
  await page.goto(`${e2eState().baseURL}/sign-in`);
  await page.getByLabel("Email").fill(company.operatorEmail);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The email or password is wrong." })).toBeVisible();

  await signIn(page, company.operatorEmail, company.password);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`${e2eState().baseURL}/inbox`);
  await expect(page).toHaveURL(/\/sign-in/);
});

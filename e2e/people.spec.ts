import { expect, test, type Page } from "./support/test";
import { signIn, signInThroughForm } from "./support/helpers";
import { e2eState } from "./support/state";

const settingsSections = (page: Page) => page.getByRole("navigation", { name: "Settings sections" });

test("an admin invites an operator, finds the invitation in the Mailbox, and the operator sets a password and signs in", async ({ page, browser }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.people!;
  await signIn(page, company.adminEmail, company.password);
  await page.goto(`${baseURL}/settings/people`);
  await expect(settingsSections(page).getByRole("link", { name: "People" })).toHaveAttribute("aria-current", "page");

  const email = `nina.${Date.now()}@e2e-people.switchboard.test`;
  await page.getByLabel("Name", { exact: true }).fill("Nina Newcomer");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("operator");
  await page.getByRole("button", { name: "Send invitation", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: `${email} is invited` })).toBeVisible();
  await expect(page.getByTestId("person-row").filter({ hasText: email })).toContainText("Invited, no password yet");

  // The same address cannot be invited twice: said in words.
  await page.getByLabel("Name", { exact: true }).fill("Nina Again");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send invitation", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "An email address can belong to one person only" })).toBeVisible();

  // Without RESEND_API_KEY the invitation is captured for the Mailbox, never dropped.
  await settingsSections(page).getByRole("link", { name: "Mailbox" }).click();
  await expect(page).toHaveURL(/\/settings\/mailbox/);
  await expect(page.getByText("Resend is not configured")).toBeVisible();
  const item = page.getByTestId("mailbox-row").filter({ hasText: email });
  await expect(item).toContainText("You’re invited to E2E people on Switchboard");
  await expect(item).toContainText("Invitation");
  await expect(item).toContainText("Kept in the Mailbox, not delivered");
  await item.getByRole("link").click();

  const frame = page.locator('iframe[title^="Email:"]');
  await expect(frame).toHaveAttribute("sandbox", "");
  await expect(page.frameLocator('iframe[title^="Email:"]').getByRole("link", { name: "Set your password" })).toBeVisible();
  const text = await page.getByTestId("email-text").innerText();
  const link = /https?:\/\/[^\s\]]+\/set-password\?token=[\w-]+/.exec(text)?.[0];
  expect(link, "the text version carries the set-password link").toBeTruthy();
  expect(link!.startsWith(`${baseURL}/set-password?token=`)).toBe(true);

  // The invited person, in their own browser.
  const invitee = await browser.newContext();
  const guest = await invitee.newPage();
  await guest.goto(link!);
  await expect(guest.getByRole("heading", { name: "Set your password" })).toBeVisible();
  await expect(guest.getByText(`Nina Newcomer, choose a password for ${email}`)).toBeVisible();
  await guest.getByLabel("New password").fill("short");
  await guest.getByLabel("Repeat the password").fill("short");
  await guest.getByRole("button", { name: "Set password" }).click();
  await expect(guest.getByRole("alert").filter({ hasText: "at least 10 characters" })).toBeVisible();
  await guest.getByLabel("New password").fill("nina-strong-password");
  await guest.getByLabel("Repeat the password").fill("nina-strong-password");
  await guest.getByRole("button", { name: "Set password" }).click();
  await expect(guest.getByRole("status").filter({ hasText: "Your password is set" })).toBeVisible();
  await guest.getByRole("link", { name: "Go to sign in" }).click();
  await expect(guest).toHaveURL(/\/sign-in/);
  await signInThroughForm(guest, email, "nina-strong-password");
  // An operator: the inbox, no Settings.
  await expect(guest.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: /Settings/ })).toHaveCount(0);

  // The link worked once.
  await guest.goto(link!);
  await expect(guest.getByRole("alert").filter({ hasText: "already used" })).toBeVisible();
  await invitee.close();

  await page.goto(`${baseURL}/settings/people`);
  await expect(page.getByTestId("person-row").filter({ hasText: email })).toContainText("Active");
});

test("deactivating an operator ends their session at once; an admin cannot deactivate themself", async ({ page, browser }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.people!;
  const operatorContext = await browser.newContext();
  const operator = await operatorContext.newPage();
  await signIn(operator, company.operatorEmail, company.password);
  // The operator's inbox is open and live: its socket is signed in as this session.
  await expect(operator.getByText("Live", { exact: true })).toBeVisible();

  await signIn(page, company.adminEmail, company.password);
  await page.goto(`${baseURL}/settings/people`);
  const self = page.getByTestId("person-row").filter({ hasText: company.adminEmail });
  await self.getByRole("button", { name: "Deactivate" }).click();
  await self.getByRole("alertdialog").getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "You cannot deactivate yourself" })).toBeVisible();

  const row = page.getByTestId("person-row").filter({ hasText: company.operatorEmail });
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(row.getByRole("alertdialog")).toContainText("signed out at once");
  await row.getByRole("alertdialog").getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");

  // The open inbox leaves by itself, saying why; coming back with the old cookie is refused too.
  await expect(operator).toHaveURL(/\/sign-in\?ended=1/);
  await operator.goto(`${baseURL}/inbox`);
  await expect(operator).toHaveURL(/\/sign-in/);
  await operatorContext.close();

  await row.getByRole("button", { name: "Reactivate" }).click();
  await expect(row).toContainText("Active");
});

test("settings sections fit a 390 px screen without sideways scrolling", async ({ page }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.people!;
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, company.adminEmail, company.password);
  for (const [path, heading] of [
    ["/settings/lines", "Lines"],
    ["/settings/people", "People"],
    ["/settings/teams", "Teams"],
    ["/settings/mailbox", "Mailbox"],
    ["/settings/company", "Company"],
  ] as const) {
    await page.goto(`${baseURL}${path}`);
    await expect(page.getByRole("heading", { name: heading, level: 2 })).toBeVisible();
    await expect(settingsSections(page).getByRole("link", { name: heading })).toHaveAttribute("aria-current", "page");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  // Lines show their channels with the status in words (seed 001: lines with their Telegram bot).
  await page.goto(`${baseURL}/settings/lines`);
  const bot = page.getByTestId("line-row").getByRole("listitem").filter({ hasText: "AcmeSupportBot" });
  await expect(bot).toContainText("Telegram");
  await expect(bot).toContainText("Active");
});

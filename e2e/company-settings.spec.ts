import { expect, test } from "./support/test";
import { signIn } from "./support/helpers";
import { e2eState } from "./support/state";

test("an admin sets the email language to Russian and a time zone: the next invitation is in Russian, its times in that zone, named", async ({ page }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.settings!;
  await signIn(page, company.adminEmail, company.password);
  await page.goto(`${baseURL}/settings`);
  await page.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name: "Company" }).click();
  await expect(page.getByRole("heading", { name: "Company", level: 2 })).toBeVisible();

  // Validated in words: an address that is not one, a zone that does not exist.
  await page.getByLabel("Alert email").fill("not an address");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Enter a valid email address" })).toBeVisible();
  await page.getByLabel("Alert email").fill("alerts@e2e-settings.switchboard.test");
  await page.getByLabel("Time zone").fill("Mars/Olympus");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Choose a time zone from the list" })).toBeVisible();

  await page.getByLabel("Language of emails").selectOption({ label: "Русский" });
  await page.getByLabel("Time zone").fill("Asia/Tokyo");
  await expect(page.getByTestId("zone-now")).toContainText("(Asia/Tokyo, GMT+9)");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Alerts now go to alerts@e2e-settings.switchboard.test" })).toBeVisible();

  // The settings stay after a reload.
  await page.reload();
  await expect(page.getByLabel("Language of emails")).toHaveValue("ru");
  await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Tokyo");

  // The next invitation, written by an admin whose screens are in English, goes out in the company's language.
  const email = `kira.${Date.now()}@e2e-settings.switchboard.test`;
  await page.goto(`${baseURL}/settings/people`);
  await page.getByLabel("Name", { exact: true }).fill("Kira");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send invitation", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: `${email} is invited` })).toBeVisible();

  await page.goto(`${baseURL}/settings/mailbox`);
  // Both alert addresses were told that alerts moved.
  await expect(page.getByTestId("mailbox-row").filter({ hasText: "Alert email changed" })).toHaveCount(2);
  const row = page.getByTestId("mailbox-row").filter({ hasText: email });
  await expect(row).toContainText("Вас пригласили в E2E settings в Switchboard");
  await row.getByRole("link").click();
  const text = page.getByTestId("email-text");
  await expect(text).toContainText("Задать пароль");
  await expect(text).toContainText("(Asia/Tokyo, GMT+9)");
});

test("an operator cannot open Company settings; when an admin deactivates them, their open tab goes to sign-in at once, saying why", async ({ page, browser }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.settings!;
  const operatorContext = await browser.newContext();
  const operator = await operatorContext.newPage();
  await signIn(operator, company.operatorEmail, company.password);
  await expect(operator.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: /Settings/ })).toHaveCount(0);
  await operator.goto(`${baseURL}/settings/company`);
  await expect(operator.getByRole("alert").filter({ hasText: "Only admins can open Settings" })).toBeVisible();
  await expect(operator.getByLabel("Alert email")).toHaveCount(0);

  // The operator works in the inbox, live.
  await operator.goto(`${baseURL}/inbox`);
  await expect(operator.getByText("Live", { exact: true })).toBeVisible();

  await signIn(page, company.adminEmail, company.password);
  await page.goto(`${baseURL}/settings/people`);
  const row = page.getByTestId("person-row").filter({ hasText: company.operatorEmail });
  await row.getByRole("button", { name: "Deactivate" }).click();
  await row.getByRole("alertdialog").getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");

  // No reload: the realtime socket is closed by the server and the tab leaves for sign-in with the reason.
  await expect(operator).toHaveURL(/\/sign-in\?ended=1/);
  await expect(operator.getByRole("status").filter({ hasText: "An admin deactivated your account" })).toBeVisible();
  await operatorContext.close();

  await row.getByRole("button", { name: "Reactivate" }).click();
  await expect(row).toContainText("Active");
});

import { expect, test } from "@playwright/test";
import { signIn } from "./support/helpers";
import { e2eState } from "./support/state";

test("the language switch shows the app in Russian and Ukrainian, keyboard only", async ({ page }) => {
  const company = e2eState().companies.locale!;
  await signIn(page, company.operatorEmail, company.password);
  const select = page.getByLabel("Language");
  await select.focus();
  await select.selectOption("ru");
  await expect(page.getByRole("link", { name: "Входящие" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await page.getByLabel("Язык").selectOption("uk");
  await expect(page.getByRole("link", { name: "Вхідні" })).toBeVisible();
  await page.getByLabel("Мова").selectOption("en");
  await expect(page.getByRole("link", { name: "Inbox" })).toBeVisible();
});

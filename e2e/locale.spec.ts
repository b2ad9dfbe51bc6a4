import { expect, test } from "./support/test";
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

test("Russian and Ukrainian pages count with their own plural forms and write dates in that language", async ({ page }) => {
  const company = e2eState().companies.locale!;
  await signIn(page, company.adminEmail, company.password);
  await page.goto(`${e2eState().baseURL}/settings/channels`);
  const telegram = page.getByTestId("channel-group-telegram");
  const instagram = page.getByTestId("channel-group-instagram");
  const month = (name: RegExp) => expect(page.getByTestId("channel-row").first()).toContainText(name);

  await page.getByLabel("Language").selectOption("ru");
  await expect(telegram).toContainText("2 канала");
  await expect(instagram).toContainText("1 канал");
  await month(/дек\./);
  await expect(page.getByText("2 остановленных канала скрыты.")).toBeVisible();

  await page.getByLabel("Язык").selectOption("uk");
  await expect(telegram).toContainText("2 канали");
  await expect(instagram).toContainText("1 канал");
  await month(/груд\./);

  await page.getByLabel("Мова").selectOption("en");
  await expect(telegram).toContainText("2 channels");
});

test("a first visit follows the browser's language", async ({ browser }) => {
  const context = await browser.newContext({ locale: "ru-RU", extraHTTPHeaders: { "accept-language": "ru-RU,ru;q=0.9,en;q=0.5" } });
  const page = await context.newPage();
  await page.goto(`${e2eState().baseURL}/sign-in`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Вход в Switchboard");
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await context.close();
});

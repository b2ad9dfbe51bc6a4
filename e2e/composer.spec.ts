import type { Route } from "@playwright/test";
import { expect, test, type Page } from "./support/test";
import { signIn } from "./support/helpers";
import { e2eState } from "./support/state";

const company = () => e2eState().companies.composer!;
const secondOperator = () => company().operatorEmail.replace(/^operator@/, "operator2@");

/** Opens the seeded conversation with Ivan Petrov from the inbox list. */
async function openIvan(page: Page) {
  await page.getByTestId("conversation-list").getByText("Ivan Petrov").first().click();
  await expect(page.getByTestId("thread")).toBeVisible();
}

test("a draft stays with its writer: the next operator at the same browser does not see it", async ({ page }) => {
  await signIn(page, company().operatorEmail, company().password);
  await openIvan(page);
  const draft = `Ivan's refund is approved, card ending 4242 (${Date.now()})`;
  await page.getByLabel("Reply").fill(draft);
  // Kept across a reload for the one who wrote it.
  await page.reload();
  await expect(page.getByLabel("Reply")).toHaveValue(draft);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, secondOperator(), company().password);
  await openIvan(page);
  await expect(page.getByLabel("Reply")).toHaveValue("");
  expect(await page.evaluate(() => Object.keys(window.localStorage).filter((k) => k.startsWith("switchboard:draft:")))).toEqual([]);
});

test("on a phone, Enter starts a new line and the Send button sends", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: e2eState().baseURL, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  try {
    expect(await page.evaluate(() => window.matchMedia("(pointer: coarse)").matches)).toBe(true);
    await signIn(page, secondOperator(), company().password);
    await openIvan(page);
    await expect(page.getByText("Enter starts a new line; Send sends.", { exact: false })).toBeVisible();
    const reply = page.getByLabel("Reply");
    const first = `First line ${Date.now()}`;
    await reply.fill(first);
    await reply.press("Enter");
    await reply.pressSequentially("second line");
    await expect(reply).toHaveValue(`${first}\nsecond line`);
    // Nothing was sent by Enter.
    await expect(page.getByTestId("thread").getByText(first)).toHaveCount(0);

    await page.getByRole("button", { name: "Send" }).tap();
    const sent = page.getByTestId("thread").getByText(first);
    await expect(sent).toBeVisible();
    await expect(sent).toContainText("second line");
    await expect(reply).toHaveValue("");
    // The thread keeps room to read at this width: the composer does not take the screen.
    const box = await page.getByTestId("thread").boundingBox();
    expect(box!.height).toBeGreaterThan(250);
  } finally {
    await context.close();
  }
});

test("sign-in cannot be sent before the page's scripts have loaded, says so, then signs in", async ({ page }) => {
  // The page's scripts are held back, as on a slow connection or a first compile.
  const held: Route[] = [];
  let release = false;
  await page.route(/\/_next\/static\/.*\.js(\?.*)?$/, (route) => (release ? route.continue() : void held.push(route)));
  await page.goto(`${e2eState().baseURL}/sign-in`, { waitUntil: "domcontentloaded" });
  await page.getByLabel("Email").fill(company().operatorEmail);
  await page.getByLabel("Password").fill(company().password);
  const button = page.getByRole("button", { name: "Getting sign-in ready…" });
  await expect(button).toBeDisabled();
  // Enter in a field does not post the form either: nothing is lost, the page stays as it was.
  await page.getByLabel("Password").press("Enter");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel("Email")).toHaveValue(company().operatorEmail);

  release = true;
  for (const route of held.splice(0)) await route.continue();
  const ready = page.getByRole("button", { name: "Sign in", exact: true });
  await expect(ready).toBeEnabled();
  await ready.click();
  await expect(page).toHaveURL(/\/inbox/);
});

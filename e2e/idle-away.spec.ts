import type { APIRequestContext } from "@playwright/test";
import { expect, test, type Browser, type Page } from "./support/test";
import { postTelegramUpdate, signIn } from "./support/helpers";
import { e2eState } from "./support/state";

// Alex Admin (admin@) watches the Assign menu; Oleg Operator (operator2@) leaves his desk.
const company = () => e2eState().companies.idle!;
const oleg = () => company().operatorEmail.replace(/^operator@/, "operator2@");

let updateId = 960000 + (Date.now() % 10_000) * 10;
async function customerWrites(request: APIRequestContext, firstName: string, text: string) {
  const id = 860000000 + (Date.now() % 1_000_000) * 10 + (updateId % 10);
  const chat = { id, first_name: firstName, type: "private" };
  const res = await postTelegramUpdate(request, company().telegram.channelId, company().telegram.webhookSecret, {
    update_id: updateId++,
    message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, from: { id, is_bot: false, first_name: firstName }, text },
  });
  expect(res.status()).toBe(200);
}

/**
 * Oleg's browser runs on Playwright's clock, installed before the app loads: time flows as usual (the socket's
 * pings, the heartbeat), and the test jumps it forward instead of waiting ten minutes.
 */
async function olegAtHisDesk(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: e2eState().baseURL })).newPage();
  await page.clock.install();
  await signIn(page, oleg(), company().password);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  await expect(page.getByTestId("availability")).toHaveValue("online");
  return page;
}

async function assignMenu(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: e2eState().baseURL })).newPage();
  await signIn(page, company().adminEmail, company().password);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  await page.getByTestId("conversation-list").getByText("Ivan Petrov").first().click();
  await page.getByRole("button", { name: "Assign…" }).click();
  return page;
}

/** Ten minutes and a half without any input: the tab's idle check (every 30 s) finds the person idle. */
const TEN_MINUTES_LATER = "10:30";

test("ten minutes without input make Oleg Away (idle) for his colleagues too; moving the mouse or a key brings him back", async ({ browser, request }) => {
  const olegPage = await olegAtHisDesk(browser);
  const admin = await assignMenu(browser);
  const assignTo = admin.getByLabel("Assign to a person or a team");
  const olegOption = assignTo.locator("option", { hasText: /^Oleg Operator/ });
  await expect(olegOption).toHaveText("Oleg Operator");

  const availability = olegPage.getByTestId("availability");
  await olegPage.clock.fastForward(TEN_MINUTES_LATER);
  await expect(availability).toHaveValue("away");
  await expect(availability.locator("option:checked")).toHaveText("Away (idle)");
  await expect(olegOption).toHaveText("Oleg Operator (away)");

  // The jump did not cost Oleg's tab its live connection: a new conversation still arrives without a reload.
  await expect(olegPage.getByText("Live", { exact: true })).toBeVisible();
  await customerWrites(request, "Yarema", "Idle: are you open on Sunday?");
  await expect(olegPage.getByTestId("conversation-list").getByText("Idle: are you open on Sunday?")).toBeVisible();

  // Back at the desk: the mouse moves.
  await olegPage.mouse.move(200, 300);
  await olegPage.mouse.move(240, 320);
  await expect(availability).toHaveValue("online");
  await expect(olegOption).toHaveText("Oleg Operator");

  // Away (idle) again, and back with a key this time.
  await olegPage.clock.fastForward(TEN_MINUTES_LATER);
  await expect(availability.locator("option:checked")).toHaveText("Away (idle)");
  await expect(olegOption).toHaveText("Oleg Operator (away)");
  await olegPage.keyboard.press("Shift");
  await expect(availability).toHaveValue("online");
  await expect(olegOption).toHaveText("Oleg Operator");

  await olegPage.context().close();
  await admin.context().close();
});

test("an Away Oleg chose himself stays Away through idle time and input", async ({ browser }) => {
  const olegPage = await olegAtHisDesk(browser);
  const admin = await assignMenu(browser);
  const olegOption = admin.getByLabel("Assign to a person or a team").locator("option", { hasText: /^Oleg Operator/ });
  await expect(olegOption).toHaveText("Oleg Operator");

  const availability = olegPage.getByTestId("availability");
  await availability.selectOption("away");
  await expect(availability).toHaveValue("away");
  await expect(availability.locator("option:checked")).toHaveText("Away");
  await expect(olegOption).toHaveText("Oleg Operator (away)");

  const changes: string[] = [];
  olegPage.on("request", (r) => {
    if (r.url().includes("account.setAvailability")) changes.push(r.postData() ?? "");
  });
  await olegPage.clock.fastForward(TEN_MINUTES_LATER);
  await olegPage.mouse.move(200, 300);
  await olegPage.mouse.move(240, 320);
  await olegPage.keyboard.press("Shift");
  // Whatever the tab would send for that input leaves at once; a round trip later nothing has.
  await olegPage.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1_000)));
  expect(changes).toEqual([]);
  await expect(availability).toHaveValue("away");
  await expect(availability.locator("option:checked")).toHaveText("Away");
  await olegPage.reload();
  await expect(olegPage.getByTestId("availability")).toHaveValue("away");
  await expect(olegOption).toHaveText("Oleg Operator (away)");

  // Only Oleg undoes it.
  await olegPage.getByTestId("availability").selectOption("online");
  await expect(olegOption).toHaveText("Oleg Operator");

  await olegPage.context().close();
  await admin.context().close();
});

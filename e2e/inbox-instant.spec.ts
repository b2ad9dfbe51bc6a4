import type { Request } from "@playwright/test";
import { expect, test, type Page } from "./support/test";
import { postTelegramUpdate, signIn } from "./support/helpers";
import { e2eState } from "./support/state";

/** A request for the inbox's server route (an RSC payload, a navigation or a prefetch of /inbox), not for data. */
function routeRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (req: Request) => {
    const url = new URL(req.url());
    const rsc = req.headers()["rsc"] === "1" || url.searchParams.has("_rsc");
    if (url.pathname.startsWith("/inbox") && (rsc || req.isNavigationRequest())) seen.push(`${req.method()} ${url.pathname}${url.search}`);
  });
  return seen;
}

test("opening a conversation and switching tabs ask the server for data only; back, forward and a shared link restore the view", async ({ page }) => {
  const company = e2eState().companies.instant!;
  await signIn(page, company.operatorEmail, company.password);
  const list = page.getByTestId("conversation-list");
  const rows = list.getByTestId("conversation-row");
  await expect(rows.first()).toBeVisible();

  const route = routeRequests(page);
  const first = rows.first();
  const name = (await first.locator("span").first().locator("span").first().textContent())!;
  await first.click();
  const thread = page.getByTestId("thread");
  await expect(page.getByRole("heading", { level: 2 })).toContainText(name);
  await expect(thread).toBeVisible();
  await expect(page).toHaveURL(/[?&]c=/);
  const opened = page.url();

  await page.getByRole("tab", { name: /In progress/ }).click();
  await expect(page.getByRole("tab", { name: /In progress/ })).toHaveAttribute("aria-selected", "true");
  await expect(page).toHaveURL(/tab=in_progress/);
  await page.getByRole("tab", { name: /Closed/ }).click();
  await expect(page.getByRole("tab", { name: /Closed/ })).toHaveAttribute("aria-selected", "true");
  expect(route).toEqual([]);

  // Back and forward walk the same views.
  await page.goBack();
  await expect(page.getByRole("tab", { name: /In progress/ })).toHaveAttribute("aria-selected", "true");
  await page.goBack();
  await expect(page.getByRole("tab", { name: /^New/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("heading", { level: 2 })).toContainText(name);
  await page.goBack();
  await expect(page.getByText("Choose a conversation to read it and reply.")).toBeVisible();
  await page.goForward();
  await expect(page.getByRole("heading", { level: 2 })).toContainText(name);

  // The address alone opens the same view (server-rendered, then live).
  await page.goto(opened);
  await expect(page.getByRole("heading", { level: 2 })).toContainText(name);
  await expect(page.getByRole("tab", { name: /^New/ })).toHaveAttribute("aria-selected", "true");
});

test("scrolling to the top of a long thread loads the older messages by itself and keeps the reading place", async ({ page, request }) => {
  const company = e2eState().companies.instant!;
  const chat = { id: 555000777, first_name: "Long", last_name: `History ${Date.now() % 100000}`, type: "private" };
  const from = { id: chat.id, is_bot: false, first_name: chat.first_name, last_name: chat.last_name };
  const total = 70;
  for (let i = 1; i <= total; i++) {
    const res = await postTelegramUpdate(request, company.telegram.channelId, company.telegram.webhookSecret, {
      update_id: 777000000 + i,
      message: { message_id: 7000 + i, from, chat, date: 1767225600 + i, text: `Line ${i} of the long history` },
    });
    expect(res.status()).toBe(200);
  }

  await signIn(page, company.operatorEmail, company.password);
  await page.getByTestId("conversation-list").getByText(`Line ${total} of the long history`).click();
  const thread = page.getByTestId("thread");
  await expect(thread.getByText(`Line ${total} of the long history`)).toBeVisible();
  // One page shows: the first lines are not loaded yet.
  await expect(thread.getByText("Line 1 of the long history", { exact: true })).toHaveCount(0);

  // The oldest line shown, and where it would stand with the thread scrolled to the top.
  const lines = thread.getByText(/^Line \d+ of the long history$/);
  const oldest = (await lines.first().textContent())!;
  const anchor = thread.getByText(oldest, { exact: true });
  const atTop = await anchor.evaluate((el) => {
    const box = el.closest("ol")!;
    return el.getBoundingClientRect().top + box.scrollTop;
  });

  await thread.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(thread.getByText("Line 1 of the long history", { exact: true })).toBeAttached();
  await expect(thread.getByText("The beginning of the history with this customer.")).toBeAttached();
  // The line read before stays where it was: the older ones were added above it.
  const after = await anchor.evaluate((el) => el.getBoundingClientRect().top);
  expect(Math.abs(after - atTop)).toBeLessThan(3);
  // The button remains for keyboards (here: nothing older is left).
  await expect(thread.getByRole("button", { name: "Load older messages" })).toHaveCount(0);
});

import { expect, test, type Page } from "./support/test";
import { postTelegramUpdate, signIn, telegramCalls } from "./support/helpers";
import { e2eState } from "./support/state";

/** The number on a tab ("New 3"), read from its count badge. */
async function tabCount(page: Page, tab: "new" | "in_progress" | "closed" | "mine") {
  const text = await page.getByTestId(`count-${tab}`).textContent();
  return Number(text);
}

test("two operators and an admin work one conversation live: it arrives, is taken, answered, and banned (which closes it)", async ({ browser, request }) => {
  const company = e2eState().companies.workflow!;
  const operatorB = company.operatorEmail.replace("operator@", "operator2@");
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const [a, b, admin] = await Promise.all(contexts.map((c) => c.newPage()));
  await signIn(a!, company.operatorEmail, company.password);
  await signIn(b!, operatorB, company.password);
  await signIn(admin!, company.adminEmail, company.password);
  for (const page of [a!, b!]) {
    await expect(page.getByText("Live", { exact: true })).toBeVisible();
    await expect(page.getByRole("tab", { name: /New/ })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByTestId("count-new")).toHaveText(/^\d+$/);
  }
  const newBefore = await tabCount(a!, "new");
  expect(await tabCount(b!, "new")).toBe(newBefore);

  // A new customer writes: both operators see it in New without a reload, and the count goes up.
  const text = `Does the red kettle come in 2 litres? ${Date.now()}`;
  const chat = { id: 880000000 + (Date.now() % 1_000_000), first_name: "Workflow", last_name: "Customer", type: "private" };
  const res = await postTelegramUpdate(request, company.telegram.channelId, company.telegram.webhookSecret, {
    update_id: 920000 + (Date.now() % 10_000),
    message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, from: { id: chat.id, is_bot: false, first_name: chat.first_name }, text },
  });
  expect(res.status()).toBe(200);
  for (const page of [a!, b!]) {
    await expect(page.getByTestId("conversation-list").getByText(text)).toBeVisible();
    await expect(page.getByTestId("count-new")).toHaveText(String(newBefore + 1));
  }

  // A takes it: it leaves New on B's screen too.
  await a!.getByTestId("conversation-list").getByText(text).click();
  await a!.getByRole("button", { name: "Take", exact: true }).click();
  await expect(a!.getByText("You took this conversation.")).toBeVisible();
  await expect(b!.getByTestId("conversation-list").getByText(text)).toHaveCount(0);
  await expect(b!.getByTestId("count-new")).toHaveText(String(newBefore));
  const conversationId = new URL(a!.url()).searchParams.get("c")!;
  expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);

  // A replies with Enter; the reply reaches the Bot API fake.
  const reply = `Yes, 1.7 and 2 litres (${Date.now()})`;
  await a!.getByLabel("Reply").fill(reply);
  await a!.getByLabel("Reply").press("Enter");
  const thread = a!.getByTestId("thread");
  await expect(thread.getByText(reply)).toBeVisible();
  await expect.poll(async () => (await telegramCalls(request)).filter((c) => c.method === "sendMessage" && c.params.text === reply)).toHaveLength(1);

  // The admin bans the contact from the thread: it closes (nobody waits on it), and A's screen says so at once.
  await admin!.goto(`${e2eState().baseURL}/inbox?tab=in_progress&c=${conversationId}`);
  await admin!.getByRole("button", { name: "Ban contact" }).click();
  await admin!.getByRole("button", { name: "Yes, ban" }).click();
  await expect(admin!.getByText("The contact is banned.")).toBeVisible();
  await expect(a!.getByTestId("composer-state")).toContainText("This contact is banned");
  await expect(a!.getByRole("button", { name: "Send" })).toBeDisabled();
  await expect(thread.getByTestId("system-note").filter({ hasText: "Alex Admin banned this contact and closed the conversation" })).toBeVisible();
  await expect(a!.getByRole("button", { name: "Reopen" })).toBeVisible();
  await a!.getByRole("tab", { name: /Closed/ }).click();
  await expect(a!.getByTestId("conversation-list").getByText("Workflow Customer")).toHaveCount(0); // a banned contact's closed thread stays out of the list

  await Promise.all(contexts.map((c) => c.close()));
});

import type { APIRequestContext } from "@playwright/test";
import { expect, test, type Browser, type Page } from "./support/test";
import { postTelegramUpdate, signIn } from "./support/helpers";
import { e2eState } from "./support/state";

// Three people of one company: A is the admin (Alex), B and C the Support team's operators (Olena, Oleg).
const company = () => e2eState().companies.presence!;
const people = {
  a: () => company().adminEmail,
  b: () => company().operatorEmail,
  c: () => company().operatorEmail.replace("operator@", "operator2@"),
};

let updateId = 970000 + (Date.now() % 10_000) * 10;
async function customerWrites(request: APIRequestContext, firstName: string, text: string) {
  const id = 880000000 + (Date.now() % 1_000_000) * 10 + (updateId % 10);
  const chat = { id, first_name: firstName, type: "private" };
  const res = await postTelegramUpdate(request, company().telegram.channelId, company().telegram.webhookSecret, {
    update_id: updateId++,
    message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, from: { id, is_bot: false, first_name: firstName }, text },
  });
  expect(res.status()).toBe(200);
}

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, company().password);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  return page;
}

async function open(page: Page, text: string, tab: "New" | "In progress" | "Mine") {
  await page.getByRole("tab", { name: new RegExp(`^${tab}`) }).click();
  await page.getByTestId("conversation-list").getByText(text).click();
  await expect(page.getByTestId("thread").getByText(text)).toBeVisible();
}

test("B sees that A views and types in the conversation, and is warned before answering after A did", async ({ browser, request }) => {
  await customerWrites(request, "Vira", "Presence: is anyone there?");
  const a = await signedIn(browser, people.a());
  const b = await signedIn(browser, people.b());
  await open(a, "Presence: is anyone there?", "New");
  await open(b, "Presence: is anyone there?", "New");
  await expect(b.getByTestId("presence")).toContainText("Alex Admin is viewing");
  await expect(a.getByTestId("presence")).toContainText("Olena Operator is viewing");

  await b.getByLabel("Reply").fill("Hello Vira, I");
  await a.getByLabel("Reply").fill("Hi Vira, we are here");
  await expect(b.getByTestId("presence")).toContainText("Alex Admin is typing a reply…");
  await expect(a.getByTestId("presence")).toContainText("Olena Operator is typing a reply…");
  await a.getByRole("button", { name: "Send", exact: true }).click();
  await expect(b.getByTestId("thread").getByText("Hi Vira, we are here")).toBeVisible();

  // B started typing before A's reply: sending is held with a warning until B chooses.
  await b.getByRole("button", { name: "Send", exact: true }).click();
  await expect(b.getByTestId("reply-conflict")).toContainText("Alex Admin replied while you were typing.");
  await b.getByRole("button", { name: "Send anyway" }).click();
  await expect(a.getByTestId("thread").getByText("Hello Vira, I")).toBeVisible();
  await expect(b.getByTestId("reply-conflict")).toHaveCount(0);

  // A leaves: B no longer sees A.
  await a.close();
  await expect(b.getByTestId("presence")).not.toContainText("Alex Admin");

  // Another company's conversation is refused: the channel name carries the company.
  const { baseURL } = e2eState();
  const foreign = `presence-conversation-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const form = { headers: { "content-type": "application/x-www-form-urlencoded", origin: baseURL }, data: `socket_id=1.2&channel_name=${foreign}` };
  expect((await b.request.post(`${baseURL}/api/realtime/auth`, form)).status()).toBe(403);
});

test("with B Away, team routing gives new conversations to C only; the nav says who is Away", async ({ browser, request }) => {
  const b = await signedIn(browser, people.b());
  await b.getByTestId("availability").selectOption("away");
  await expect(b.getByTestId("availability")).toHaveValue("away");

  const a = await signedIn(browser, people.a());
  await a.goto(`${e2eState().baseURL}/settings/lines`);
  const sales = a.getByRole("listitem").filter({ hasText: "Sales" });
  // A controlled checkbox: it turns on once the server has said so.
  await sales.getByRole("checkbox", { name: /Route new conversations/ }).click();
  await expect(a.getByText("New conversations on Sales now go to its default team automatically.")).toBeVisible();

  // C is at her desk: her open tab reports in, so routing counts her (a closed browser would not be counted).
  const c = await signedIn(browser, people.c());
  await customerWrites(request, "Roman", "Routing: first while Olena is away");
  await customerWrites(request, "Rita", "Routing: second while Olena is away");
  await c.getByRole("tab", { name: /^Mine/ }).click();
  await expect(c.getByTestId("conversation-list").getByText("Routing: first while Olena is away")).toBeVisible();
  await expect(c.getByTestId("conversation-list").getByText("Routing: second while Olena is away")).toBeVisible();
  await b.getByRole("tab", { name: /^Mine/ }).click();
  await expect(b.getByTestId("conversation-list")).not.toContainText("Routing:");
  await open(c, "Routing: first while Olena is away", "Mine");
  await expect(c.getByTestId("thread").getByText("Routed to Oleg Operator (team Support)")).toBeVisible();

  // The Assign menu says who is away, and follows B coming back without a reload.
  await a.goto(`${e2eState().baseURL}/inbox`);
  await open(a, "Routing: first while Olena is away", "In progress");
  await a.getByRole("button", { name: "Assign…" }).click();
  const assignTo = a.getByLabel("Assign to a person or a team");
  await expect(assignTo.locator("option", { hasText: "Olena Operator (away)" })).toHaveCount(1);
  await expect(assignTo.locator("option", { hasText: /^Oleg Operator$/ })).toHaveCount(1);
  await b.getByTestId("availability").selectOption("online");
  await expect(assignTo.locator("option", { hasText: /^Olena Operator$/ })).toHaveCount(1);
});

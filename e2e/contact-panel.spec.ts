import { expect, test } from "./support/test";
import { postTelegramUpdate, signIn } from "./support/helpers";
import { e2eState } from "./support/state";

test("an admin merges a customer's Telegram contact with their Messenger contact: the panel lists both channels' conversations, live for the team", async ({ browser, request }) => {
  const company = e2eState().companies.contacts!;
  const contexts = await Promise.all([browser.newContext({ viewport: { width: 1280, height: 900 } }), browser.newContext({ viewport: { width: 1280, height: 900 } })]);
  const [admin, operator] = await Promise.all(contexts.map((c) => c.newPage()));
  await signIn(admin!, company.adminEmail, company.password);
  await signIn(operator!, company.operatorEmail, company.password);

  // Maria Lopez, who wrote on the Page's Messenger (seeded), now writes to the Telegram bot too.
  const text = `Is my Messenger order ready? ${Date.now()}`;
  const chat = { id: 870000000 + (Date.now() % 1_000_000), first_name: "Maria", last_name: "Lopez", type: "private" };
  const res = await postTelegramUpdate(request, company.telegram.channelId, company.telegram.webhookSecret, {
    update_id: 930000 + (Date.now() % 10_000),
    message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, from: { id: chat.id, is_bot: false, first_name: "Maria", last_name: "Lopez" }, text },
  });
  expect(res.status()).toBe(200);

  // The operator reads her Messenger conversation; its panel knows no other conversation yet.
  await operator!.getByTestId("conversation-row").filter({ hasText: "Maria Lopez" }).filter({ hasText: "Messenger" }).click();
  const operatorPanel = operator!.getByRole("complementary", { name: "Contact" });
  await expect(operatorPanel.getByText("Messenger · Acme Store")).toBeVisible();
  await expect(operatorPanel.getByText("No other conversations.")).toBeVisible();

  // The admin opens the Telegram one: the panel beside the thread says who and where.
  await admin!.getByTestId("conversation-list").getByText(text).click();
  const panel = admin!.getByRole("complementary", { name: "Contact" });
  await expect(panel.getByRole("heading", { name: "Maria Lopez" })).toBeVisible();
  await expect(panel.getByText("Telegram · AcmeSupportBot")).toBeVisible();
  await expect(panel.getByText("Not banned")).toBeVisible();
  await expect(panel.getByText("No other conversations.")).toBeVisible();

  // Merge: search the company's contacts, choose hers on Messenger, confirm a question naming both.
  await panel.getByRole("button", { name: "Merge with another contact" }).click();
  await panel.getByLabel("Search contacts by name or @handle").fill("Maria");
  await panel.getByRole("button", { name: "Merge with Maria Lopez (Messenger · Acme Store)" }).click();
  await expect(panel.getByRole("alertdialog")).toContainText("Merge Maria Lopez (Telegram · AcmeSupportBot) with Maria Lopez (Messenger · Acme Store)?");
  await panel.getByRole("button", { name: "Yes, merge" }).click();
  await expect(panel.getByText("Merged: Maria Lopez is the same person as Maria Lopez.")).toBeVisible();
  const listed = panel.getByTestId("contact-conversations").getByRole("link", { name: /Messenger · Acme Store/ });
  await expect(listed).toBeVisible();

  // The operator's panel shows the Telegram conversation without a reload.
  await expect(operatorPanel.getByTestId("contact-conversations").getByRole("link", { name: /Telegram · AcmeSupportBot/ })).toBeVisible();

  // A note about her reaches the operator too, with its author.
  await panel.getByLabel("A note about this customer").fill("Prefers Messenger for order updates");
  await panel.getByRole("button", { name: "Add note" }).click();
  await expect(operatorPanel.getByTestId("contact-notes")).toContainText("Prefers Messenger for order updates");
  await expect(operatorPanel.getByTestId("contact-notes")).toContainText("Alex Admin");

  // The link opens the Messenger conversation in the inbox; the customer's reply still goes out on Messenger.
  await listed.click();
  await expect(admin!.getByTestId("thread").getByText("Hi, where is my order #1042?")).toBeVisible();
  await expect(admin!.getByText("via Messenger · Acme Store")).toBeVisible();
  await expect(panel.getByTestId("contact-conversations").getByRole("link", { name: /Telegram · AcmeSupportBot/ })).toBeVisible();

  await Promise.all(contexts.map((c) => c.close()));
});

test("on a 390 px screen the contact panel is a drawer: it opens from the thread, keeps focus, and Escape closes it", async ({ browser }) => {
  const company = e2eState().companies.contacts!;
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await signIn(page, company.operatorEmail, company.password);
  await page.getByTestId("conversation-list").getByText("Hello! Is the blue kettle in stock?").click();
  await expect(page.getByRole("complementary", { name: "Contact" })).toHaveCount(0);
  const open = page.getByRole("button", { name: "Contact details" });
  await open.click();
  const drawer = page.getByRole("dialog", { name: "Contact" });
  await expect(drawer.getByRole("heading", { name: "Ivan Petrov" })).toBeVisible();
  await expect(drawer.getByText("Telegram · AcmeSupportBot")).toBeVisible();
  await expect(drawer.getByRole("button", { name: "Close contact details" })).toBeFocused();
  // Nothing behind the drawer can be reached: Tab stays inside it.
  for (let i = 0; i < 6; i++) await page.keyboard.press("Tab");
  expect(await drawer.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  // It fits the screen: no sideways scrolling.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  await expect(open).toBeFocused();
  await context.close();
});

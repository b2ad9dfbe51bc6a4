import { expect, test, type APIRequestContext } from "./support/test";
import { signIn, telegramCalls } from "./support/helpers";
import { e2eState } from "./support/state";

const fake = (path: string) => `${e2eState().telegramFakeUrl}/__fake/${path}`;

async function deliverAsTelegram(request: APIRequestContext, botId: string, chatId: number, text: string, updateId: number) {
  const update = {
    update_id: updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private", first_name: "Irina" }, from: { id: chatId, is_bot: false, first_name: "Irina" }, text },
  };
  const res = await request.post(fake("deliver"), { data: { botId, update } });
  return ((await res.json()) as { outcome: string }).outcome;
}

test("a revoked bot: Settings turns red live, one email, replies wait, the same bot's new token reconnects and the queue is recovered", async ({ browser, request }) => {
  const company = e2eState().companies.health!;
  const botId = company.telegram.botToken.split(":")[0]!;
  const admin = await (await browser.newContext()).newPage();
  const operator = await (await browser.newContext()).newPage();
  await signIn(admin, company.adminEmail, company.password);
  await signIn(operator, company.operatorEmail, company.password);

  // Everything works: no alert next to Settings.
  await admin.goto(`${e2eState().baseURL}/settings/channels`);
  const alert = admin.getByTestId("settings-alert");
  await expect(admin.getByTestId("channel-row").filter({ hasText: "AcmeSupportBot" })).toContainText("Active");
  await expect(alert).toHaveCount(0);

  // The customer writes; then the bot's token is revoked in BotFather.
  expect(await deliverAsTelegram(request, botId, 5100200, "Is the blue kettle back?", 930001)).toBe("delivered");
  const { newToken } = (await (await request.post(fake("revoke"), { data: { token: company.telegram.botToken } })).json()) as { newToken: string };

  // The operator answers twice: the first send meets 401, both wait for the reconnect.
  await operator.goto(`${e2eState().baseURL}/inbox`);
  await operator.getByTestId("conversation-list").getByText("Is the blue kettle back?").click();
  const thread = operator.getByTestId("thread");
  for (const text of ["first answer", "second answer"]) {
    await operator.getByLabel("Reply").fill(text);
    await operator.getByRole("button", { name: "Send" }).click();
    await expect(thread.getByText(text)).toBeVisible();
  }
  await expect(thread.getByTestId("delivery-status").filter({ hasText: "Waiting for the reconnect" })).toHaveCount(2);

  // The admin's open Settings turns red without a reload, in words.
  await expect(alert).toBeVisible();
  await expect(admin.getByTestId("channel-row").filter({ hasText: "AcmeSupportBot" })).toContainText("The bot token was revoked");

  // Meanwhile customers keep writing: Telegram holds it in its queue.
  expect(await deliverAsTelegram(request, botId, 5100200, "Hello? Anyone?", 930002)).toBe("queued");
  expect(await deliverAsTelegram(request, botId, 5100201, "Do you ship to Lviv?", 930003)).toBe("queued");

  // Exactly one email for the incident, however many replies failed.
  await admin.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name: "Mailbox" }).click();
  await expect(admin.getByText("AcmeSupportBot lost its connection")).toHaveCount(1);

  // Details → Reconnect: another bot's token is refused in words; the new token of the same bot works.
  await admin.goto(`${e2eState().baseURL}/settings/channels`);
  await admin.getByTestId("channel-row").filter({ hasText: "AcmeSupportBot" }).getByRole("link", { name: /Details/ }).click();
  await expect(admin.getByTestId("channel-fix")).toContainText("paste the new token of @AcmeSupportBot");
  const tokenField = admin.getByLabel(/New token of @AcmeSupportBot/);
  await tokenField.fill("7999999999:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1");
  await admin.getByRole("button", { name: "Reconnect" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "This token belongs to another bot" })).toBeVisible();
  await tokenField.fill(newToken);
  await admin.getByRole("button", { name: "Reconnect" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Reconnected" })).toBeVisible();
  // In the same moment, nothing on the page still says the connection is lost.
  expect(await admin.getByTestId("channel-status").allTextContents()).toEqual(["Active", "Active"]);
  expect(await admin.getByTestId("channel-fix").count()).toBe(0);
  await expect(alert).toHaveCount(0);

  // The held replies go out with the new token, in the order they were written.
  await expect
    .poll(async () => (await telegramCalls(request)).filter((c) => c.method === "sendMessage" && c.token === newToken).map((c) => c.params.text))
    .toEqual(["first answer", "second answer"]);
  await expect(thread.getByTestId("delivery-status").filter({ hasText: "Sent" })).toHaveCount(2);

  // What Telegram kept arrives, and the Details page counts it as recovered.
  await expect(operator.getByTestId("conversation-list").getByText("Do you ship to Lviv?")).toBeVisible();
  await admin.reload();
  await expect(admin.getByTestId("recovered-count")).toHaveText("2 messages recovered");
});

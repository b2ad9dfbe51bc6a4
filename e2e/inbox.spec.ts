import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { postTelegramUpdate, signIn, telegramCalls } from "./support/helpers";
import { e2eState } from "./support/state";

const update = JSON.parse(readFileSync(new URL("./fixtures/telegram/update_message_text.json", import.meta.url), "utf8")) as Record<string, unknown>;

test("an operator sees a Telegram message arrive live and their reply reaches Telegram", async ({ page, request }) => {
  const company = e2eState().companies.inbox!;
  await signIn(page, company.operatorEmail, company.password);
  const list = page.getByTestId("conversation-list");
  await expect(page.getByText("Live", { exact: true })).toBeVisible();

  const text = `Where is my order #${Date.now()}?`;
  const message = { ...(update.message as object), text, message_id: 9001 };
  const response = await postTelegramUpdate(request, company.telegram.channelId, company.telegram.webhookSecret, { update_id: 910001, message });
  expect(response.status()).toBe(200);

  // No reload: the message arrives over the realtime channel.
  await expect(list.getByText(text)).toBeVisible();
  await list.getByText(text).click();
  const thread = page.getByTestId("thread");
  await expect(thread.getByText(text)).toBeVisible();

  const reply = `It ships today (${Date.now()})`;
  await page.getByLabel("Reply").fill(reply);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(thread.getByText(reply)).toBeVisible();

  await expect
    .poll(async () => (await telegramCalls(request)).filter((c) => c.method === "sendMessage" && c.params.text === reply))
    .toHaveLength(1);
  const [call] = (await telegramCalls(request)).filter((c) => c.params.text === reply);
  expect(call!.params.chat_id).toBe("123456789");
  expect(call!.token).toBe(company.telegram.botToken);
  await expect(thread.getByTestId("delivery-status").last()).toHaveText("Sent");
});

test("a forged Telegram update is refused and never reaches the inbox", async ({ page, request }) => {
  const company = e2eState().companies.inbox!;
  const text = `forged ${Date.now()}`;
  const response = await postTelegramUpdate(request, company.telegram.channelId, "not-the-secret", { update_id: 910002, message: { ...(update.message as object), text } });
  expect(response.status()).toBe(401);
  await signIn(page, company.operatorEmail, company.password);
  await expect(page.getByTestId("conversation-list")).toBeVisible();
  await expect(page.getByText(text)).toHaveCount(0);
});

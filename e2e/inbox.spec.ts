import { readFileSync } from "node:fs";
import { expect, test } from "./support/test";
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

test("an operator sends a photo and sees the customer's photo", async ({ page, request }) => {
  const company = e2eState().companies.inbox!;
  const photo = JSON.parse(readFileSync(new URL("./fixtures/telegram/update_message_photo.json", import.meta.url), "utf8")) as { message: Record<string, unknown> };
  const caption = `Photo of the box ${Date.now()}`;
  const res = await postTelegramUpdate(request, company.telegram.channelId, company.telegram.webhookSecret, { update_id: 910003, message: { ...photo.message, message_id: 9003, caption } });
  expect(res.status()).toBe(200);

  await signIn(page, company.operatorEmail, company.password);
  // The first test answered this chat, which took it: its next message waits in In progress.
  await page.getByRole("tab", { name: /In progress/ }).click();
  await page.getByTestId("conversation-list").getByText(caption).click();
  const thread = page.getByTestId("thread");
  const image = thread.getByRole("img", { name: /photo/i });
  await expect(image).toBeVisible();
  // The copy fetched from Telegram is served from our storage and actually renders.
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

  // A 1×1 PNG, attached from the keyboard-reachable file input.
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
  await page.getByLabel("Attach files").setInputFiles({ name: "label.png", mimeType: "image/png", buffer: png });
  await expect(page.getByRole("list", { name: "Attach files" }).getByText("label.png")).toBeVisible();
  const text = `Here is your label ${Date.now()}`;
  await page.getByLabel("Reply").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(thread.getByText(text)).toBeVisible();

  await expect
    .poll(async () => (await telegramCalls(request)).filter((c) => c.method === "sendPhoto" && c.params.caption === text).length)
    .toBe(1);
  const [call] = (await telegramCalls(request)).filter((c) => c.method === "sendPhoto" && c.params.caption === text);
  expect(call!.params.photo).toMatchObject({ name: "label.png", type: "image/png", size: png.byteLength });
});

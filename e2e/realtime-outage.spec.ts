import { readFileSync } from "node:fs";
import type { WebSocketRoute } from "@playwright/test";
import { expect, test } from "./support/test";
import { postTelegramUpdate, signIn } from "./support/helpers";
import { e2eState } from "./support/state";

const update = JSON.parse(readFileSync(new URL("./fixtures/telegram/update_message_text.json", import.meta.url), "utf8")) as Record<string, unknown>;

test("with the realtime server away, the inbox says it is reconnecting, keeps working and still shows new messages", async ({ page, request }) => {
  const company = e2eState().companies.outage!;
  // The realtime server, between the page and it: passed through until it "goes away", then every socket is closed.
  let away = false;
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/app\/[^/?]+/, (ws) => {
    if (away) return void ws.close({ code: 1006, reason: "server away" });
    sockets.push(ws);
    ws.connectToServer();
  });
  await signIn(page, company.operatorEmail, company.password);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();

  away = true;
  for (const ws of sockets) await ws.close({ code: 1006, reason: "server away" });
  await expect(page.getByText("Live", { exact: true })).toHaveCount(0);

  const text = `Still there? ${Date.now()}`;
  const response = await postTelegramUpdate(request, company.telegram.channelId, company.telegram.webhookSecret, { update_id: 930001, message: { ...(update.message as object), text, message_id: 9301 } });
  expect(response.status()).toBe(200);
  // No socket, no reload: the inbox refetches on its own while the realtime server is away.
  const list = page.getByTestId("conversation-list");
  await expect(list.getByText(text)).toBeVisible({ timeout: 25_000 });
  await expect(page.getByText("Reconnecting — the inbox refreshes every 10 seconds meanwhile")).toBeVisible({ timeout: 25_000 });

  // Actions work meanwhile: open it and answer.
  await list.getByText(text).click();
  const reply = `Yes, answering without realtime (${Date.now()})`;
  await page.getByLabel("Reply").fill(reply);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("thread").getByText(reply)).toBeVisible();
});

import { randomBytes, randomInt } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "./support/test";
import { signIn, telegramCalls } from "./support/helpers";
import { e2eState } from "./support/state";

// Bots with their own names in the Telegram fake, so each is told apart on the page.
const bots = [
  { firstName: "Kettle Help", username: "KettleHelpBot" },
  { firstName: "Teapot Desk", username: "TeapotDeskBot" },
  { firstName: "Mug Support", username: "MugSupportBot" },
  { firstName: "Sixth Bot", username: "SixthBot" },
].map((bot) => ({ ...bot, token: `${randomInt(100_000_000, 2_000_000_000)}:${randomBytes(18).toString("base64url")}` }));

async function registerBot(request: APIRequestContext, bot: (typeof bots)[number]) {
  const res = await request.post(`${e2eState().telegramFakeUrl}/__fake/bots`, { data: { id: bot.token.split(":")[0], firstName: bot.firstName, username: bot.username } });
  expect(res.ok()).toBe(true);
}

async function checkToken(page: Page, token: string) {
  await page.goto(`${e2eState().baseURL}/settings/channels/connect/telegram`);
  await page.getByLabel("Bot token").fill(token);
  await page.getByRole("button", { name: "Check token" }).click();
}

async function connectOnNewLine(page: Page, bot: (typeof bots)[number], lineName: string) {
  await checkToken(page, bot.token);
  await expect(page.getByText(`This token belongs to ${bot.firstName} (@${bot.username}).`)).toBeVisible();
  await page.getByRole("radio", { name: "A new line…" }).check();
  await page.getByLabel("Name of the new line").fill(lineName);
  await page.getByRole("button", { name: "Connect bot" }).click();
  await expect(page).toHaveURL(/\/settings\/channels\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("channel-name")).toHaveText(bot.firstName);
}

test.describe.serial("channels admin", () => {
  test.beforeEach(async ({ page, request }) => {
    for (const bot of bots) await registerBot(request, bot);
    const company = e2eState().companies.channels!;
    await signIn(page, company.adminEmail, company.password);
  });

  test("an admin connects a bot by token to a line and sees it Active; lines with a bot are not offered; another program's webhook is named before it is taken over", async ({ page, request }) => {
    const bot = bots[0]!;
    // The bot still sends its updates to another program's webhook.
    expect((await request.post(`${e2eState().telegramFakeUrl}/__fake/take-webhook`, { data: { token: bot.token } })).ok()).toBe(true);
    await checkToken(page, bot.token);
    await expect(page.getByText(`This token belongs to ${bot.firstName} (@${bot.username}).`)).toBeVisible();
    await expect(page.getByText(`Its customers will be listed under the client “Telegram: ${bot.firstName}”.`)).toBeVisible();
    // Both seeded lines have a bot already: a second bot on one line is not offered, and the page says why.
    await expect(page.getByRole("radio", { name: "Sales" })).toHaveCount(0);
    await expect(page.getByRole("radio", { name: "Support" })).toHaveCount(0);
    await expect(page.getByText("Every line already has a Telegram bot. Create a new line for this bot.", { exact: false })).toBeVisible();
    await expect(page.getByText(/one bot per line\): Sales, Support\./)).toBeVisible();

    // Said before anything changes: where the updates go now and what connecting here stops.
    const elsewhere = page.getByTestId("telegram-webhook-elsewhere");
    await expect(elsewhere).toContainText("This bot currently sends its updates to another-program.example.");
    await expect(elsewhere).toContainText("Connecting it here stops that");
    await page.getByRole("radio", { name: "A new line…" }).check();
    await page.getByLabel("Name of the new line").fill("Kettles");
    await expect(page.getByRole("button", { name: "Connect bot" })).toBeDisabled();
    await page.getByLabel("Take this bot's updates from another-program.example").check();
    await page.getByRole("button", { name: "Connect bot" }).click();
    await expect(page).toHaveURL(/\/settings\/channels\/[0-9a-f-]{36}$/);
    const channelId = page.url().split("/").pop()!;
    await expect(page.getByTestId("channel-status").first()).toHaveText("Active");
    await expect(page.getByTestId("channel-client")).toHaveText(`Telegram: ${bot.firstName}`);
    await expect(page.getByTestId("channel-webhook-url")).toHaveText(`${e2eState().baseURL}/api/webhooks/telegram/${channelId}`);

    // The fake recorded setWebhook with our URL, a secret and the update types the product handles.
    const [setWebhook] = (await telegramCalls(request)).filter((c) => c.token === bot.token && c.method === "setWebhook");
    expect(setWebhook!.params.url).toBe(`${e2eState().baseURL}/api/webhooks/telegram/${channelId}`);
    expect(String(setWebhook!.params.secret_token).length).toBeGreaterThanOrEqual(32);
    expect(setWebhook!.params.allowed_updates).toEqual(expect.arrayContaining(["message", "callback_query"]));

    // Listed under Telegram on the channels page, Active.
    await page.goto(`${e2eState().baseURL}/settings/channels`);
    const row = page.getByTestId("channel-group-telegram").getByTestId("channel-row").filter({ hasText: bot.firstName });
    await expect(row.getByTestId("channel-status")).toHaveText("Active");

    // A customer writes to the new bot: Telegram posts it to the webhook we registered, with its secret, and it
    // reaches the inbox.
    const text = `Is the kettle in stock? ${Date.now()}`;
    const chat = { id: 6100300, type: "private", first_name: "Petro" };
    const update = { update_id: 940001, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, from: { ...chat, is_bot: false }, text } };
    const delivered = await request.post(`${e2eState().telegramFakeUrl}/__fake/deliver`, { data: { botId: bot.token.split(":")[0], update } });
    expect(((await delivered.json()) as { outcome: string }).outcome).toBe("delivered");
    await page.goto(`${e2eState().baseURL}/inbox`);
    await expect(page.getByTestId("conversation-list").getByText(text)).toBeVisible();
  });

  test("a bot already connected, and a sixth bot, are refused in words", async ({ page }) => {
    await checkToken(page, bots[0]!.token);
    await expect(page.getByTestId("connect-error")).toContainText("This bot is already connected in your company.");

    // Two seeded bots and Kettle Help: two more reach the limit of five.
    await connectOnNewLine(page, bots[1]!, "Teapots");
    await connectOnNewLine(page, bots[2]!, "Mugs");
    await checkToken(page, bots[3]!.token);
    await expect(page.getByTestId("connect-error")).toContainText("Your company already has 5 Telegram bots, the most allowed.");
    await expect(page.getByRole("button", { name: "Connect bot" })).toHaveCount(0);
  });

  test("a channel is stopped and started from its ⋯ menu", async ({ page }) => {
    const bot = bots[0]!;
    await page.goto(`${e2eState().baseURL}/settings/channels`);
    await page.getByRole("link", { name: `Details of ${bot.firstName}` }).click();
    await expect(page.getByTestId("channel-name")).toHaveText(bot.firstName);

    await page.getByRole("button", { name: `More actions for ${bot.firstName}` }).click();
    await page.getByRole("menuitem", { name: "Stop" }).click();
    await expect(page.getByTestId("channel-action-result")).toContainText(`${bot.firstName} is stopped.`);
    await expect(page.getByTestId("channel-status").first()).toHaveText("Stopped");

    // Hidden from the default list; the status filter shows it.
    await page.goto(`${e2eState().baseURL}/settings/channels`);
    await expect(page.getByTestId("channel-row").filter({ hasText: bot.firstName })).toHaveCount(0);
    await page.getByRole("link", { name: "Stopped", exact: true }).click();
    const row = page.getByTestId("channel-row").filter({ hasText: bot.firstName });
    await expect(row.getByTestId("channel-status")).toHaveText("Stopped");

    // Start from the keyboard: the menu opens on Enter with its first item focused.
    await row.getByRole("button", { name: `More actions for ${bot.firstName}` }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("menuitem", { name: "Start" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("channel-action-result")).toContainText(`${bot.firstName} is started: its connection works.`);
    // Active again: it leaves the Stopped filter and is back in the default list.
    await expect(row).toHaveCount(0);
    await page.getByRole("link", { name: "Working and lost", exact: true }).click();
    await expect(page.getByTestId("channel-row").filter({ hasText: bot.firstName }).getByTestId("channel-status")).toHaveText("Active");
  });

  test("the ⋯ menu's Rename dialog stays open, Escape closes it without a change, and Save renames", async ({ page }) => {
    const bot = bots[1]!;
    await page.goto(`${e2eState().baseURL}/settings/channels`);
    const row = page.getByTestId("channel-row").filter({ hasText: bot.firstName });
    await row.getByRole("button", { name: `More actions for ${bot.firstName}` }).click();
    await page.getByRole("menuitem", { name: "Rename" }).click();
    const dialog = page.getByRole("dialog", { name: `Rename ${bot.firstName}` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Name")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(row).toHaveCount(1);

    await row.getByRole("button", { name: `More actions for ${bot.firstName}` }).click();
    await page.getByRole("menuitem", { name: "Rename" }).click();
    await dialog.getByLabel("Name").fill(`${bot.firstName} Desk`);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId("channel-row").filter({ hasText: `${bot.firstName} Desk` })).toHaveCount(1);
  });

  test("a VK community with a confirmation string VK does not accept: the page says so in words, and Reconnect fixes it", async ({ page, request }) => {
    const accessToken = `vk1.a.${randomBytes(24).toString("base64url")}`;
    await page.goto(`${e2eState().baseURL}/settings/channels/connect/vk`);
    await page.getByLabel("Community ID").fill("229876543");
    await page.getByLabel("Confirmation string").fill("e2e-confirm-7f3a");
    await page.getByLabel("Access token").fill(accessToken);
    await page.getByLabel("Secret key").fill("e2eSecretKey42");
    await page.getByRole("button", { name: "Check and connect" }).click();
    await expect(page.getByText("Waiting for VK's confirmation request", { exact: false })).toBeVisible();
    const address = (await page.getByTestId("vk-webhook-url").textContent())!.trim();
    expect(address).toMatch(new RegExp(`^${e2eState().baseURL}/api/webhooks/vk/[0-9a-f-]{36}$`));

    // A new community waiting for VK is not hidden as Stopped: the default list shows it, waiting.
    const list = await page.context().newPage();
    await list.goto(`${e2eState().baseURL}/settings/channels`);
    const row = list.getByTestId("channel-row").filter({ hasText: address });
    await expect(row.getByTestId("channel-status")).toHaveText("Waiting for confirmation");
    await list.close();

    // The admin adds the server in VK and VK sends its confirmation request: Switchboard answers the string typed
    // here, which is not the community's, and VK marks the server failed.
    const added = await request.post(`${e2eState().vkFakeUrl}/method/groups.addCallbackServer`, {
      form: { access_token: accessToken, group_id: "229876543", url: address, title: "Switchboard", secret_key: "e2eSecretKey42", v: "5.199" },
    });
    expect(((await added.json()) as { response?: { server_id?: number } }).response?.server_id).toBeGreaterThan(0);
    await expect(page.getByTestId("vk-rejected")).toContainText("VK did not accept the confirmation string");
    await expect(page.getByText("Confirmed: VK reached Switchboard", { exact: false })).toHaveCount(0);

    // Details say what is wrong and how to fix it; Reconnect asks VK for the right string and VK confirms.
    await page.getByRole("link", { name: "Open its details" }).click();
    await expect(page.getByTestId("channel-fix")).toContainText("VK did not accept the confirmation string");
    await expect(page.getByTestId("channel-fix")).toContainText("Press Reconnect");
    await page.getByRole("button", { name: "Reconnect" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Reconnected" })).toBeVisible();
    await expect(page.getByTestId("channel-status").first()).toHaveText("Active");
  });
});

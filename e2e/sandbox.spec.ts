import { randomBytes } from "node:crypto";
import { processEnvironment } from "../server/env.js";
import { signIn } from "./support/helpers";
import { E2E_META_FAKE_VAR } from "./support/global-setup";
import { e2eState } from "./support/state";
import { expect, test, type APIRequestContext } from "./support/test";

/**
 * What the sandbox of `npm run dev` lets a person try, through the same loopback fakes the browser tests run
 * against: its BotFather, a customer's messages numbered as Telegram numbers them, a VK community confirmed as
 * VK confirms it, and a Messenger Page whose bot hands a thread to the team. (The Sandbox page itself exists only
 * in development; its buttons call exactly these fake endpoints.)
 */
const company = () => e2eState().companies.sandbox!;
const telegramFake = (path: string) => `${e2eState().telegramFakeUrl}/__fake/${path}`;
const vkFake = (path: string) => `${e2eState().vkFakeUrl}/__fake/${path}`;
const metaFake = (path: string) => `${processEnvironment()[E2E_META_FAKE_VAR]!}/__fake/${path}`;

async function post<T>(request: APIRequestContext, url: string, data: unknown): Promise<T> {
  const res = await request.post(url, { data });
  expect(res.ok()).toBe(true);
  return (await res.json()) as T;
}

test.describe("the sandbox", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, company().adminEmail, company().password);
  });

  test("the seeded losses emailed; the revoked bot's new token from BotFather reconnects it as @AcmeHelpBot, and 'connected again' is sent", async ({ page, request }) => {
    await page.goto(`${e2eState().baseURL}/settings/mailbox`);
    await expect(page.getByText("AcmeHelpBot lost its connection")).toBeVisible();
    await expect(page.getByText("@acme.store lost its connection")).toBeVisible();

    // BotFather lists each bot with its own name and the token that works now: the pre-broken bot's new one.
    const { bots } = (await (await request.get(telegramFake("bots"))).json()) as { bots: { id: string; username: string; token: string | null }[] };
    const help = bots.find((b) => b.id === "7000000002")!;
    expect(help.username).toBe("AcmeHelpBot");
    expect(help.token).toMatch(/^7000000002:/);
    expect(help.token).not.toBe("7000000002:revoked");

    await page.goto(`${e2eState().baseURL}/settings/channels`);
    await page.getByTestId("channel-row").filter({ hasText: "AcmeHelpBot" }).getByRole("link", { name: /Details/ }).click();
    await page.getByLabel(/New token of @AcmeHelpBot/).fill(help.token!);
    await page.getByRole("button", { name: "Reconnect" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Reconnected" })).toBeVisible();
    await expect(page.getByTestId("channel-status").first()).toHaveText("Active");

    // Each bot keeps its name: still one AcmeSupportBot, and AcmeHelpBot is Active.
    await page.goto(`${e2eState().baseURL}/settings/channels`);
    await expect(page.getByTestId("channel-row").filter({ hasText: "AcmeHelpBot" })).toContainText("Active");
    await expect(page.getByTestId("channel-row").filter({ hasText: "AcmeSupportBot" })).toHaveCount(1);
    await page.goto(`${e2eState().baseURL}/settings/mailbox`);
    await expect(page.getByText("AcmeHelpBot is connected again")).toBeVisible();
  });

  test("a customer's six quick messages show in the order they were written", async ({ page, request }) => {
    const botId = company().telegram.botToken.split(":")[0]!;
    const texts = ["one", "two", "three", "four", "five", "six"].map((w) => `Order question ${w}`);
    for (const text of texts) {
      const { outcome } = await post<{ outcome: string }>(request, telegramFake("write"), { botId, from: { id: 880_001, first_name: "Nadia", last_name: "Quick" }, text });
      expect(outcome).toBe("delivered");
    }
    await page.goto(`${e2eState().baseURL}/inbox`);
    await page.getByTestId("conversation-list").getByText("Nadia Quick").click();
    const thread = page.getByTestId("thread");
    await expect(thread.getByText(texts[5]!)).toBeVisible();
    await expect(thread.getByText(/^Order question/)).toHaveText(texts);
  });

  test("a VK community is connected and confirmed the way VK's Confirm does it, then a VK customer's message reaches the inbox", async ({ page, request }) => {
    const { community } = await post<{ community: { id: number; name: string; token: string; confirmationCode: string } }>(request, vkFake("community"), {});
    const secret = `sbx${randomBytes(6).toString("hex")}`;
    await page.goto(`${e2eState().baseURL}/settings/channels/connect/vk`);
    await page.getByLabel("Community ID").fill(String(community.id));
    await page.getByLabel("Confirmation string").fill(community.confirmationCode);
    await page.getByLabel("Access token").fill(community.token);
    await page.getByLabel("Secret key").fill(secret);
    await page.getByRole("button", { name: "Check and connect" }).click();
    await expect(page.getByText("Waiting for VK's confirmation request", { exact: false })).toBeVisible();
    const address = (await page.getByTestId("vk-webhook-url").textContent())!.trim();

    // "Confirm" in VK's Callback API tab: VK asks the address for the community's string.
    const { status } = await post<{ status: string }>(request, vkFake("confirm"), { groupId: community.id, url: address, secret });
    expect(status).toBe("ok");
    await expect(page.getByText("Confirmed: VK reached Switchboard", { exact: false })).toBeVisible();

    const { outcome } = await post<{ outcome: string }>(request, vkFake("write"), { groupId: community.id, from: { id: 612_345, first_name: "Pavel", last_name: "Sokolov" }, text: "Доставляете в Казань?" });
    expect(outcome).toBe("delivered");
    await page.goto(`${e2eState().baseURL}/inbox`);
    await expect(page.getByTestId("conversation-list").getByText("Доставляете в Казань?")).toBeVisible();
  });

  test("a Messenger customer asks for a person: the Page's bot passes the thread and it reaches the team", async ({ page, request, browser }) => {
    const pageId = "104000000000001-e2e-sandbox"; // the seeded Page of this company
    // Olena of the Support team is at her desk (her open tab reports in): routing hands the thread to her.
    const olena = await (await browser.newContext()).newPage();
    await signIn(olena, company().operatorEmail, company().password);
    await expect(olena.getByText("Live", { exact: true })).toBeVisible();
    const webhookUrl = `${e2eState().baseURL}/api/webhooks/meta`;
    const wrote = await post<{ outcome: string }>(request, metaFake("messenger/write"), { pageId, psid: "psid-1001", name: "Maria Lopez", text: "agent", webhookUrl });
    expect(wrote.outcome).toBe("delivered");
    const passed = await post<{ outcome: string }>(request, metaFake("messenger/handover"), { pageId, psid: "psid-1001", to: "us", botAppId: "730000000000001", webhookUrl });
    expect(passed.outcome).toBe("delivered");

    await page.goto(`${e2eState().baseURL}/inbox`);
    await page.getByRole("link", { name: /In progress/ }).or(page.getByRole("tab", { name: /In progress/ })).first().click();
    await page.getByTestId("conversation-list").getByText("Maria Lopez").click();
    const thread = page.getByTestId("thread");
    await expect(thread.getByText("agent", { exact: true })).toBeVisible();
    await expect(thread.getByTestId("system-note").filter({ hasText: "Bot handling is off: the thread was handed to Switchboard" })).toBeVisible();
    await expect(page.getByTestId("bot-off")).toBeVisible();
    await expect(thread.getByText(/^Routed to .+ \(team Support\)/)).toBeVisible();
    await olena.context().close();
  });
});

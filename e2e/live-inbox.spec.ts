import { readFileSync } from "node:fs";
import type { APIRequestContext, WebSocketRoute } from "@playwright/test";
import { formatMessageTime } from "../server/i18n/message-time";
import { expect, test, type Browser, type Page } from "./support/test";
import { postTelegramUpdate, signIn } from "./support/helpers";
import { e2eState } from "./support/state";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/telegram/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const company = () => e2eState().companies.live!;
const operatorB = () => company().operatorEmail.replace("operator@", "operator2@");

let updateId = 960000 + (Date.now() % 10_000) * 10;
let chatSeq = 0;

/** A customer of their own for each test (a private Telegram chat), who writes through the webhook as Telegram does. */
function customer(firstName: string) {
  const id = 890000000 + (Date.now() % 1_000_000) * 10 + chatSeq++;
  let messageId = 1;
  const chat = { id, first_name: firstName, last_name: "Live", type: "private" };
  return {
    name: `${firstName} Live`,
    async writes(request: APIRequestContext, text: string, sentAt = new Date()) {
      const res = await postTelegramUpdate(request, company().telegram.channelId, company().telegram.webhookSecret, {
        update_id: updateId++,
        message: { message_id: messageId++, date: Math.floor(sentAt.getTime() / 1000), chat, from: { id, is_bot: false, first_name: firstName }, text },
      });
      expect(res.status()).toBe(200);
    },
    /** my_chat_member: the customer blocks (kicked) or unblocks (member) the bot. */
    async setsBlocked(request: APIRequestContext, blocked: boolean) {
      const update = fixture("update_my_chat_member_blocked.json") as { my_chat_member: Record<string, unknown> };
      const member = update.my_chat_member;
      const res = await postTelegramUpdate(request, company().telegram.channelId, company().telegram.webhookSecret, {
        update_id: updateId++,
        my_chat_member: {
          ...member,
          chat,
          from: { id, is_bot: false, first_name: firstName },
          date: Math.floor(Date.now() / 1000),
          new_chat_member: { ...(member.new_chat_member as object), status: blocked ? "kicked" : "member" },
        },
      });
      expect(res.status()).toBe(200);
    },
  };
}

async function signInLive(page: Page, email = company().operatorEmail) {
  await signIn(page, email, company().password);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
}

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInLive(page, email);
  return page;
}

async function openConversation(page: Page, text: string, tab: "New" | "In progress" | "Closed" = "New") {
  await page.getByRole("tab", { name: new RegExp(`^${tab}`) }).click();
  await page.getByTestId("conversation-list").getByText(text).click();
  await expect(page.getByTestId("thread").getByText(text)).toBeVisible();
  return new URL(page.url()).searchParams.get("c")!;
}

test("the live dot follows the browser's network and the socket, and the inbox catches up at once when either is back", async ({ page, context, request }) => {
  let away = false;
  let refused = 0;
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/app\/[^/?]+/, (ws) => {
    if (away) {
      refused++;
      return void ws.close({ code: 1006, reason: "blocked" });
    }
    sockets.push(ws);
    ws.connectToServer();
  });
  await signInLive(page);
  const anna = customer("Offline");

  // The browser goes offline: said at once, not after the socket's 30-second ping.
  await context.setOffline(true);
  await expect(page.getByText("Offline — no internet connection", { exact: false })).toBeVisible();
  const whileOffline = `Written while you were offline ${Date.now()}`;
  await anna.writes(request, whileOffline);
  await context.setOffline(false);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  await expect(page.getByTestId("conversation-list").getByText(whileOffline)).toBeVisible();

  // Only the realtime socket is blocked: the dot says so; once it may connect again the inbox is live again soon,
  // not after pusher-js' backoff (15 s and more).
  away = true;
  for (const ws of sockets.splice(0)) await ws.close({ code: 1006, reason: "blocked" });
  await expect(page.getByText("Live", { exact: true })).toHaveCount(0);
  // pusher-js' quick retries (at once, 30 ms, 2 s) are refused; its next would come some 15 s later.
  await expect.poll(() => refused).toBeGreaterThanOrEqual(3);
  away = false;
  await expect(page.getByText("Live", { exact: true })).toBeVisible({ timeout: 10_000 });
  const afterSocket = `Written after the socket came back ${Date.now()}`;
  await anna.writes(request, afterSocket);
  await expect(page.getByTestId("conversation-list").getByText(afterSocket)).toBeVisible();
});

test("a closed thread follows the customer into their new conversation, and a refused reopen links to it", async ({ page, request }) => {
  await signInLive(page);
  const boris = customer("Returning");
  const first = `Where is my parcel? ${Date.now()}`;
  await boris.writes(request, first);
  const closedId = await openConversation(page, first);
  await page.getByRole("button", { name: "Close", exact: true }).click();
  await expect(page.getByText("Closed.", { exact: true })).toBeVisible();

  // The customer writes again: the open (closed) thread shows it and points at the new conversation, live.
  const again = `Hello again, any news? ${Date.now()}`;
  await boris.writes(request, again);
  const thread = page.getByTestId("thread");
  await expect(thread.getByText(again)).toBeVisible();
  const banner = page.getByTestId("continued-elsewhere");
  await expect(banner).toContainText("The customer wrote again");
  await expect(page.getByRole("button", { name: "Send" })).toHaveCount(0);

  // Reopen is refused, with the way to the open conversation.
  await page.getByRole("button", { name: "Reopen" }).click();
  const refusal = page.getByRole("group", { name: "Conversation actions" }).getByRole("status");
  await expect(refusal).toContainText("The customer already has a newer open conversation");
  await refusal.getByRole("link", { name: "Go to the open conversation" }).click();
  await expect(page).not.toHaveURL(new RegExp(`c=${closedId}`));
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();
  await expect(page.getByTestId("continued-elsewhere")).toHaveCount(0);
});

test("blocking and unblocking the bot shows live, and a send the messenger refuses as blocked marks the contact", async ({ page, request }) => {
  await signInLive(page);
  const vera = customer("Blocking");
  const text = `Stop writing to me ${Date.now()}`;
  await vera.writes(request, text);
  await openConversation(page, text);
  const composer = page.getByTestId("composer-state");
  await expect(composer).toHaveAttribute("data-state", "ready");

  await vera.setsBlocked(request, true);
  await expect(composer).toHaveAttribute("data-state", "blocked");
  await expect(page.getByTestId("thread-banner")).toContainText("The customer blocked the bot");
  await vera.setsBlocked(request, false);
  await expect(composer).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("thread-banner")).toHaveCount(0);

  // Telegram answers the next reply with 403 "bot was blocked by the user".
  await request.post(`${e2eState().telegramFakeUrl}/__fake/enqueue`, { data: { method: "sendMessage", status: 403, body: fixture("error_403_blocked_by_user.json") } });
  const reply = `Sorry to bother you ${Date.now()}`;
  await page.getByLabel("Reply").fill(reply);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("thread").getByText("The customer blocked the bot.")).toBeVisible();
  await expect(composer).toHaveAttribute("data-state", "blocked");
  // Their next message says they no longer block it.
  const back = `Ok, I am back ${Date.now()}`;
  await vera.writes(request, back);
  await expect(page.getByTestId("thread").getByText(back)).toBeVisible();
  await expect(composer).toHaveAttribute("data-state", "ready");
});

test("a reply that takes a New conversation or reopens a closed one leaves a note in the thread", async ({ page, request }) => {
  await signInLive(page);
  const gleb = customer("Noted");
  const text = `Is anyone there? ${Date.now()}`;
  await gleb.writes(request, text);
  await openConversation(page, text);
  const notes = page.getByTestId("thread").getByTestId("system-note");

  await page.getByLabel("Reply").fill(`Yes, here (${Date.now()})`);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(notes.filter({ hasText: "Olena Operator replied and took this conversation" })).toBeVisible();

  await page.getByRole("button", { name: "Close", exact: true }).click();
  await expect(page.getByText("Closed.", { exact: true })).toBeVisible();
  await page.getByLabel("Reply").fill(`One more thing (${Date.now()})`);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(notes.filter({ hasText: "Olena Operator replied and reopened this conversation" })).toBeVisible();
});

test("someone else's conversation: no plain Take, a warning before replying, and the second to reopen is told who", async ({ browser, request }) => {
  const a = await signedIn(browser, company().operatorEmail);
  const b = await signedIn(browser, operatorB());
  const dana = customer("Owned");
  const text = `Can I change my address? ${Date.now()}`;
  await dana.writes(request, text);
  const id = await openConversation(a, text);
  await a.getByRole("button", { name: "Take", exact: true }).click();
  await expect(a.getByText("You took this conversation.")).toBeVisible();

  await b.goto(`${e2eState().baseURL}/inbox?tab=in_progress&c=${id}`);
  await expect(b.getByTestId("thread").getByText(text)).toBeVisible();
  await expect(b.getByRole("button", { name: "Take", exact: true })).toHaveCount(0);
  await expect(b.getByTestId("assigned-warning")).toHaveText("This conversation is assigned to Olena Operator. Your reply goes out in their conversation.");
  await b.getByRole("button", { name: "Take over from Olena Operator" }).click();
  await expect(b.getByRole("alertdialog")).toContainText("Take this conversation over from Olena Operator?");
  await b.getByRole("button", { name: "Cancel" }).click();
  await expect(b.getByRole("alertdialog")).toHaveCount(0);

  // Closed; both look at it; B's screen misses A's reopen (its thread cannot refresh), and B reopens too.
  await a.getByRole("button", { name: "Close", exact: true }).click();
  await expect(a.getByText("Closed.", { exact: true })).toBeVisible();
  await expect(b.getByRole("button", { name: "Reopen" })).toBeVisible();
  await b.route(/\/api\/trpc\/[^?]*inbox\.thread/, (route) => route.abort());
  await a.getByRole("button", { name: "Reopen" }).click();
  await expect(a.getByText("Reopened.", { exact: true })).toBeVisible();
  await b.getByRole("button", { name: "Reopen" }).click();
  await expect(b.getByRole("group", { name: "Conversation actions" }).getByRole("status")).toContainText(/Already reopened by Olena Operator at \d/);

  await a.context().close();
  await b.context().close();
});

test("banning closes the open conversation; what the customer writes meanwhile is kept quietly on the line", async ({ browser, request }) => {
  const admin = await signedIn(browser, company().adminEmail);
  const egor = customer("Banned");
  const text = `Buy my stuff ${Date.now()}`;
  await egor.writes(request, text);
  const id = await openConversation(admin, text);
  await admin.getByRole("button", { name: "Ban contact" }).click();
  await admin.getByRole("button", { name: "Yes, ban" }).click();
  await expect(admin.getByText("The contact is banned.")).toBeVisible();
  const thread = admin.getByTestId("thread");
  await expect(thread.getByTestId("system-note").filter({ hasText: "Alex Admin banned this contact and closed the conversation" })).toBeVisible();
  // It leaves New at once: nobody waits on it.
  await expect(admin.getByTestId("conversation-list").getByText(text)).toHaveCount(0);

  const meanwhile = `Still selling ${Date.now()}`;
  await egor.writes(request, meanwhile);
  await expect(thread.getByText(meanwhile)).toBeVisible();
  await admin.getByRole("button", { name: "Unban contact" }).click();
  await expect(admin.getByText("The contact is no longer banned.")).toBeVisible();

  await admin.goto(`${e2eState().baseURL}/inbox?tab=closed&c=${id}`);
  const row = admin.getByTestId("conversation-row").filter({ hasText: egor.name });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Sales");
  await expect(row).not.toContainText("No line");
  await expect(row.getByText(/unread/)).toHaveCount(0);
  await expect(admin.getByTestId("thread").getByRole("separator")).toHaveCount(1);
  await admin.context().close();
});

test("a message recovered after an outage shows when the customer wrote it, and the wait counts from then", async ({ page, request }) => {
  await signInLive(page);
  const fedor = customer("Recovered");
  const writtenAt = new Date(Date.now() - 25 * 60_000);
  const text = `Written during the outage ${Date.now()}`;
  await fedor.writes(request, text, writtenAt);
  const row = page.getByTestId("conversation-row").filter({ hasText: text });
  await expect(row).toContainText(/Waiting 2[56] minutes/);
  await openConversation(page, text);
  const bubble = page.getByTestId("thread").locator("li").filter({ hasText: text });
  await expect(bubble.locator("time")).toHaveText(formatMessageTime("en", writtenAt));
});

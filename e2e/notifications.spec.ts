import type { APIRequestContext } from "@playwright/test";
import { expect, test, type Browser, type BrowserContext, type Page } from "./support/test";
import { postTelegramUpdate, signIn, telegramCalls } from "./support/helpers";
import { e2eState } from "./support/state";

// The seed's operators, both in the Support team that serves both lines: Olena Operator (operator@) and Oleg
// Operator (operator2@).
const company = () => e2eState().companies.notify!;
const olena = () => company().operatorEmail;
const oleg = () => company().operatorEmail.replace(/^operator@/, "operator2@");

type Shown = { title: string; body: string; tag: string; lang: string };
type Recorder = { shown: Notification[]; asked: number; chimes: number };

/**
 * A browser context whose pages record every desktop notification they construct and every permission request.
 * The page's own Notification is kept underneath: Notification.permission is the browser's real answer (the
 * context grants it), and the constructor is the real one.
 */
async function notifyingContext(browser: Browser, grant: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: e2eState().baseURL });
  if (grant) await context.grantPermissions(["notifications"], { origin: e2eState().baseURL });
  await context.addInitScript(() => {
    const Real = window.Notification;
    const recorder: Recorder = { shown: [], asked: 0, chimes: 0 };
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        recorder.shown.push(this);
      }
      static override requestPermission(callback?: NotificationPermissionCallback): Promise<NotificationPermission> {
        recorder.asked += 1;
        return Real.requestPermission(callback);
      }
    }
    Object.defineProperty(window, "Notification", { value: Recorded, configurable: true, writable: true });
    // The chime is made with WebAudio: each one opens an AudioContext.
    const RealAudio = window.AudioContext;
    class Chime extends RealAudio {
      constructor(options?: AudioContextOptions) {
        super(options);
        recorder.chimes += 1;
      }
    }
    Object.defineProperty(window, "AudioContext", { value: Chime, configurable: true, writable: true });
    (window as unknown as { __notifications: Recorder }).__notifications = recorder;
  });
  return context;
}

const shown = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __notifications: Recorder }).__notifications.shown.map((n): Shown => ({ title: n.title, body: n.body, tag: n.tag, lang: n.lang })),
  );
const asked = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: Recorder }).__notifications.asked);
const chimes = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: Recorder }).__notifications.chimes);

/**
 * The person looks elsewhere: the page stops pretending to have focus (Playwright emulates focus on every page by
 * default), and another page of the same browser comes to the front, so the inbox tab loses focus for real.
 */
async function lookAway(tab: Page, elsewhere: Page) {
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
  await elsewhere.bringToFront();
  await expect.poll(() => tab.evaluate(() => document.hasFocus())).toBe(false);
}

let updateId = 940000 + (Date.now() % 10_000) * 10;
async function customerWrites(request: APIRequestContext, firstName: string, text: string) {
  const id = 870000000 + (Date.now() % 1_000_000) * 10 + (updateId % 10);
  const chat = { id, first_name: firstName, type: "private" };
  const res = await postTelegramUpdate(request, company().telegram.channelId, company().telegram.webhookSecret, {
    update_id: updateId++,
    message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, from: { id, is_bot: false, first_name: firstName }, text },
  });
  expect(res.status()).toBe(200);
}

test("a note with @Oleg reaches Oleg as one desktop notification and a count in his tab's title, and is never sent to the customer", async ({ browser, request }) => {
  const olegContext = await notifyingContext(browser, true);
  const inbox = await olegContext.newPage();
  await signIn(inbox, oleg(), company().password);
  await expect(inbox.getByText("Live", { exact: true })).toBeVisible();
  // The browser already allows notifications, yet nothing asks and nothing shows until Oleg turns them on.
  expect(await asked(inbox)).toBe(0);

  const account = await olegContext.newPage();
  await account.goto("/account");
  const state = account.getByTestId("notifications-state");
  await expect(state).toHaveText("Off in this browser.");
  expect(await asked(account)).toBe(0);
  await account.getByRole("button", { name: "Turn on desktop notifications" }).click();
  await expect(state).toHaveText("On in this browser.");
  await expect(account.getByRole("button", { name: "Turn off" })).toBeVisible();

  // Oleg reads his account page; the inbox tab is not looked at.
  await lookAway(inbox, account);
  await expect(inbox).toHaveTitle("Inbox · Switchboard");

  const writer = await (await browser.newContext({ baseURL: e2eState().baseURL })).newPage();
  await signIn(writer, olena(), company().password);
  await expect(writer.getByText("Live", { exact: true })).toBeVisible();
  await writer.getByTestId("conversation-list").getByText("Ivan Petrov").first().click();
  await writer.getByRole("button", { name: "Note", exact: true }).click();
  const field = writer.getByLabel("Note for your team");
  await field.pressSequentially("@ole");
  await expect(writer.getByRole("listbox", { name: "People to mention" }).getByRole("option")).toHaveText(["@Oleg Operator"]);
  await field.press("Enter");
  const note = `Please call the customer about the refund (${Date.now()})`;
  await field.pressSequentially(note);
  await field.press("Enter");
  await expect(writer.getByTestId("private-note").filter({ hasText: note })).toBeVisible();
  const conversationId = new URL(writer.url()).searchParams.get("c");
  expect(conversationId).toBeTruthy();

  // One notification, in Oleg's language, from the tab he is not looking at; the title counts it.
  await expect(inbox).toHaveTitle("(1) Inbox · Switchboard");
  await expect.poll(() => shown(inbox)).toEqual([{ title: "You were mentioned", body: "Open it in Switchboard.", tag: `switchboard-${conversationId}`, lang: "en" }]);
  // The page he is looking at neither counts nor notifies.
  expect(await shown(account)).toEqual([]);
  await expect(account).not.toHaveTitle(/^\(\d+\)/);

  // Clicking the notification opens the conversation in that tab.
  await inbox.evaluate(() => {
    const note = (window as unknown as { __notifications: Recorder }).__notifications.shown[0]!;
    note.onclick?.call(note, new Event("click"));
  });
  await expect(inbox).toHaveURL(new RegExp(`[?&]c=${conversationId}`));
  await expect(inbox.getByTestId("thread").getByTestId("private-note").filter({ hasText: note })).toBeVisible();
  // Looked at again: the count goes.
  await inbox.bringToFront();
  await expect(inbox).toHaveTitle("Inbox · Switchboard");

  // The note never reached Telegram.
  const sent = (await telegramCalls(request)).filter((c) => c.token === company().telegram.botToken).map((c) => String(c.params.text ?? ""));
  expect(sent.filter((text) => text.includes(note) || text.includes("@Oleg"))).toEqual([]);
  await writer.context().close();
  await olegContext.close();
});

test("a customer's new conversation on Olena's line notifies her once, in Russian; with notifications off only the title counts", async ({ browser, request }) => {
  const context = await notifyingContext(browser, true);
  const account = await context.newPage();
  await signIn(account, olena(), company().password);
  await account.getByLabel("Language").selectOption("ru");
  await expect(account.getByRole("link", { name: "Входящие" })).toBeVisible();
  await account.goto("/account");
  const state = account.getByTestId("notifications-state");
  await expect(state).toHaveText("Выключены в этом браузере.");
  await account.getByRole("button", { name: "Включить уведомления" }).click();
  await expect(state).toHaveText("Включены в этом браузере.");
  await account.getByLabel("Со звуком").check();

  // Two inbox tabs, neither looked at: both count, one notifies and chimes.
  const tabs = [await context.newPage(), await context.newPage()];
  for (const tab of tabs) {
    await tab.goto("/inbox");
    await expect(tab.getByText("Онлайн", { exact: true })).toBeVisible();
    await lookAway(tab, account);
  }
  await customerWrites(request, "Stepan", "Notify: my parcel never came");
  for (const tab of tabs) await expect(tab).toHaveTitle("(1) Входящие · Switchboard");
  const all = async () => [...(await shown(tabs[0]!)), ...(await shown(tabs[1]!))];
  await expect.poll(all).toEqual([expect.objectContaining({ title: "Новый диалог", body: "Откройте его в Switchboard.", lang: "ru" })]);
  expect(await shown(account)).toEqual([]);
  expect((await chimes(tabs[0]!)) + (await chimes(tabs[1]!))).toBe(1);

  // Turned off on the account page: the next conversation only counts.
  await account.getByRole("button", { name: "Выключить" }).click();
  await expect(state).toHaveText("Выключены в этом браузере.");
  await customerWrites(request, "Galina", "Notify: wrong size delivered");
  for (const tab of tabs) await expect(tab).toHaveTitle("(2) Входящие · Switchboard");
  expect(await all()).toHaveLength(1);
  expect((await chimes(tabs[0]!)) + (await chimes(tabs[1]!))).toBe(1);
  expect(await asked(account)).toBe(0);
  await context.close();
});

test("without notifications turned on nothing is shown, and the title still counts", async ({ browser, request }) => {
  const context = await notifyingContext(browser, false);
  const inbox = await context.newPage();
  await signIn(inbox, oleg(), company().password);
  await expect(inbox.getByText("Live", { exact: true })).toBeVisible();
  const other = await context.newPage();
  await other.goto("/account");
  await expect(other.getByTestId("notifications-state")).toHaveText("Off in this browser.");
  await lookAway(inbox, other);

  await customerWrites(request, "Marta", "Notify: nobody answers the phone");
  await expect(inbox).toHaveTitle("(1) Inbox · Switchboard");
  expect(await shown(inbox)).toEqual([]);
  expect(await asked(inbox)).toBe(0);
  expect(await asked(other)).toBe(0);
  await context.close();
});

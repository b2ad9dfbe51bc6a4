/**
 * The production topology in a real browser (README: Production topology), on PostgreSQL: one shared realtime
 * server (`npm run realtime`) and two web instances (`npm start`, the production build) on one database, every
 * process given the same PUSHER_* values. Instance A is a full instance (its own ingest worker process, the queue
 * runner and pg-boss); instance B is web-only (JOBS_ENABLED=false). Each browser authorizes its socket through
 * its own instance's /api/realtime/auth and /api/realtime/user-auth and connects to the shared server.
 *
 * Needs TEST_DATABASE_URL (the main browser run's embedded PGlite serves one connection): it makes a database of
 * its own beside that one and drops it afterwards.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import type { Response, WebSocket } from "@playwright/test";
import { createDatabase } from "../db";
import { migrateDatabase } from "../db/migrate";
import { DEMO_PASSWORD, seedCompany, type SeededCompany } from "../db/seed";
import { prepareTelegramFake } from "../server/sandbox/prepare-telegram";
import { startTelegramFake, type TelegramFake } from "../server/sandbox/telegram-fake";
import { processEnvironment } from "../server/env.js";
import { freePort } from "./support/free-port";
import { readyAt, startNpmScript, stopServices, waitFor, type Service } from "./support/processes";
import { expect, test, type Browser, type BrowserContext, type Page } from "./support/test";

const vars = processEnvironment();
const TEST_DATABASE_URL = vars.TEST_DATABASE_URL;
const dbName = `e2e_topology_${randomBytes(5).toString("hex")}`;

let admin: postgres.Sql | undefined;
let telegram: TelegramFake | undefined;
const services: Service[] = [];
let realtime: { host: string; port: number };
let a: string;
let b: string;
let company: SeededCompany;
const contexts: BrowserContext[] = [];

test.describe.configure({ mode: "serial" });
test.skip(!TEST_DATABASE_URL, "needs PostgreSQL: set TEST_DATABASE_URL (the main browser run's embedded PGlite serves one connection, not two instances)");

test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(120_000);
  admin = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${dbName}`);
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();

  const [portA, portB, realtimePort] = [await freePort(), await freePort(), await freePort()];
  a = `http://localhost:${portA}`;
  b = `http://localhost:${portB}`;
  realtime = { host: "127.0.0.1", port: realtimePort };

  // The release step (README: `npm run db:migrate`), then one company, sealed with the key the instances get.
  await migrateDatabase(databaseUrl);
  telegram = await startTelegramFake();
  const { db, client } = createDatabase(databaseUrl, 1);
  try {
    company = await seedCompany(db, { slug: `topology-${randomBytes(3).toString("hex")}`, name: "Topology Co", metaAppConfigured: false });
    await prepareTelegramFake(db, telegram, a);
  } finally {
    await client.end({ timeout: 5 });
  }

  const pusher = { PUSHER_APP_ID: "topology", PUSHER_KEY: `key-${randomBytes(8).toString("hex")}`, PUSHER_SECRET: randomBytes(24).toString("hex") };
  services.push(startNpmScript("realtime server", ["run", "realtime"], { ...pusher, REALTIME_HOST: realtime.host, REALTIME_PORT: String(realtime.port) }));

  // One configuration for every instance (README: Production), apart from where each one is reached.
  const shared = {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: "4",
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    ENCRYPTION_KEY: vars.ENCRYPTION_KEY,
    ...pusher,
    PUSHER_HOST: realtime.host,
    PUSHER_PORT: String(realtime.port),
    PUSHER_USE_TLS: "false",
    TELEGRAM_API_BASE_URL: telegram.url,
    CHANNEL_PROBE_INTERVAL_SECONDS: "3600",
    RESEND_API_KEY: "",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const instance = (url: string, extra: Record<string, string> = {}) => ({ ...shared, PORT: new URL(url).port, APP_URL: url, NEXTAUTH_URL: url, ...extra });
  services.push(startNpmScript("instance A", ["start"], instance(a)));
  services.push(startNpmScript("instance B", ["start"], instance(b, { JOBS_ENABLED: "false" })));

  const [realtimeServer, instanceA, instanceB] = services as [Service, Service, Service];
  await waitFor(realtimeServer, "listening", () => realtimeServer.output().includes(`on ${realtime.host}:${realtime.port}`));
  await Promise.all([waitFor(instanceA, "readiness", readyAt(a)), waitFor(instanceB, "readiness", readyAt(b))]);
  // A full instance forks one ingest worker; the web-only one none: one worker in all.
  expect(instanceA.output()).toContain("ingest worker in its own process");
  expect(instanceB.output()).not.toContain("ingest worker in its own process");
});

test.afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await stopServices(services);
  await telegram?.close();
  if (admin) {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
});

type Browsing = { page: Page; realtimeAuth: { url: string; status: number; body: string }[]; sockets: string[] };

/** A person's browser on one instance: signed in, on the inbox, live. Records its realtime authorization and sockets. */
async function signedInOn(browser: Browser, origin: string, email: string): Promise<Browsing> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const seen: Browsing = { page, realtimeAuth: [], sockets: [] };
  page.on("response", (res: Response) => {
    if (/\/api\/realtime\/(user-)?auth$/.test(res.url())) seen.realtimeAuth.push({ url: res.url(), status: res.status(), body: res.request().postData() ?? "" });
  });
  page.on("websocket", (ws: WebSocket) => seen.sockets.push(ws.url()));
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`^${origin}/inbox`));
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  return seen;
}

/** The socket signed in and subscribed through `origin`'s own routes only, and connected to the shared server. */
async function expectRealtimeThrough(seen: Browsing, origin: string) {
  // "Live" waits for the subscription; the sign-in of the socket runs beside it.
  await expect(() => expectRealtimeSeen(seen, origin)).toPass({ timeout: 10_000 });
}

function expectRealtimeSeen(seen: Browsing, origin: string) {
  const routes = seen.realtimeAuth.map((r) => `${r.status} ${r.url}`);
  expect(routes).toContain(`200 ${origin}/api/realtime/user-auth`);
  expect(routes).toContain(`200 ${origin}/api/realtime/auth`);
  expect(seen.realtimeAuth.every((r) => r.url.startsWith(`${origin}/`))).toBe(true);
  const subscribed = seen.realtimeAuth.filter((r) => r.url === `${origin}/api/realtime/auth`).map((r) => new URLSearchParams(r.body).get("channel_name"));
  expect(subscribed).toContain(`private-company-${company.companyId}`);
  expect(seen.sockets.length).toBeGreaterThan(0);
  for (const socket of seen.sockets) expect(socket).toMatch(new RegExp(`^ws://${realtime.host}:${realtime.port}/app/`));
}

const chatId = 7_300_000_000 + Math.floor(Math.random() * 1_000_000);
let updateId = 930_000_000 + Math.floor(Math.random() * 1_000_000);
let messageId = 1;

/** A customer's Telegram message, posted to one instance's webhook exactly as Telegram does. */
async function customerWrites(origin: string, text: string) {
  const from = { id: chatId, is_bot: false, first_name: "Petra", last_name: "Topology" };
  const res = await fetch(`${origin}/api/webhooks/telegram/${company.telegram.channelId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": company.telegram.webhookSecret },
    body: JSON.stringify({ update_id: updateId++, message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { ...from, type: "private" }, from, text } }),
  });
  expect(res.status).toBe(200);
}

test("two instances, one worker, one shared realtime server: each browser hears what reached the other instance, and a reply sent on one goes out", async ({ browser }) => {
  const onA = await signedInOn(browser, a, company.operators[0]!.email);
  await expectRealtimeThrough(onA, a);

  // A customer writes; Telegram delivers to instance B. The browser on A shows it without a reload (the mark set
  // on this document now is still there at the end).
  await onA.page.evaluate(() => ((window as unknown as { topologyMark?: boolean }).topologyMark = true));
  const first = `Hello from Telegram via B ${randomBytes(3).toString("hex")}`;
  await customerWrites(b, first);
  await expect(onA.page.getByTestId("conversation-list").getByText(first)).toBeVisible();
  await onA.page.getByTestId("conversation-list").getByText(first).click();
  await expect(onA.page.getByTestId("thread").getByText(first)).toBeVisible();

  // The other way round: a browser on B hears a message delivered to instance A (and turned into a message by the
  // worker process), and so does the thread open on A.
  const onB = await signedInOn(browser, b, company.operators[1]!.email);
  await expectRealtimeThrough(onB, b);
  const second = `And again, via A ${randomBytes(3).toString("hex")}`;
  await customerWrites(a, second);
  await expect(onB.page.getByTestId("conversation-list").getByText(second)).toBeVisible();
  await expect(onA.page.getByTestId("thread").getByText(second)).toBeVisible();

  // A reply written on B (web-only: no queue runner) is sent by instance A's queue runner, and appears on A live.
  await onB.page.getByTestId("conversation-list").getByText(second).click();
  const reply = `Answered through B ${randomBytes(3).toString("hex")}`;
  await onB.page.getByLabel("Reply").fill(reply);
  await onB.page.getByRole("button", { name: "Send" }).click();
  await expect(onA.page.getByTestId("thread").getByText(reply)).toBeVisible();
  await expect
    .poll(() => telegram!.calls.filter((c) => c.method === "sendMessage" && c.params.text === reply).map((c) => String(c.params.chat_id)))
    .toEqual([String(chatId)]);
  await expect(onB.page.getByTestId("thread").getByTestId("delivery-status").last()).toHaveText("Sent");

  // Everything on A arrived live: the page never reloaded.
  expect(await onA.page.evaluate(() => (window as unknown as { topologyMark?: boolean }).topologyMark)).toBe(true);
});

/**
 * `npm run dev` / `npm start`: starts the embedded services this machine lacks, migrates, seeds the demo
 * company on an empty database, then runs Next.js. Ctrl+C stops everything.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { env, processEnvironment } from "../env.js";
import type { MetaGraphFake } from "../sandbox/meta-graph-fake";
import { prepareMetaFake } from "../sandbox/prepare-meta";
import { prepareTelegramFake } from "../sandbox/prepare-telegram";
import { prepareVkFake } from "../sandbox/prepare-vk";
import type { TelegramFake } from "../sandbox/telegram-fake";
import type { VkFake } from "../sandbox/vk-fake";
import { prepareFirstRun } from "./first-run";
import { startStack } from "./stack";

const mode = process.argv[2] === "start" ? "start" : "dev";
// The app's own origin follows the port it runs on: `PORT=3540 npm run dev` shows webhook URLs, signs in and
// out, and posts sandbox messages on :3540. APP_URL, when set, is the public origin and wins.
const early = processEnvironment();
if (!early.APP_URL && early.PORT) early.APP_URL = `http://localhost:${early.PORT}`;

// The Meta sandbox: in development with no Meta app configured, Facebook Login and the Graph API are a loopback
// fake, so the re-authorization wizard, Messenger and Instagram work offline. Off when real Meta settings are
// present; never in `npm start`. Decided before configuration is first read, so that this process (which seeds
// the demo) and the app agree that a Meta app is configured.
const metaSandbox =
  mode === "dev" && early.SANDBOX !== "off" && !early.META_APP_ID && !early.META_APP_SECRET && !early.META_GRAPH_API_BASE_URL && !early.META_OAUTH_DIALOG_URL;
const appEnv: Record<string, string> = {};
let metaFake: MetaGraphFake | undefined;
if (metaSandbox) {
  const { savedMetaAppSecret, startMetaGraphFake } = await import("../sandbox/meta-graph-fake");
  const appId = "100000000000999";
  // What the sandbox's "Facebook" issued is kept beside the embedded database, so a restart keeps the tokens the
  // wizard just received working (and the app secret they were issued under).
  const stateFile = path.join(early.DATA_DIR ?? ".data", "sandbox", "meta.json");
  const appSecret = savedMetaAppSecret(stateFile) ?? randomBytes(24).toString("hex");
  metaFake = await startMetaGraphFake({ appId, appSecret, stateFile });
  Object.assign(appEnv, {
    META_GRAPH_API_BASE_URL: metaFake.url,
    META_OAUTH_DIALOG_URL: metaFake.url,
    META_APP_ID: appId,
    META_APP_SECRET: appSecret,
    META_VERIFY_TOKEN: randomBytes(12).toString("hex"),
    SANDBOX_META_URL: metaFake.url,
  });
  Object.assign(early, appEnv);
  console.log(`switchboard: sandbox — Facebook Login and Graph API fake on ${metaFake.url} (no Meta app configured)`);
}

const port = Number(early.PORT ?? new URL(env().APP_URL).port) || 3000;
// next-auth builds its redirects from NEXTAUTH_URL and falls back to localhost:3000 without it.
early.NEXTAUTH_URL ??= env().APP_URL;

// The sandbox: in development with no Telegram API configured, replies go to a loopback Bot API fake, so the
// demo works offline and a fake token never reaches the real API. Never in `npm start`.
const vars = processEnvironment();
const sandbox = mode === "dev" && (env().SANDBOX === "on" || (env().SANDBOX === "auto" && !vars.TELEGRAM_API_BASE_URL));
let sandboxFake: TelegramFake | undefined;
if (sandbox) {
  const { startTelegramFake } = await import("../sandbox/telegram-fake");
  // Each token is its own bot, with a name of its own: three bots connected are three names, never three copies.
  const telegram = await startTelegramFake({ distinctNames: true });
  sandboxFake = telegram;
  appEnv.TELEGRAM_API_BASE_URL = telegram.url;
  appEnv.SANDBOX_TELEGRAM_URL = telegram.url;
  console.log(`switchboard: sandbox — Telegram Bot API fake on ${telegram.url}; write as a customer at /sandbox`);
}

// The VK sandbox: with no VK API configured, the VK API (and its Callback API confirmations) is a loopback fake, so
// connecting a community and its Confirm step work offline. Off with SANDBOX=off or a VK_API_BASE_URL; never in `npm start`.
let vkFake: VkFake | undefined;
if (mode === "dev" && env().SANDBOX !== "off" && !vars.VK_API_BASE_URL) {
  const { startVkFake } = await import("../sandbox/vk-fake");
  vkFake = await startVkFake();
  appEnv.VK_API_BASE_URL = vkFake.url;
  appEnv.SANDBOX_VK_URL = vkFake.url;
  console.log(`switchboard: sandbox — VK API fake on ${vkFake.url}; confirm a community and write as a VK customer at /sandbox`);
}

const stack = await startStack({
  mode,
  port,
  appEnv,
  prepare: async (db) => {
    const firstRun = await prepareFirstRun(db, mode);
    if (firstRun === "demo_created") console.log("switchboard: demo company created — sign in as admin@demo.switchboard.test / switchboard");
    if (firstRun === "needs_setup") console.log("switchboard: no company yet — create yours with `npm run setup` (README, Production)");
    if (sandboxFake) await prepareTelegramFake(db, sandboxFake, env().APP_URL);
    if (metaFake) await prepareMetaFake(db, metaFake.world);
    if (vkFake) await prepareVkFake(db, vkFake, env().APP_URL);
  },
}).catch((error: unknown) => {
  // A refusal (e.g. a second instance with realtime inside it) is a sentence for the operator, not a stack trace.
  console.error(`switchboard: cannot start — ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const stopFakes = () => Promise.all([sandboxFake?.close(), metaFake?.close(), vkFake?.close()]);
const shutdown = () => void stack.stop().then(stopFakes).then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
stack.app.on("exit", (code) => void stack.stop().then(() => process.exit(code ?? 0)));

/**
 * `npm run dev` / `npm start`: starts the embedded services this machine lacks, migrates, seeds the demo
 * company on an empty database, then runs Next.js. Ctrl+C stops everything.
 */
import { seedDemoIfEmpty } from "../../db/seed";
import { env, processEnvironment } from "../env.js";
import { prepareTelegramFake } from "../sandbox/prepare-telegram";
import type { TelegramFake } from "../sandbox/telegram-fake";
import { startStack } from "./stack";

const mode = process.argv[2] === "start" ? "start" : "dev";
// The app's own origin follows the port it runs on: `PORT=3540 npm run dev` shows webhook URLs, signs in and
// out, and posts sandbox messages on :3540. APP_URL, when set, is the public origin and wins.
const early = processEnvironment();
if (!early.APP_URL && early.PORT) early.APP_URL = `http://localhost:${early.PORT}`;
const port = Number(early.PORT ?? new URL(env().APP_URL).port) || 3000;
// next-auth builds its redirects from NEXTAUTH_URL and falls back to localhost:3000 without it.
early.NEXTAUTH_URL ??= env().APP_URL;

// The sandbox: in development with no Telegram API configured, replies go to a loopback Bot API fake, so the
// demo works offline and a fake token never reaches the real API. Never in `npm start`.
const vars = processEnvironment();
const sandbox = mode === "dev" && (env().SANDBOX === "on" || (env().SANDBOX === "auto" && !vars.TELEGRAM_API_BASE_URL));
const appEnv: Record<string, string> = {};
let sandboxFake: TelegramFake | undefined;
if (sandbox) {
  const { startTelegramFake } = await import("../sandbox/telegram-fake");
  const telegram = await startTelegramFake();
  sandboxFake = telegram;
  appEnv.TELEGRAM_API_BASE_URL = telegram.url;
  appEnv.SANDBOX_TELEGRAM_URL = telegram.url;
  console.log(`switchboard: sandbox — Telegram Bot API fake on ${telegram.url}; write as a customer at /sandbox`);
}

const stack = await startStack({
  mode,
  port,
  appEnv,
  prepare: async (db) => {
    if (await seedDemoIfEmpty(db)) console.log("switchboard: demo company created — sign in as admin@demo.switchboard.test / switchboard");
    if (sandboxFake) await prepareTelegramFake(db, sandboxFake, env().APP_URL);
  },
});

const shutdown = () => void stack.stop().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
stack.app.on("exit", (code) => void stack.stop().then(() => process.exit(code ?? 0)));

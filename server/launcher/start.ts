/**
 * `npm run dev` / `npm start`: starts the embedded services this machine lacks, migrates, seeds the demo
 * company on an empty database, then runs Next.js. Ctrl+C stops everything.
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db";
import { channels } from "../../db/schema";
import { seedDemoIfEmpty } from "../../db/seed";
import type { TelegramCredentials } from "../channels/telegram/adapter";
import { open } from "../crypto/secret-box";
import { env, processEnvironment } from "../env.js";
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
let sandboxUrl: string | undefined;
if (sandbox) {
  const { startTelegramFake } = await import("../../e2e/fakes/telegram-fake");
  const telegram = await startTelegramFake();
  sandboxUrl = telegram.url;
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
    if (sandboxUrl) await registerSandboxWebhooks(db, sandboxUrl);
  },
});

/** In the sandbox, the working bots' webhooks point at this app, as connecting them for real would (setWebhook). */
async function registerSandboxWebhooks(db: Database, telegramUrl: string) {
  const bots = await db.select().from(channels).where(and(eq(channels.provider, "telegram"), eq(channels.status, "active")));
  for (const bot of bots) {
    const { botToken, webhookSecret } = open<TelegramCredentials>(bot.credentials);
    await fetch(`${telegramUrl}/bot${botToken}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `${env().APP_URL}/api/webhooks/telegram/${bot.id}`, secret_token: webhookSecret }),
    });
  }
}
const shutdown = () => void stack.stop().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
stack.app.on("exit", (code) => void stack.stop().then(() => process.exit(code ?? 0)));

import { afterAll, inject } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../e2e/fakes/telegram-fake";
import { closeDatabase } from "../../db";
import { processEnvironment } from "../env.js";
import { stopJobRunner } from "../jobs/runner";

// Before any app module reads configuration: point the app at the test database and the loopback fakes.
const vars = processEnvironment();
vars.DATABASE_URL = inject("databaseUrl");
vars.DATABASE_POOL_MAX = String(inject("databasePoolMax"));
vars.LOG_LEVEL = "silent";
vars.PUSHER_APP_ID = "test";
vars.PUSHER_KEY = "test-key";
vars.PUSHER_SECRET = "test-secret";
vars.PUSHER_HOST = "127.0.0.1";
vars.PUSHER_PORT = "9"; // discard port: publishing fails fast and, by design, never fails the caller
vars.PUSHER_USE_TLS = "false";

export const telegramFake: TelegramFake = await startTelegramFake();
vars.TELEGRAM_API_BASE_URL = telegramFake.url;

afterAll(async () => {
  stopJobRunner();
  await telegramFake.close();
  await closeDatabase();
});

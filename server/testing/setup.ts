import { afterAll, inject } from "vitest";
import { startMetaGraphFake, type MetaGraphFake } from "../sandbox/meta-graph-fake";
import { startTelegramFake, type TelegramFake } from "../sandbox/telegram-fake";
import { startVkFake, type VkFake } from "../sandbox/vk-fake";
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
// Attachment downloads may only reach loopback servers the tests start, never the fixtures' CDN hosts.
vars.META_MEDIA_HOSTS = "127.0.0.1";
vars.VK_MEDIA_HOSTS = "127.0.0.1";

export const telegramFake: TelegramFake = await startTelegramFake();
vars.TELEGRAM_API_BASE_URL = telegramFake.url;
export const vkFake: VkFake = await startVkFake();
vars.VK_API_BASE_URL = vkFake.url;
export const metaGraphFake: MetaGraphFake = await startMetaGraphFake();
vars.META_GRAPH_API_BASE_URL = metaGraphFake.url;
vars.META_APP_SECRET = "fake_app_secret_for_tests_only"; // the secret e2e/fixtures/meta/signatures.json was made with
vars.META_VERIFY_TOKEN = "test-verify-token";
vars.META_APP_ID = "900000000000001";

afterAll(async () => {
  stopJobRunner();
  await telegramFake.close();
  await vkFake.close();
  await metaGraphFake.close();
  await closeDatabase();
});

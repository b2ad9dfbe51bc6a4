import { randomBytes, randomInt } from "node:crypto";
import { db } from "../../db";
import { channels } from "../../db/schema";
import { signMetaBody } from "../channels/meta/signature";
import { seal } from "../crypto/secret-box";
import { env } from "../env.js";
import { seedTestCompany } from "./factories";
import { handleMetaWebhook } from "../webhooks/meta";
import { TELEGRAM_SECRET_HEADER, handleTelegramWebhook } from "../webhooks/telegram";
import { handleVkWebhook } from "../webhooks/vk";

/**
 * Tests: a company whose Telegram bot, Messenger Page, Instagram account and VK community all have ids
 * no other test uses, so any body can be posted to every route without touching another test's rows.
 */
export async function webhookCompany() {
  const co = await seedTestCompany();
  const numericId = () => String(randomInt(1, 2 ** 47));
  const pageId = numericId();
  const igId = numericId();
  const groupId = String(randomInt(1, 2 ** 31 - 1));
  const vkSecret = randomBytes(12).toString("hex");
  const lineId = co.lineIds[0]!;
  const [page, ig, vk] = await db
    .insert(channels)
    .values([
      { companyId: co.companyId, lineId, provider: "messenger", name: "Hostile Page", externalId: pageId, credentials: seal({ pageToken: "EAAtest" }), settings: {} },
      { companyId: co.companyId, lineId, provider: "instagram", name: "@hostile", externalId: igId, credentials: seal({ pageToken: "EAAtest" }), settings: { linkedPageId: pageId } },
      { companyId: co.companyId, lineId, provider: "vk", name: "Hostile VK", externalId: groupId, credentials: seal({ accessToken: "vk1.a.test", secret: vkSecret }), settings: { vkConfirmationCode: "abc123" } },
    ])
    .returning();
  return {
    co,
    telegram: { channelId: co.telegram.channelId, secret: co.telegram.webhookSecret },
    meta: { pageChannelId: page!.id, pageId, igChannelId: ig!.id, igId },
    vk: { channelId: vk!.id, groupId: Number(groupId), secret: vkSecret },
  };
}

type Body = string | Uint8Array<ArrayBuffer>;
const request = (path: string, body: Body, headers: Record<string, string>) => new Request(`http://localhost${path}`, { method: "POST", headers, body });

export function postTelegram(channelId: string, secret: string | null, body: Body, headers: Record<string, string> = { "content-type": "application/json" }) {
  return handleTelegramWebhook(channelId, request(`/api/webhooks/telegram/${channelId}`, body, { ...headers, ...(secret !== null ? { [TELEGRAM_SECRET_HEADER]: secret } : {}) }));
}

export function postVk(channelId: string, body: Body, headers: Record<string, string> = { "content-type": "application/json" }) {
  return handleVkWebhook(channelId, request(`/api/webhooks/vk/${channelId}`, body, headers));
}

/** `signature`: true signs with the configured app secret, a string is sent as is, null sends none. */
export function postMeta(body: Body, signature: true | string | null, headers: Record<string, string> = { "content-type": "application/json" }) {
  const header = signature === true ? signMetaBody(body, env().META_APP_SECRET!) : signature;
  return handleMetaWebhook(request("/api/webhooks/meta", body, { ...headers, ...(header !== null ? { "x-hub-signature-256": header } : {}) }));
}
